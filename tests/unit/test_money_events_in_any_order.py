"""Gateway events the review found mishandled (issue 10, cases 4 to 9), each through the webhook service as the
route calls it: refunds full and partial, before and after release; disputes in any order; events before the
payment's success; transfers reversed in parts; and the revision that never comes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, Payout, PayoutAccount, ScheduledJob, utcnow
from jtbd_app.services.contracts import cancellation, deliveries, webhooks
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import GatewayEvent, GatewayResult, PayoutAccountStatus
from tests.support.contracts import Deal, approve, deliver, run_jobs, run_now
from tests.support.stripe_contracts import pending_stripe_payment

PRICE = 10_000  # the deal fixture's $100.00


class StripeLike(SandboxGateway):
    """What our code asks of the gateway here (no network): transfers and refunds, recorded."""

    name = "stripe"
    test_money = False

    def __init__(self) -> None:
        super().__init__()
        self.transfers: list[dict[str, object]] = []
        self.refunds: list[tuple[str, int]] = []

    async def transfer(self, **kwargs: object) -> GatewayResult:
        self.transfers.append(kwargs)
        return GatewayResult(f"tr_{len(self.transfers)}", "succeeded")

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        self.refunds.append((payment_external_id, amount_minor))
        return GatewayResult(f"re_{len(self.refunds)}", "succeeded")


_count = 0


def send(kind: str, **fields: object) -> str:
    """One event, as the webhook route hands it over (each with a fresh event id)."""
    global _count
    _count += 1
    event = GatewayEvent(id=f"evt_{_count}", kind=kind, **fields)  # type: ignore[arg-type]
    with session_scope() as session:
        return webhooks.process_event(session, gateway_name="stripe", event=event)


def succeeded(amount: int = PRICE) -> str:
    return send("payment_intent.succeeded", object_id="pi_1", amount_minor=amount, currency="USD", charge_id="ch_1")


def refunded(total: int) -> str:
    return send("charge.refunded", object_id="ch_1", related_id="pi_1", charge_id="ch_1", amount_minor=total)


def dispute(stage: str, status: str = "", amount: int = PRICE) -> str:
    return send(
        f"charge.dispute.{stage}",
        object_id="dp_1",
        related_id="pi_1",
        charge_id="ch_1",
        amount_minor=amount,
        status=status,
    )


def cash(db: Session) -> int:
    """What the ledger says the platform holds at the gateway (in USD)."""
    db.expire_all()
    return journal.balances_by_code(db).get("platform_cash:USD", 0)


def loss(db: Session) -> int:
    return journal.balances_by_code(db).get("platform_loss:USD", 0)


def escrow_held(db: Session, deal: Deal) -> int:
    db.expire_all()
    return journal.get_account(db, kind="escrow", currency="USD", contract_id=deal.contract_id).balance_minor


def books_hold(db: Session) -> None:
    db.expire_all()
    assert journal.trial_balance(db) == 0 and journal.cached_balance_mismatches(db) == []
    assert all(balance >= 0 for code, balance in journal.balances_by_code(db).items() if "cash" not in code)


@pytest.fixture
def funded(deal: Deal) -> Deal:
    pending_stripe_payment(deal)
    assert succeeded() == "funded"
    return deal


def released(deal: Deal) -> Deal:
    deliver(deal)
    approve(deal)
    return deal


# ---- case 4: a full refund after release, while the payout waits for the contractor's onboarding ------------------


def test_a_full_refund_after_release_holds_the_waiting_payout_and_books_the_loss(funded: Deal, db: Session) -> None:
    released(funded)
    gateway = StripeLike()
    run_jobs(gateway)  # the contractor has no payout account yet: the payout waits
    assert "platform loss" in refunded(PRICE)

    contract = funded.load()
    assert contract.status == "completed" and contract.release_frozen
    assert cash(db) == 0 and loss(db) == PRICE  # the gateway gave it all back; the platform is out of pocket
    with session_scope() as s:  # the contractor finishes onboarding: the payout still does not go
        s.add(PayoutAccount(user_id=funded.contractor.user_id, gateway="stripe", external_id="acct_1"))
    ready = PayoutAccountStatus("acct_1", charges_enabled=True, payouts_enabled=True, details_submitted=True)
    send("account.updated", object_id="acct_1", account=ready)
    run_jobs(gateway)
    assert gateway.transfers == [] and db.exec(select(Payout)).one().status == "pending"
    books_hold(db)


# ---- case 5: a partial refund at the gateway on a funded contract -------------------------------------------------


def test_a_partial_refund_takes_its_part_from_the_escrow_and_freezes_the_rest(funded: Deal, db: Session) -> None:
    assert "frozen" in refunded(3_000)
    assert refunded(3_000) == "already refunded"  # Stripe resends; the same total moves nothing

    contract = funded.load()
    assert contract.release_frozen and escrow_held(db, funded) == 7_000 and cash(db) == 7_000
    deliver(funded)
    with pytest.raises(ValidationFailed), session_scope() as s:
        deliveries.approve_delivery(s, viewer=funded.client, contract_id=funded.contract_id)
    run_jobs(StripeLike(), now=utcnow() + timedelta(days=30))  # no auto-release either
    assert funded.load().status == "delivered" and escrow_held(db, funded) == 7_000

    assert refunded(10_000) == "refunded"  # the rest goes back too: the escrow is empty and the contract ends
    assert funded.load().status == "cancelled" and escrow_held(db, funded) == 0 and cash(db) == 0
    books_hold(db)


def test_a_stale_refund_total_arriving_after_a_larger_one_moves_nothing(funded: Deal, db: Session) -> None:
    refunded(5_000)
    assert refunded(2_000) == "already refunded"
    assert cash(db) == 5_000 and escrow_held(db, funded) == 5_000


# ---- case 6: events that arrive before payment_intent.succeeded ---------------------------------------------------


def test_a_dispute_before_the_payments_success_waits_and_freezes_the_escrow_it_funds(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert dispute("created").startswith("waiting for payment")
    assert dispute("funds_withdrawn").startswith("waiting for payment")
    assert deal.load().status == "awaiting_funding" and cash(db) == 0

    assert succeeded() == "funded"

    contract = deal.load()
    assert contract.status == "disputed" and contract.release_frozen
    assert cash(db) == 0 and escrow_held(db, deal) == PRICE  # taken in, then withdrawn by the card network
    books_hold(db)


def test_a_refund_before_the_payments_success_is_applied_when_it_lands(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert refunded(PRICE).startswith("waiting for payment")
    assert succeeded() == "funded"
    assert deal.load().status == "cancelled" and cash(db) == 0 and escrow_held(db, deal) == 0
    books_hold(db)


# ---- case 8: a dispute closes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [("created", "funds_withdrawn", "closed"), ("closed", "funds_withdrawn", "created")])
def test_a_lost_dispute_gives_the_escrow_to_the_client_in_any_order(
    funded: Deal, db: Session, order: tuple[str, ...]
) -> None:
    for stage in order:
        dispute(stage, status="lost")
    contract = funded.load()
    assert contract.status == "cancelled" and not contract.release_frozen
    assert cash(db) == 0 and escrow_held(db, funded) == 0 and loss(db) == 0
    books_hold(db)


def test_a_won_dispute_gives_the_money_back_and_leaves_the_decision_to_an_administrator(
    funded: Deal, db: Session
) -> None:
    dispute("created")
    dispute("funds_withdrawn")
    assert cash(db) == 0
    dispute("closed", status="won")
    dispute("funds_reinstated")  # Stripe's own event for it, after the close: nothing more moves
    assert cash(db) == PRICE and escrow_held(db, funded) == PRICE
    contract = funded.load()
    assert contract.status == "disputed" and contract.release_frozen
    books_hold(db)


def test_a_dispute_lost_after_the_payout_left_is_a_platform_loss(funded: Deal, db: Session) -> None:
    released(funded)
    with session_scope() as s:
        s.add(
            PayoutAccount(
                user_id=funded.contractor.user_id, gateway="stripe", external_id="acct_1", payouts_enabled=True
            )
        )
    run_jobs(StripeLike())
    assert db.exec(select(Payout)).one().status == "paid" and cash(db) == 1_000  # the fee stayed
    dispute("created")
    dispute("closed", status="lost")
    assert cash(db) == 1_000 - PRICE  # the card network took back more than the platform held for this contract
    assert loss(db) == PRICE and funded.load().release_frozen
    books_hold(db)


# ---- case 9: a transfer reversed in parts --------------------------------------------------------------------------


def test_each_partial_reversal_of_a_transfer_is_booked_once_and_sent_again(funded: Deal, db: Session) -> None:
    released(funded)
    with session_scope() as s:
        s.add(
            PayoutAccount(
                user_id=funded.contractor.user_id, gateway="stripe", external_id="acct_1", payouts_enabled=True
            )
        )
    gateway = StripeLike()
    run_jobs(gateway)
    payout = db.exec(select(Payout)).one()
    assert payout.external_id == "tr_1"

    assert send("transfer.reversed", object_id="tr_1", amount_minor=3_000) == "reversed: owed to the member again"
    assert send("transfer.reversed", object_id="tr_1", amount_minor=5_000) == "reversed: owed to the member again"
    assert send("transfer.reversed", object_id="tr_1", amount_minor=3_000) == "already reversed"

    run_jobs(gateway)
    db.expire_all()
    amounts = sorted(t["amount_minor"] for t in gateway.transfers)  # type: ignore[type-var]
    assert amounts == [2_000, 3_000, 9_000]
    payable = journal.get_account(db, kind="payable", currency="USD", user_id=funded.contractor.user_id)
    assert payable.balance_minor == 0 and cash(db) == 1_000
    books_hold(db)


# ---- case 7: the revision that never comes -------------------------------------------------------------------------


def test_a_revision_request_has_a_deadline_after_which_the_client_may_cancel_for_a_refund(
    funded: Deal, db: Session
) -> None:
    deliver(funded)
    with session_scope() as s:
        deliveries.request_revision(s, viewer=funded.client, contract_id=funded.contract_id, reason="Add the logo.")
    contract = funded.load()
    assert contract.revision_due_at is not None
    job = db.exec(
        select(ScheduledJob).where(ScheduledJob.kind == "revision_due", ScheduledJob.status == "pending")
    ).one()
    assert job.run_at == contract.revision_due_at

    gateway = StripeLike()
    cancel = cancellation.agree_cancellation(
        session_factory=session_scope,
        gateway=gateway,
        viewer=funded.client,
        contract_id=funded.contract_id,
    )
    with pytest.raises(ValidationFailed):  # not before the deadline
        run_now(cancel)

    with session_scope() as s:  # the deadline passes without a revision
        row = s.get(Contract, funded.contract_id)
        assert row is not None
        row.revision_due_at = utcnow() - timedelta(minutes=1)
        s.add(row)
    run_jobs(gateway, now=utcnow() + timedelta(days=30))
    run_now(
        cancellation.agree_cancellation(
            session_factory=session_scope,
            gateway=gateway,
            viewer=funded.client,
            contract_id=funded.contract_id,
        )
    )
    assert funded.load().status == "cancelled" and gateway.refunds == [("pi_1", PRICE)]
    assert escrow_held(db, funded) == 0 and cash(db) == 0
    books_hold(db)
