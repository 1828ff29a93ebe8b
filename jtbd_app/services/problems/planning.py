"""Making a problem's plan: a decomposer drafts it, the repair mends or refuses it, the offline playbooks stand in
when the model cannot (and the plan says so), and the plan replaces the problem's micro-tasks in one transaction.

The slow part (`draft_plan`) runs with no database transaction open; `begin_planning` and `save_plan` are short
units of work on either side of it, so two requests for the same problem cannot both plan it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from jtbd_app.domain import offline_decomposer
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.plans import Brief, Evidence, Plan, PlanRefused, PlanTask, repair
from jtbd_app.models import MicroTask, Problem, utcnow
from jtbd_app.services import live
from jtbd_app.services.ports import Decomposer, DecomposerFailed
from jtbd_app.services.problems.problems import brief_of, owned_problem, today
from jtbd_app.services.viewer import Viewer

PLANNABLE = ("draft", "planned")
STALE_PLANNING = timedelta(minutes=5)  # a planner that died mid-way stops blocking the next one after this
MAX_INSTRUCTION = 500
OnTask = Callable[[PlanTask], Awaitable[None]]


def to_plan_task(row: MicroTask) -> PlanTask:
    return PlanTask(
        key=row.key,
        title=row.title,
        description=row.description,
        skills=[s for s in row.skills_text.split(",") if s],
        budget_minor=row.budget_minor,
        due_in_days=row.due_in_days,
        criteria=[c for c in row.criteria.split("\n") if c],
        evidence=Evidence(
            kind=row.evidence_kind,  # type: ignore[arg-type]
            description=row.evidence_description or "Proof of the work",
            threshold=row.evidence_threshold,
        ),
        depends_on=[d for d in row.depends_on.split(",") if d],
        route=row.route,  # type: ignore[arg-type]
        estimate_minor=row.estimate_minor,
        duration_days=row.duration_days,
        optional=row.optional,
    )


def task_rows(session: Session, problem_id: int) -> list[MicroTask]:
    return list(
        session.exec(
            select(MicroTask).where(MicroTask.problem_id == problem_id).order_by(col(MicroTask.position))
        ).all()
    )


def current_tasks(session: Session, problem_id: int) -> list[PlanTask]:
    return [to_plan_task(row) for row in task_rows(session, problem_id)]


def store_tasks(session: Session, problem: Problem, tasks: list[PlanTask]) -> None:
    """The plan's micro-tasks become exactly `tasks` (a plan not yet published has no listing or money to keep)."""
    assert problem.id is not None
    session.execute(delete(MicroTask).where(col(MicroTask.problem_id) == problem.id))
    session.flush()
    for position, task in enumerate(tasks):
        session.add(
            MicroTask(
                problem_id=problem.id,
                key=task.key,
                position=position,
                title=task.title,
                description=task.description,
                skills_text=",".join(task.skills),
                budget_minor=task.budget_minor,
                estimate_minor=task.estimate_minor,
                due_in_days=task.due_in_days,
                duration_days=task.duration_days,
                criteria="\n".join(c.replace("\n", " ") for c in task.criteria),
                evidence_kind=task.evidence.kind,
                evidence_description=task.evidence.description,
                evidence_threshold=task.evidence.threshold,
                depends_on=",".join(task.depends_on),
                route=task.route,
                optional=task.optional,
            )
        )
    problem.plan_version += 1
    problem.updated_at = utcnow()
    session.add(problem)
    live.touch(session, live.problem_topic(problem.id))
    session.flush()


def editable_problem(session: Session, *, viewer: Viewer | None, problem_id: object) -> Problem:
    """The viewer's own problem, locked, while its plan may still change."""
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id, lock=True)
    if problem.status not in PLANNABLE:
        raise ValidationFailed({"form": "This plan is published; its tasks are now listings and contracts."})
    return problem


def begin_planning(session: Session, *, viewer: Viewer | None, problem_id: object) -> tuple[int, Brief, list[PlanTask]]:
    """Marks the problem as being planned (refusing a second planner) and returns what the decomposer needs."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    now = utcnow()
    if problem.planning == "running" and problem.planning_since and now - problem.planning_since < STALE_PLANNING:
        raise ValidationFailed({"form": "A plan is already being made for this problem; it will appear here."})
    problem.planning, problem.planning_since = "running", now
    session.add(problem)
    assert problem.id is not None
    return problem.id, brief_of(problem, start=today()), current_tasks(session, problem.id)


def end_planning(session: Session, *, viewer: Viewer | None, problem_id: object) -> None:
    """The planner stopped without a plan (it failed or was refused): the problem may be planned again."""
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id, lock=True)
    problem.planning, problem.planning_since = "idle", None
    session.add(problem)


def save_plan(session: Session, *, viewer: Viewer | None, problem_id: object, plan: Plan) -> None:
    """The repaired plan replaces the problem's micro-tasks; the problem is planned from today."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    store_tasks(session, problem, plan.tasks)
    problem.status, problem.plan_start, problem.decomposer = "planned", today(), plan.decomposer
    problem.plan_notes = "\n".join(plan.notes)
    problem.planning, problem.planning_since = "idle", None
    session.add(problem)


def clean_instruction(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed({"instruction": "Say what to change, e.g. “make the blog task smaller”."})
    if len(text) > MAX_INSTRUCTION:
        raise ValidationFailed({"instruction": f"Keep the instruction under {MAX_INSTRUCTION} characters."})
    return text


async def draft_plan(
    brief: Brief,
    *,
    decomposer: Decomposer | None,
    instruction: str = "",
    current: list[PlanTask] | None = None,
    on_task: OnTask | None = None,
    on_restart: Callable[[], Awaitable[None]] | None = None,
) -> Plan:
    """A whole plan: the model's, repaired, when a model is configured and its plan can be mended; otherwise the
    offline playbooks', with a note saying why the model's was not used (`on_restart` first: the tasks the model
    streamed before it failed are not the plan)."""
    fallback_note = ""
    if decomposer is not None:
        try:
            draft = await decomposer.decompose(brief, instruction=instruction, current=current, on_task=on_task)
            return repair(draft, brief)
        except DecomposerFailed as exc:
            fallback_note = f"The AI planner could not be used: {exc.message.rstrip('.')}"
        except PlanRefused as exc:
            fallback_note = f"The AI planner's plan could not be used: {str(exc).rstrip('.')}"
    plan = offline_decomposer.decompose(brief, instruction=instruction, current=current)
    if fallback_note:
        if on_restart is not None:
            await on_restart()
        plan = plan.model_copy(
            update={"notes": [f"{fallback_note}. This plan comes from the offline playbooks instead.", *plan.notes]}
        )
    if on_task is not None:
        for task in plan.tasks:
            await on_task(task)
    return plan


def task_instruction(current: list[PlanTask], task_key: str, instruction: str) -> str:
    """An instruction about one task, worded so that either decomposer keeps the others as they are."""
    title = next((t.title for t in current if t.key == task_key), "")
    if not title:
        raise ValidationFailed({"instruction": "That task is no longer in the plan."})
    return f"Change only the task “{title}” ({task_key}); keep every other task as it is. {instruction}"
