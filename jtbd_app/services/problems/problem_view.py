"""What the problem page shows its owner: the problem, its plan as a list and as a graph, and whether it fits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from jtbd_app.domain import feasibility
from jtbd_app.domain.money import Money, amount_input
from jtbd_app.domain.plan_graph import GraphEdge, GraphNode, layout
from jtbd_app.domain.plans import EVIDENCE_LABELS, ROUTE_LABELS, PlanTask
from jtbd_app.models import Problem
from jtbd_app.services.contracts import receipts
from jtbd_app.services.problems.execution_view import Execution, MoneyLine, TaskProgress, execution
from jtbd_app.services.problems.planning import task_rows, to_plan_task
from jtbd_app.services.problems.problems import STATUS_LABELS, brief_of, owned_problem, today
from jtbd_app.services.viewer import Viewer

TASK_STATE_LABELS = {
    "planned": "Planned",
    "open": "Open for bids",
    "contracted": "In progress",
    "delivered": "Delivered",
    "done": "Done",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True)
class TaskRow:
    key: str
    position: int
    title: str
    description: str
    skills: str
    share: str
    share_input: str
    estimate: str
    due: str
    duration_days: int
    duration_days_text: str
    criteria: list[str]
    criteria_text: str
    evidence_kind: str
    evidence: str
    evidence_description: str
    evidence_threshold: str
    needs: list[str]  # titles of the tasks it needs
    needs_keys: list[str]
    route: str
    route_label: str
    optional: bool
    state: str
    state_label: str
    listing_href: str = ""
    contract_href: str = ""
    contractor: str = ""
    progress: str = ""
    late: bool = False
    blocked_by: str = ""
    needs_you: str = ""
    postable: bool = False  # posted here, still to be hired: contractors can be matched and invited


@dataclass(frozen=True)
class CutOption:
    index: int
    label: str


@dataclass(frozen=True)
class FitView:
    fits: bool = True
    summary: str = ""
    cost_line: str = ""
    time_line: str = ""
    cuts: list[CutOption] = field(default_factory=list)


@dataclass(frozen=True)
class ProblemDetail:
    id: int = 0
    title: str = ""
    outcome: str = ""
    status: str = ""
    status_label: str = ""
    budget: str = ""
    currency: str = "USD"
    deadline: str = ""
    constraints: str = ""
    success_measure: str = ""
    location: str = ""
    decomposer: str = ""
    notes: list[str] = field(default_factory=list)
    planning: bool = False
    editable: bool = False
    plan_version: int = 0
    tasks: list[TaskRow] = field(default_factory=list)
    fit: FitView = field(default_factory=FitView)
    funded: bool = False
    money: list[MoneyLine] = field(default_factory=list)
    receipt_link: str = ""  # the receipt of the owner's payment into the escrow
    free: str = ""
    free_minor: int = 0
    needs_you: list[str] = field(default_factory=list)
    late: int = 0
    graph_width: int = 0
    graph_height: int = 0
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)


def _row(
    task: PlanTask,
    position: int,
    *,
    currency: str,
    start_iso: str,
    titles: dict[str, str],
    state: str,
    progress: TaskProgress,
) -> TaskRow:
    due = date.fromisoformat(start_iso) + timedelta(days=task.due_in_days)
    evidence = EVIDENCE_LABELS[task.evidence.kind]
    if task.evidence.kind == "number" and task.evidence.threshold is not None:
        evidence = f"{evidence} of at least {task.evidence.threshold:,}"
    return TaskRow(
        key=task.key,
        position=position,
        title=task.title,
        description=task.description,
        skills=", ".join(task.skills),
        share=Money(task.budget_minor, currency).format(),
        share_input=amount_input(task.budget_minor, currency),
        estimate=Money(task.estimate_minor, currency).format(),
        due=due.isoformat(),
        duration_days=task.duration_days,
        duration_days_text=str(task.duration_days),
        criteria=list(task.criteria),
        criteria_text="\n".join(task.criteria),
        evidence_kind=task.evidence.kind,
        evidence=f"{evidence}: {task.evidence.description}",
        evidence_description=task.evidence.description,
        evidence_threshold="" if task.evidence.threshold is None else str(task.evidence.threshold),
        needs=[titles[d] for d in task.depends_on if d in titles],
        needs_keys=list(task.depends_on),
        route=task.route,
        route_label=ROUTE_LABELS[task.route],
        optional=task.optional,
        state=state,
        state_label=TASK_STATE_LABELS.get(state, state),
        listing_href=progress.listing_href,
        contract_href=progress.contract_href,
        contractor=progress.contractor,
        progress=progress.progress,
        late=progress.late,
        blocked_by=progress.blocked_by,
        needs_you=progress.needs_you,
        postable=state == "open" and task.route == "internal" and bool(progress.listing_href),
    )


def _drawn_state(state: str, run: Execution, key: str) -> str:
    progress = run.tasks.get(key)
    if progress is not None and progress.late:
        return "late"
    if progress is not None and progress.progress.startswith("Delivered"):
        return "delivered"
    return state


def _receipt_link(session: Session, problem: Problem) -> str:
    assert problem.id is not None
    _contracts, paid = receipts.funding_receipts(
        session, payer_id=problem.owner_id, contract_ids=[], problem_ids=[problem.id]
    )
    return receipts.receipt_link(paid[problem.id]) if problem.id in paid else ""


def problem_detail(session: Session, *, viewer: Viewer | None, problem_id: object) -> ProblemDetail:
    """The owner's view of one problem; anyone else gets NotFound."""
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    stored = task_rows(session, problem.id)
    tasks = [to_plan_task(row) for row in stored]
    start = problem.plan_start or today()
    titles = {t.key: t.title for t in tasks}
    states = {row.key: row.status for row in stored}
    run = execution(session, problem, stored, today=today())
    rows = [
        _row(
            t,
            i,
            currency=problem.currency,
            start_iso=start.isoformat(),
            titles=titles,
            state=states.get(t.key, ""),
            progress=run.tasks.get(t.key, TaskProgress()),
        )
        for i, t in enumerate(tasks)
    ]
    graph = layout(
        [(t.key, t.title, t.depends_on, _drawn_state(states.get(t.key, "planned"), run, t.key)) for t in tasks]
    )
    fit = FitView()
    if tasks and problem.status in ("draft", "planned"):
        assessed = feasibility.assess(tasks, brief_of(problem, start=start))
        money = Money(assessed.estimated_cost_minor, problem.currency).format()
        fit = FitView(
            fits=assessed.fits,
            summary=assessed.summary,
            cost_line=f"Estimated cost {money} against a budget of {Money(problem.budget_minor, problem.currency).format()}",
            time_line=f"Estimated time {assessed.estimated_days} days against {assessed.deadline_days} days to the deadline",
            cuts=[CutOption(i, c.label) for i, c in enumerate(assessed.cuts)],
        )
    return ProblemDetail(
        id=problem.id,
        title=problem.title,
        outcome=problem.outcome,
        status=problem.status,
        status_label=STATUS_LABELS.get(problem.status, problem.status),
        budget=Money(problem.budget_minor, problem.currency).format(),
        currency=problem.currency,
        deadline=problem.deadline.isoformat(),
        constraints=problem.constraints,
        success_measure=problem.success_measure,
        location=problem.location,
        decomposer={"openai": "the AI planner", "offline": "the offline playbooks"}.get(problem.decomposer, ""),
        notes=[n for n in problem.plan_notes.split("\n") if n],
        planning=problem.planning == "running",
        editable=problem.status in ("draft", "planned"),
        plan_version=problem.plan_version,
        funded=bool(run.money),
        money=run.money,
        receipt_link=_receipt_link(session, problem) if run.money else "",
        free=run.free,
        free_minor=run.free_minor,
        needs_you=run.needs_you,
        late=run.late,
        tasks=rows,
        fit=fit,
        graph_width=graph.width,
        graph_height=graph.height,
        nodes=graph.nodes,
        edges=graph.edges,
    )
