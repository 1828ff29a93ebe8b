"""Random sequences of contract money actions on three contracts, with the books checked after every step.

A Hypothesis state machine drives the real services: funding (the sandbox with good and declined cards, a second
tab, two clicks at once, card payments confirmed later by the gateway's webhook), delivery, approval (twice, by the
wrong party), revisions, cancellation by agreement, the gateway's refund and dispute webhooks, a gateway that
sometimes fails, and the scheduler at moved clocks for auto-release, unfunded expiry, payouts and money going back.
Each action must be refused exactly when the rules say so, and after every step the books must hold (see
`the_books_hold`). The "money" profile (every `make test`) tries 1,000 random sequences of up to 20 steps, some
15,000 steps in all (about two minutes on this 2-core machine), each sequence on its own copy of a prepared SQLite
database, a new random selection every run; MONEY_PROFILE=money-deep tries 5,000 sequences of up to 30 steps.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, read_scope, session_scope
from jtbd_app.domain.contract_rules import ESCROW_HELD, UNFUNDED, WORKING, split_release
from jtbd_app.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Payment, Payout, Posting, ScheduledJob, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import cancellation, deliveries, funding, jobs, payment_events
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import GatewayEvent
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, agreed_contract
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.viewers import viewer_of

settings.register_profile(
    "money",
    max_examples=1_000,
    stateful_step_count=20,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("money-deep", settings.get_profile("money"), max_examples=5_000, stateful_step_count=30)
MONEY = settings.get_profile(os.environ.get("MONEY_PROFILE", "money"))

GOOD_CARD = "4242 4242 4242 4242"
CARDS = (GOOD_CARD, GOOD_CARD, "4000 0000 0000 0002", "4000 0000 0000 9995")
REFUSALS = (ValidationFailed, PermissionDenied, NotFound)
HELD = (*ESCROW_HELD, "refunding")  # the statuses in which the escrow holds the price
T = TypeVar("T")

CONTRACTS = st.integers(0, 2)
EITHER_PARTY = st.sampled_from(["client", "contractor", "client", "contractor", "stranger"])


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


@dataclass(frozen=True)
class World:
    """What every sequence starts from: a saved database with four members and three agreed contracts, and the
    starting points built from it so far (funding and delivering through the services costs more than a copy)."""

    template: Path
    database: Path
    deals: tuple[Deal, ...]
    stranger: Viewer
    starts: dict[tuple[str, ...], Path] = field(default_factory=dict)

    def restore(self, saved: Path | None = None) -> None:
        get_engine().dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(saved or self.template, self.database)

    def save_start(self, phases: tuple[str, ...]) -> None:
        get_engine().dispose()
        self.starts[phases] = self.template.with_name(f"start-{'-'.join(phases)}.db")
        shutil.copyfile(self.database, self.starts[phases])


class ContractMoney(RuleBasedStateMachine):
    world: ClassVar[World]  # set by the test on a subclass

    def __init__(self) -> None:
        super().__init__()
        self.gateway = ScriptedGateway()
        self.loop = asyncio.new_event_loop()
        self.jobs_may_lag = False  # a refund or transfer failed: its retry waits for a later clock
        self.confirming: set[str] = set()  # external ids of card payments waiting for the gateway's webhook

    def teardown(self) -> None:
        self.loop.close()

    # ---- helpers -------------------------------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def viewer(self, n: int, who: str) -> Viewer:
        deal = self.world.deals[n]
        return {"client": deal.client, "contractor": deal.contractor}.get(who, self.world.stranger)

    def load(self, n: int) -> Contract:
        return self.world.deals[n].load()

    def load_id(self, contract_id: int | None) -> Contract:
        with read_scope() as session:
            contract = session.get(Contract, contract_id)
            assert contract is not None
            return contract

    def payments(self, n: int) -> list[Payment]:
        with read_scope() as session:
            contract_id = self.world.deals[n].contract_id
            return list(session.exec(select(Payment).where(Payment.contract_id == contract_id)).all())

    @staticmethod
    def attempt(action: Callable[[], T]) -> T | DomainError:
        try:
            return action()
        except REFUSALS as exc:
            return exc

    @staticmethod
    def expect(outcome: object, refusal: type[DomainError] | None, what: str) -> bool:
        """The action was done when the rules allow it and refused with `refusal` when they do not."""
        event(f"{what}: {type(outcome).__name__ if isinstance(outcome, DomainError) else 'done'}")
        if refusal is None:
            assert not isinstance(outcome, DomainError), f"{what} was refused: {outcome}"
            return True
        assert isinstance(outcome, refusal), f"{what}: expected {refusal.__name__}, got {outcome!r}"
        return False

    def fund_as(self, n: int, who: str, card: str) -> funding.FundingOutcome:
        return self.run(self.funding(n, who, card))

    def funding(self, n: int, who: str, card: str) -> Coroutine[Any, Any, funding.FundingOutcome]:
        return funding.fund_contract(
            session_factory=session_scope,
            gateway=self.gateway,
            viewer=self.viewer(n, who),
            contract_id=self.world.deals[n].contract_id,
            test_card=card,
        )

    def approve_as(self, n: int, who: str) -> object:
        with session_scope() as session:
            return deliveries.approve_delivery(
                session, viewer=self.viewer(n, who), contract_id=self.world.deals[n].contract_id
            )

    def run_jobs(self, now: datetime) -> None:
        """A worker polling at `now` until nothing more is due (a job may schedule another, such as a payout)."""
        for _round in range(5):
            done = self.run(
                scheduler.run_due_jobs(session_scope, handlers=jobs.HANDLERS, ports={"gateway": self.gateway}, now=now)
            )
            if not done:
                break
        if not self.jobs_may_lag:
            with read_scope() as session:  # every payout is sent, except one held for a frozen contract
                waiting = session.exec(select(Payout).where(Payout.status == "pending")).all()
                assert all(self.load_id(p.contract_id).release_frozen for p in waiting)
                assert session.exec(select(Payment).where(Payment.status == "returning")).first() is None

    # ---- each action, with when the rules allow it ---------------------------------------------------------

    def do_fund(self, n: int, who: str, card: str) -> None:
        before = self.load(n)
        outcome = self.attempt(lambda: self.fund_as(n, who, card))
        allowed = before.status == "awaiting_funding" and card == GOOD_CARD and not self.gateway.payments_fail
        if self.expect(outcome, refusal_for(who, "client") or (None if allowed else ValidationFailed), "fund"):
            assert self.load(n).status == "funded"

    def do_deliver(self, n: int, who: str) -> None:
        before = self.load(n)

        def submit() -> int:
            with session_scope() as session:
                return deliveries.submit_delivery(
                    session, viewer=self.viewer(n, who), contract_id=before.id, message="Here is the work."
                )

        expected = refusal_for(who, "contractor") or (None if before.status in WORKING else ValidationFailed)
        if self.expect(self.attempt(submit), expected, "deliver"):
            assert self.load(n).status == "delivered"

    def do_approve(self, n: int, who: str) -> None:
        before = self.load(n)
        allowed = before.status == "delivered" and not before.release_frozen
        outcome = self.attempt(lambda: self.approve_as(n, who))
        if self.expect(outcome, refusal_for(who, "client") or (None if allowed else ValidationFailed), "approve"):
            assert self.load(n).status == "completed"

    def do_request_revision(self, n: int, who: str, reason: str) -> None:
        before = self.load(n)

        def ask() -> int:
            with session_scope() as session:
                return deliveries.request_revision(
                    session, viewer=self.viewer(n, who), contract_id=before.id, reason=reason
                )

        allowed = before.status == "delivered" and before.revisions_used < before.max_revisions and bool(reason.strip())
        expected = refusal_for(who, "client") or (None if allowed else ValidationFailed)
        if self.expect(self.attempt(ask), expected, "revision"):
            assert self.load(n).status == "revision_requested"

    # ---- where each sequence starts, and the usual next step -------------------------------------------------

    @initialize(phases=st.tuples(*[st.sampled_from(["agreed", "agreed", "funded", "delivered"])] * 3))
    def start(self, phases: tuple[str, ...]) -> None:
        """Each contract starts agreed, funded, or with a delivery to review, so every stage gets explored."""
        self.world.restore(self.world.starts.get(phases))
        if phases in self.world.starts:
            with session_scope() as session:  # what the gateway charged to get here
                funding = session.exec(select(Payment).where(Payment.status == "succeeded")).all()
                self.gateway.charges = {p.external_id: (p.amount_minor, p.currency) for p in funding if p.external_id}
            return
        for n, phase in enumerate(phases):
            if phase != "agreed":
                self.do_fund(n, "client", GOOD_CARD)
            if phase == "delivered":
                self.do_deliver(n, "contractor")
        self.world.save_start(phases)

    @rule(n=CONTRACTS, other_way=st.booleans())
    def next_step(self, n: int, other_way: bool) -> None:
        """The party whose move it is makes it on the first contract from `n` that has a next step: the client
        pays (with the sandbox, or a card the gateway confirms later by webhook), the gateway confirms, the
        contractor delivers, the client approves or asks for a revision. Sequences reach the later stages often."""
        for m in (n, (n + 1) % 3, (n + 2) % 3):
            contract = self.load(m)
            if contract.status == "awaiting_funding":
                confirming = [p for p in self.confirming_payments(contract.id) if p.status == "pending"]
                if confirming:
                    return self.do_payment_webhook(confirming[0], succeeded=True)
                if other_way:
                    return self.do_start_card_payment(m)
                return self.do_fund(m, "client", GOOD_CARD)
            if contract.status in WORKING:
                return self.do_deliver(m, "contractor")
            if contract.status == "delivered" and other_way:
                return self.do_request_revision(m, "client", "The logo is missing.")
            if contract.status == "delivered":
                return self.do_approve(m, "client")
        return None

    # ---- the client pays ---------------------------------------------------------------------------------

    @rule(n=CONTRACTS, who=acting("client"), card=st.sampled_from(CARDS))
    def fund(self, n: int, who: str, card: str) -> None:
        self.do_fund(n, who, card)

    @rule(n=CONTRACTS)
    def fund_again_from_a_second_tab(self, n: int) -> None:
        self.attempt(lambda: self.fund_as(n, "client", GOOD_CARD))
        second = self.attempt(lambda: self.fund_as(n, "client", GOOD_CARD))
        self.expect(second, ValidationFailed, "fund twice")

    @rule(n=CONTRACTS)
    def start_a_card_payment_needing_confirmation(self, n: int) -> None:
        """On the first contract from `n` still waiting for its money, if any."""
        self.do_start_card_payment(
            next((m for m in (n, (n + 1) % 3, (n + 2) % 3) if self.load(m).status == "awaiting_funding"), n)
        )

    def do_start_card_payment(self, n: int) -> None:
        """As with Stripe: the browser confirms the card, and the gateway's webhook says later how it went."""
        before = self.load(n)
        self.gateway.confirm_by_webhook = True
        try:
            outcome = self.attempt(lambda: self.fund_as(n, "client", GOOD_CARD))
        finally:
            self.gateway.confirm_by_webhook = False
        allowed = before.status == "awaiting_funding" and not self.gateway.payments_fail
        if self.expect(outcome, None if allowed else ValidationFailed, "card needing confirmation"):
            assert isinstance(outcome, funding.FundingOutcome) and outcome.status == "requires_action"
            self.confirming |= {p.external_id for p in self.payments(n) if p.external_id and p.status == "pending"}
            assert self.load(n).status == "awaiting_funding"

    @rule(pick=st.integers(0, 3), succeeded=st.booleans())
    def gateway_payment_webhook(self, pick: int, succeeded: bool) -> None:
        """payment_intent.succeeded or .payment_failed for a card payment needing confirmation (maybe a repeat,
        maybe after its contract was funded another way, cancelled or expired)."""
        confirming = self.confirming_payments()
        if confirming:
            self.do_payment_webhook(confirming[pick % len(confirming)], succeeded)

    def confirming_payments(self, contract_id: int | None = None) -> list[Payment]:
        with session_scope() as session:
            payments = session.exec(select(Payment).order_by(col(Payment.id))).all()
        return [
            p
            for p in payments
            if p.external_id in self.confirming and (contract_id is None or p.contract_id == contract_id)
        ]

    def do_payment_webhook(self, payment: Payment, succeeded: bool) -> None:
        external_id = payment.external_id
        assert external_id is not None
        charged = external_id in self.gateway.charges
        if not succeeded and charged:
            return  # a payment the gateway took does not fail afterwards
        n = next(i for i, deal in enumerate(self.world.deals) if deal.contract_id == payment.contract_id)
        before = self.load(n)
        kind = "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed"
        if succeeded:
            self.gateway.charges[external_id] = (payment.amount_minor, payment.currency)
        with session_scope() as session:
            said = payment_events.HANDLERS[kind](
                session,
                GatewayEvent(
                    id=f"evt_{external_id}_{kind}",
                    kind=kind,
                    object_id=external_id,
                    amount_minor=payment.amount_minor,
                    currency=payment.currency,
                    charge_id=f"ch_{external_id}",
                    failure_message="Your card was declined.",
                ),
            )
        event(f"payment webhook: {said}")
        if succeeded and not charged:
            expected = "funded" if before.status == "awaiting_funding" else "payment not needed; refund scheduled"
            assert said == expected, (said, before.status)

    @rule(n=CONTRACTS)
    def fund_with_two_clicks_at_once(self, n: int) -> None:
        """Both payments start before either is answered: one funds the escrow, the other goes back."""
        before, earlier = self.load(n), {p.id for p in self.payments(n)}

        async def both() -> list[object]:
            return await asyncio.gather(
                self.funding(n, "client", GOOD_CARD), self.funding(n, "client", GOOD_CARD), return_exceptions=True
            )

        self.gateway.yield_first = True
        try:
            outcomes = self.run(both())
        finally:
            self.gateway.yield_first = False
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, REFUSALS):
                raise outcome
        allowed = before.status == "awaiting_funding" and not self.gateway.payments_fail
        for outcome in outcomes:
            self.expect(outcome, None if allowed else ValidationFailed, "two clicks")
        if allowed:
            assert self.load(n).status == "funded"
            statuses = sorted(p.status for p in self.payments(n) if p.id not in earlier)
            assert statuses == ["returning", "succeeded"], statuses

    # ---- the work ----------------------------------------------------------------------------------------

    @rule(n=CONTRACTS, who=acting("contractor"))
    def deliver(self, n: int, who: str) -> None:
        self.do_deliver(n, who)

    @rule(n=CONTRACTS, who=acting("client"))
    def approve(self, n: int, who: str) -> None:
        self.do_approve(n, who)

    @rule(n=CONTRACTS)
    def approve_twice(self, n: int) -> None:
        self.attempt(lambda: self.approve_as(n, "client"))
        self.expect(self.attempt(lambda: self.approve_as(n, "client")), ValidationFailed, "approve twice")

    @rule(n=CONTRACTS, who=acting("client"), reason=st.sampled_from(["The logo is missing.", "   "]))
    def request_revision(self, n: int, who: str, reason: str) -> None:
        self.do_request_revision(n, who, reason)

    # ---- ending early (the do_ methods are shared by the rules below) ------------------------------------------------------------------------------------

    def do_ask_to_cancel(self, n: int, who: str) -> None:
        before = self.load(n)

        def ask() -> str:
            with session_scope() as session:
                return cancellation.request_cancellation(session, viewer=self.viewer(n, who), contract_id=before.id)

        confirming = any(p.status == "pending" and p.external_id for p in self.payments(n))
        allowed = (before.status in UNFUNDED and not confirming) or (
            before.status == "funded" and before.cancel_requested_by is None
        )
        if self.expect(
            self.attempt(ask), refusal_for(who, "") or (None if allowed else ValidationFailed), "ask to cancel"
        ):
            assert self.load(n).status == ("cancelled" if before.status in UNFUNDED else before.status)

    def do_agree_to_cancel(self, n: int, who: str) -> None:
        before, viewer = self.load(n), self.viewer(n, who)
        outcome = self.attempt(
            lambda: self.run(
                cancellation.agree_cancellation(
                    session_factory=session_scope, gateway=self.gateway, viewer=viewer, contract_id=before.id
                )
            )
        )
        asked_by_other = before.cancel_requested_by not in (None, viewer.user_id)
        allowed = (before.status == "funded" and asked_by_other) or before.status == "refunding"
        done = allowed and not self.gateway.refunds_fail
        if self.expect(outcome, refusal_for(who, "") or (None if done else ValidationFailed), "agree to cancel"):
            assert self.load(n).status == "cancelled"
        elif allowed and who != "stranger":
            assert self.load(n).status == "funded"  # the refund failed: back as it was, to try again

    @rule(n=CONTRACTS, asker=st.sampled_from(["client", "contractor"]))
    def cancel_by_agreement(self, n: int, asker: str) -> None:
        """One party asks, the other agrees: the client's payment is refunded and the contract ends."""
        self.do_ask_to_cancel(n, asker)
        self.do_agree_to_cancel(n, "contractor" if asker == "client" else "client")

    @rule(n=CONTRACTS, who=EITHER_PARTY)
    def ask_to_cancel(self, n: int, who: str) -> None:
        self.do_ask_to_cancel(n, who)

    @rule(n=CONTRACTS, who=EITHER_PARTY)
    def agree_to_cancel(self, n: int, who: str) -> None:
        self.do_agree_to_cancel(n, who)

    # ---- the gateway speaks ------------------------------------------------------------------------------

    @rule(n=CONTRACTS, pick=st.integers(0, 3))
    def gateway_refund_webhook(self, n: int, pick: int) -> None:
        """charge.refunded: after our own refund (a repeat), or a refund made in the gateway's dashboard."""
        paid = [p for p in self.payments(n) if p.external_id and p.status != "failed" and p.status != "pending"]
        if not paid:
            return
        payment = paid[pick % len(paid)]
        assert payment.external_id is not None
        self.gateway.record_refund(payment.external_id, payment.amount_minor)
        before = self.load(n)
        with session_scope() as session:
            said = payment_events.HANDLERS["charge.refunded"](
                session,
                GatewayEvent(
                    id=f"evt_{pick}",
                    kind="charge.refunded",
                    object_id=f"re_dashboard_{payment.id}",
                    amount_minor=payment.amount_minor,
                    related_id=payment.external_id,
                ),
            )
        event(f"refund webhook: {said}")
        if payment.status == "succeeded" and before.status in ("funded", "refunding"):  # after a delivery: frozen
            assert self.load(n).status == "cancelled"

    @rule(n=CONTRACTS)
    def gateway_dispute_webhook(self, n: int) -> None:
        with session_scope() as session:
            payment = funding.succeeded_payment(session, self.world.deals[n].contract_id)
        if payment is None:
            return
        with session_scope() as session:
            said = payment_events.HANDLERS["charge.dispute.created"](
                session,
                GatewayEvent(
                    id="evt_dispute",
                    kind="charge.dispute.created",
                    object_id=f"dp_{payment.id}",
                    related_id=payment.external_id or "",
                    charge_id=payment.charge_id,
                ),
            )
        event(f"dispute webhook: {said}")
        if payment.status == "succeeded":  # the escrow's own money is disputed (a refunded one is already back)
            assert self.load(n).release_frozen

    @rule(trouble=st.sampled_from(["none", "none", "payments", "refunds", "transfers"]))
    def gateway_trouble(self, trouble: str) -> None:
        self.gateway.payments_fail = trouble == "payments"
        self.gateway.refunds_fail = trouble == "refunds"
        self.gateway.transfers_fail = trouble == "transfers"
        self.jobs_may_lag = self.jobs_may_lag or trouble in ("refunds", "transfers")

    # ---- time passes -------------------------------------------------------------------------------------

    @rule()
    def run_scheduler_now(self) -> None:
        self.run_jobs(utcnow())

    @rule()
    def run_scheduler_after_the_auto_release_days(self) -> None:
        self.run_jobs(utcnow() + timedelta(days=get_settings().auto_release_days, minutes=1))
        # Silence releases every delivery, except from an escrow frozen for an administrator.
        assert all(
            self.load(n).status != "delivered" or self.load(n).release_frozen for n in range(len(self.world.deals))
        )

    @rule()
    def run_scheduler_after_the_funding_deadline(self) -> None:
        """Days after the deadline even a payment still unanswered is abandoned: no contract is left unfunded."""
        self.run_jobs(utcnow() + timedelta(days=get_settings().unfunded_expiry_days, minutes=1))
        assert all(self.load(n).status not in UNFUNDED for n in range(len(self.world.deals)))

    # ---- after every step ----------------------------------------------------------------------------------

    @invariant()
    def the_books_hold(self) -> None:
        with read_scope() as session:
            books = Books.read(session)
        check_ledger(books)
        check_contracts(books)
        check_contractors_and_fees(books)
        check_jobs(books)
        check_gateway_word(books, self.gateway)
        check_gateway_reconciles(books, self.gateway)


@dataclass(frozen=True)
class Books:
    """One read of everything the checks look at, in a few queries (they run after every step)."""

    balances: dict[str, int]  # account code -> stored balance
    posted: dict[str, int]  # account code -> balance from its postings, on its normal side
    trial_balance: int  # the sum of every posting
    unbalanced: list[tuple[int, int]]  # entries whose postings do not sum to zero
    entries: list[tuple[int | None, str, str]]  # (contract id, kind, idempotency key)
    contracts: list[Contract]
    payments: list[Payment]
    payouts: list[Payout]
    jobs: list[tuple[str, str, int | None, str]]  # (key, kind, contract id, status)

    @classmethod
    def read(cls, session: Session) -> Books:
        accounts = [
            (a.id, a.code, a.normal_side, None if a.kind in journal.UNCACHED_KINDS else a.balance_minor)
            for a in session.exec(select(LedgerAccount)).all()
        ]
        sums = dict(
            session.exec(
                select(Posting.account_id, func.sum(Posting.amount_minor)).group_by(col(Posting.account_id))
            ).all()
        )
        unbalanced = session.exec(
            select(Posting.entry_id, func.sum(Posting.amount_minor))
            .group_by(col(Posting.entry_id))
            .having(func.sum(Posting.amount_minor) != 0)
        ).all()
        return cls(
            balances={  # stored, or from the postings where none is stored
                code: int(sums.get(aid or 0, 0) or 0) * (1 if side == "debit" else -1) if balance is None else balance
                for aid, code, side, balance in accounts
            },
            posted={
                code: int(sums.get(aid or 0, 0) or 0) * (1 if side == "debit" else -1)
                for aid, code, side, _b in accounts
            },
            trial_balance=sum(int(total or 0) for total in sums.values()),
            unbalanced=[(int(e), int(total)) for e, total in unbalanced],
            entries=list(
                session.exec(select(JournalEntry.contract_id, JournalEntry.kind, JournalEntry.idempotency_key))
            ),
            contracts=list(session.exec(select(Contract))),
            payments=list(session.exec(select(Payment))),
            payouts=list(session.exec(select(Payout))),
            jobs=list(
                session.exec(select(ScheduledJob.key, ScheduledJob.kind, ScheduledJob.contract_id, ScheduledJob.status))
            ),
        )

    def balance(self, kind: str, currency: str, *, user_id: int | None = None, contract_id: int | None = None) -> int:
        return self.balances.get(journal.account_code(kind, currency, user_id=user_id, contract_id=contract_id), 0)

    @property
    def currencies(self) -> set[str]:
        return {code.rsplit(":", 1)[1] for code in self.balances}


def check_ledger(books: Books) -> None:
    """Every entry balances, so the trial balance is zero; stored balances are their postings; none below zero."""
    assert books.unbalanced == [], f"unbalanced entries: {books.unbalanced}"
    assert books.trial_balance == 0
    assert books.balances == books.posted, "a stored balance differs from its postings"
    # platform cash alone may: a refund after the payout left takes back more than the platform held for it
    assert all(balance >= 0 for code, balance in books.balances.items() if "cash" not in code), books.balances


def check_contracts(books: Books) -> None:
    """Each contract is funded, released and refunded at most once, never both released and refunded, and its
    escrow holds the price exactly while the status says the money is held."""
    kinds = Counter((contract_id, kind) for contract_id, kind, _key in books.entries)
    for contract in books.contracts:
        cid, status = contract.id, contract.status
        funded, released, refunded = (kinds[(cid, kind)] for kind in ("fund", "release", "refund"))
        assert max(funded, released, refunded) <= 1, (cid, status, kinds)
        # a refund after the release is the platform's loss, and it holds the payout for an administrator
        assert not (released and refunded) or contract.release_frozen, (cid, status, kinds)
        held = books.balance("escrow", contract.currency, contract_id=cid)
        assert held == (contract.amount_minor if status in HELD else 0), (cid, status, held)
        assert bool(released) == (status == "completed"), (cid, status)
        assert bool(funded) == (status in (*HELD, "completed") or bool(refunded)), (cid, status, kinds)
        assert not refunded or status == "cancelled" or (status == "completed" and contract.release_frozen), cid
        taken = [p for p in books.payments if p.contract_id == cid and p.status in ("succeeded", "refunded")]
        assert len(taken) == funded and sum(p.status == "refunded" for p in taken) == refunded, (cid, taken)


def check_contractors_and_fees(books: Books) -> None:
    """A completed contract owes its contractor the price less the fee, once: payable plus paid out covers it;
    fee revenue is the fees of completed contracts; what is owed back is the payments on their way back; and the
    platform's cash is everything it owes plus its fees."""
    owed: dict[tuple[int, str], int] = defaultdict(int)
    fees: dict[str, int] = defaultdict(int)
    for contract in books.contracts:
        payouts = [p.amount_minor for p in books.payouts if p.contract_id == contract.id]
        if contract.status != "completed":
            assert payouts == [], (contract.id, contract.status)
            continue
        split = split_release(contract.amount_minor, contract.fee_bps)
        assert payouts == [split.payee_minor], (contract.id, payouts)
        owed[(contract.contractor_id, contract.currency)] += split.payee_minor
        fees[contract.currency] += split.fee_minor
    paid: dict[tuple[int, str], int] = defaultdict(int)
    for payout in books.payouts:
        if payout.status == "paid":
            paid[(payout.user_id, payout.currency)] += payout.amount_minor
    for (user_id, currency), amount in owed.items():
        payable = books.balance("payable", currency, user_id=user_id)
        assert payable + paid[(user_id, currency)] == amount, (user_id, currency, payable, paid, amount)
    assert {key for _cid, kind, key in books.entries if kind == "payout"} == {
        f"payout:{p.id}" for p in books.payouts if p.status == "paid"
    }
    for currency in books.currencies:
        assert books.balance("fee_revenue", currency) == fees[currency], (currency, fees)
        returning = sum(p.amount_minor for p in books.payments if p.currency == currency and p.status == "returning")
        assert books.balance("refund_due", currency) == returning, (currency, returning)
        owed_total = sum(
            b for code, b in books.balances.items() if code.endswith(f":{currency}") and "cash" not in code
        ) - 2 * books.balance("platform_loss", currency)  # the one other debit account here: money gone
        assert books.balance("platform_cash", currency) == owed_total, currency


def check_jobs(books: Books) -> None:
    """An ended contract has nothing left to expire, release or remind; a payment going back has its refund job."""
    pending = {(cid, kind) for _key, kind, cid, status in books.jobs if status == "pending"}
    for contract in books.contracts:
        if contract.status in ("completed", "cancelled", "expired"):
            left = {kind for cid, kind in pending if cid == contract.id} & set(cancellation.CONTRACT_JOBS)
            assert not left, (contract.id, contract.status, left)
    status_of = {key: status for key, _kind, _cid, status in books.jobs}
    for payment in books.payments:
        if payment.status == "returning":
            assert status_of.get(f"refund_payment:{payment.id}") in ("pending", "failed"), payment


def check_gateway_word(books: Books, gateway: ScriptedGateway) -> None:
    """Money leaves the ledger only when the gateway moved it: every payout was transferred, every refund made."""
    for payout in books.payouts:
        if payout.status == "paid":
            assert payout.idempotency_key in gateway.transferred, "a payout the gateway never made"
    gone_back = {p.external_id for p in books.payments if p.status in ("refunded", "returned")}
    assert gone_back <= gateway.refunded, "money went back in the ledger that the gateway never refunded"


def check_gateway_reconciles(books: Books, gateway: ScriptedGateway) -> None:
    """The ledger's platform cash is what the gateway holds for us, currency by currency."""
    currencies = books.currencies | {currency for _amount, currency in gateway.charges.values()}
    assert {c: books.balance("platform_cash", c) for c in currencies} == {c: gateway.balance(c) for c in currencies}


def test_money_stays_right_through_random_sequences_of_contract_actions(database: str) -> None:
    path = Path(database.removeprefix("sqlite:///"))
    carol, ken, kim, eve = (make_user(name) for name in ("carol", "ken", "kim", "eve"))
    deals = (
        agreed_contract(carol, ken, price="100"),
        agreed_contract(kim, ken, price="10.05"),  # a fee of 100.5 cents rounds up
        agreed_contract(carol, kim, price="55", currency="JPY"),  # no minor unit: a fee of 5.5 yen rounds up
    )
    get_engine().dispose()
    template = path.with_name("template.db")
    shutil.copyfile(path, template)
    prepared = World(template, path, deals, viewer_of(eve))

    class FromThePreparedDatabase(ContractMoney):
        world = prepared

    run_state_machine_as_test(FromThePreparedDatabase, settings=MONEY)
