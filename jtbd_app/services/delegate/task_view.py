"""What the task list shows: a page of the viewer's own tasks, newest first (a task just added is at the top, by
the form), and for each where it went by its latest routing decision and how that stands now. A page is read in a
fixed number of queries, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlmodel import Session, col, func, select

from jtbd_app.domain.contract_rules import STATUS_LABELS as CONTRACT_LABELS
from jtbd_app.domain.display import day_label
from jtbd_app.models import Contract, Listing, Partner, Problem, RoutingDecision, TodoTask
from jtbd_app.services import live
from jtbd_app.services.delegate.todos import today
from jtbd_app.services.problems.problems import STATUS_LABELS as PROBLEM_LABELS
from jtbd_app.services.viewer import Viewer, require_active

PAGE_SIZE = 20
Show = Literal["open", "done", "all"]
SHOWS: tuple[Show, ...] = ("open", "done", "all")
LISTING_LABELS = {
    "draft": "Draft: finish posting it",
    "open": "Open for bids",
    "closed": "Closed",
    "cancelled": "Cancelled",
    "hidden": "Hidden by the moderators",
}


@dataclass(frozen=True)
class TaskRow:
    """One task as the list shows it; `route` is "" until it is delegated."""

    id: int
    title: str
    notes: str
    due_on: str  # ISO, for the edit form; "" without a due date
    due_label: str
    overdue: bool
    done: bool
    route: str
    route_label: str
    link_href: str  # the listing, the problem or the partner's post; "" when there is none
    link_label: str
    external: bool  # the link leaves the site
    status: str
    contract_href: str
    contract_label: str
    can_report: bool
    report_href: str
    delegate_href: str


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    show: str
    page: int
    pages: int
    total: int  # tasks the filter shows
    open_count: int
    done_count: int
    topics: list[str]  # the live topics of what the page shows: the list itself and each listing, contract, problem


@dataclass(frozen=True)
class _Related:
    """Everything the rows of one page point at, read in one query per table."""

    decisions: dict[int, RoutingDecision]
    listings: dict[int, Listing]
    contracts: dict[int, Contract]  # by listing: its latest contract
    problems: dict[int, Problem]
    partners: dict[str, str]  # key -> name


def list_tasks(session: Session, *, viewer: Viewer | None, show: object = "open", page: int = 1) -> TaskPage:
    """The viewer's own tasks (never a deleted one) that `show` picks, 20 a page, newest first."""
    actor = require_active(viewer)
    chosen: Show = show if show in SHOWS else "open"  # type: ignore[assignment]
    mine = (TodoTask.owner_id == actor.user_id, col(TodoTask.deleted_at).is_(None))
    counts = dict(
        session.exec(select(TodoTask.done, func.count()).where(*mine).group_by(col(TodoTask.done))).all()  # type: ignore[call-overload]
    )
    open_count, done_count = int(counts.get(False, 0)), int(counts.get(True, 0))
    total = {"open": open_count, "done": done_count, "all": open_count + done_count}[chosen]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    query = select(TodoTask).where(*mine)
    if chosen != "all":
        query = query.where(TodoTask.done == (chosen == "done"))
    tasks = session.exec(query.order_by(col(TodoTask.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    related = _related(session, [t.id for t in tasks if t.id is not None])
    on = today()
    rows = [_row(task, related, on) for task in tasks]
    topics = [
        live.tasks_topic(actor.user_id),
        *[live.listing_topic(i) for i in related.listings],
        *[live.contract_topic(c.id or 0) for c in related.contracts.values()],
        *[live.problem_topic(i) for i in related.problems],
    ]
    return TaskPage(rows, chosen, page, pages, total, open_count, done_count, topics)


def _related(session: Session, task_ids: list[int]) -> _Related:
    if not task_ids:
        return _Related({}, {}, {}, {}, {})
    latest = (
        select(func.max(RoutingDecision.id))
        .where(col(RoutingDecision.task_id).in_(task_ids))
        .group_by(col(RoutingDecision.task_id))
    )
    decisions = {d.task_id: d for d in session.exec(select(RoutingDecision).where(col(RoutingDecision.id).in_(latest)))}
    listing_ids = {d.listing_id for d in decisions.values() if d.listing_id is not None}
    problem_ids = {d.problem_id for d in decisions.values() if d.problem_id is not None}
    partner_keys = {d.partner_key for d in decisions.values() if d.partner_key}
    listings: dict[int, Listing] = {}
    contracts: dict[int, Contract] = {}
    if listing_ids:
        listings = {row.id or 0: row for row in session.exec(select(Listing).where(col(Listing.id).in_(listing_ids)))}
        for contract in session.exec(
            select(Contract).where(col(Contract.listing_id).in_(listing_ids)).order_by(col(Contract.id))
        ):
            contracts[contract.listing_id] = contract
    problems = (
        {p.id or 0: p for p in session.exec(select(Problem).where(col(Problem.id).in_(problem_ids)))}
        if problem_ids
        else {}
    )
    partners = (
        {
            key: name
            for key, name in session.exec(select(Partner.key, Partner.name).where(col(Partner.key).in_(partner_keys)))
        }
        if partner_keys
        else {}
    )
    return _Related(decisions, listings, contracts, problems, partners)


def _due(task: TodoTask, on: date) -> tuple[str, bool]:
    if task.due_on is None:
        return "", False
    overdue = not task.done and task.due_on < on
    return (f"Overdue: was due {day_label(task.due_on)}" if overdue else f"Due {day_label(task.due_on)}"), overdue


@dataclass(frozen=True)
class _Where:
    """Where a task went, as its row says it."""

    route_label: str = ""
    link_href: str = ""
    link_label: str = ""
    external: bool = False
    status: str = ""
    contract_href: str = ""
    contract_label: str = ""
    can_report: bool = False


def _outcome(decision: RoutingDecision) -> str:
    if not decision.outcome:
        return "No outcome reported yet"
    done = "done" if decision.outcome == "done" else "not done"
    return f"Outcome: {done}, {decision.rating}★" if decision.rating else f"Outcome: {done}"


def _internal(decision: RoutingDecision, related: _Related) -> _Where:
    listing = related.listings.get(decision.listing_id or 0)
    if listing is None:
        return _Where("Posted here", status="The listing is no longer there.")
    if listing.status == "draft":
        return _Where("Posted here", f"/post?draft={listing.id}", "Finish the listing", status=LISTING_LABELS["draft"])
    bids = f"{listing.bid_count} bid" + ("" if listing.bid_count == 1 else "s")
    status = f"{LISTING_LABELS.get(listing.status, listing.status)} · {bids}"
    contract = related.contracts.get(listing.id or 0)
    if contract is None:
        return _Where("Posted here", f"/listings/{listing.id}", "View the listing", status=status)
    label = f"Contract: {CONTRACT_LABELS.get(contract.status, contract.status)}"
    return _Where(
        "Posted here",
        f"/listings/{listing.id}",
        "View the listing",
        status=status,
        contract_href=f"/contracts/{contract.id}",
        contract_label=label,
    )


def _where(decision: RoutingDecision | None, related: _Related) -> _Where:
    if decision is None:
        return _Where()
    if decision.route == "internal":
        return _internal(decision, related)
    if decision.route == "problem":
        if decision.problem_id is None:  # chosen, but the problem form was not sent yet
            href = f"/problems/new?task={decision.task_id}"
            return _Where("Planning as a problem", href, "Finish the problem form", status="Not submitted yet")
        problem = related.problems.get(decision.problem_id)
        if problem is None:
            return _Where("Planned as a problem", status="The problem is no longer there.")
        label = PROBLEM_LABELS.get(problem.status, problem.status)
        return _Where("Planned as a problem", f"/problems/{problem.id}", "View the problem", status=f"Problem: {label}")
    if decision.route in ("buy", "outside"):
        name = related.partners.get(decision.partner_key) or decision.partner_key.title() or "a partner"
        verb = "Bought via" if decision.route == "buy" else "Sent to"
        post = decision.external_url if decision.external_url.startswith("https://") else ""
        return _Where(
            f"{verb} {name}",
            post,
            f"View the post at {name}" if post else "",
            external=bool(post),
            status=_outcome(decision),
            can_report=not decision.outcome,
        )
    return _Where("Doing it myself")


def _row(task: TodoTask, related: _Related, on: date) -> TaskRow:
    assert task.id is not None
    due_label, overdue = _due(task, on)
    decision = related.decisions.get(task.id)
    where = _where(decision, related)
    return TaskRow(
        id=task.id,
        title=task.title,
        notes=task.notes,
        due_on=task.due_on.isoformat() if task.due_on else "",
        due_label=due_label,
        overdue=overdue,
        done=task.done,
        route=decision.route if decision else "",
        route_label=where.route_label,
        link_href=where.link_href,
        link_label=where.link_label,
        external=where.external,
        status=where.status,
        contract_href=where.contract_href,
        contract_label=where.contract_label,
        can_report=where.can_report,
        report_href=f"/tasks/{task.id}/delegate#outcome" if where.can_report else "",
        delegate_href=f"/tasks/{task.id}/delegate",
    )
