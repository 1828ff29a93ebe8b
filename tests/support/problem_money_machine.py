"""The money state machine with a problem's escrow (ADR 0005): the contract machine's rules and checks
(tests/support/money_machine.py), and one $3,000 problem of Carol's with three internal micro-tasks (audit $500,
content $1,500, ads $1,000) that Ken and Kim bid on.

The problem is funded once (Stripe answering at once, or the card confirmed in the browser and the webhook delivered
late, twice, out of order by the machine's event rules; the `publish_problem` job posts its listings), its bids are
accepted and funded from its escrow (or refused when the escrow cannot cover them; two accepts at once), its contracts
accepted, delivered, approved, withdrawn, cancelled by agreement or left to expire (the escrow goes back to the
problem, never to a card), its micro-tasks cancelled with their share going to the owner or to the other tasks, and
its remainder returned either way; Stripe's side refunds its payment in the dashboard and disputes it.

After every step (`check_problems`): per problem, what its payments brought in less what went back equals what its
escrow, its contracts' escrows, their releases, the surplus owed back and the dispute hold keep, less the platform's
loss; the micro-tasks' shares sum to the plan's budget plus what was shared out to them; tasks and contracts agree;
no refund is left counted as under way; and the ledger's own reconciliation finds nothing wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import ClassVar, Protocol

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, ValidationFailed
from jtbd_app.domain.money import amount_input
from jtbd_app.models import Bid, Contract, Listing, MicroTask, Payment, Problem
from jtbd_app.services.contracts import cancellation, deliveries, lifecycle
from jtbd_app.services.contracts.problem_money import FINISHED, HIRING
from jtbd_app.services.ledger import reconciliation
from jtbd_app.services.marketplace import bids
from jtbd_app.services.ports import PaymentStart
from jtbd_app.services.problems import problem_funding, problem_returns
from jtbd_app.services.viewer import Viewer
from tests.support.gateways import ScriptedGateway, StripeModel
from tests.support.money_machine import (
    CARDS,
    GOOD_CARD,
    PART,
    PICK,
    WITHOUT,
    Books,
    GatewayMoney,
    World,
    charges_for,
    check_replayed,
    enabled,
    logged,
    part_of,
    replayed_start,
)
from tests.support.problem_money import ProblemDeal

KEYS = st.sampled_from(["audit", "content", "ads"])
TO = st.sampled_from(["client", "tasks"])
PRICE = st.sampled_from(["below", "share", "above", "beyond the escrow"])
TO_BE_HIRED = problem_returns.TO_BE_HIRED
ENDED_UNRELEASED = ("cancelled", "expired")


class ProblemWorld(World, Protocol):
    @property
    def problem(self) -> ProblemDeal: ...


def price_for(kind: str, share: int, available: int) -> int:
    return {
        "below": share * 9 // 10,
        "share": share,
        "above": share + share // 5,
        "beyond the escrow": available + 100,
    }[kind]


class ProblemMoney(GatewayMoney):
    world: ClassVar[ProblemWorld]  # type: ignore[misc]
    # The app's whole job table (trust.jobs, as bootstrap runs it): a problem's contract may be disputed, and its
    # deadlines are the disputes' jobs (the problems' own table left them without a handler).

    def __init__(self) -> None:
        super().__init__()
        self.plan_total = 0  # the shares' sum when the sequence began
        self.shared_out = 0  # what returning the remainder "to the tasks" added to their shares since
        self.overdrawn = False  # a bid above its task's share took other tasks' money (the ADR allows it)
        self.outside = False  # the problem's payment was refunded or disputed at Stripe, not by the owner

    # ---- helpers -------------------------------------------------------------------------------------------

    @property
    def deal(self) -> ProblemDeal:
        return self.world.problem

    def problem(self) -> Problem:
        return self.deal.load()

    def tasks(self) -> dict[str, MicroTask]:
        return self.deal.tasks()

    def bidder(self, b: int) -> Viewer:
        return self.contractors[b % 2]

    def problem_contracts(self) -> list[Contract]:
        with session_scope() as session:
            query = select(Contract).where(Contract.problem_id == self.deal.problem_id).order_by(col(Contract.id))
            return list(session.exec(query).all())

    def pick_contract(self, pick: int, *statuses: str) -> Contract | None:
        found = [c for c in self.problem_contracts() if c.status in statuses]
        return found[pick % len(found)] if found else None

    def party(self, contract: Contract, who: str) -> Viewer:
        if who == "client":
            return self.deal.owner
        return next(v for v in self.contractors if v.user_id == contract.contractor_id)

    def escrow_now(self) -> int:
        with session_scope() as session:
            return problem_held(Books.read(session), self.deal.problem_id)

    def available(self) -> int:
        return max(0, self.escrow_now() - self.problem().returning_minor)

    def free(self, also: int = 0) -> int:
        """What no task still to be hire needs (with `also` of their shares needed no more)."""
        needed = sum(t.budget_minor for t in self.tasks().values() if t.status in TO_BE_HIRED)
        return max(0, self.available() - needed + also)

    def refunded_at_stripe(self) -> int:
        return sum(i.refunded for i in self.gateway.intents.values() if i.problem_id == self.deal.problem_id)

    def problem_intents(self) -> list[str]:
        """The problem's charges at Stripe, the one that funded its escrow first."""
        with session_scope() as session:
            first = session.exec(
                select(Payment.external_id).where(
                    Payment.problem_id == self.deal.problem_id, col(Payment.status).in_(("succeeded", "refunded"))
                )
            ).first()
        ids = [
            i.id
            for i in self.gateway.intents.values()
            if i.problem_id == self.deal.problem_id and i.status == "succeeded"
        ]
        if first in ids:
            ids.remove(first)
            ids.insert(0, first)
        return ids

    def refund_goes_through(self, amount: int) -> bool:
        with session_scope() as session:
            payment = session.exec(
                select(Payment)
                .where(Payment.problem_id == self.deal.problem_id, col(Payment.status).in_(("succeeded", "refunded")))
                .order_by(col(Payment.id))
            ).first()
        intent = self.gateway.charge_of(payment.external_id or "") if payment else None
        return (
            payment is not None
            and intent is not None
            and intent.dispute is None
            and amount <= payment.amount_minor - payment.refunded_minor
            and amount <= intent.amount - intent.refunded
            and not (self.gateway.refunds_fail or self.gateway.answers_lost)
        )

    def funding(self, who: str, card: str) -> Callable[[], problem_funding.ProblemFundingOutcome]:
        viewer = self.deal.owner if who == "client" else self.world.stranger
        return lambda: self.run(
            problem_funding.fund_problem(
                session_factory=session_scope,
                gateway=self.gateway,
                viewer=viewer,
                problem_id=self.deal.problem_id,
                test_card=card,
            )
        )

    def place_bid(self, key: str, b: int, amount_minor: int) -> int | None:
        task = self.tasks()[key]
        if task.listing_id is None:
            return None

        def place() -> int:
            with session_scope() as session:
                return bids.place_bid(
                    session,
                    viewer=self.bidder(b),
                    listing_id=task.listing_id,
                    values={
                        "amount": amount_input(amount_minor, "USD"),
                        "message": "I can do this task well.",
                        "delivery_days": "5",
                    },
                )

        placed = self.attempt(place)
        return None if isinstance(placed, DomainError) else placed

    def accepting(self, bid_id: int) -> Callable[[], int]:
        def accept() -> int:
            with session_scope() as session:
                return bids.accept_bid(session, viewer=self.deal.owner, bid_id=bid_id)

        return accept

    def accept_terms(self, contract_id: int, viewer: Viewer) -> object:
        def accept() -> bool:
            with session_scope() as session:
                return lifecycle.accept_terms(session, viewer=viewer, contract_id=contract_id, version=1)

        return self.attempt(accept)

    # ---- where each sequence starts --------------------------------------------------------------------------

    @initialize(
        phase=st.sampled_from(["planned", "funded", "hired"]),
        onboarded=st.tuples(st.booleans(), st.booleans()),
    )
    @logged
    def start(self, phase: str, onboarded: tuple[bool, bool]) -> None:  # type: ignore[override]
        """The three contracts agreed; the problem planned, funded (its listings posted), or with its audit hired
        (Ken at $450, both accepted); each contractor with or without payouts."""
        start = ("problem", phase, *("onboarded" if yes else "not onboarded" for yes in onboarded))
        self.begin(start, lambda: self.build_problem_start(phase, onboarded))
        self.plan_total = sum(t.budget_minor for t in self.tasks().values())

    def build_problem_start(self, phase: str, onboarded: tuple[bool, bool]) -> None:
        self.build_start(("agreed", "agreed", "agreed"), onboarded)
        if phase == "planned":
            return
        assert self.funding("client", GOOD_CARD)().status == "funded"
        if phase == "hired":
            bid_id = self.place_bid("audit", 0, 45_000)
            assert bid_id is not None
            contract_id = self.accepting(bid_id)()
            for viewer in (self.deal.owner, self.bidder(0)):
                self.accept_terms(contract_id, viewer)

    # ---- the owner funds the problem ---------------------------------------------------------------------------

    @rule(
        at_once=st.booleans(),
        who=st.sampled_from(["client", "client", "client", "stranger"]),
        card=st.sampled_from(CARDS),
    )
    @logged
    def fund_the_problem(self, at_once: bool, who: str, card: str) -> None:
        """Stripe answers at once, or the card is confirmed in the browser later (the events rules deliver it)."""
        before = self.problem()
        confirming = any(p.status == "pending" and p.external_id for p in self.deal.payments())
        replay, charges = self.paying_the_problem_again(who), charges_for(self.gateway, self.owner)
        self.gateway.confirm_by_webhook = not at_once
        try:
            outcome = self.attempt(self.funding(who, card))
        finally:
            self.gateway.confirm_by_webhook = False
        if replay is not None:
            status = check_replayed(outcome, replay, (charges, charges_for(self.gateway, self.owner)), "fund again")
            assert (self.problem().status == "published") == (status == "funded")
            return
        allowed = (
            before.status == "planned"
            and not confirming
            and card == GOOD_CARD
            and not (self.gateway.payments_fail or self.gateway.answers_lost)
        )
        expected = NotFound if who == "stranger" else (None if allowed else ValidationFailed)
        if self.expect(outcome, expected, "fund the problem") and who == "client":
            assert isinstance(outcome, problem_funding.ProblemFundingOutcome)
            if at_once:
                assert outcome.status == "funded" and self.problem().status == "published", outcome
                assert self.escrow_now() == before.budget_minor
            else:
                assert outcome.status == "requires_action" and self.problem().status == "planned"

    @rule()
    @logged
    def fund_the_problem_again_from_a_second_tab(self) -> None:
        replay = self.paying_the_problem_again("client")
        self.attempt(self.funding("client", GOOD_CARD))
        second = self.attempt(self.funding("client", GOOD_CARD))
        if replay is None or replay.status == "succeeded":  # else the first tab did not fund it: the second one may
            self.expect(second, ValidationFailed, "fund the problem twice")

    @property
    def owner(self) -> tuple[str, int]:
        return ("problem", self.deal.problem_id)

    def paying_the_problem_again(self, who: str) -> PaymentStart | None:
        """The lost answer that the owner's payment will get again, when it reaches Stripe."""
        if who != "client" or self.problem().status != "planned" or self.payments_in_trouble:
            return None
        return replayed_start(self.gateway, self.owner)

    # ---- hiring from the problem's escrow ----------------------------------------------------------------------

    @rule(key=KEYS, b=st.integers(0, 1), price=PRICE, both_accept=st.booleans())
    @logged
    def a_bid_is_accepted(self, key: str, b: int, price: str, both_accept: bool) -> None:
        """A contractor bids on a micro-task's listing and the owner accepts: its contract is funded from the
        problem's escrow, or the accept is refused and nothing is stored when the escrow cannot cover it."""
        task = self.tasks()[key]
        amount = price_for(price, task.budget_minor, self.available())
        bid_id = self.place_bid(key, b, amount)
        if bid_id is None:
            return
        problem, escrow, available = self.problem(), self.escrow_now(), self.available()
        outcome = self.attempt(self.accepting(bid_id))
        allowed = problem.status in HIRING and amount <= available
        if self.expect(outcome, None if allowed else ValidationFailed, "accept a bid on the problem"):
            assert isinstance(outcome, int)
            contract, after = self.load_contract(outcome), self.tasks()[key]
            assert (contract.funding_source, contract.status) == ("problem", "awaiting_acceptance"), contract
            assert (after.status, after.contract_id) == ("contracted", outcome)
            assert self.escrow_now() == escrow - amount
            self.overdrawn = self.overdrawn or amount > task.budget_minor
            if both_accept:
                for viewer in (self.deal.owner, self.bidder(b)):
                    self.accept_terms(outcome, viewer)
                assert self.load_contract(outcome).status == "funded"
        else:
            assert self.escrow_now() == escrow, "a refused accept moved money"
            assert self.tasks()[key].status == task.status
            with session_scope() as session:
                assert session.get(Bid, bid_id).status == "pending"  # type: ignore[union-attr]
                assert session.get(Listing, task.listing_id).status == "open"  # type: ignore[union-attr]

    @precondition(enabled("concurrency"))
    @rule(keys=st.permutations(["audit", "content", "ads"]), price=PRICE)
    @logged
    def two_bids_accepted_at_once(self, keys: list[str], price: str) -> None:
        """Ken's bid on one task and Kim's on another accepted at the same moment: never both when the escrow holds
        only one of them (two accepts can never promise the same money)."""
        tasks, available = self.tasks(), self.available()
        amounts = [price_for(price, tasks[k].budget_minor, available) for k in keys[:2]]
        placed = [self.place_bid(k, b, a) for b, (k, a) in enumerate(zip(keys[:2], amounts, strict=True))]
        if None in placed:
            return
        escrow = self.escrow_now()
        outcomes = self.together(*(self.accepting(bid_id) for bid_id in placed if bid_id is not None))
        done = [a for a, o in zip(amounts, outcomes, strict=True) if isinstance(o, int)]
        for outcome in outcomes:
            assert isinstance(outcome, int | ValidationFailed), f"an accept at once failed: {outcome!r}"
        assert self.escrow_now() == escrow - sum(done)
        if self.problem().status in HIRING and sum(amounts) <= available:
            assert len(done) == 2, f"both fit in {available} but only {done} of {amounts} were accepted: {outcomes}"
        elif self.problem().status in HIRING and any(a <= available for a in amounts):
            assert done, f"neither of {amounts} was accepted with {available} available: {outcomes}"
        self.overdrawn = self.overdrawn or any(
            a > tasks[k].budget_minor for a, k, o in zip(amounts, keys, outcomes, strict=False) if isinstance(o, int)
        )

    def load_contract(self, contract_id: int) -> Contract:
        with session_scope() as session:
            found = session.get(Contract, contract_id)
            assert found is not None
            return found

    @rule(pick=PICK, revise=st.booleans())
    @logged
    def a_problem_contract_moves_on(self, pick: int, revise: bool) -> None:
        """The next step of one of the problem's contracts: both accept its terms, the contractor delivers, the
        owner approves (the release pays the contractor as for any contract) or asks for a revision."""
        contract = self.pick_contract(pick, "awaiting_acceptance", "funded", "revision_requested", "delivered")
        if contract is None or contract.release_frozen:
            return
        assert contract.id is not None
        owner, contractor = self.party(contract, "client"), self.party(contract, "contractor")
        if contract.status == "awaiting_acceptance":
            for viewer in (owner, contractor):
                self.accept_terms(contract.id, viewer)
            assert self.load_contract(contract.id).status == "funded"
        elif contract.status in ("funded", "revision_requested"):
            with session_scope() as session:
                deliveries.submit_delivery(session, viewer=contractor, contract_id=contract.id, message="Done.")
        elif revise and contract.revisions_used < contract.max_revisions:
            with session_scope() as session:
                deliveries.request_revision(
                    session, viewer=owner, contract_id=contract.id, reason="Not yet.", criterion=0
                )
        else:
            with session_scope() as session:
                deliveries.approve_delivery(session, viewer=owner, contract_id=contract.id)
            assert self.load_contract(contract.id).status == "completed"
            task = next(t for t in self.tasks().values() if t.id == contract.micro_task_id)
            assert task.status == "done", task

    @rule(pick=PICK, asker=st.sampled_from(["client", "contractor"]))
    @logged
    def a_problem_contract_is_cancelled(self, pick: int, asker: str) -> None:
        """Withdrawn before both accepted, or cancelled by agreement while funded: the escrow goes back to the
        problem (never a card refund) and the micro-task is open for hiring again."""
        contract = self.pick_contract(pick, "awaiting_acceptance", "funded")
        if contract is None or contract.release_frozen:
            return
        assert contract.id is not None
        escrow, refunded = self.escrow_now(), self.refunded_at_stripe()
        with session_scope() as session:
            cancellation.request_cancellation(session, viewer=self.party(contract, asker), contract_id=contract.id)
        if contract.status == "funded":
            other = self.party(contract, "contractor" if asker == "client" else "client")
            self.run(
                cancellation.agree_cancellation(
                    session_factory=session_scope, gateway=self.gateway, viewer=other, contract_id=contract.id
                )
            )
        assert self.load_contract(contract.id).status == "cancelled"
        assert self.escrow_now() == escrow + contract.amount_minor
        assert self.refunded_at_stripe() == refunded, "a problem's contract was refunded to a card"
        task = next(t for t in self.tasks().values() if t.id == contract.micro_task_id)
        assert (task.status, task.contract_id) == ("open", None), task

    # ---- what is left ----------------------------------------------------------------------------------------

    @rule(key=KEYS, to=TO)
    @logged
    def the_owner_cancels_a_task(self, key: str, to: str) -> None:
        """A task not hired yet is cancelled; its share goes back to the owner (a refund) or to the open tasks."""
        problem, before = self.problem(), self.tasks()
        task, escrow = before[key], self.escrow_now()
        free = self.free(also=task.budget_minor)  # what goes back when it is cancelled
        takers = [t for k, t in before.items() if k != key and t.status == "open"]
        goes_through = self.refund_goes_through(free)
        outcome = self.attempt(
            lambda: self.run(
                problem_returns.cancel_task(
                    session_factory=session_scope,
                    gateway=self.gateway,
                    viewer=self.deal.owner,
                    problem_id=self.deal.problem_id,
                    task_key=key,
                    to=to,
                )
            )
        )
        cancellable = problem.status in problem_returns.FUNDED and task.status in TO_BE_HIRED
        allowed = cancellable and (bool(takers) if to == "tasks" else goes_through and free > 0)
        if self.expect(outcome, None if allowed else ValidationFailed, f"cancel a task to the {to}"):
            after = self.tasks()
            assert after[key].status == "cancelled"
            if to == "tasks":
                assert outcome == task.budget_minor and after[key].budget_minor == 0
                grown = sum(after[t.key].budget_minor - t.budget_minor for t in takers)
                assert grown == task.budget_minor, f"the tasks grew by {grown}, not {task.budget_minor}"
                assert self.escrow_now() == escrow
            else:
                assert outcome == free, (outcome, free, task.budget_minor)
                assert self.escrow_now() == escrow - outcome
        elif cancellable and to == "client":  # cancelled, but the refund could not be made: the share stays free
            assert self.tasks()[key].status == "cancelled" and "is cancelled" in str(outcome), outcome
            assert self.escrow_now() == escrow and self.problem().returning_minor == 0
        else:
            assert self.tasks()[key].status == task.status, f"a refused cancel still cancelled “{key}”: {outcome}"
            assert self.escrow_now() == escrow

    @rule(to=TO)
    @logged
    def the_owner_returns_the_remainder(self, to: str) -> None:
        problem, before, escrow, free = self.problem(), self.tasks(), self.escrow_now(), self.free()
        goes_through = self.refund_goes_through(free)
        outcome = self.attempt(
            lambda: self.run(
                problem_returns.return_remainder(
                    session_factory=session_scope,
                    gateway=self.gateway,
                    viewer=self.deal.owner,
                    problem_id=self.deal.problem_id,
                    to=to,
                )
            )
        )
        takers = [t for t in before.values() if t.status == "open"]
        allowed = (
            problem.status in problem_returns.FUNDED and free > 0 and (bool(takers) if to == "tasks" else goes_through)
        )
        if self.expect(outcome, None if allowed else ValidationFailed, f"return the remainder to the {to}"):
            assert outcome == free, (outcome, free)
            after = self.tasks()
            if to == "tasks":
                assert sum(after[t.key].budget_minor - t.budget_minor for t in takers) == free
                assert self.escrow_now() == escrow
                self.shared_out += free
            else:
                assert self.escrow_now() == escrow - free
        else:
            assert self.escrow_now() == escrow and self.problem().returning_minor == 0

    # ---- Stripe's side of the problem's payment ----------------------------------------------------------------

    @precondition(enabled("dashboard_refunds"))
    @rule(part=PART, which=st.integers(0, 1))
    @logged
    def the_problems_payment_is_refunded_in_the_dashboard(self, part: str, which: int) -> None:
        intents = self.problem_intents()
        if intents:
            intent = self.gateway.intents[intents[which % len(intents)]]
            self.outside = self.gateway.dashboard_refund(intent.id, part_of(intent.amount, part)) or self.outside

    @precondition(enabled("disputes"))
    @rule(which=st.integers(0, 1), close=st.sampled_from(["open", "won", "lost"]))
    @logged
    def the_problems_payment_is_disputed(self, which: int, close: str) -> None:
        intents = self.problem_intents()
        if not intents:
            return
        intent = intents[which % len(intents)]
        if close == "open":
            self.outside = self.gateway.open_dispute(intent) or self.outside
        else:
            self.gateway.close_dispute(intent, won=close == "won")

    # ---- after every step ----------------------------------------------------------------------------------

    @invariant()
    def the_problems_books_hold(self) -> None:
        with session_scope() as session:
            books = Books.read(session)
            problems = list(session.exec(select(Problem)).all())
            tasks = list(session.exec(select(MicroTask)).all())
            listings = {x.id: x for x in session.exec(select(Listing).where(col(Listing.problem_id).is_not(None)))}
        try:
            check_problems(books, problems, tasks, listings, self.gateway)
            check_shares(tasks, self.deal.problem_id, self.plan_total + self.shared_out)
            if not (self.overdrawn or self.outside or "problem_cover" in WITHOUT):
                check_open_tasks_are_covered(books, problems, tasks)
            report = self.run(reconciliation.reconcile(session_scope, gateway=ScriptedGateway()))
            assert report.differences == [], f"the ledger's own reconciliation: {report.differences}"
        except AssertionError as exc:
            exc.add_note(self.steps())
            raise


# ---- the checks --------------------------------------------------------------------------------------------------


def problem_held(books: Books, problem_id: int) -> int:
    return sum(books.posted[a.id] for a in books.accounts if a.kind == "problem_escrow" and a.problem_id == problem_id)


def check_problems(
    books: Books,
    problems: list[Problem],
    tasks: list[MicroTask],
    listings: dict[int | None, Listing],
    gateway: StripeModel,
) -> None:
    """Per problem: the money its payments brought in (less what went back) is where the ledger says: in its escrow,
    its contracts' escrows or their releases (payee + fee), owed back as a surplus, less what the
    platform lost and what Stripe holds back for a dispute; it never gave back more than it took in nor more than Stripe charged; with every event delivered,
    what it holds of the owner's money equals what Stripe holds. Tasks and contracts agree; no refund is left counted
    as under way."""
    contracts_of: dict[int, list[Contract]] = defaultdict(list)
    for contract in books.contracts:
        if contract.problem_id is not None and contract.funding_source == "problem":
            contracts_of[contract.problem_id].append(contract)
    for problem in problems:
        pid = problem.id or 0
        mine = [e for e in books.entries if e.problem_id == pid and e.contract_id is None]
        taken = sum(a for e in mine for acc, a in e.legs if acc.kind == "platform_cash" and a > 0)
        given_back = -sum(a for e in mine for acc, a in e.legs if acc.kind == "platform_cash" and a < 0)
        owed_back = -sum(e.on("refund_due") for e in mine)
        in_dispute = sum(e.on("dispute_hold") for e in mine)
        lost = sum(e.on("platform_loss") for e in mine)
        held = problem_held(books, pid)
        ids = {c.id for c in contracts_of[pid]}
        in_contracts = sum(books.held(cid) for cid in ids)
        released = sum(e.on("escrow") for e in books.entries if e.releases in ids)
        where = held + in_contracts + released + owed_back - in_dispute - lost
        assert taken - given_back == where, (
            f"problem {pid}: its payments brought in {taken} and {given_back} went back, but the ledger keeps {where}: "
            f"escrow {held}, contracts {in_contracts}, released {released}, owed back {owed_back}, dispute "
            f"{in_dispute}, platform loss {lost}"
        )
        charged = sum(i.amount for i in gateway.intents.values() if i.problem_id == pid and i.status == "succeeded")
        assert given_back <= min(taken, charged), (pid, given_back, taken, charged)
        if not gateway.outbox:
            at_stripe = sum(i.held_by_stripe for i in gateway.intents.values() if i.problem_id == pid)
            assert taken - given_back == at_stripe, (
                f"problem {pid}: the ledger holds {taken - given_back}, Stripe {at_stripe}"
            )
        assert problem.returning_minor == 0, f"problem {pid}: {problem.returning_minor} left counted as being refunded"
        if held > 0 or in_contracts > 0:
            assert problem.status in problem_returns.FUNDED, (pid, problem.status, held)
        check_tasks_and_contracts(problem, [t for t in tasks if t.problem_id == pid], contracts_of[pid], listings)


def check_tasks_and_contracts(
    problem: Problem, tasks: list[MicroTask], contracts: list[Contract], listings: dict[int | None, Listing]
) -> None:
    """A contracted task has one live contract of the problem for it; a done task's contract is completed; a live
    contract's task points at it; an open task's listing is open with its share as the budget; a published problem
    whose tasks are all finished is completed."""
    by_id = {c.id: c for c in contracts}
    for task in tasks:
        contract = by_id.get(task.contract_id)
        if task.status == "contracted":
            assert contract is not None and contract.status not in (*ENDED_UNRELEASED, "completed"), (task, contract)
        if task.status == "done":
            assert contract is not None and contract.status == "completed", (task, contract)
        if task.status == "open":
            listing = listings.get(task.listing_id)
            assert listing is not None and listing.status == "open", (task.key, listing)
            assert listing.budget_minor == task.budget_minor, (task.key, listing.budget_minor, task.budget_minor)
    live = [c for c in contracts if c.status not in (*ENDED_UNRELEASED, "completed")]
    for contract in live:
        its = next((t for t in tasks if t.id == contract.micro_task_id), None)
        assert its is not None and its.contract_id == contract.id and its.status == "contracted", (contract, its)
    if problem.status in HIRING and tasks:
        assert any(t.status not in FINISHED for t in tasks), f"problem {problem.id} is {problem.status} with all done"


def check_shares(tasks: list[MicroTask], problem_id: int, total: int) -> None:
    """The micro-tasks' shares sum to at most the plan's budget plus what was shared out to them (a cancelled task's
    share moved to the others exactly; a task reopened after part of its share was given back or away is trimmed to
    what the escrow can still promise it); none is negative."""
    mine = [t for t in tasks if t.problem_id == problem_id]
    assert all(t.budget_minor >= 0 for t in mine), [(t.key, t.budget_minor) for t in mine]
    assert sum(t.budget_minor for t in mine) <= total, (sum(t.budget_minor for t in mine), total)


def check_open_tasks_are_covered(books: Books, problems: list[Problem], tasks: list[MicroTask]) -> None:
    """While no bid took more than its task's share and Stripe gave nothing back on its own, the problem's escrow
    holds every share still to be hired."""
    for problem in problems:
        if problem.status not in problem_returns.FUNDED:
            continue
        needed = sum(t.budget_minor for t in tasks if t.problem_id == problem.id and t.status in TO_BE_HIRED)
        held = problem_held(books, problem.id or 0)
        assert needed <= held, f"problem {problem.id}: its open tasks need {needed}, its escrow holds {held}"
