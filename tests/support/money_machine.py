"""The money property test: a Hypothesis state machine that drives the real services against a model of Stripe.

Shared by the SQLite run (tests/unit/test_money_properties.py, every `make test`) and the PostgreSQL run
(tests/integration/test_money_properties_postgres.py). Three contracts (two of them with one contractor, one in yen)
go through funding (at once, in the browser later, two clicks at once, a second tab), delivery, approval, revisions,
cancellation and the scheduler at moved clocks, while Stripe's side (`StripeModel`) charges, refunds in full or in
part (our refunds and the dashboard's), opens and closes disputes, reverses transfers in part several times, and
finishes or loses contractors' payout accounts. Every change at Stripe puts its events in an outbox; rules deliver
them through the real webhook path (`webhooks.process_event` in `session_scope`, as the route does) in any order and
any number of times, and an event whose delivery raised stays in the outbox (the route answered 500: Stripe
retries). Pairs of actions run at once in two threads, each with its own session and connection, released together
by a barrier: an approval and the automatic release, a revision request and the automatic release, two webhooks,
a webhook and the scheduler, two scheduler workers, the releases of two contracts of one contractor.

After every step the books are read and checked (`check_*` below). The checks are meant to hold for any correct
design, not for today's internals: balances are read as sums of postings, refunds and payouts are found by what
their entries do to platform cash and to a contractor's payable, never by entry kinds or keys (keys are read only
to tie an entry without a contract to its payment or payout). `MONEY_WITHOUT` (comma-separated rule families:
concurrency or one race of approve_race, revision_race, webhook_race, scheduler_race, release_race; revisions,
dashboard_refunds, full_refunds, disputes, reversals, accounts, trouble; known_payments: refunds and disputes only
of payments the platform has not yet been told succeeded; member_disputes: the parties' own disputes, settlements
and administrators' split decisions) leaves families out, to explore one class of bug at a time.

The parties' disputes (issue 14): a party opens one on a funded or delivered contract, the parties settle on a
split, an administrator decides a split (`resolution.resolve_frozen`, then `dispute_endings.close_by_decision`), and the
scheduler's deadlines send unanswered cases to review. Checked: a settlement or decision is carried out once (a
second changes nothing), its amounts are the case's, and at the end every dispute is driven to an end and ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any, ClassVar, Protocol, TypeVar

from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import event as sqlalchemy_events
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain import disputes as dispute_rules
from jtbd_app.domain.contract_rules import ESCROW_HELD, UNFUNDED, WORKING, split_release
from jtbd_app.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from jtbd_app.models import (
    Contract,
    DisputeCase,
    FreezeDecision,
    JournalEntry,
    LedgerAccount,
    Payment,
    Payout,
    PayoutAccount,
    Posting,
    ScheduledJob,
    utcnow,
)
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import cancellation, deliveries, funding, payouts, resolution, webhooks
from jtbd_app.services.contracts import disputes as card_disputes
from jtbd_app.services.ledger import escrow, journal
from jtbd_app.services.ports import GatewayEvent, PaymentStart
from jtbd_app.services.trust import dispute_endings, dispute_settlements, dispute_steps, disputes
from jtbd_app.services.trust import jobs as trust_jobs
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal
from tests.support.gateways import StripeModel, Transfer

GOOD_CARD = "4242 4242 4242 4242"
CARDS = (GOOD_CARD, GOOD_CARD, "4000 0000 0000 0002", "4000 0000 0000 9995")
REFUSALS = (ValidationFailed, PermissionDenied, NotFound)
HELD = (*ESCROW_HELD, "refunding")  # the statuses in which the escrow holds the price
ENDED = ("completed", "cancelled", "expired")
# Pending jobs that tell or pay someone but move no contract on: they are no way out of a state.
NOT_A_WAY_OUT = ("release_reminder", "deadline_passed", "send_payout", "refund_payment", "close_review_window")
LEFT_BEHIND = (*cancellation.CONTRACT_JOBS, "revision_due")  # an ended contract keeps none of these pending
WITHOUT = {name.strip() for name in os.environ.get("MONEY_WITHOUT", "").split(",") if name.strip()}
T = TypeVar("T")

CONTRACTS = st.integers(0, 2)
PICK = st.integers(0, 7)
EITHER_PARTY = st.sampled_from(["client", "contractor", "client", "contractor", "stranger"])
PART = st.sampled_from(["half", "one"] if "full_refunds" in WITHOUT else ["full", "half", "one"])


def logged(function: Callable[..., None]) -> Callable[..., None]:
    """Keep the steps taken, so that a failure also shows them when Hypothesis cannot replay it (two threads
    interleave differently each time)."""

    @functools.wraps(function)
    def step(self: GatewayMoney, **kwargs: Any) -> None:
        self.trace.append(f"{function.__name__}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})")
        try:
            function(self, **kwargs)
        except AssertionError as exc:
            exc.add_note(self.steps())
            raise

    return step


def widen_races(engine: Engine) -> None:
    """In a thread running an action at once with another, pause before each write statement: each unit of work
    then reads, waits a moment and writes, so what two of them read before either writes is what the race is about
    (without it, the window is too narrow to be met twice in a row, and Hypothesis could not shrink a failure)."""
    if not sqlalchemy_events.contains(engine, "before_cursor_execute", _pause_before_writes):
        sqlalchemy_events.listen(engine, "before_cursor_execute", _pause_before_writes)


_racing = threading.local()
PAUSE = 0.01  # seconds before each write of a racing thread


def _pause_before_writes(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if getattr(_racing, "on", False) and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        time.sleep(PAUSE)


def enabled(*families: str) -> Callable[[Any], bool]:
    return lambda _machine: not WITHOUT.intersection(families)


def acting(role: str) -> st.SearchStrategy[str]:
    """Mostly the party whose move it is; sometimes the other party or a stranger."""
    other = "contractor" if role == "client" else "client"
    return st.sampled_from([role, role, role, other, "stranger"])


def refusal_for(who: str, role: str) -> type[DomainError] | None:
    """Strangers learn nothing; the other party is told plainly."""
    if who == "stranger":
        return NotFound
    if role and who != role:
        return PermissionDenied
    return None


def part_of(amount: int, part: str) -> int:
    return {"full": amount, "half": max(amount // 2, 1), "one": 1}[part]


def replayed_start(gateway: StripeModel, owner: tuple[str, int]) -> PaymentStart | None:
    """What paying `owner` again gets back when the last payment's answer was lost: `funding.payment_to_ask` asks
    about that payment again under its own key, and Stripe answers as it did the first time. None: a new payment."""
    kind, owner_id = owner
    mine = Payment.contract_id == owner_id if kind == "contract" else Payment.problem_id == owner_id
    with session_scope() as session:
        lost = session.exec(
            select(Payment.id)
            .where(mine, Payment.status == "failed", col(Payment.answer_lost).is_(True))
            .where(col(Payment.external_id).is_(None))
            .order_by(col(Payment.id).desc())
        ).first()
    return None if lost is None else gateway.replayed(funding.payment_key(owner, lost))


def charges_for(gateway: StripeModel, owner: tuple[str, int]) -> int:
    """Payments started at Stripe for a contract or a problem, whatever became of them."""
    kind, owner_id = owner
    with gateway.lock:
        return sum(
            1 for i in gateway.intents.values() if (i.contract_id if kind == "contract" else i.problem_id) == owner_id
        )


def check_replayed(outcome: object, replay: PaymentStart, charges: tuple[int, int], what: str) -> str:
    """Paying again after a lost answer: Stripe's first answer, and no second payment at Stripe (`charges`: before,
    after). Returns the outcome's status ("" for a refusal)."""
    note(f"paid again after a lost answer: {replay.status}")
    assert charges[1] == charges[0], f"{what}: paying again after a lost answer started another payment at Stripe"
    if replay.status == "failed":
        assert isinstance(outcome, ValidationFailed), f"{what}: the declined card's answer, got {outcome!r}"
        return ""
    assert not isinstance(outcome, DomainError), f"{what}: refused after a lost answer: {outcome!r}"
    status = getattr(outcome, "status", "")
    assert status == ("requires_action" if replay.status == "requires_action" else "funded"), (what, outcome)
    return str(status)


class World(Protocol):
    """Where each sequence starts: a prepared database with four members and three agreed contracts, and the
    starting points built from it so far (funding and delivering through the services costs more than a copy)."""

    @property
    def deals(self) -> tuple[Deal, ...]: ...

    @property
    def stranger(self) -> Viewer: ...

    def restore(self, start: tuple[str, ...] | None) -> bool:
        """The database as prepared, or as saved for `start`; False when there is no such start saved yet."""
        ...

    def save(self, start: tuple[str, ...]) -> None: ...


def open_accounts(deals: tuple[Deal, ...]) -> None:
    """The ledger accounts the deals will use, as a platform with earlier contracts has them: the first movements
    then race on the balances rather than on creating the accounts."""
    with session_scope() as session:
        for deal in deals:
            contract = session.get(Contract, deal.contract_id)
            assert contract is not None
            for kind in ("platform_cash", "fee_revenue", "refund_due"):
                journal.get_account(session, kind=kind, currency=contract.currency)
            journal.get_account(session, kind="payable", currency=contract.currency, user_id=contract.contractor_id)
            journal.get_account(session, kind="escrow", currency=contract.currency, contract_id=contract.id)


class GatewayMoney(RuleBasedStateMachine):
    world: ClassVar[World]  # set by the test on a subclass
    # the scheduler's jobs the worker runs: the contracts' and the disputes' deadlines
    handlers: ClassVar[dict[str, scheduler.JobHandler]] = trust_jobs.HANDLERS

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.gateway = self.new_gateway()
        self.prices: dict[int, int] = {}
        self.paid_after_told: list[tuple[str, int, int, int]] = []  # (what we were told, contract, price, cover)
        self.jobs_may_lag = False  # a gateway call failed: its retry waits for a later clock
        self.trace: list[str] = []

    def steps(self) -> str:
        return "steps: " + " -> ".join(self.trace)

    def teardown(self) -> None:
        try:
            self.every_dispute_ends()
        finally:
            self.loop.close()

    def new_gateway(self) -> StripeModel:
        gateway = StripeModel()
        gateway.on_transfer = self.saw_transfer
        return gateway

    # ---- helpers -------------------------------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def viewer(self, n: int, who: str) -> Viewer:
        deal = self.world.deals[n]
        return {"client": deal.client, "contractor": deal.contractor}.get(who, self.world.stranger)

    @property
    def contractors(self) -> tuple[Viewer, Viewer]:
        return self.world.deals[0].contractor, self.world.deals[2].contractor  # Ken (contracts 0 and 1), Kim

    def load(self, n: int) -> Contract:
        return self.world.deals[n].load()

    def cid(self, n: int) -> int:
        return self.world.deals[n].contract_id

    def payments(self, n: int) -> list[Payment]:
        with session_scope() as session:
            return list(session.exec(select(Payment).where(Payment.contract_id == self.cid(n))).all())

    @staticmethod
    def attempt(action: Callable[[], T]) -> T | DomainError:
        try:
            return action()
        except REFUSALS as exc:
            return exc

    @staticmethod
    def expect(outcome: object, refusal: type[DomainError] | None, what: str, *, lenient: bool = False) -> bool:
        """The action was done when the rules allow it and refused with `refusal` when they do not. `lenient` for
        a contract frozen for an administrator: a design may refuse more there, so either answer is accepted."""
        done = not isinstance(outcome, DomainError)
        note(f"{what}: {'done' if done else type(outcome).__name__}")
        if lenient and refusal is not PermissionDenied and refusal is not NotFound:
            return done
        if refusal is None:
            assert done, f"{what} was refused: {outcome}"
            return True
        assert isinstance(outcome, refusal), f"{what}: expected {refusal.__name__}, got {outcome!r}"
        return False

    def together(self, *actions: Callable[[], object]) -> list[object]:
        """Run the actions at once, each in its own thread with its own sessions (so its own connection), released
        together by a barrier just before the calls. Returns each one's result or exception."""
        barrier = threading.Barrier(len(actions))
        results: list[object] = [None] * len(actions)
        widen_races(get_engine())

        def run(index: int, action: Callable[[], object]) -> None:
            _racing.on = True
            try:
                barrier.wait(timeout=30)
                results[index] = action()
            except BaseException as exc:  # reported to the rule, which decides
                results[index] = exc
            finally:
                _racing.on = False

        threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), f"a worker never finished (a deadlock?): {results}"
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
            if isinstance(result, Exception):
                note(f"at once: {type(result).__name__}")
        return results

    def meanwhile(self, first: Callable[[], object], marker: str, second: Callable[[], object]) -> list[object]:
        """Run `first` here; just before this thread's first statement containing `marker`, run `second` in a thread
        of its own (its own connection) and give it half a second before `first` goes on: an interleaving chosen
        rather than hoped for. Returns both results or exceptions."""
        results: list[object] = [None, None]
        here, engine = threading.get_ident(), get_engine()
        other: list[threading.Thread] = []

        def run_second() -> None:
            try:
                results[1] = second()
            except Exception as exc:  # reported to the rule, which decides
                results[1] = exc

        def hook(*args: Any) -> None:
            if not other and threading.get_ident() == here and marker in str(args[2]):
                other.append(threading.Thread(target=run_second, daemon=True))
                other[0].start()
                other[0].join(timeout=0.5)  # the old code lets it commit now; a correct one makes it wait

        sqlalchemy_events.listen(engine, "before_cursor_execute", hook)
        try:
            results[0] = first()
        except Exception as exc:
            results[0] = exc
        finally:
            sqlalchemy_events.remove(engine, "before_cursor_execute", hook)
        for thread in other:
            thread.join(timeout=120)
            assert not thread.is_alive(), f"a worker never finished (a deadlock?): {results}"
        return results

    def saw_transfer(self, transfer: Transfer) -> None:
        """Stripe made a new transfer: the platform must not pay a contract's contractor once it was told that the
        client's money for that contract went back (a refund, or a dispute not won)."""
        price = self.prices.get(transfer.contract_id)
        if price is None:
            return
        cover = self.gateway.known_cover(transfer.contract_id)
        if cover >= price:
            return
        with session_scope() as session:  # a split decided or settled: the contractor's part is theirs to be paid
            decision = session.get(FreezeDecision, transfer.contract_id)
            given = decision.contractor_minor if decision is not None and decision.status == "done" else None
        if given is not None and transfer.amount <= given <= cover:
            return
        intents = [i for i in self.gateway.intents.values() if i.contract_id == transfer.contract_id]
        known = self.gateway.known
        if any(known.disputed.get(i.id, 0) for i in intents):
            what = "dispute"
        elif any(known.refunded.get(i.id, 0) >= i.amount for i in intents):
            what = "full refund"
        else:
            what = "partial refund"
        self.paid_after_told.append((what, transfer.contract_id, price, cover))

    # ---- the real webhook path ---------------------------------------------------------------------------------

    def send(self, event: GatewayEvent) -> str | Exception:
        """What the route does with a verified event: one unit of work; an exception is a 500 (Stripe retries)."""
        try:
            with session_scope() as session:
                return webhooks.process_event(session, gateway_name=self.gateway.name, event=event)
        except Exception as exc:  # the route answers 500 for any
            return exc

    def answered(self, event: GatewayEvent, outcome: object) -> None:
        if isinstance(outcome, Exception):
            note(f"webhook {event.kind}: 500 ({type(outcome).__name__})")
            return
        note(f"webhook {event.kind}: {str(outcome)[:48]}")
        self.gateway.acknowledge(event)

    def deliver_and_answer(self, event: GatewayEvent) -> object:
        outcome = self.send(event)
        self.answered(event, outcome)
        return outcome

    def pick_event(self, pick: int, *, again: bool = False) -> GatewayEvent | None:
        events = self.gateway.sent if again else self.gateway.outbox
        return events[pick % len(events)] if events else None

    # ---- the scheduler ---------------------------------------------------------------------------------------

    def scheduler_round(self, now: datetime) -> int:
        """One worker's polling round at `now`, in this thread's own event loop."""
        return asyncio.run(
            scheduler.run_due_jobs(session_scope, handlers=self.handlers, ports={"gateway": self.gateway}, now=now)
        )

    def run_jobs(self, now: datetime) -> None:
        """A worker polling at `now` until nothing more is due (a job may schedule another, such as a payout)."""
        for _round in range(5):
            done = self.run(
                scheduler.run_due_jobs(session_scope, handlers=self.handlers, ports={"gateway": self.gateway}, now=now)
            )
            if not done:
                break
        self.jobs_may_lag = self.jobs_may_lag or self.gateway.refusals > 0
        if not self.jobs_may_lag:
            with session_scope() as session:
                check_payouts_go_out(Books.read(session))

    def when_auto_released(self, n: int) -> datetime | None:
        contract = self.load(n)
        if contract.delivered_at is None:
            return None
        return contract.delivered_at + timedelta(days=contract.auto_release_days, minutes=1)

    # ---- each action, with when the rules allow it ---------------------------------------------------------

    def paying(self, n: int, who: str, card: str) -> Coroutine[Any, Any, funding.FundingOutcome]:
        return funding.fund_contract(
            session_factory=session_scope,
            gateway=self.gateway,
            viewer=self.viewer(n, who),
            contract_id=self.cid(n),
            test_card=card,
        )

    def fund_as(self, n: int, who: str, card: str) -> funding.FundingOutcome:
        return self.run(self.paying(n, who, card))

    @property
    def payments_in_trouble(self) -> bool:
        """Stripe fails payments or loses their answers (its refunds or transfers failing does not touch them)."""
        return self.gateway.payments_fail or self.gateway.answers_lost

    def paying_again(self, n: int, who: str) -> PaymentStart | None:
        """The lost answer that the client's payment of contract `n` will get again, when it reaches Stripe."""
        if refusal_for(who, "client") or self.load(n).status != "awaiting_funding" or self.payments_in_trouble:
            return None
        return replayed_start(self.gateway, ("contract", self.cid(n)))

    def fund_checked(self, n: int, who: str, card: str, *, allowed: bool, what: str) -> object:
        """Pay, and check the outcome: as the rules allow, or, after a lost answer, Stripe's first answer again."""
        replay, before = self.paying_again(n, who), charges_for(self.gateway, ("contract", self.cid(n)))
        outcome = self.attempt(lambda: self.fund_as(n, who, card))
        if replay is not None:
            after = charges_for(self.gateway, ("contract", self.cid(n)))
            status = check_replayed(outcome, replay, (before, after), what)
            assert self.load(n).status == ("funded" if status == "funded" else "awaiting_funding")
        elif self.expect(outcome, refusal_for(who, "client") or (None if allowed else ValidationFailed), what):
            return outcome
        return None

    def approve_as(self, n: int, who: str) -> object:
        with session_scope() as session:
            return deliveries.approve_delivery(session, viewer=self.viewer(n, who), contract_id=self.cid(n))

    def revise_as(self, n: int, who: str, reason: str) -> int:
        with session_scope() as session:
            return deliveries.request_revision(
                session, viewer=self.viewer(n, who), contract_id=self.cid(n), reason=reason
            )

    def do_fund(self, n: int, who: str, card: str) -> None:
        before = self.load(n)
        allowed = (
            before.status == "awaiting_funding"
            and card == GOOD_CARD
            and not (self.gateway.payments_fail or self.gateway.answers_lost)
        )
        if self.fund_checked(n, who, card, allowed=allowed, what="fund") is not None:
            assert self.load(n).status == "funded"

    def do_deliver(self, n: int, who: str) -> None:
        before = self.load(n)

        def submit() -> int:
            with session_scope() as session:
                return deliveries.submit_delivery(
                    session, viewer=self.viewer(n, who), contract_id=before.id, message="Here is the work."
                )

        expected = refusal_for(who, "contractor") or (None if before.status in WORKING else ValidationFailed)
        if self.expect(self.attempt(submit), expected, "deliver", lenient=before.release_frozen):
            assert self.load(n).status == "delivered"

    def do_approve(self, n: int, who: str) -> None:
        before = self.load(n)
        allowed = before.status == "delivered" and not before.release_frozen
        outcome = self.attempt(lambda: self.approve_as(n, who))
        if self.expect(outcome, refusal_for(who, "client") or (None if allowed else ValidationFailed), "approve"):
            assert self.load(n).status == "completed"

    def do_request_revision(self, n: int, who: str, reason: str) -> None:
        before = self.load(n)
        allowed = before.status == "delivered" and before.revisions_used < before.max_revisions and bool(reason.strip())
        expected = refusal_for(who, "client") or (None if allowed else ValidationFailed)
        outcome = self.attempt(lambda: self.revise_as(n, who, reason))
        if self.expect(outcome, expected, "revision", lenient=before.release_frozen):
            assert self.load(n).status == "revision_requested"

    def do_start_card_payment(self, n: int) -> None:
        """As with Stripe: the browser confirms the card later, and the gateway's webhook says how it went."""
        before = self.load(n)
        allowed = before.status == "awaiting_funding" and not (self.gateway.payments_fail or self.gateway.answers_lost)
        self.gateway.confirm_by_webhook = True
        try:
            outcome = self.fund_checked(n, "client", GOOD_CARD, allowed=allowed, what="card needing confirmation")
        finally:
            self.gateway.confirm_by_webhook = False
        if outcome is not None:
            assert isinstance(outcome, funding.FundingOutcome) and outcome.status == "requires_action"
            assert self.load(n).status == "awaiting_funding"

    def do_ask_to_cancel(self, n: int, who: str) -> None:
        before = self.load(n)

        def ask() -> str:
            with session_scope() as session:
                return cancellation.request_cancellation(session, viewer=self.viewer(n, who), contract_id=before.id)

        confirming = any(p.status == "pending" and p.external_id for p in self.payments(n))
        allowed = (before.status in UNFUNDED and not confirming) or (
            before.status == "funded" and before.cancel_requested_by is None
        )
        expected = refusal_for(who, "") or (None if allowed else ValidationFailed)
        if self.expect(self.attempt(ask), expected, "ask to cancel", lenient=before.release_frozen):
            assert self.load(n).status == ("cancelled" if before.status in UNFUNDED else before.status)

    def refund_would_go_through(self, n: int, amount: int) -> bool:
        with session_scope() as session:
            payment = funding.succeeded_payment(session, self.cid(n))
        intent = self.gateway.charge_of(payment.external_id or "") if payment else None
        return (
            intent is not None
            and intent.status == "succeeded"
            and intent.dispute is None
            and intent.amount - intent.refunded >= amount
            and not (self.gateway.refunds_fail or self.gateway.answers_lost)
        )

    def do_agree_to_cancel(self, n: int, who: str) -> None:
        before, viewer = self.load(n), self.viewer(n, who)
        goes_through = self.refund_would_go_through(n, before.amount_minor)
        outcome = self.attempt(
            lambda: self.run(
                cancellation.agree_cancellation(
                    session_factory=session_scope, gateway=self.gateway, viewer=viewer, contract_id=before.id
                )
            )
        )
        asked_by_other = before.cancel_requested_by not in (None, viewer.user_id)
        allowed = (before.status == "funded" and asked_by_other) or before.status == "refunding"
        done = allowed and goes_through
        expected = refusal_for(who, "") or (None if done else ValidationFailed)
        if self.expect(outcome, expected, "agree to cancel", lenient=before.release_frozen):
            assert self.load(n).status == "cancelled"
        elif allowed and who != "stranger" and not before.release_frozen:
            assert self.load(n).status == "funded"  # the refund did not go through: back as it was, to try again

    def onboard(self, contractor: Viewer) -> str:
        """The contractor sets up payouts (our service creates the connected account) and finishes onboarding at
        Stripe, which sends account.updated."""
        self.run(
            payouts.start_onboarding(
                session_factory=session_scope,
                gateway=self.gateway,
                viewer=contractor,
                refresh_url="http://test/refresh",
                return_url="http://test/return",
            )
        )
        with session_scope() as session:
            account = session.get(PayoutAccount, contractor.user_id)
            assert account is not None
            external_id = account.external_id
        self.gateway.set_payouts_enabled(external_id, True)
        return external_id

    def account_of(self, contractor: Viewer) -> str | None:
        with session_scope() as session:
            account = session.get(PayoutAccount, contractor.user_id)
            return account.external_id if account else None

    def escrow_intents(self, n: int) -> list[str]:
        """The contract's charges at Stripe, the one that funded the escrow first (with MONEY_WITHOUT=known_payments
        only those whose success the platform has not been told yet)."""
        with session_scope() as session:
            first = funding.succeeded_payment(session, self.cid(n))
        ids = [
            i.id
            for i in self.gateway.intents.values()
            if i.contract_id == self.cid(n)
            and i.status == "succeeded"
            and not ("known_payments" in WITHOUT and i.id in self.gateway.known.succeeded)
        ]
        if first is not None and first.external_id in ids:
            ids.remove(first.external_id)
            ids.insert(0, first.external_id)
        return ids

    # ---- where each sequence starts --------------------------------------------------------------------------

    @initialize(
        phases=st.tuples(*[st.sampled_from(["agreed", "agreed", "funded", "delivered"])] * 3),
        onboarded=st.tuples(st.booleans(), st.booleans()),
    )
    @logged
    def start(self, phases: tuple[str, ...], onboarded: tuple[bool, bool]) -> None:
        """Each contract starts agreed, funded, or with a delivery to review, and each contractor with or without a
        payout account that works, so every stage gets explored."""
        start = (*phases, *("onboarded" if yes else "not onboarded" for yes in onboarded))
        self.begin(start, lambda: self.build_start(phases, onboarded))

    def build_start(self, phases: tuple[str, ...], onboarded: tuple[bool, bool]) -> None:
        for n, phase in enumerate(phases):
            if phase != "agreed":
                self.do_fund(n, "client", GOOD_CARD)
            if phase == "delivered":
                self.do_deliver(n, "contractor")
        for contractor, yes in zip(self.contractors, onboarded, strict=True):
            if yes:
                self.onboard(contractor)
                with session_scope() as session:
                    account = session.get(PayoutAccount, contractor.user_id)
                    assert account is not None
                    account.payouts_enabled = account.charges_enabled = account.details_submitted = True
                    session.add(account)

    def begin(self, start: tuple[str, ...], build: Callable[[], None]) -> None:
        """The database at `start` (built through the services the first time, then copied), and Stripe as it
        left it, every event answered."""
        if not self.world.restore(start):
            build()
            self.world.save(start)
            assert self.world.restore(start)
        self.gateway = self.new_gateway()
        with session_scope() as session:
            for payment in session.exec(select(Payment).where(Payment.status == "succeeded")).all():
                assert payment.external_id is not None
                self.gateway.restore_payment(
                    external_id=payment.external_id,
                    charge_id=payment.charge_id,
                    amount=payment.amount_minor,
                    currency=payment.currency,
                    contract_id=payment.contract_id or 0,
                    problem_id=payment.problem_id or 0,
                )
            for account in session.exec(select(PayoutAccount)).all():
                self.gateway.restore_account(account.external_id, payouts_enabled=account.payouts_enabled)
            self.prices = {  # a contract its problem funded has no payment of its own to watch
                c.id: c.amount_minor
                for c in session.exec(select(Contract)).all()
                if c.id is not None and c.funding_source != "problem"
            }

    # ---- the parties ---------------------------------------------------------------------------------------

    @rule(n=CONTRACTS, other_way=st.booleans())
    @logged
    def next_step(self, n: int, other_way: bool) -> None:
        """The usual next step on the first contract from `n` that has one: the client pays (at once, or by a card
        confirmed in the browser, whose events are then delivered), the contractor delivers, the client approves
        or asks for a revision. Sequences reach the later stages often."""
        for m in (n, (n + 1) % 3, (n + 2) % 3):
            contract = self.load(m)
            if contract.status == "awaiting_funding":
                waiting = [i for i in self.gateway.intents.values() if i.contract_id == contract.id]
                if any(self.gateway.confirm(i.id, succeeds=True) for i in waiting):
                    return None
                about = [e for e in self.gateway.outbox if (e.metadata or {}).get("contract_id") == str(contract.id)]
                if about:
                    self.deliver_and_answer(about[0])
                    return None
                if other_way:
                    return self.do_start_card_payment(m)
                return self.do_fund(m, "client", GOOD_CARD)
            if contract.status in WORKING:
                return self.do_deliver(m, "contractor")
            if contract.status == "delivered" and other_way and "revisions" not in WITHOUT:
                return self.do_request_revision(m, "client", "The logo is missing.")
            if contract.status == "delivered":
                return self.do_approve(m, "client")
        return None

    @rule(n=CONTRACTS, who=acting("client"), card=st.sampled_from(CARDS))
    @logged
    def fund(self, n: int, who: str, card: str) -> None:
        self.do_fund(n, who, card)

    @rule(n=CONTRACTS)
    @logged
    def fund_again_from_a_second_tab(self, n: int) -> None:
        replay = self.paying_again(n, "client")
        self.attempt(lambda: self.fund_as(n, "client", GOOD_CARD))
        second = self.attempt(lambda: self.fund_as(n, "client", GOOD_CARD))
        if replay is None or replay.status == "succeeded":  # else the first tab did not fund it: the second one may
            self.expect(second, ValidationFailed, "fund twice")

    @rule(n=CONTRACTS)
    @logged
    def start_a_card_payment_needing_confirmation(self, n: int) -> None:
        """On the first contract from `n` still waiting for its money, if any."""
        self.do_start_card_payment(
            next((m for m in (n, (n + 1) % 3, (n + 2) % 3) if self.load(m).status == "awaiting_funding"), n)
        )

    @rule(pick=PICK, succeeds=st.booleans())
    @logged
    def client_confirms_a_card_in_the_browser(self, pick: int, succeeds: bool) -> None:
        """Stripe charges the card (payment_intent.succeeded) or the bank declines it (.payment_failed)."""
        waiting = [i for i in self.gateway.intents.values() if i.status == "requires_action"]
        if waiting:
            self.gateway.confirm(waiting[pick % len(waiting)].id, succeeds=succeeds)

    @rule(n=CONTRACTS)
    @logged
    def fund_with_two_clicks_at_once(self, n: int) -> None:
        """Both payments start before either is answered: one funds the escrow, the other goes back."""
        before, replay = self.load(n), self.paying_again(n, "client")

        async def both() -> list[object]:
            return await asyncio.gather(
                self.paying(n, "client", GOOD_CARD), self.paying(n, "client", GOOD_CARD), return_exceptions=True
            )

        self.gateway.yield_first = True
        try:
            outcomes = self.run(both())
        finally:
            self.gateway.yield_first = False
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, REFUSALS):
                raise outcome
        allowed = before.status == "awaiting_funding" and not (self.gateway.payments_fail or self.gateway.answers_lost)
        if replay is not None:  # one click asks about the lost payment again, the other makes a new one
            assert self.load(n).status == "funded" or replay.status != "succeeded"
            return
        for outcome in outcomes:
            self.expect(outcome, None if allowed else ValidationFailed, "two clicks")
        if allowed:
            assert self.load(n).status == "funded"

    @rule(n=CONTRACTS, who=acting("contractor"))
    @logged
    def deliver(self, n: int, who: str) -> None:
        self.do_deliver(n, who)

    @rule(n=CONTRACTS, who=acting("client"))
    @logged
    def approve(self, n: int, who: str) -> None:
        self.do_approve(n, who)

    @rule(n=CONTRACTS)
    @logged
    def approve_twice(self, n: int) -> None:
        self.attempt(lambda: self.approve_as(n, "client"))
        self.expect(self.attempt(lambda: self.approve_as(n, "client")), ValidationFailed, "approve twice")

    @precondition(enabled("revisions"))
    @rule(n=CONTRACTS, who=acting("client"), reason=st.sampled_from(["The logo is missing.", "   "]))
    @logged
    def request_revision(self, n: int, who: str, reason: str) -> None:
        self.do_request_revision(n, who, reason)

    @rule(n=CONTRACTS, asker=st.sampled_from(["client", "contractor"]))
    @logged
    def cancel_by_agreement(self, n: int, asker: str) -> None:
        """One party asks, the other agrees: the client's payment is refunded and the contract ends."""
        self.do_ask_to_cancel(n, asker)
        self.do_agree_to_cancel(n, "contractor" if asker == "client" else "client")

    @rule(n=CONTRACTS, who=EITHER_PARTY)
    @logged
    def ask_to_cancel(self, n: int, who: str) -> None:
        self.do_ask_to_cancel(n, who)

    @rule(n=CONTRACTS, who=EITHER_PARTY)
    @logged
    def agree_to_cancel(self, n: int, who: str) -> None:
        self.do_agree_to_cancel(n, who)

    @precondition(enabled("accounts"))
    @rule(c=st.integers(0, 1), back_on_the_site=st.booleans())
    @logged
    def contractor_sets_up_payouts(self, c: int, back_on_the_site: bool) -> None:
        """The contractor onboards at Stripe (account.updated goes to the outbox) and maybe comes back to the site,
        which asks Stripe at once."""
        contractor = self.contractors[c]
        self.onboard(contractor)
        if back_on_the_site:
            self.run(
                payouts.refresh_account_status(session_factory=session_scope, gateway=self.gateway, viewer=contractor)
            )

    # ---- Stripe's side ---------------------------------------------------------------------------------------

    @precondition(enabled("dashboard_refunds"))
    @rule(n=CONTRACTS, part=PART, which=st.integers(0, 1))
    @logged
    def refund_in_the_dashboard(self, n: int, part: str, which: int) -> None:
        """Someone refunds a charge of the contract in Stripe's dashboard, in full or in part, at any stage."""
        intents = self.escrow_intents(n)
        if intents:
            intent = self.gateway.intents[intents[which % len(intents)]]
            self.gateway.dashboard_refund(intent.id, part_of(intent.amount, part))

    @precondition(enabled("disputes"))
    @rule(n=CONTRACTS, which=st.integers(0, 1))
    @logged
    def cardholder_disputes_a_charge(self, n: int, which: int) -> None:
        intents = self.escrow_intents(n)
        if intents:
            self.gateway.open_dispute(intents[which % len(intents)])

    @precondition(enabled("dashboard_refunds", "disputes"))
    @rule(n=CONTRACTS, dispute=st.booleans(), part=PART)
    @logged
    def a_refund_or_dispute_overtakes_the_payments_success(self, n: int, dispute: bool, part: str) -> None:
        """A card payment the client confirmed in the browser is refunded in the dashboard or disputed at once, and
        Stripe delivers that before payment_intent.succeeded (which stays in the outbox, as the rest may)."""
        if self.load(n).status != "awaiting_funding":
            return
        self.do_start_card_payment(n)
        waiting = [
            i for i in self.gateway.intents.values() if i.status == "requires_action" and i.contract_id == self.cid(n)
        ]
        if not waiting or not self.gateway.confirm(waiting[-1].id, succeeds=True):
            return
        intent = waiting[-1]
        if dispute:
            self.gateway.open_dispute(intent.id)
        else:
            self.gateway.dashboard_refund(intent.id, part_of(intent.amount, part))
        for early in [e for e in self.gateway.outbox if e.kind.startswith("charge.") and e.related_id == intent.id]:
            self.deliver_and_answer(early)

    @precondition(enabled("disputes"))
    @rule(n=CONTRACTS, won=st.booleans())
    @logged
    def a_dispute_closes(self, n: int, won: bool) -> None:
        for intent in self.escrow_intents(n):
            if self.gateway.close_dispute(intent, won=won):
                return

    @precondition(enabled("reversals"))
    @rule(pick=PICK, part=PART)
    @logged
    def a_transfer_is_reversed_in_the_dashboard(self, pick: int, part: str) -> None:
        transfers = list(self.gateway.transfers.values())
        if transfers:
            transfer = transfers[pick % len(transfers)]
            self.gateway.dashboard_reversal(transfer.id, part_of(transfer.amount, part))

    @precondition(enabled("accounts"))
    @rule(c=st.integers(0, 1))
    @logged
    def stripe_disables_payouts(self, c: int) -> None:
        account = self.account_of(self.contractors[c])
        if account is not None:
            self.gateway.set_payouts_enabled(account, False)

    @precondition(enabled("trouble"))
    @rule(trouble=st.sampled_from(["none", "none", "payments", "refunds", "transfers", "answers lost"]))
    @logged
    def gateway_trouble(self, trouble: str) -> None:
        self.gateway.payments_fail = trouble == "payments"
        self.gateway.refunds_fail = trouble == "refunds"
        self.gateway.transfers_fail = trouble == "transfers"
        self.gateway.answers_lost = trouble == "answers lost"
        self.jobs_may_lag = self.jobs_may_lag or trouble != "none"

    # ---- Stripe's events reach the platform --------------------------------------------------------------------

    @rule(pick=PICK)
    @logged
    def an_event_arrives(self, pick: int) -> None:
        """Any event still waiting, in any order: the route's answer decides whether Stripe sends it again."""
        event = self.pick_event(pick)
        if event is not None:
            self.deliver_and_answer(event)

    @rule(pick=PICK)
    @logged
    def an_answered_event_arrives_again(self, pick: int) -> None:
        event = self.pick_event(pick, again=True)
        if event is not None:
            self.deliver_and_answer(event)

    @rule(seed=st.integers(0, 2**16))
    @logged
    def everything_arrives_and_the_due_jobs_run(self, seed: int) -> None:
        """Stripe delivers every event still waiting (in some order, retrying those answered with an error) and the
        scheduler runs what is due, until nothing is left: afterwards the ledger must agree with Stripe."""
        random = Random(seed)
        for _round in range(6):
            waiting = list(self.gateway.outbox)
            random.shuffle(waiting)
            failing: dict[str, object] = {}
            for event in waiting:
                for _attempt in range(3):
                    outcome = self.deliver_and_answer(event)
                    if not isinstance(outcome, Exception):
                        break
                    failing[event.id] = f"{event.kind}: {type(outcome).__name__}: {outcome}"[:300]
            still = [failing[e.id] for e in self.gateway.outbox if e.id in failing]
            assert not still, f"events the platform fails every time they are sent (Stripe gives up): {still}"
            self.run_jobs(utcnow())
            if not self.gateway.outbox:
                return

    # ---- time passes -------------------------------------------------------------------------------------

    @rule()
    @logged
    def run_scheduler_now(self) -> None:
        self.run_jobs(utcnow())

    @rule()
    @logged
    def run_scheduler_after_the_auto_release_days(self) -> None:
        self.run_jobs(utcnow() + timedelta(days=get_settings().auto_release_days, minutes=1))
        # Silence releases every delivery, except from an escrow frozen for an administrator.
        assert all(self.load(n).status != "delivered" or self.load(n).release_frozen for n in range(3))

    @rule()
    @logged
    def run_scheduler_after_the_funding_deadline(self) -> None:
        """Days after the deadline even a payment still unanswered is abandoned: no contract is left unfunded."""
        self.run_jobs(utcnow() + timedelta(days=get_settings().unfunded_expiry_days, minutes=1))
        assert all(self.load(n).status not in UNFUNDED for n in range(3))

    @rule()
    @logged
    def run_scheduler_two_months_later(self) -> None:
        """Every deadline there is has passed: each contract must be ended, frozen, or waiting for a party."""
        self.run_jobs(utcnow() + timedelta(days=60))

    # ---- two workers at once ---------------------------------------------------------------------------------

    @precondition(enabled("concurrency", "approve_race"))
    @rule(n=CONTRACTS)
    @logged
    def approval_and_automatic_release_at_once(self, n: int) -> None:
        when = self.when_auto_released(n)
        if when is None:
            return
        approved, _ran = self.together(lambda: self.approve_as(n, "client"), lambda: self.scheduler_round(when))
        note(f"approve vs auto-release: {type(approved).__name__}")

    @precondition(enabled("concurrency", "revision_race"))
    @precondition(enabled("revisions"))
    @rule(n=CONTRACTS, after_the_job_read=st.booleans())
    @logged
    def revision_request_and_automatic_release_at_once(self, n: int, after_the_job_read: bool) -> None:
        """The job must not release a delivery the client has just asked to revise, nor the other way round: at the
        same moment, or with the request made just after the job read the delivery it would release."""
        when = self.when_auto_released(n)
        if when is None:
            return
        revise = functools.partial(self.revise_as, n, "client", "The logo is missing.")
        if after_the_job_read:
            self.scheduler_round(when - timedelta(minutes=2))  # what is due before (the reminder reads deliveries too)
            _ran, revised = self.meanwhile(lambda: self.scheduler_round(when), "FROM delivery", revise)
        else:
            revised, _ran = self.together(revise, lambda: self.scheduler_round(when))
        with session_scope() as session:
            released = Books.read(session).releases[self.cid(n)]
        note(f"revision vs auto-release: {type(revised).__name__}, released {released}")
        assert not (isinstance(revised, int) and released), (
            f"contract {self.cid(n)}: the client's revision request was accepted and the escrow released as well"
        )

    @precondition(enabled("concurrency", "webhook_race"))
    @rule(first=PICK, second=PICK)
    @logged
    def two_events_arrive_at_once(self, first: int, second: int) -> None:
        """Two webhooks at once (maybe one event twice: Stripe retried while the first was still running)."""
        one, other = self.pick_event(first), self.pick_event(second)
        if one is None or other is None:
            return
        outcomes = self.together(lambda: self.send(one), lambda: self.send(other))
        self.answered(one, outcomes[0])
        self.answered(other, outcomes[1])

    @precondition(enabled("concurrency", "webhook_race"))
    @rule(pick=PICK, later=st.booleans())
    @logged
    def an_event_arrives_while_the_scheduler_runs(self, pick: int, later: bool) -> None:
        event = self.pick_event(pick)
        if event is None:
            return
        when = utcnow() + timedelta(days=get_settings().auto_release_days, minutes=1) if later else utcnow()
        outcome, _ran = self.together(lambda: self.send(event), lambda: self.scheduler_round(when))
        self.answered(event, outcome)

    @precondition(enabled("concurrency", "scheduler_race"))
    @rule(later=st.booleans())
    @logged
    def two_scheduler_workers(self, later: bool) -> None:
        when = utcnow() + timedelta(days=get_settings().auto_release_days, minutes=1) if later else utcnow()
        self.together(lambda: self.scheduler_round(when), lambda: self.scheduler_round(when))

    @precondition(enabled("concurrency", "release_race"))
    @rule()
    @logged
    def two_contracts_of_one_contractor_released_at_once(self) -> None:
        """Contracts 0 and 1 are both Ken's: their releases credit one payable account at the same moment."""
        outcomes = self.together(lambda: self.approve_as(0, "client"), lambda: self.approve_as(1, "client"))
        note(f"two releases: {[type(o).__name__ for o in outcomes]}")

    # ---- the parties' own disputes (issue 14) --------------------------------------------------------------------

    def case(self, n: int) -> DisputeCase | None:
        with session_scope() as session:
            return dispute_steps.case_of(session, self.cid(n))

    def escrow_held(self, n: int) -> int:
        with session_scope() as session:
            return escrow.held(session, self.load(n))

    def card_disputed(self, n: int) -> bool:
        """Stripe refuses refunds of a charge with a card dispute: decisions then refund nothing."""
        return any(i.dispute is not None for i in self.gateway.intents.values() if i.contract_id == self.cid(n))

    def card_dispute_open(self, n: int) -> bool:
        """Whether the platform was told of a chargeback of the contract's payment that the issuer has not decided."""
        with session_scope() as session:
            return resolution.card_dispute_open(session, self.cid(n))

    def admin(self) -> Viewer:
        """An administrator: the stranger's account acting with the role (the services read the viewer's role)."""
        return dataclasses.replace(self.world.stranger, role="admin")

    @precondition(enabled("member_disputes"))
    @rule(n=CONTRACTS, who=EITHER_PARTY, wanted=st.sampled_from(["full_refund", "partial_refund", "release"]))
    @logged
    def a_party_opens_a_dispute(self, n: int, who: str, wanted: str) -> None:
        before = self.load(n)
        with session_scope() as session:
            held = escrow.held(session, before)
        allowed = (
            before.status in dispute_rules.OPENABLE
            and not before.release_frozen
            and self.case(n) is None
            and held > (1 if wanted == "partial_refund" else 0)
        )

        def open_one() -> int:
            with session_scope() as session:
                return disputes.open_dispute(
                    session,
                    viewer=self.viewer(n, who),
                    contract_id=self.cid(n),
                    reason_code="not_as_described",
                    reason_text="Not what we agreed.",
                    outcome_wanted=wanted,
                    refund_minor=max(held // 2, 1),
                )

        expected = refusal_for(who, "") or (None if allowed else ValidationFailed)
        if self.expect(self.attempt(open_one), expected, "open a dispute"):
            after = self.load(n)
            assert after.status == "disputed" and after.release_frozen
            case = self.case(n)
            assert case is not None and case.amount_minor == held and case.status == dispute_rules.AWAITING

    @precondition(enabled("member_disputes"))
    @rule(
        n=CONTRACTS,
        part=st.sampled_from(["full", "half", "one", "none"]),
        offerer=st.sampled_from(["client", "contractor"]),
    )
    @logged
    def the_parties_settle_on_a_split(self, n: int, part: str, offerer: str) -> None:
        case = self.case(n)
        if case is None or case.status in dispute_rules.ENDED:
            return
        amount = {"full": case.amount_minor, "half": case.amount_minor // 2, "one": 1, "none": 0}[part]
        accepter = "contractor" if offerer == "client" else "client"

        def offer() -> None:
            with session_scope() as session:
                dispute_settlements.offer_settlement(
                    session, viewer=self.viewer(n, offerer), contract_id=self.cid(n), contractor_amount=amount
                )

        refused = self.attempt(offer)
        if isinstance(refused, DomainError):  # the card issuer has not decided a chargeback yet: nothing is settled
            assert self.card_dispute_open(n), refused
            return
        outcome = self.attempt(lambda: self.accept_as(n, accepter))
        note(f"settle: {outcome if isinstance(outcome, str) else type(outcome).__name__}")
        case = self.case(n)
        assert case is not None
        if isinstance(outcome, DomainError):  # the gateway refused the refund: settled, the money moves on a retry
            assert case.status in (dispute_rules.SETTLED, *dispute_rules.ACTIVE), case.status
            return
        assert case.status == dispute_rules.SETTLED and case.contractor_minor is not None
        self.nothing_moves_again(n, lambda: self.accept_as(n, accepter))

    def accept_as(self, n: int, who: str) -> str:
        return self.run(
            dispute_settlements.accept_settlement(
                session_factory=session_scope, gateway=self.gateway, viewer=self.viewer(n, who), contract_id=self.cid(n)
            )
        )

    def decide_as_admin(self, n: int, contractor_minor: int) -> str:
        outcome = self.run(
            resolution.resolve_frozen(
                session_factory=session_scope,
                gateway=self.gateway,
                viewer=self.admin(),
                contract_id=self.cid(n),
                contractor_minor=contractor_minor,
                note="Decided on the evidence.",
            )
        )
        with session_scope() as session:
            decision = session.get(FreezeDecision, self.cid(n))
            assert decision is not None and decision.status == "done"
            dispute_endings.close_by_decision(
                session,
                contract_id=self.cid(n),
                admin_id=self.admin().user_id,
                outcome="split",
                contractor_minor=decision.contractor_minor,
                client_minor=decision.client_minor,
                reason=decision.note,
            )
        return outcome

    def nothing_moves_again(self, n: int, again: Callable[[], object]) -> None:
        """A second settlement or decision of the same contract is refused, or done already, and moves nothing."""
        with session_scope() as session:
            before = Books.read(session).posted
        outcome = self.attempt(again)
        assert isinstance(outcome, ValidationFailed) or outcome == "decided already", outcome
        with session_scope() as session:
            assert Books.read(session).posted == before, (
                f"contract {self.cid(n)}: a second settle or decide moved money"
            )

    @precondition(enabled("member_disputes"))
    @rule(n=CONTRACTS, part=st.sampled_from(["full", "half", "one", "none"]))
    @logged
    def an_administrator_splits_a_disputed_contract(self, n: int, part: str) -> None:
        case = self.case(n)
        contract = self.load(n)
        if case is None or case.status in dispute_rules.ENDED or not contract.release_frozen:
            return
        with session_scope() as session:
            over = resolution.describe(session, contract).decides_over
        amount = {"full": over, "half": over // 2, "one": min(1, over), "none": 0}[part]
        if self.card_disputed(n):
            amount = over  # a refund would be refused by Stripe: an administrator releases (see end_the_dispute)
        outcome = self.attempt(lambda: self.decide_as_admin(n, amount))
        note(f"decide: {outcome if isinstance(outcome, str) else type(outcome).__name__}")
        if isinstance(outcome, DomainError):
            return  # the gateway refused the refund: the decision is kept for a retry
        case = self.case(n)
        assert case is not None and case.status == dispute_rules.RESOLVED and case.contractor_minor == amount
        self.nothing_moves_again(n, lambda: self.decide_as_admin(n, amount))

    @precondition(enabled("member_disputes"))
    @rule()
    @logged
    def the_dispute_deadlines_pass(self) -> None:
        """The response and evidence windows end: every case still waiting goes to review."""
        self.run_jobs(utcnow() + timedelta(days=get_settings().dispute_response_days + 1))
        for n in range(3):
            case = self.case(n)
            if case is not None and case.status in (dispute_rules.AWAITING, dispute_rules.OPEN):
                assert self.jobs_may_lag, f"case {case.id} is {case.status} after its deadline"

    def every_dispute_ends(self) -> None:
        """At the end: with the gateway answering again, every case still open is decided by an administrator and
        every decision still waiting for the gateway is carried out; then every case has ended, exactly once."""
        if not any(self.case(n) for n in range(3)):
            return
        self.gateway.payments_fail = self.gateway.refunds_fail = self.gateway.transfers_fail = False
        self.gateway.answers_lost = False
        for intent in list(self.gateway.intents.values()):  # the card issuers decide their chargebacks
            self.gateway.close_dispute(intent.id, won=sum(map(ord, intent.id)) % 2 == 0)  # some won, some lost
        for _round in range(50):  # what Stripe did reaches the platform first
            if not self.gateway.outbox:
                break
            self.deliver_and_answer(self.gateway.outbox[0])
        for n in range(3):
            self.end_the_dispute(n)
        with session_scope() as session:
            books = Books.read(session)
        stuck = {d.contract_id for d in books.decisions.values() if d.status == "deciding"}
        for case in books.cases:
            assert case.status in dispute_rules.ENDED or case.contract_id in stuck, (
                f"case {case.id} never ended: {case.status}"
            )
        check_disputes(books)
        check_ledger(books)
        check_escrows(books)

    def end_the_dispute(self, n: int) -> None:
        """Catch the case up with its contract; finish a decision the gateway held up; an administrator decides a
        case still active: everything back to the client, or, when the gateway cannot refund (a card dispute), a
        release."""
        with session_scope() as session:
            case = dispute_steps.case_of(session, self.cid(n))
            if case is None:
                return
            dispute_endings.reconcile(session, case)
        with session_scope() as session:
            decision = session.get(FreezeDecision, self.cid(n))
        if decision is not None and decision.status == "overtaken":
            # a lost card dispute took the whole escrow back first: the decision moves nothing, now or on a retry
            refused = self.attempt(
                lambda: self.run(
                    resolution.carry_out(session_factory=session_scope, gateway=self.gateway, contract_id=self.cid(n))
                )
            )
            assert isinstance(refused, ValidationFailed) and refused.fields["form"] == card_disputes.OVERTAKEN, refused
            assert self.load(n).status == "cancelled" and self.escrow_held(n) == 0
        elif decision is not None and decision.status != "done":
            outcome = self.attempt(
                lambda: self.run(
                    resolution.carry_out(session_factory=session_scope, gateway=self.gateway, contract_id=self.cid(n))
                )
            )
            if isinstance(outcome, DomainError):
                # Known limit: a decision refunding a charge the card issuer disputed (reported after it was made)
                # cannot be carried out; it is kept, and the contract stays frozen with nothing moved (until a lost
                # card dispute takes the whole escrow back: the decision is then overtaken, above).
                assert self.card_disputed(n) and self.load(n).release_frozen, outcome
                return
        case = self.case(n)
        assert case is not None
        if case.status in dispute_rules.ACTIVE and decision is None:
            with session_scope() as session:
                over = resolution.describe(session, self.load(n)).decides_over
            self.decide_as_admin(n, over if self.card_disputed(n) else 0)
        with session_scope() as session:
            found = dispute_steps.case_of(session, self.cid(n))
            assert found is not None
            dispute_endings.reconcile(session, found)

    # ---- after every step ----------------------------------------------------------------------------------

    @invariant()
    def the_books_hold(self) -> None:
        with session_scope() as session:
            books = Books.read(session)
        try:
            check_ledger(books)
            check_escrows(books)
            check_nothing_goes_back_twice(books, self.gateway)
            check_no_payout_after_the_money_went_back(self.paid_after_told)
            check_held_escrows_are_covered(books, self.gateway)
            check_every_contract_has_a_way_out(books)
            check_ended_contracts_keep_no_jobs(books)
            check_disputes(books)
            check_the_gateway_did_what_the_ledger_says(books, self.gateway)
            if not self.gateway.outbox:  # every event delivered: the ledger must agree with Stripe
                check_ledger_equals_gateway(books, self.gateway)
        except AssertionError as exc:
            exc.add_note(self.steps())
            raise


# ---- one read of the books, and the checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: int
    kind: str
    currency: str
    normal_side: str
    may_go_negative: bool
    user_id: int | None
    contract_id: int | None
    balance_minor: int  # the stored (cached) balance
    problem_id: int | None = None  # a problem's escrow


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    key: str
    currency: str
    contract_id: int | None  # the contract whose money it moves (from the entry, or its payment or payout)
    legs: tuple[tuple[Account, int], ...]  # (account, amount: + debit, - credit)
    problem_id: int | None = None  # the problem whose money it moves (from the entry, or its payment)

    def on(self, kind: str) -> int:
        return sum(amount for account, amount in self.legs if account.kind == kind)

    @property
    def cash(self) -> int:
        """What it moved into the platform's money at the gateway (negative: out of it)."""
        return self.on("platform_cash")

    @property
    def to_a_contractor(self) -> bool:
        """Money between the platform and a contractor moves through the contractor's payable account."""
        return any(account.kind == "payable" for account, _amount in self.legs)

    @property
    def releases(self) -> int | None:
        """The contract whose escrow this entry releases to a contractor (escrow debited, a payable credited)."""
        if not any(account.kind == "payable" and amount < 0 for account, amount in self.legs):
            return None
        return next((a.contract_id for a, amount in self.legs if a.kind == "escrow" and amount > 0), None)


@dataclass(frozen=True)
class Books:
    """One read of everything the checks look at, in a few queries (they run after every step)."""

    accounts: list[Account]
    posted: dict[int, int]  # account id -> balance from its postings, on its normal side
    trial_balance: int
    unbalanced: list[tuple[int, int]]
    entries: list[Entry]
    contracts: list[Contract]
    payments: list[Payment]
    payouts: list[Payout]
    payout_accounts: list[PayoutAccount]
    jobs: list[tuple[str, str, int | None, str]]  # (key, kind, contract id, status)
    cases: list[DisputeCase] = dataclasses.field(default_factory=list)
    decisions: dict[int, FreezeDecision] = dataclasses.field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> Books:
        accounts = {
            a.id: Account(
                a.id,
                a.kind,
                a.currency,
                a.normal_side,
                a.may_go_negative,
                a.user_id,
                a.contract_id,
                a.balance_minor,
                a.problem_id,
            )
            for a in session.exec(select(LedgerAccount)).all()
            if a.id is not None
        }
        postings = session.exec(select(Posting.entry_id, Posting.account_id, Posting.amount_minor)).all()
        payments = list(session.exec(select(Payment).order_by(col(Payment.id))).all())
        payouts = list(session.exec(select(Payout).order_by(col(Payout.id))).all())
        contract_of_payment = {p.id: p.contract_id for p in payments}
        problem_of_payment = {p.id: p.problem_id for p in payments}
        contract_of_payout = {p.id: p.contract_id for p in payouts}
        legs: dict[int, list[tuple[Account, int]]] = defaultdict(list)
        sums: Counter[int] = Counter()
        for entry_id, account_id, amount in postings:
            legs[entry_id].append((accounts[account_id], amount))
            sums[account_id] += amount
        entries = []
        for row in session.exec(select(JournalEntry).order_by(col(JournalEntry.id))).all():
            assert row.id is not None
            contract_id, problem_id = row.contract_id, row.problem_id
            if contract_id is None and (found := re.search(r"payment:(\d+)", row.idempotency_key)):
                contract_id = contract_of_payment.get(int(found[1]))
                problem_id = problem_id or problem_of_payment.get(int(found[1]))
            if contract_id is None and (found := re.search(r"payout:(\d+)", row.idempotency_key)):
                contract_id = contract_of_payout.get(int(found[1]))
            entries.append(
                Entry(row.id, row.kind, row.idempotency_key, row.currency, contract_id, tuple(legs[row.id]), problem_id)
            )
        return cls(
            accounts=list(accounts.values()),
            posted={aid: sums[aid] * (1 if a.normal_side == "debit" else -1) for aid, a in accounts.items()},
            trial_balance=sum(sums.values()),
            unbalanced=[(e.id, s) for e in entries if (s := sum(amount for _a, amount in e.legs)) != 0],
            entries=entries,
            contracts=list(session.exec(select(Contract).order_by(col(Contract.id))).all()),
            payments=payments,
            payouts=payouts,
            payout_accounts=list(session.exec(select(PayoutAccount)).all()),
            jobs=list(
                session.exec(select(ScheduledJob.key, ScheduledJob.kind, ScheduledJob.contract_id, ScheduledJob.status))
            ),
            cases=list(session.exec(select(DisputeCase).order_by(col(DisputeCase.id))).all()),
            decisions={d.contract_id: d for d in session.exec(select(FreezeDecision)).all()},
        )

    def held(self, contract_id: int | None) -> int:
        """What the contract's escrow holds, from its postings."""
        return sum(self.posted[a.id] for a in self.accounts if a.kind == "escrow" and a.contract_id == contract_id)

    def payable(self, user_id: int, currency: str) -> int:
        return sum(
            self.posted[a.id]
            for a in self.accounts
            if a.kind == "payable" and a.user_id == user_id and a.currency == currency
        )

    def cash(self, currency: str) -> int:
        """The platform's money at the gateway in `currency`: the sum of the postings of its platform cash."""
        return sum(self.posted[a.id] for a in self.accounts if a.kind == "platform_cash" and a.currency == currency)

    def refunded_beyond(self, decision: FreezeDecision) -> int:
        """How much more of the contract's payment the gateway has refunded than the decision's refund reaches."""
        refunded = sum(
            p.refunded_minor
            for p in self.payments
            if p.contract_id == decision.contract_id and p.status not in ("returning", "returned")
        )
        return refunded - (decision.refund_to_total or decision.client_minor)

    @property
    def releases(self) -> Counter[int | None]:
        return Counter(e.releases for e in self.entries if e.releases is not None)

    def cash_by_contract(self) -> tuple[dict[int, int], dict[int, int], dict[int, int], dict[int, int]]:
        """Per contract: net cash moved on the client's side (payments in, refunds and disputes out), the money
        taken in and given back on that side, and net cash moved on the contractor's side (payouts, reversals)."""
        client: dict[int, int] = defaultdict(int)
        taken: dict[int, int] = defaultdict(int)
        given_back: dict[int, int] = defaultdict(int)
        contractor: dict[int, int] = defaultdict(int)
        for entry in self.entries:
            if not entry.cash or (entry.contract_id is None and entry.problem_id is not None):
                continue  # a problem's payment: `cash_by_problem`
            assert entry.contract_id is not None, f"money moved at the gateway for no contract nor problem: {entry}"
            if entry.to_a_contractor:
                contractor[entry.contract_id] += entry.cash
            else:
                client[entry.contract_id] += entry.cash
                taken[entry.contract_id] += sum(a for acc, a in entry.legs if acc.kind == "platform_cash" and a > 0)
                given_back[entry.contract_id] -= sum(
                    a for acc, a in entry.legs if acc.kind == "platform_cash" and a < 0
                )
        return client, taken, given_back, contractor


def check_ledger(books: Books) -> None:
    """Every entry balances, so the trial balance is zero; no account below zero by its postings; an account that
    keeps a cached balance keeps its postings' (a platform-wide account may keep none: 0)."""
    assert books.unbalanced == [], f"unbalanced entries: {books.unbalanced}"
    assert books.trial_balance == 0
    negative = {a.id: books.posted[a.id] for a in books.accounts if not a.may_go_negative and books.posted[a.id] < 0}
    assert not negative, f"accounts below zero: {negative}"
    stale = {
        (a.kind, a.user_id, a.contract_id, a.currency): (a.balance_minor, books.posted[a.id])
        for a in books.accounts
        if a.balance_minor != books.posted[a.id]
        and not (a.balance_minor == 0 and a.user_id is None and a.contract_id is None and a.problem_id is None)
    }
    assert not stale, f"cached balances that differ from their postings (cached, posted): {stale}"


def check_escrows(books: Books) -> None:
    """An escrow is released at most once, to its contractor for the price less the fee, exactly when the contract
    is completed; unless frozen for an administrator it holds the price exactly while the status says so."""
    releases = books.releases
    for contract in books.contracts:
        cid, status, held = contract.id, contract.status, books.held(contract.id)
        assert releases[cid] <= 1, f"contract {cid} released {releases[cid]} times"
        assert bool(releases[cid]) == (status == "completed"), (cid, status, "released" if releases[cid] else "")
        decision = books.decisions.get(cid or 0)
        part = decision.contractor_minor if decision is not None else contract.amount_minor  # a split: its part
        for entry in books.entries:
            if entry.releases == cid:
                released, payee = entry.on("escrow"), -entry.on("payable")
                assert payee == split_release(released, contract.fee_bps).payee_minor, (cid, entry)
                # a split's part, less what a refund made by someone else at the gateway took of it meanwhile
                short = part - released
                assert short == 0 or (decision is not None and 0 < short <= books.refunded_beyond(decision)), (
                    cid,
                    part,
                    released,
                )
        # a problem's contract holds its price from the accepted bid on (ADR 0005), before both accept its terms
        holds = status in HELD or (contract.funding_source == "problem" and status == "awaiting_acceptance")
        if contract.release_frozen:
            assert 0 <= held <= contract.amount_minor, (cid, status, held)
        else:
            assert held == (contract.amount_minor if holds else 0), (cid, status, held)


def check_disputes(books: Books) -> None:
    """A party's dispute holds its contract frozen while it is active; once settled or decided, what the case says
    each party got is the contract's one decision, and a settlement is the parties' (no administrator)."""
    contracts = {c.id: c for c in books.contracts}
    for case in books.cases:
        contract = contracts[case.contract_id]
        decision = books.decisions.get(case.contract_id)
        if case.status in dispute_rules.ACTIVE:
            # frozen, or moved on without the case (a decision done, the gateway refunded all): `reconcile` closes it
            assert contract.release_frozen or contract.status in ENDED or decision is not None, (
                f"case {case.id} is {case.status} but contract {contract.id} is {contract.status} and not frozen"
            )
            continue
        if decision is not None and decision.status == "overtaken":  # a lost card dispute took it all back first
            assert contract.status == "cancelled" and not contract.release_frozen, (case.id, contract.status)
            assert case.status == dispute_rules.SETTLED or case.decided_by is None, (case.id, case.status)
        if decision is None or (decision.status == "overtaken" and case.status == dispute_rules.RESOLVED):
            # the gateway took the whole escrow back to the client
            assert case.status == dispute_rules.RESOLVED and case.decided_by is None and contract.status in ENDED
            assert (case.contractor_minor, case.client_minor) == (0, case.amount_minor), case.id
            continue
        assert (case.contractor_minor, case.client_minor) == (decision.contractor_minor, decision.client_minor), (
            case.id,
            case.contractor_minor,
            case.client_minor,
            decision,
        )
        assert (case.status == dispute_rules.SETTLED) == (decision.admin_id is None), (case.id, case.status)
        if decision.status == "done":
            assert not contract.release_frozen or contract.frozen_reason, (case.id, contract.status)


def check_nothing_goes_back_twice(books: Books, gateway: StripeModel) -> None:
    """The ledger never gives a client back more than it took in for the contract, nor more than Stripe charged."""
    _client, taken, given_back, _contractor = books.cash_by_contract()
    for contract in books.contracts:
        cid = contract.id or 0
        charged = sum(i.amount for i in gateway.intents.values() if i.contract_id == cid and i.status == "succeeded")
        assert given_back[cid] <= min(taken[cid], charged), (
            f"contract {cid}: the ledger gave back {given_back[cid]}, took in {taken[cid]}, Stripe charged {charged}"
        )


def check_no_payout_after_the_money_went_back(paid_after_told: list[tuple[str, int, int, int]]) -> None:
    """No transfer for a contract once the platform was told the client's money for it went back: the contractor
    and the client would both have it (what, contract, price, what the payments still held as far as told)."""
    told = {what: (cid, price, cover) for what, cid, price, cover in paid_after_told}
    assert "full refund" not in told, f"paid out after a full refund was known: {told['full refund']}"
    assert "partial refund" not in told, f"paid out after a partial refund was known: {told['partial refund']}"
    assert "dispute" not in told, f"paid out while a dispute was known: {told['dispute']}"


def check_held_escrows_are_covered(books: Books, gateway: StripeModel) -> None:
    """An escrow that holds the price and is not frozen for an administrator still has the client's money, as far
    as the platform was told: a refund or dispute it was told of (even before the payment's success) freezes the
    contract, or, before any delivery, a full refund cancels it. (A refund under way, `refunding`, is exempt.)"""
    for contract in books.contracts:
        if contract.release_frozen or contract.status not in ESCROW_HELD or contract.funding_source == "problem":
            continue  # a problem's contract keeps its escrow whatever befalls the problem's payment (ADR 0005)
        cover = gateway.known_cover(contract.id or 0)
        if cover >= contract.amount_minor:
            continue
        intents = [i for i in gateway.intents.values() if i.contract_id == contract.id]
        told = {
            i.id: (gateway.known.refunded.get(i.id, 0), gateway.known.disputed.get(i.id, 0))
            for i in intents
            if i.id in gateway.known.refunded or i.id in gateway.known.disputed
        }
        assert not any(i.id in gateway.known.early for i in intents), (
            f"contract {contract.id} is {contract.status}, not frozen, although a refund or dispute (refunded, "
            f"disputed: {told}) came before its payment's success: told {cover} of {contract.amount_minor} is left"
        )
        assert cover >= contract.amount_minor, (
            f"contract {contract.id} is {contract.status}, not frozen, although told of a refund or dispute "
            f"(refunded, disputed: {told}): {cover} of {contract.amount_minor} is left"
        )


def check_every_contract_has_a_way_out(books: Books) -> None:
    """A contract not ended and not frozen for an administrator moves on within a known time: the party who waits
    can act (the client before funding and after the due date, either party while a refund is retried), or a
    pending scheduled job moves it on (the automatic release of a delivery; a revision's deadline)."""
    pending = defaultdict(set)
    for _key, kind, cid, status in books.jobs:
        if status == "pending" and kind not in NOT_A_WAY_OUT:
            pending[cid].add(kind)
    for contract in books.contracts:
        if contract.status in (*ENDED, *UNFUNDED, "refunding") or contract.release_frozen:
            continue
        if contract.status == "funded":
            assert contract.due_at is not None, f"contract {contract.id} is funded with no due date"
            continue
        if contract.status == "revision_requested" and contract.revision_due_at is not None:
            continue  # after it the client may cancel for a refund (its job tells both when it comes)
        assert pending[contract.id], (
            f"contract {contract.id} is {contract.status} with no scheduled way out: "
            f"{sorted(k for _key, k, cid, s in books.jobs if cid == contract.id and s == 'pending')}"
        )


def check_ended_contracts_keep_no_jobs(books: Books) -> None:
    pending = {(cid, kind) for _key, kind, cid, status in books.jobs if status == "pending"}
    for contract in books.contracts:
        if contract.status in ENDED:
            left = {kind for cid, kind in pending if cid == contract.id} & set(LEFT_BEHIND)
            assert not left, (contract.id, contract.status, left)


def check_the_gateway_did_what_the_ledger_says(books: Books, gateway: StripeModel) -> None:
    """Money moves in the records only on the gateway's word: a payout paid was transferred, a payment taken was
    charged, a payment given back was refunded (or taken back by a dispute the platform lost)."""
    for payout in books.payouts:
        if payout.status == "paid":
            assert payout.external_id in gateway.transfers, f"payout {payout.id} paid without a transfer"
    for payment in books.payments:
        intent = gateway.intents.get(payment.external_id or "")
        if payment.status in ("succeeded", "refunded", "returning", "returned"):
            assert intent is not None and intent.status == "succeeded", f"payment {payment.id} never charged"
        if payment.status in ("refunded", "returned"):
            lost = intent is not None and intent.dispute is not None and intent.dispute.status == "lost"
            assert intent is not None and (intent.refunded > 0 or lost), f"payment {payment.id} never refunded"


def check_payouts_go_out(books: Books) -> None:
    """Once the due jobs ran with a gateway that answered: every payout is sent unless its contract is frozen or
    its contractor cannot receive yet, and what a contractor is owed has a payout on its way."""
    enabled = {a.user_id for a in books.payout_accounts if a.payouts_enabled}
    frozen = {c.id for c in books.contracts if c.release_frozen}
    for payout in books.payouts:
        if payout.status == "pending":
            assert payout.contract_id in frozen or payout.user_id not in enabled, f"payout {payout.id} not sent"
    waiting: dict[tuple[int, str], int] = defaultdict(int)
    for payout in books.payouts:
        if payout.status == "pending":
            waiting[(payout.user_id, payout.currency)] += payout.amount_minor
    for account in books.accounts:
        if account.kind == "payable" and account.user_id is not None:
            owed = books.payable(account.user_id, account.currency)
            on_its_way = waiting[(account.user_id, account.currency)]
            assert owed <= on_its_way, (
                f"user {account.user_id} is owed {owed} {account.currency} with only {on_its_way} on its way"
            )


def check_ledger_equals_gateway(books: Books, gateway: StripeModel) -> None:
    """Every event delivered: per contract, what the ledger took in and gave back equals what Stripe charged,
    refunded and withdrew for disputes (less reinstated), and what it paid its contractor equals the transfers less
    their reversals; per currency, platform cash is what the platform holds at Stripe."""
    client, _taken, _given_back, contractor = books.cash_by_contract()
    for contract in books.contracts:
        cid = contract.id or 0
        intents = [i for i in gateway.intents.values() if i.contract_id == cid and i.status == "succeeded"]
        at_stripe = sum(i.held_by_stripe for i in intents)
        assert client[cid] == at_stripe, (
            f"contract {cid} ({contract.status}): the ledger holds {client[cid]} of the client's money, Stripe "
            f"{at_stripe}: "
            + "; ".join(
                f"{i.id} charged {i.amount} refunded {i.refunded}"
                + (f" disputed {i.dispute.amount} ({i.dispute.status})" if i.dispute else "")
                for i in intents
            )
        )
        transfers = [t for t in gateway.transfers.values() if t.contract_id == cid]
        sent = sum(t.amount - t.reversed for t in transfers)
        assert -contractor[cid] == sent, (
            f"contract {cid}: the ledger paid the contractor {-contractor[cid]} net, Stripe transferred {sent}: "
            + "; ".join(f"{t.id} {t.amount} reversed {t.reversed}" for t in transfers)
        )
    currencies = {a.currency for a in books.accounts} | {i.currency for i in gateway.intents.values()}
    ledger = {c: books.cash(c) for c in sorted(currencies)}
    assert ledger == {c: gateway.balance(c) for c in sorted(currencies)}, ledger
