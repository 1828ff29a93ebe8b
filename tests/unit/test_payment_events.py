"""What each verified gateway event does to contracts and the ledger, including duplicates and odd orders.

The events are built as the Stripe adapter reduces them (gateway-neutral `GatewayEvent`s); signature checks and
the event-id bookkeeping are tested with the webhook route.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import JournalEntry, Payment, Payout, PayoutAccount
from jtbd_app.services.contracts import deliveries, webhooks
from jtbd_app.services.contracts.payment_events import HANDLERS
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import GatewayEvent, GatewayResult, PayoutAccountStatus
from tests.support.contracts import Deal, deliver, run_jobs
from tests.support.stripe_contracts import pending_stripe_payment


class RecordingGateway:
    """A stand-in Stripe that records transfers and refunds (no network); payments start pending."""

    name = "stripe"
    test_money = False

    def __init__(self) -> None:
        self.transfers: list[dict[str, object]] = []
        self.refunds: list[str] = []

    async def transfer(self, **kwargs: object) -> GatewayResult:
        self.transfers.append(kwargs)
        return GatewayResult(f"tr_{len(self.transfers)}", "succeeded")

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        self.refunds.append(idempotency_key)
        return GatewayResult(f"re_{len(self.refunds)}", "succeeded")


def event(kind: str, **fields: object) -> str:
    with session_scope() as s:
        return HANDLERS[kind](s, GatewayEvent(id=f"evt_{kind}", kind=kind, **fields))  # type: ignore[arg-type]


def succeeded(external_id: str = "pi_1", amount: int = 10_000) -> str:
    return event(
        "payment_intent.succeeded",
        object_id=external_id,
        amount_minor=amount,
        currency="USD",
        charge_id=f"ch_{external_id}",
    )


def entries(db: Session, kind: str) -> int:
    return len(db.exec(select(JournalEntry).where(JournalEntry.kind == kind)).all())


def test_the_succeeded_webhook_funds_the_escrow_once(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert succeeded() == "funded"
    assert succeeded() == "already recorded"
    contract = deal.load()
    assert contract.status == "funded" and contract.gateway == "stripe" and entries(db, "fund") == 1


def test_a_failed_payment_after_success_does_no_harm(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    succeeded()
    assert event("payment_intent.payment_failed", object_id="pi_1", failure_message="Declined") == "already succeeded"
    assert deal.load().status == "funded"


def test_a_failed_payment_leaves_the_contract_waiting_and_tells_the_client(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert (
        event("payment_intent.payment_failed", object_id="pi_1", failure_message="Your card was declined.")
        == "payment failed"
    )
    assert deal.load().status == "awaiting_funding" and entries(db, "fund") == 0


def test_a_wrong_amount_never_funds_the_escrow_and_is_sent_back(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert "refund scheduled" in succeeded(amount=5_000)
    assert deal.load().status == "awaiting_funding" and entries(db, "fund") == 0
    gateway = RecordingGateway()
    run_jobs(gateway)
    assert gateway.refunds == [f"refund:payment:{db.exec(select(Payment)).one().id}:5000"]
    db.expire_all()
    assert db.exec(select(Payment)).one().status == "returned" and journal.trial_balance(db) == 0
    assert journal.balances_by_code(db)["platform_cash:USD"] == 0


def test_a_second_payment_for_a_funded_contract_goes_back(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal, "pi_1")
    pending_stripe_payment(deal, "pi_2")
    succeeded("pi_1")
    assert "refund scheduled" in succeeded("pi_2")
    assert entries(db, "fund") == 1 and entries(db, "surplus") == 1


def test_an_event_about_someone_elses_payment_changes_nothing(deal: Deal, db: Session) -> None:
    assert succeeded("pi_not_ours") == "not a payment of ours"
    refund = GatewayEvent(
        id="evt_r", kind="charge.refunded", object_id="ch_x", related_id="pi_not_ours", amount_minor=10_000
    )
    with session_scope() as s:  # it might be about a payment we have not heard of yet: it waits
        assert webhooks.process_event(s, gateway_name="stripe", event=refund) == "waiting for payment pi_not_ours"
    assert entries(db, "fund") == 0 and entries(db, "refund") == 0


def test_a_refund_made_at_the_gateway_cancels_and_refunds_in_the_ledger_once(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    succeeded()
    for _ in range(2):
        event("charge.refunded", object_id="ch_pi_1", related_id="pi_1", amount_minor=10_000)
    assert deal.load().status == "cancelled" and entries(db, "refund") == 1


def test_a_chargeback_freezes_the_escrow_so_nothing_is_released(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    succeeded()
    deliver(deal)
    said = event("charge.dispute.created", object_id="dp_1", charge_id="ch_pi_1", related_id="pi_1")
    assert said == "dispute created: escrow frozen"
    contract = deal.load()
    assert contract.status == "disputed" and contract.release_frozen
    with pytest.raises(ValidationFailed), session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    assert contract.delivered_at is not None
    run_jobs(RecordingGateway(), now=contract.delivered_at + timedelta(days=30))
    assert deal.load().status == "disputed" and entries(db, "release") == 0


def _released_stripe_deal(deal: Deal) -> None:
    pending_stripe_payment(deal)
    succeeded()
    deliver(deal)
    with session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)


def test_released_money_waits_as_payable_until_the_contractor_can_receive_payouts(deal: Deal, db: Session) -> None:
    _released_stripe_deal(deal)
    gateway = RecordingGateway()
    run_jobs(gateway)
    assert gateway.transfers == [] and db.exec(select(Payout)).one().status == "pending"
    with session_scope() as s:
        s.add(PayoutAccount(user_id=deal.contractor.user_id, gateway="stripe", external_id="acct_1"))
    status = PayoutAccountStatus("acct_1", charges_enabled=True, payouts_enabled=True, details_submitted=True)
    assert event("account.updated", object_id="acct_1", account=status) == "payouts enabled"
    run_jobs(gateway)
    assert len(gateway.transfers) == 1
    sent = gateway.transfers[0]
    assert sent["destination"] == "acct_1" and sent["amount_minor"] == 9_000 and sent["source_charge_id"] == "ch_pi_1"
    assert (
        sent["idempotency_key"] == f"release:contract:{deal.contract_id}"
        and sent["transfer_group"] == f"contract:{deal.contract_id}"
    )
    db.expire_all()
    assert db.exec(select(Payout)).one().status == "paid" and entries(db, "payout") == 1


def test_a_transfer_webhook_records_a_payout_whose_answer_was_lost_and_a_reversal_restores_the_balance(
    deal: Deal, db: Session
) -> None:
    _released_stripe_deal(deal)
    payout = db.exec(select(Payout)).one()
    assert (
        event("transfer.created", object_id="tr_9", amount_minor=9_000, metadata={"payout_id": str(payout.id)})
        == "paid out"
    )
    assert (
        event("transfer.created", object_id="tr_9", amount_minor=9_000, metadata={"payout_id": str(payout.id)})
        == "already paid"
    )
    assert event("transfer.reversed", object_id="tr_9", amount_minor=9_000) == "reversed: owed to the member again"
    assert event("transfer.reversed", object_id="tr_9", amount_minor=9_000) == "already reversed"
    db.expire_all()
    payable = journal.get_account(db, kind="payable", currency="USD", user_id=deal.contractor.user_id)
    assert payable.balance_minor == 9_000 and journal.trial_balance(db) == 0
    again = db.exec(select(Payout).where(Payout.status == "pending")).one()  # and it is sent again
    assert again.amount_minor == 9_000 and again.idempotency_key == f"reversal:payout:{payout.id}:to:9000"


def test_an_event_with_no_money_or_an_unknown_currency_is_left_for_an_administrator(deal: Deal, db: Session) -> None:
    pending_stripe_payment(deal)
    assert "administrator" in succeeded(amount=0)
    assert "administrator" in event("payment_intent.succeeded", object_id="pi_1", amount_minor=10_000, currency="XYZ")
    assert deal.load().status == "awaiting_funding" and entries(db, "fund") == 0 and entries(db, "surplus") == 0


def test_a_full_refund_at_the_gateway_after_delivery_empties_the_escrow_so_nothing_is_released(
    deal: Deal, db: Session
) -> None:
    pending_stripe_payment(deal)
    succeeded()
    deliver(deal)
    assert event("charge.refunded", object_id="ch_pi_1", related_id="pi_1", amount_minor=10_000) == "refunded"
    contract = deal.load()
    assert contract.status == "cancelled" and not contract.release_frozen
    with pytest.raises(ValidationFailed), session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    assert contract.delivered_at is not None
    run_jobs(RecordingGateway(), now=contract.delivered_at + timedelta(days=30))
    assert entries(db, "release") == 0 and entries(db, "refund") == 1 and deal.load().status == "cancelled"


def test_a_payment_whose_gateway_id_was_never_stored_is_matched_by_its_metadata_and_funds_once(
    deal: Deal, db: Session
) -> None:
    """Our process died (or timed out) after the gateway took the money and before it stored the PaymentIntent id."""
    contract = deal.load()
    with session_scope() as s:
        lost = Payment(
            contract_id=deal.contract_id,
            payer_id=deal.client.user_id,
            gateway="stripe",
            amount_minor=contract.amount_minor,
            currency="USD",
            status="failed",  # we gave up waiting for the answer
        )
        s.add(lost)
        s.flush()
        payment_id = lost.id
    metadata = {"payment_id": str(payment_id), "contract_id": str(deal.contract_id + 1)}  # someone else's contract
    assert event(
        "payment_intent.succeeded", object_id="pi_lost", amount_minor=10_000, currency="USD", metadata=metadata
    ) == ("not a payment of ours")
    metadata["contract_id"] = str(deal.contract_id)
    for _ in range(2):
        event("payment_intent.succeeded", object_id="pi_lost", amount_minor=10_000, currency="USD", metadata=metadata)
    db.expire_all()
    assert db.get(Payment, payment_id).external_id == "pi_lost"  # type: ignore[union-attr]
    assert deal.load().status == "funded" and entries(db, "fund") == 1
