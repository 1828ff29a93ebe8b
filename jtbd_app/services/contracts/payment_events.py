"""What each verified gateway event does, as a table (the webhook service stores the event id in the same unit
of work, so each event has its effect once). Events that arrive twice or out of order do no harm: every handler
checks the state it finds and every money movement has its own idempotency key."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from jtbd_app.domain.errors import DomainError
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Payment
from jtbd_app.services.contracts import cancellation, funding, lifecycle, payouts
from jtbd_app.services.ports import GatewayEvent


def _payment_succeeded(session: Session, event: GatewayEvent) -> str:
    return funding.record_payment_succeeded(
        session,
        external_id=event.object_id,
        charge_id=event.charge_id,
        amount_minor=event.amount_minor,
        currency=event.currency,
        metadata=event.metadata,
    )


def _payment_failed(session: Session, event: GatewayEvent) -> str:
    return funding.record_payment_failed(
        session,
        external_id=event.object_id,
        message=event.failure_message or "The payment was declined.",
        metadata=event.metadata,
    )


def _charge_refunded(session: Session, event: GatewayEvent) -> str:
    payment = session.exec(select(Payment).where(Payment.external_id == event.related_id)).first()
    if payment is None or payment.external_id is None:
        return "not a payment of ours"
    if event.amount_minor < payment.amount_minor:
        return "partial refund: left for an administrator"
    return cancellation.record_refund(session, payment_external_id=payment.external_id, reference=event.object_id)


def _dispute_created(session: Session, event: GatewayEvent) -> str:
    """A chargeback: freeze the escrow so nothing is released until an administrator decides."""
    payment = session.exec(select(Payment).where(Payment.external_id == event.related_id)).first()
    if payment is None:
        payment = session.exec(select(Payment).where(Payment.charge_id == event.charge_id)).first()
    if payment is None:
        return "not a payment of ours"
    if payment.status != "succeeded":  # a payment on its way back, or already refunded: not the escrow's money
        return f"dispute of a {payment.status} payment: left for an administrator"
    contract = lifecycle.locked_contract(session, payment.contract_id)
    assert contract is not None
    if contract.release_frozen:
        return "already frozen"
    contract.release_frozen = True
    if contract.status in ("funded", "delivered", "revision_requested"):
        lifecycle.move(session, contract, "disputed")
    else:
        lifecycle.move(session, contract, contract.status)
    lifecycle.record_event(
        session,
        contract,
        kind="disputed",
        detail="The payment was disputed with the card issuer; the escrow is frozen.",
    )
    return "escrow frozen"


def _transfer_created(session: Session, event: GatewayEvent) -> str:
    payout_id = (event.metadata or {}).get("payout_id", "")
    try:
        return payouts.record_transfer(
            session, payout_id=parse_id(payout_id, not_found="There is no such payout."), transfer_id=event.object_id
        )
    except DomainError:  # not one of our payouts (no or malformed metadata)
        return "not a payout of ours"


def _transfer_reversed(session: Session, event: GatewayEvent) -> str:
    return payouts.record_transfer_reversed(session, transfer_id=event.object_id, amount_minor=event.amount_minor)


def _account_updated(session: Session, event: GatewayEvent) -> str:
    if event.account is None:
        return "no account in the event"
    return payouts.record_account_status(session, status=event.account)


HANDLERS: dict[str, Callable[[Session, GatewayEvent], str]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "transfer.created": _transfer_created,
    "transfer.reversed": _transfer_reversed,
    "account.updated": _account_updated,
}
