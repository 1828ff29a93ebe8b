"""A problem's money as contracts meet it, on models only (the problems package sits above contracts): the one payment
that funds a problem's escrow, a micro-task's contract funded from it when its bid is accepted, and given back to it
when the contract ends unreleased; a released contract marks its micro-task done.

Lock order: contract row, then problem row, then payment row, then ledger accounts.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Listing, MicroTask, Payment, Problem, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.ledger import escrow, journal, problem_escrow
from jtbd_app.services.ledger.journal import InsufficientFunds
from jtbd_app.services.messaging.notifications import notify

HIRING = ("published", "in_progress")  # a problem whose micro-tasks may be contracted
PAID = ("succeeded", "refunded", "returning", "returned")
FINISHED = ("done", "cancelled")  # micro-task statuses that need no more of the problem's money


def locked_problem(session: Session, problem_id: int) -> Problem | None:
    return session.exec(
        select(Problem).where(Problem.id == problem_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def _locked_payment(session: Session, payment_id: int) -> Payment:
    return session.exec(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def funding_payment(session: Session, problem_id: int) -> Payment | None:
    """The payment that funded the problem's escrow (the first one whose money came in and was taken)."""
    return session.exec(
        select(Payment)
        .where(Payment.problem_id == problem_id, col(Payment.status).in_(("succeeded", "refunded")))
        .order_by(col(Payment.id))
    ).first()


def record_problem_payment_succeeded(
    session: Session, found: Payment, *, charge_id: str, amount_minor: int, currency: str
) -> str:
    """The gateway says the problem's payment is in: fund its escrow once and queue its publishing. Money the problem
    cannot take (funded already, not planned any more, another amount) is held as owed back and refunded by a job."""
    assert found.id is not None and found.problem_id is not None
    problem = locked_problem(session, found.problem_id)
    payment = _locked_payment(session, found.id)
    assert problem is not None and problem.id is not None and payment.id is not None
    if payment.status in PAID:
        return "already recorded"
    payment.status, payment.charge_id, payment.updated_at = "succeeded", charge_id or payment.charge_id, utcnow()
    session.add(payment)
    budget = Money(problem.budget_minor, problem.currency).format()
    if (
        problem.status != "planned"
        or amount_minor != problem.budget_minor
        or currency != problem.currency
        or journal.find_entry(session, f"fund:problem:{problem.id}") is not None
    ):
        payment.status = "returning"
        payment.amount_minor, payment.currency = amount_minor, currency  # what arrived is what goes back
        escrow.hold_surplus(session, payment.id, amount_minor=amount_minor, currency=currency)
        scheduler.schedule(session, key=f"refund_payment:{payment.id}", kind="refund_payment", run_at=utcnow())
        notify(
            session,
            user_id=payment.payer_id,
            kind="payment",
            title="A payment the problem did not need is being refunded",
            body=f"The problem's escrow already holds its budget of {budget} (or the plan changed); this payment "
            "goes back to you.",
            link=f"/problems/{problem.id}",
        )
        return "payment not needed; refund scheduled"
    problem_escrow.fund_problem(session, problem, amount_minor=amount_minor, reference=found.external_id or "")
    problem.status, problem.updated_at = "funded", utcnow()
    session.add(problem)
    scheduler.schedule(session, key=f"publish_problem:{problem.id}", kind="publish_problem", run_at=utcnow())
    notify(
        session,
        user_id=problem.owner_id,
        kind="payment",
        title=f"Problem funded: {budget}",
        body="Its budget is held in escrow; each micro-task's contract is funded from it when you hire.",
        link=f"/problems/{problem.id}",
    )
    return "problem funded"


def fund_from_problem(session: Session, contract: Contract) -> None:
    """A contract just made for a problem's micro-task is funded from the problem's escrow, or refused with a message
    (the caller's unit of work then stores nothing). It starts work once both parties accept it."""
    assert contract.id is not None
    problem = locked_problem(session, contract.problem_id) if contract.problem_id is not None else None
    if problem is None or problem.status not in HIRING:
        raise ValidationFailed({"form": "This problem's micro-tasks are not open for hiring."})
    payment = funding_payment(session, problem.id or 0)
    try:
        problem_escrow.allocate(session, problem, contract)
    except InsufficientFunds as exc:
        raise ValidationFailed({"form": exc.message}) from None
    contract.funding_source, contract.gateway = "problem", payment.gateway if payment else ""
    lifecycle.move(session, contract, contract.status)
    task = session.get(MicroTask, contract.micro_task_id) if contract.micro_task_id is not None else None
    if task is not None and task.problem_id == problem.id:
        task.status, task.contract_id = "contracted", contract.id
        session.add(task)
    if problem.status == "published":
        problem.status, problem.updated_at = "in_progress", utcnow()
        session.add(problem)
    price = Money(contract.amount_minor, contract.currency).format()
    lifecycle.record_event(
        session,
        contract,
        kind="funded_by_problem",
        detail=f"{price} set aside from the problem's escrow: work starts once both parties accept the contract.",
    )


def return_escrow(session: Session, contract: Contract) -> int:
    """A problem-funded contract ends before any release (withdrawn, expired, cancelled): what its escrow holds goes
    back to the problem, never to a card, and its micro-task is open for hiring again. Returns the amount."""
    if contract.funding_source != "problem" or contract.problem_id is None:
        return 0
    problem = locked_problem(session, contract.problem_id)
    assert problem is not None
    amount = escrow.held(session, contract)
    if amount > 0:
        problem_escrow.return_to_problem(session, problem, contract, amount_minor=amount)
    task = session.get(MicroTask, contract.micro_task_id) if contract.micro_task_id is not None else None
    if task is not None and task.contract_id == contract.id and task.status not in FINISHED:
        task.status, task.contract_id = "open", None
        task.budget_minor = min(task.budget_minor, _coverable(session, problem, task))
        session.add(task)
        session.exec(  # type: ignore[call-overload]
            update(Listing)
            .where(col(Listing.id) == task.listing_id, col(Listing.status) == "closed")
            .values(status="open", closed_at=None, updated_at=utcnow())
        )
        session.exec(  # type: ignore[call-overload]
            update(Listing).where(col(Listing.id) == task.listing_id).values(budget_minor=task.budget_minor)
        )
        notify(
            session,
            user_id=problem.owner_id,
            kind="contract",
            title=f"“{task.title}” is open for hiring again",
            body=f"Its contract ended; {Money(amount, contract.currency).format()} went back to the problem's escrow.",
            link=f"/problems/{problem.id}",
        )
    return amount


def _coverable(session: Session, problem: Problem, task: MicroTask) -> int:
    """What the problem's escrow can still promise a reopened task: what it holds (less a refund under way) that the
    other tasks still to be hired do not need. Part of the task's share may have gone meanwhile (what its cheaper
    contract left was returned to the owner or given to other tasks): the task must not promise it a second time."""
    others = session.exec(
        select(func.coalesce(func.sum(MicroTask.budget_minor), 0)).where(
            MicroTask.problem_id == problem.id,
            MicroTask.id != task.id,
            col(MicroTask.status).in_(("planned", "open")),
        )
    ).one()
    return max(0, problem_escrow.available(session, problem) - int(others))


def returned_note(amount: int, currency: str) -> str:
    return f"{Money(amount, currency).format()} went back to the problem's escrow."


def task_done(session: Session, contract: Contract) -> None:
    """A released contract's micro-task is done; the problem is completed once none of its tasks is left to do."""
    if contract.micro_task_id is None or contract.problem_id is None:
        return
    task = session.get(MicroTask, contract.micro_task_id)
    if task is None or task.contract_id != contract.id:
        return
    task.status = "done"
    session.add(task)
    complete_if_finished(session, contract.problem_id)


def complete_if_finished(session: Session, problem_id: int) -> None:
    """The problem is completed once every micro-task is done or cancelled (its escrow may still hold a remainder)."""
    session.flush()
    left = session.exec(
        select(MicroTask.id).where(MicroTask.problem_id == problem_id, col(MicroTask.status).not_in(FINISHED))
    ).first()
    problem = session.get(Problem, problem_id)
    if left is None and problem is not None and problem.status in HIRING:
        problem.status, problem.updated_at = "completed", utcnow()
        session.add(problem)


def book_problem_refund(
    session: Session, problem: Problem, payment: Payment, *, amount_minor: int, reference: str
) -> str:
    """`amount_minor` more of the problem's payment went back to its owner (`payment.refunded_minor` already counts it):
    out of the problem's escrow (what was left of it when a refund outside the app took more is a platform loss)."""
    problem_escrow.refund_problem(
        session, problem, payment, amount_minor=amount_minor, to_total=payment.refunded_minor, reference=reference
    )
    problem.returning_minor = max(0, problem.returning_minor - amount_minor)
    problem.updated_at = utcnow()
    session.add(problem)
    notify(
        session,
        user_id=problem.owner_id,
        kind="payment",
        title=f"{Money(amount_minor, problem.currency).format()} of the problem's budget refunded",
        body="It went back to your card.",
        link=f"/problems/{problem.id}",
    )
    return "problem's payment refunded" if payment.refunded_minor >= payment.amount_minor else "part refunded"
