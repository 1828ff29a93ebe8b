"""What a problem's escrow holds that no micro-task needs goes where the owner chooses: back to the owner's card
(a partial refund of the problem's payment, by the gateway's running total, as contract refunds go), or to the other
open micro-tasks (their shares grow; the escrow keeps holding it, so nothing moves in the ledger).

Needed: the shares of the micro-tasks still to be hired (planned or open). Contracted ones hold their price in their
own escrow; what a bid left of a share is free. A refund under way is counted in `Problem.returning_minor` so no
contract is funded with it meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlmodel import Session

from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.plans import split_budget
from jtbd_app.models import Listing, MicroTask, Problem, utcnow
from jtbd_app.services import live
from jtbd_app.services.contracts import gateway_of_record, problem_money, refunds
from jtbd_app.services.ledger import problem_escrow
from jtbd_app.services.marketplace import listings
from jtbd_app.services.ports import PaymentFailed, PaymentGateway
from jtbd_app.services.problems.planning import task_rows
from jtbd_app.services.problems.problems import owned_problem
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer

FUNDED = ("funded", "published", "in_progress", "completed")
TO_BE_HIRED = ("planned", "open")
Destination = Literal["client", "tasks"]


def needed_minor(tasks: Sequence[MicroTask]) -> int:
    return sum(t.budget_minor for t in tasks if t.status in TO_BE_HIRED)


def free_minor(session: Session, problem: Problem) -> int:
    """What the problem's escrow holds that no micro-task needs and no refund is taking back."""
    assert problem.id is not None
    return max(0, problem_escrow.available(session, problem) - needed_minor(task_rows(session, problem.id)))


def _funded_problem(session: Session, viewer: Viewer | None, problem_id: object) -> Problem:
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id, lock=True)
    if problem.status not in FUNDED:
        raise ValidationFailed({"form": "This problem's escrow is not funded."})
    return problem


def _to(value: object) -> Destination:
    if value == "client":
        return "client"
    if value == "tasks":
        return "tasks"
    raise ValidationFailed({"to": "Choose where the money goes: back to you, or to the other micro-tasks."})


async def cancel_task(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    problem_id: object,
    task_key: object,
    to: object,
) -> int:
    """The owner cancels a micro-task not hired yet (its listing is cancelled, its bids declined); its share goes back
    to the owner (refunded now) or to the other open micro-tasks. Returns what was refunded or moved."""
    destination = _to(to)
    with session_factory() as session:
        problem = _funded_problem(session, viewer, problem_id)
        assert problem.id is not None
        tasks = task_rows(session, problem.id)
        task = next((t for t in tasks if t.key == task_key), None)
        if task is None:
            raise NotFound("That task is not in this plan.")
        if task.status not in TO_BE_HIRED:
            raise ValidationFailed(
                {"form": f"“{task.title}” is {task.status}; only a task not hired yet is cancelled here."}
            )
        listing = session.get(Listing, task.listing_id) if task.listing_id is not None else None
        if listing is not None and listing.status == "open":
            listings.end_listing(session, viewer=viewer, listing_id=listing.id, outcome="cancelled")
        share = task.budget_minor
        task.status = "cancelled"
        session.add(task)
        if destination == "tasks":
            _grow_open_tasks(session, [t for t in tasks if t is not task], share)
            task.budget_minor = 0
        _touch(session, problem)
        problem_money.complete_if_finished(session, problem.id)
        title = task.title
        if destination == "tasks":
            return share
    try:
        return await return_remainder(
            session_factory=session_factory, gateway=gateway, viewer=viewer, problem_id=problem_id, to="client"
        )
    except ValidationFailed as exc:  # the task is cancelled already: say so, and what became of its share
        raise ValidationFailed(
            {
                "form": f"“{title}” is cancelled; its share stays in the problem's escrow for now: "
                f"{exc.message.replace(' Nothing changed; please try again.', '')} "
                "Return the remainder to you to try again."
            }
        ) from exc


def _grow_open_tasks(session: Session, others: list[MicroTask], amount: int) -> None:
    """`amount` shared among the open micro-tasks in proportion to their shares (exactly: largest remainder); their
    open listings' budgets follow."""
    takers = [t for t in others if t.status == "open"]
    if not takers:
        raise ValidationFailed({"to": "No other micro-task is open to take it; send it back to you instead."})
    for task, more in zip(takers, split_budget(amount, [t.budget_minor for t in takers]), strict=True):
        task.budget_minor += more
        session.add(task)
        listing = session.get(Listing, task.listing_id) if task.listing_id is not None else None
        if listing is not None and listing.status == "open":
            listing.budget_minor, listing.updated_at = task.budget_minor, utcnow()
            session.add(listing)


def _touch(session: Session, problem: Problem) -> None:
    assert problem.id is not None
    problem.plan_version += 1
    problem.updated_at = utcnow()
    session.add(problem)
    live.touch(session, live.problem_topic(problem.id))


async def return_remainder(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    problem_id: object,
    to: object = "client",
) -> int:
    """What the escrow holds that no micro-task needs: refunded to the owner through the gateway that took the
    problem's payment, or shared among the open micro-tasks. Returns the amount; refused when nothing is free."""
    destination = _to(to)
    with session_factory() as session:
        problem = _funded_problem(session, viewer, problem_id)
        assert problem.id is not None
        free = free_minor(session, problem)
        if free <= 0:
            raise ValidationFailed({"form": "Nothing is left to return: the micro-tasks still need all of it."})
        if destination == "tasks":
            _grow_open_tasks(session, task_rows(session, problem.id), free)
            _touch(session, problem)
            return free
        payment = problem_money.funding_payment(session, problem.id)
        if payment is None or payment.external_id is None:
            raise ValidationFailed({"form": "The problem's payment is not recorded yet; try again in a minute."})
        try:
            gateway_of_record.require(payment.gateway, gateway, what="The problem's payment")
        except PaymentFailed as exc:
            raise ValidationFailed({"form": exc.message}) from None
        amount = min(free, refunds.refundable(payment))
        if amount <= 0:
            raise ValidationFailed({"form": "The problem's payment has been refunded in full already."})
        problem.returning_minor += amount
        session.add(problem)
        pid, external_id, total = problem.id, payment.external_id, payment.refunded_minor + amount
    try:
        result = await gateway.refund(
            payment_external_id=external_id, amount_minor=amount, idempotency_key=f"refund:problem:{pid}:to:{total}"
        )
    except PaymentFailed as exc:
        with session_factory() as session:
            back = problem_money.locked_problem(session, pid)
            if back is not None:
                back.returning_minor = max(0, back.returning_minor - amount)
                session.add(back)
        raise ValidationFailed(
            {"form": f"The refund could not be made: {exc.message} Nothing changed; please try again."}
        ) from exc
    with session_factory() as session:
        refunds.record_refund(
            session, payment_external_id=external_id, refunded_total=total, reference=result.external_id
        )
    return amount
