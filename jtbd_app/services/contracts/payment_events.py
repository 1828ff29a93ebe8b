"""What each verified gateway event does, as a table (the webhook service stores the event id in the same unit
of work, so each event has its effect once). Events that arrive twice or out of order do no harm: every handler
checks the state it finds, amounts are the gateway's running totals, and every money movement has its own
idempotency key. An event about a payment whose success has not arrived raises `PaymentNotYet`: it waits."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from jtbd_app.domain.ids import id_or_none
from jtbd_app.services.contracts import disputes, funding, payouts, refunds
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
    """`amount_minor` is the charge's running total refunded."""
    return refunds.record_refund(
        session,
        payment_external_id=event.related_id,
        refunded_total=event.amount_minor,
        reference=event.object_id,
    )


def _dispute(stage: str) -> Callable[[Session, GatewayEvent], str]:
    def handle(session: Session, event: GatewayEvent) -> str:
        return disputes.record(session, event, stage=stage)

    return handle


def _transfer_created(session: Session, event: GatewayEvent) -> str:
    payout_id = id_or_none((event.metadata or {}).get("payout_id"))
    if payout_id is None:  # not one of our payouts (no or malformed metadata)
        return "not a payout of ours"
    return payouts.record_transfer(
        session, payout_id=payout_id, transfer_id=event.object_id, amount_minor=event.amount_minor
    )


def _transfer_reversed(session: Session, event: GatewayEvent) -> str:
    return payouts.record_transfer_reversed(session, transfer_id=event.object_id, reversed_total=event.amount_minor)


def _account_updated(session: Session, event: GatewayEvent) -> str:
    if event.account is None:
        return "no account in the event"
    return payouts.record_account_status(session, status=event.account)


HANDLERS: dict[str, Callable[[Session, GatewayEvent], str]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute("created"),
    "charge.dispute.funds_withdrawn": _dispute("funds_withdrawn"),
    "charge.dispute.funds_reinstated": _dispute("funds_reinstated"),
    "charge.dispute.closed": _dispute("closed"),
    "transfer.created": _transfer_created,
    "transfer.reversed": _transfer_reversed,
    "account.updated": _account_updated,
}
