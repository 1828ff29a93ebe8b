"""Chargebacks, as the gateway reports them in any order: created, funds withdrawn, funds reinstated, closed.

The ledger follows the money. Withdrawn: the platform's cash goes to `dispute_hold` while the card network decides.
Won: it comes back. Lost: the escrow (or, for a payment being sent back, what is owed back) pays the hold; what
neither holds any more (the escrow was released, the payment already refunded) is a `platform_loss`. Each step is
booked under the dispute's id, and a later step books the earlier ones it implies, so every order ends the same.
A dispute freezes its contract until an administrator decides; a lost one that empties the escrow before any
release ends the contract as cancelled. A dispute of a problem's payment takes what it loses from the problem's escrow
(the rest is a platform loss); the contracts already funded from it keep their escrows.
"""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Dispute, FreezeDecision, Payment, utcnow
from jtbd_app.services.contracts import lifecycle, problem_money, refunds
from jtbd_app.services.contracts.funding import PaymentNotYet, locked_payment
from jtbd_app.services.ledger import escrow, journal, problem_escrow
from jtbd_app.services.ports import GatewayEvent

WORK_STATUSES = ("funded", "delivered", "revision_requested")
CLOSED = ("won", "lost", "warning_closed")
OVERTAKEN = (
    "The card issuer returned the payment to the client (a lost card dispute) before this decision could be carried "
    "out: the contractor's part was never paid, and there is nothing left to decide."
)


def _payment_of(session: Session, event: GatewayEvent) -> Payment | None:
    found = session.exec(select(Payment).where(Payment.external_id == event.related_id)).first()
    if found is None and event.charge_id:
        found = session.exec(select(Payment).where(Payment.charge_id == event.charge_id)).first()
    return found


def record(session: Session, event: GatewayEvent, *, stage: str) -> str:
    """One dispute event; `stage` is created | funds_withdrawn | funds_reinstated | closed."""
    found = _payment_of(session, event)
    if found is None or found.id is None:
        raise PaymentNotYet(event.related_id or event.charge_id)
    if found.problem_id is not None:
        return _problem_dispute(session, found, event, stage=stage)
    assert found.contract_id is not None
    contract = lifecycle.locked_contract(session, found.contract_id)
    payment = locked_payment(session, found.id)
    assert contract is not None and contract.id is not None and payment.id is not None
    if payment.status in ("pending", "failed"):
        raise PaymentNotYet(event.related_id or payment.external_id or "")
    dispute = session.get(Dispute, event.object_id)
    if dispute is None:
        amount = event.amount_minor if 0 < event.amount_minor <= payment.amount_minor else payment.amount_minor
        dispute = Dispute(id=event.object_id, payment_id=payment.id, amount_minor=amount, currency=payment.currency)
        session.add(dispute)
        session.flush()
        _freeze(session, contract, dispute)
    if dispute.status in CLOSED:
        return f"dispute already {dispute.status}"
    if stage == "funds_withdrawn":
        escrow.dispute_withdrawn(session, dispute, contract_id=contract.id)
    elif stage == "funds_reinstated":
        escrow.dispute_withdrawn(session, dispute, contract_id=contract.id)
        escrow.dispute_reinstated(session, dispute, contract_id=contract.id)
    elif stage == "closed":
        return _close(session, contract, payment, dispute, status=event.status)
    return f"dispute {stage.replace('_', ' ')}: escrow frozen"


def _freeze(session: Session, contract: Contract, dispute: Dispute) -> None:
    if contract.status in ("cancelled", "expired"):
        return  # nothing is held any more: the money side is booked when the dispute closes
    if contract.status in WORK_STATUSES:
        lifecycle.move(session, contract, "disputed")
    amount = Money(dispute.amount_minor, dispute.currency).format()
    lifecycle.freeze(session, contract, reason=f"The client disputed {amount} of the payment with their card issuer.")


def _close(session: Session, contract: Contract, payment: Payment, dispute: Dispute, *, status: str) -> str:
    assert contract.id is not None
    if status not in CLOSED:
        return f"dispute closed as {status!r}: left for an administrator"
    dispute.status, dispute.updated_at = status, utcnow()
    session.add(dispute)
    if status == "won":  # whatever was withdrawn came back
        escrow.dispute_withdrawn(session, dispute, contract_id=contract.id)
        escrow.dispute_reinstated(session, dispute, contract_id=contract.id)
        lifecycle.record_event(session, contract, kind="dispute_won", detail="The platform won the card dispute.")
        return "dispute won: still frozen for an administrator"
    if status == "warning_closed":
        return "inquiry closed"
    escrow.dispute_withdrawn(session, dispute, contract_id=contract.id)
    if payment.status in ("returning", "returned"):
        holding = journal.get_account(session, kind="refund_due", currency=payment.currency)
        available = refunds.owed_back(session, payment) + dispute.amount_minor  # this dispute is counted as lost now
    else:
        holding = journal.get_account(session, kind="escrow", currency=contract.currency, contract_id=contract.id)
        available = escrow.held(session, contract)
    escrow.dispute_lost(session, dispute, contract_id=contract.id, holding=holding, available=available)
    if payment.status == "returning" and refunds.owed_back(session, payment) == 0:
        payment.status = "returned"
        session.add(payment)
    amount = Money(dispute.amount_minor, dispute.currency).format()
    if contract.status in (*WORK_STATUSES, "disputed", "refunding") and escrow.held(session, contract) == 0:
        contract.release_frozen, contract.frozen_reason = False, ""
        detail = f"The card issuer returned {amount} to the client (a lost dispute)."
        if _overtake_decision(session, contract):
            detail += " The decision waiting for the payment service was not carried out."
        lifecycle.end(session, contract, "cancelled", detail, None)
        return "dispute lost: contract cancelled"
    lifecycle.record_event(session, contract, kind="dispute_lost", detail=f"The card dispute was lost: {amount}.")
    return "dispute lost: booked, still frozen for an administrator"


def _overtake_decision(session: Session, contract: Contract) -> bool:
    """A decision (an administrator's, or the parties' settlement) kept while the gateway refused its refund, the
    charge being disputed, has nothing left to move once the lost dispute took the whole escrow back to the client:
    it ends as overtaken, never carried out, and its case is closed as the money went (`dispute_endings.reconcile`)."""
    decision = session.get(FreezeDecision, contract.id)
    if decision is None or decision.status != "deciding":
        return False
    decision.status = "overtaken"
    session.add(decision)
    return True


def _problem_dispute(session: Session, found: Payment, event: GatewayEvent, *, stage: str) -> str:
    """A dispute of the payment that funded a problem: the money follows as for a contract's, booked to the problem."""
    assert found.id is not None and found.problem_id is not None
    problem = problem_money.locked_problem(session, found.problem_id)
    payment = locked_payment(session, found.id)
    assert problem is not None and problem.id is not None and payment.id is not None
    if payment.status in ("pending", "failed"):
        raise PaymentNotYet(event.related_id or payment.external_id or "")
    dispute = session.get(Dispute, event.object_id)
    if dispute is None:
        amount = event.amount_minor if 0 < event.amount_minor <= payment.amount_minor else payment.amount_minor
        dispute = Dispute(id=event.object_id, payment_id=payment.id, amount_minor=amount, currency=payment.currency)
        session.add(dispute)
        session.flush()
    if dispute.status in CLOSED:
        return f"dispute already {dispute.status}"
    pid = problem.id
    if stage in ("funds_withdrawn", "funds_reinstated") or (stage == "closed" and event.status == "won"):
        escrow.dispute_withdrawn(session, dispute, contract_id=None, problem_id=pid)
    if stage == "funds_reinstated" or (stage == "closed" and event.status == "won"):
        escrow.dispute_reinstated(session, dispute, contract_id=None, problem_id=pid)
    if stage != "closed":
        return f"dispute of the problem's payment: {stage.replace('_', ' ')}"
    if event.status not in CLOSED:
        return f"dispute closed as {event.status!r}: left for an administrator"
    dispute.status, dispute.updated_at = event.status, utcnow()
    session.add(dispute)
    if event.status != "lost":
        return f"dispute of the problem's payment {event.status}"
    escrow.dispute_withdrawn(session, dispute, contract_id=None, problem_id=pid)
    if payment.status in ("returning", "returned"):
        holding = journal.get_account(session, kind="refund_due", currency=payment.currency)
        available = refunds.owed_back(session, payment) + dispute.amount_minor
    else:
        holding, available = problem_escrow.account(session, problem), problem_escrow.held(session, problem)
    escrow.dispute_lost(session, dispute, contract_id=None, holding=holding, available=available, problem_id=pid)
    if payment.status == "returning" and refunds.owed_back(session, payment) == 0:
        payment.status = "returned"
        session.add(payment)
    return "dispute of the problem's payment lost: booked against its escrow"
