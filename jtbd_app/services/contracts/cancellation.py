"""Ending a contract before delivery: unfunded contracts end at once; funded ones by agreement, with a refund.

An unfunded contract ends when either party withdraws, or when its funding deadline passes. A funded one ends
when one party asks and the other agrees; the client's payment is refunded through the gateway first, and only
then does the ledger move. Status `refunding` marks a refund under way, so nothing else can happen meanwhile; if
the gateway fails the contract goes back to `funded` and either party can try again. A contract funded from its
problem's escrow gives its escrow back to the problem instead, in one unit of work and without the gateway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from jtbd_app.domain.contract_rules import UNFUNDED, WORKING, overdue
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, Payment, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import funding, gateway_of_record, lifecycle, problem_money, refunds
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentFailed, PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer, require_active

CONTRACT_JOBS = lifecycle.CONTRACT_JOBS
ON_HOLD = "This contract is on hold until an administrator decides; nothing can be cancelled or released meanwhile."
PAYMENT_CONFIRMATION = timedelta(minutes=30)  # how long a started payment may wait for the gateway's answer


def _other(contract: Contract, user_id: int) -> int:
    return contract.contractor_id if user_id == contract.client_id else contract.client_id


def request_cancellation(session: Session, *, viewer: Viewer | None, contract_id: object) -> str:
    """Unfunded: ends at once. Funded, before delivery: asks the other party to agree. Returns the new status."""
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    if contract.release_frozen:
        raise ValidationFailed({"form": ON_HOLD})
    if contract.status in UNFUNDED:
        if contract_funding_pending(session, contract):
            raise ValidationFailed({"form": "A payment is being confirmed; try again in a minute."})
        returned = problem_money.return_escrow(session, contract)
        detail = (
            f"{actor.display_name} withdrew before work started. {problem_money.returned_note(returned, contract.currency)}"
            if contract.funding_source == "problem"
            else f"{actor.display_name} withdrew before funding. No money moved."
        )
        lifecycle.end(session, contract, "cancelled", detail, actor.user_id)
        return "cancelled"
    if contract.status != "funded":
        raise ValidationFailed(
            {"form": "After a delivery the contract ends by approval, automatic release or a dispute."}
        )
    if contract.cancel_requested_by == actor.user_id:
        raise ValidationFailed({"form": "You already asked; the other party has to agree."})
    if contract.cancel_requested_by is not None:
        raise ValidationFailed({"form": "The other party already asked to cancel: agree to it instead."})
    contract.cancel_requested_by = actor.user_id
    lifecycle.move(session, contract, contract.status)
    lifecycle.record_event(
        session,
        contract,
        kind="cancel_requested",
        detail=f"{actor.display_name} asked to cancel.",
        actor_id=actor.user_id,
    )
    notify(
        session,
        user_id=_other(contract, actor.user_id),
        kind="contract",
        title=f"{actor.display_name} asked to cancel the contract",
        body="If you agree, the client's payment is refunded in full and the contract ends.",
        link=f"/contracts/{contract.id}",
    )
    return "funded"


def withdraw_cancellation(session: Session, *, viewer: Viewer | None, contract_id: object) -> None:
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    if contract.status != "funded" or contract.cancel_requested_by != actor.user_id:
        raise ValidationFailed({"form": "There is no request of yours to withdraw."})
    contract.cancel_requested_by = None
    lifecycle.move(session, contract, contract.status)
    lifecycle.record_event(
        session,
        contract,
        kind="cancel_withdrawn",
        detail=f"{actor.display_name} withdrew the request to cancel.",
        actor_id=actor.user_id,
    )


def contract_funding_pending(session: Session, contract: Contract, now: datetime | None = None) -> bool:
    """A gateway payment started in the half hour before `now` and not yet answered (its webhook may still fund it).

    An abandoned one does not block for ever; should it still succeed later, its money is refunded.
    """
    recent = select(Payment.id).where(
        Payment.contract_id == contract.id,
        Payment.status == "pending",
        col(Payment.external_id).is_not(None),
        col(Payment.created_at) > (now or utcnow()) - PAYMENT_CONFIRMATION,
    )
    return session.exec(recent).first() is not None


async def agree_cancellation(
    *, session_factory: SessionFactory, gateway: PaymentGateway, viewer: Viewer | None, contract_id: object
) -> None:
    """The other party agrees (or the client cancels an overdue contract, or either retries an unfinished refund):
    refund first, then cancel."""
    with session_factory() as session:
        contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id)
        actor = require_active(viewer)
        ending = "Cancelled before delivery"  # a retried refund
        before = contract.status if contract.status in WORKING else "funded"  # where a failed refund goes back to
        if contract.release_frozen:
            raise ValidationFailed({"form": ON_HOLD})
        if contract.status in WORKING:
            late = actor.user_id == contract.client_id and overdue(
                contract.status, contract.due_at, utcnow(), contract.revision_due_at
            )
            asked = contract.status == "funded" and contract.cancel_requested_by not in (None, actor.user_id)
            if not (asked or late):
                raise ValidationFailed({"form": "The other party has to agree to cancel."})
            lifecycle.move(session, contract, "refunding")
            how = "agreed to cancel" if asked else "cancelled after the due date passed without a delivery"
            ending = "Cancelled by agreement" if asked else "Cancelled after the due date passed without a delivery"
            lifecycle.record_event(
                session,
                contract,
                kind="cancel_agreed",
                detail=f"{actor.display_name} {how}; refunding.",
                actor_id=actor.user_id,
            )
        elif contract.status != "refunding":
            raise ValidationFailed({"form": "This contract cannot be cancelled now."})
        assert contract.id is not None
        if contract.funding_source == "problem":  # its money goes back to the problem: no card refund
            returned = problem_money.return_escrow(session, contract)
            note = problem_money.returned_note(returned, contract.currency)
            lifecycle.end(session, contract, "cancelled", f"{ending}; {note}", actor.user_id)
            return
        payment = funding.succeeded_payment(session, contract.id)
        assert payment is not None and payment.external_id is not None
        if payment.gateway != gateway.name:  # only the gateway that took the money can give it back
            raise ValidationFailed({"form": _wrong_gateway(payment.gateway)})
        cid, external_id, amount, total = (
            contract.id,
            payment.external_id,
            refunds.refundable(payment),
            payment.amount_minor,
        )
    try:
        result = await gateway.refund(
            payment_external_id=external_id, amount_minor=amount, idempotency_key=f"refund:contract:{cid}"
        )
    except PaymentFailed as exc:
        with session_factory() as session:
            back = lifecycle.locked_contract(session, cid)
            if back is not None and back.status == "refunding":
                lifecycle.move(session, back, before)
        raise ValidationFailed(
            {"form": f"The refund could not be made: {exc.message} Nothing changed; please try again."}
        ) from exc
    with session_factory() as session:
        refunds.record_refund(
            session,
            payment_external_id=external_id,
            refunded_total=total,
            reference=result.external_id,
            actor_id=viewer.user_id if viewer else None,
            how=ending,
        )


def _wrong_gateway(recorded: str) -> str:
    return (
        f"This contract was paid through the {recorded} payment gateway, which this site does not use now, so the "
        "refund cannot be made. Nothing changed; please ask the site's administrator."
    )


def expire_unfunded(session: Session, *, contract_id: int, now: datetime) -> str:
    contract = lifecycle.locked_contract(session, contract_id)
    if contract is None or contract.status not in UNFUNDED:
        return "nothing to expire"
    if contract.funding_expires_at is not None and now < contract.funding_expires_at:
        return "not due yet"
    if contract_funding_pending(session, contract, now):
        # This job is done once it returns: look again when that payment can no longer be pending.
        scheduler.schedule(
            session,
            key=f"expire_unfunded:contract:{contract.id}:recheck:{now.isoformat()}",
            kind="expire_unfunded",
            run_at=now + PAYMENT_CONFIRMATION,
            contract_id=contract.id,
        )
        return "a payment is being confirmed; checking again later"
    returned = problem_money.return_escrow(session, contract)
    detail = (
        f"The contract was not accepted in time, so it expired. {problem_money.returned_note(returned, contract.currency)}"
        if contract.funding_source == "problem"
        else "The escrow was not funded in time, so the contract expired. No money moved."
    )
    lifecycle.end(session, contract, "expired", detail, None)
    return "expired"


async def refund_surplus_payment(*, session_factory: SessionFactory, gateway: PaymentGateway, payment_id: int) -> str:
    """A payment the contract could not take goes back to the client (a scheduled job, retried until done)."""
    with session_factory() as session:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.status != "returning" or payment.external_id is None:
            return "nothing to return"
        gateway_of_record.require(payment.gateway, gateway, what=f"Payment {payment_id} (to be returned)")
        amount = refunds.owed_back(session, payment)  # less what a lost dispute already gave back
        external_id, total = payment.external_id, payment.refunded_minor + amount
    result = await gateway.refund(
        payment_external_id=external_id, amount_minor=amount, idempotency_key=f"refund:payment:{payment_id}:{amount}"
    )
    with session_factory() as session:
        return refunds.record_refund(
            session, payment_external_id=external_id, refunded_total=total, reference=result.external_id
        )
