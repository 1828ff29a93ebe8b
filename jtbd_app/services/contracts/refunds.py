"""Money going back to a client, as the gateway reports it: by the running total refunded of a payment, so a
repeated or stale report moves nothing and several partial refunds each move their part once.

Where the money comes from in the ledger depends on where the payment's money is now:
- a payment the contract could not take (`returning`): what is owed back for it (`refund_due`);
- the payment that funded the escrow: the escrow while it holds money; once the escrow was released, the platform
  loses it (`platform_loss`) and the contract is frozen, so the contractor's payout waits for an administrator.
A full refund of a contract's payment before any release ends the contract as cancelled; any other refund freezes it,
except the refund of a decision on a frozen contract whose answer has not reached us yet: it is only booked, and the
decision, run again, finds it done (services/contracts/resolution).
A problem's payment is refunded out of the problem's escrow (`problem_money.book_problem_refund`); its micro-tasks'
contracts hold their own escrows and go on.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Dispute, FreezeDecision, Payment, utcnow
from jtbd_app.services.contracts import lifecycle, problem_money
from jtbd_app.services.contracts.funding import PaymentNotYet, locked_payment
from jtbd_app.services.ledger import escrow

OPEN_STATUSES = ("funded", "delivered", "revision_requested", "disputed", "refunding")  # the escrow may hold money


def lost_in_disputes(session: Session, payment: Payment) -> int:
    rows = session.exec(
        select(Dispute.amount_minor).where(Dispute.payment_id == payment.id, Dispute.status == "lost")
    ).all()
    return sum(rows)


def owed_back(session: Session, payment: Payment) -> int:
    """What the platform still holds of a payment it could not take (and so owes back)."""
    return max(0, payment.amount_minor - payment.refunded_minor - lost_in_disputes(session, payment))


def record_refund(
    session: Session,
    *,
    payment_external_id: str,
    refunded_total: int,
    reference: str,
    actor_id: int | None = None,
    how: str = "The payment was refunded at the payment provider",
) -> str:
    """The gateway has refunded `refunded_total` of the payment in all (our own refund's answer, or a
    charge.refunded event): book what is new, once. Raises `PaymentNotYet` while its success is not recorded."""
    found = session.exec(select(Payment).where(Payment.external_id == payment_external_id)).first()
    if found is None or found.id is None:
        raise PaymentNotYet(payment_external_id)
    # lock order: contract (or problem), then payment
    contract = lifecycle.locked_contract(session, found.contract_id) if found.contract_id is not None else None
    problem = problem_money.locked_problem(session, found.problem_id) if found.problem_id is not None else None
    payment = locked_payment(session, found.id)
    assert (contract is not None or problem is not None) and payment.id is not None
    if payment.status in ("pending", "failed"):
        raise PaymentNotYet(payment_external_id)
    amount = min(refunded_total, payment.amount_minor) - payment.refunded_minor
    if amount <= 0:
        return "already refunded"
    if payment.status in ("returning", "returned"):
        available = owed_back(session, payment)
        payment.refunded_minor += amount
        escrow.return_surplus(
            session, payment, amount_minor=amount, available=available, to_total=payment.refunded_minor
        )
        if payment.refunded_minor >= payment.amount_minor:
            payment.status = "returned"
        payment.updated_at = utcnow()
        session.add(payment)
        return "surplus payment returned" if payment.status == "returned" else "part of a surplus payment returned"
    payment.refunded_minor += amount
    if payment.refunded_minor >= payment.amount_minor:
        payment.status = "refunded"
    payment.updated_at = utcnow()
    session.add(payment)
    if problem is not None:
        return problem_money.book_problem_refund(session, problem, payment, amount_minor=amount, reference=reference)
    assert contract is not None
    escrow.refund(session, contract, payment, amount_minor=amount, to_total=payment.refunded_minor, reference=reference)
    if _decision_refunding(session, contract):
        # The refund of a decision whose answer has not reached us yet: booked here once; the decision, run again,
        # finds it done and splits what the escrow holds.
        return "refund of a decision being carried out booked"
    return _contract_after_refund(session, contract, amount=amount, how=how, actor_id=actor_id)


def _decision_refunding(session: Session, contract: Contract) -> bool:
    decision = session.get(FreezeDecision, contract.id)
    return decision is not None and decision.status == "deciding" and decision.over == "escrow"


def _contract_after_refund(session: Session, contract: Contract, *, amount: int, how: str, actor_id: int | None) -> str:
    refunded = Money(amount, contract.currency).format()
    held = escrow.held(session, contract)
    if contract.status in OPEN_STATUSES and held == 0:
        contract.release_frozen, contract.frozen_reason = False, ""
        lifecycle.end(session, contract, "cancelled", f"{how}; {refunded} refunded to the client.", actor_id)
        return "refunded"
    if contract.status in ("cancelled", "expired"):
        return f"refund of a {contract.status} contract's payment recorded"
    lifecycle.freeze(session, contract, reason=f"{how}: {refunded} went back to the client.")
    if contract.status == "completed":
        return "refund after release: booked as a platform loss, payout held for an administrator"
    return "partial refund: escrow frozen for an administrator"


def refundable(payment: Payment) -> int:
    """What is left to refund of a payment."""
    return payment.amount_minor - payment.refunded_minor


def succeeded_payments(session: Session, contract_id: int) -> list[Payment]:
    return list(
        session.exec(
            select(Payment)
            .where(Payment.contract_id == contract_id, col(Payment.status).in_(("succeeded", "refunded")))
            .order_by(col(Payment.id))
        ).all()
    )
