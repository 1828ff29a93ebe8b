"""Ending a contract well: the escrow released, the contract completed, track records and reviews updated."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from jtbd_app.domain.contract_rules import Split
from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Delivery, Profile, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import lifecycle, payouts, problem_money, reviews
from jtbd_app.services.ledger import escrow
from jtbd_app.services.messaging.notifications import notify

RELEASE_JOBS = ("auto_release", "release_reminder")
DONE_JOBS = (*RELEASE_JOBS, "deadline_passed", "revision_due")


def complete(session: Session, contract: Contract, *, actor_id: int | None, how: str) -> Split:
    """Release the escrow and complete the contract (the caller holds the contract's row lock)."""
    assert contract.id is not None
    split, _posted = escrow.release(session, contract)
    now = utcnow()
    first = session.exec(
        select(Delivery).where(Delivery.contract_id == contract.id).order_by(col(Delivery.number))
    ).first()
    contract.completed_at = now
    contract.on_time = bool(first and contract.due_at and first.submitted_at <= contract.due_at)
    lifecycle.move(session, contract, "completed")
    latest = session.exec(
        select(Delivery).where(Delivery.contract_id == contract.id).order_by(col(Delivery.number).desc())
    ).first()
    if latest is not None:
        latest.status, latest.responded_at = "approved", now
        session.add(latest)
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=DONE_JOBS)
    problem_money.task_done(session, contract)
    _count_completion(session, contract)
    payouts.queue_release_payout(session, contract, amount_minor=split.payee_minor, now=now)
    reviews.schedule_window_close(session, contract)
    payee = Money(split.payee_minor, contract.currency).format()
    fee = Money(split.fee_minor, contract.currency).format()
    lifecycle.record_event(
        session,
        contract,
        kind="released",
        detail=f"{how} Escrow released: {payee} to the contractor, {fee} platform fee.",
        actor_id=actor_id,
    )
    for user_id, body in (
        (contract.contractor_id, f"{payee} is on its way to you. Leave a review for the client."),
        (contract.client_id, "The contract is complete. Leave a review for the contractor."),
    ):
        notify(
            session,
            user_id=user_id,
            kind="payment",
            title="Contract completed",
            body=body,
            link=f"/contracts/{contract.id}",
        )
    return split


def _count_completion(session: Session, contract: Contract) -> None:
    """In SQL, not read-modify-write: two contracts of one member completing at once both count."""
    for user_id in (contract.client_id, contract.contractor_id):
        on_time = int(user_id == contract.contractor_id and bool(contract.on_time))
        session.exec(  # type: ignore[call-overload]
            update(Profile)
            .where(col(Profile.user_id) == user_id)
            .values(
                completed_contracts=col(Profile.completed_contracts) + 1,
                on_time_contracts=col(Profile.on_time_contracts) + on_time,
            )
        )
