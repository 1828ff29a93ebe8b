"""The client's edits of a plan before it is published: change, add, remove, reorder tasks, their dependencies and
shares, and the feasibility cuts. Every edit leaves a whole plan (shares summing to the budget exactly, due dates in
order and within the deadline) or changes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Literal

from sqlmodel import Session

from jtbd_app.domain import feasibility
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.money import parse_amount
from jtbd_app.domain.plans import (
    EVIDENCE_LABELS,
    MAX_TASKS,
    ROUTE_LABELS,
    Brief,
    Evidence,
    PlanRefused,
    PlanTask,
    check,
    finalise,
    split_budget,
    topological_order,
)
from jtbd_app.domain.skills import normalise_skills
from jtbd_app.domain.text import clean_line, clean_paragraphs, has_html
from jtbd_app.models import Problem
from jtbd_app.services.problems.planning import current_tasks, editable_problem, store_tasks
from jtbd_app.services.problems.problems import brief_of, today
from jtbd_app.services.viewer import Viewer

MAX_CRITERIA = 8
MAX_SKILLS = 8


def _brief(problem: Problem) -> Brief:
    return brief_of(problem, start=problem.plan_start or today())


def _save(session: Session, problem: Problem, tasks: list[PlanTask]) -> None:
    brief = _brief(problem)
    try:
        tasks = finalise(tasks, brief)
        check(tasks, brief)
    except PlanRefused as exc:
        raise ValidationFailed({"form": str(exc)}) from None
    store_tasks(session, problem, tasks)


def _index(tasks: list[PlanTask], key: object) -> int:
    for i, task in enumerate(tasks):
        if task.key == key:
            return i
    raise NotFound("That task is not in this plan.")


def _int(value: object, *, field: str, label: str, low: int, high: int, errors: dict[str, str]) -> int:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > 6:
        errors[field] = f"{label} must be a whole number."
        return low
    number = int(text)
    if not low <= number <= high:
        errors[field] = f"{label} must be between {low} and {high}."
    return min(max(number, low), high)


def clean_task_values(values: Mapping[str, object], *, deadline_days: int) -> dict[str, object]:
    """The fields of a task as the client typed them, cleaned; ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    out: dict[str, object] = {}
    try:
        out["title"] = clean_line(values.get("title"), label="Title", max_len=120)
        if len(str(out["title"])) < 3:
            errors["title"] = "Title needs at least 3 characters."
    except ValueError as exc:
        errors["title"] = str(exc)
    try:
        out["description"] = clean_paragraphs(values.get("description"), label="Description", max_len=2000)
        if has_html(str(out["description"])):
            errors["description"] = "Description cannot contain HTML tags."
    except ValueError as exc:
        errors["description"] = str(exc)
    raw_skills = values.get("skills")
    try:
        skills = normalise_skills([s for s in str(raw_skills or "").split(",") if s.strip()])
        if len(skills) > MAX_SKILLS:
            raise ValueError(f"Choose at most {MAX_SKILLS} skills.")
        out["skills"] = skills
    except ValueError as exc:
        errors["skills"] = str(exc)
    raw_criteria = values.get("criteria") if isinstance(values.get("criteria"), str) else ""
    criteria = [line.strip() for line in str(raw_criteria).splitlines() if line.strip()]
    if not criteria:
        errors["criteria"] = "Give at least one acceptance criterion, one per line."
    elif len(criteria) > MAX_CRITERIA:
        errors["criteria"] = f"Give at most {MAX_CRITERIA} criteria."
    elif any(len(c) > 300 or has_html(c) for c in criteria):
        errors["criteria"] = "Each criterion is one line of plain text, at most 300 characters."
    out["criteria"] = criteria
    kind = values.get("evidence_kind")
    if kind not in EVIDENCE_LABELS:
        errors["evidence_kind"] = "Choose what will prove the task done."
    what = values.get("evidence_description")
    what_text = what.strip() if isinstance(what, str) else ""
    if not 3 <= len(what_text) <= 300 or has_html(what_text):
        errors["evidence_description"] = "Describe the proof in 3 to 300 characters of plain text."
    threshold: int | None = None
    raw_threshold = values.get("evidence_threshold")
    if kind == "number" and str(raw_threshold or "").strip():
        threshold = _int(
            raw_threshold, field="evidence_threshold", label="The target", low=0, high=999_999, errors=errors
        )
    out["evidence"] = {"kind": kind, "description": what_text or "Proof", "threshold": threshold}
    route = values.get("route")
    if route not in ROUTE_LABELS:
        errors["route"] = "Choose how this task gets done."
    out["route"] = route
    out["duration_days"] = _int(
        values.get("duration_days"), field="duration_days", label="Days", low=1, high=deadline_days, errors=errors
    )
    if errors:
        raise ValidationFailed(errors)
    return out


def _with(task: PlanTask, fields: Mapping[str, object]) -> PlanTask:
    data = task.model_dump()
    data.update(fields)
    data["evidence"] = Evidence(**fields["evidence"]) if "evidence" in fields else task.evidence  # type: ignore[arg-type]
    return PlanTask(**data)


def update_task(
    session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object, values: Mapping[str, object]
) -> None:
    """The client's own wording, skills, criteria, proof, route and duration for one task."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    i = _index(tasks, task_key)
    fields = clean_task_values(values, deadline_days=_brief(problem).deadline_days)
    was_unpaid = tasks[i].route == "self"
    tasks[i] = _with(tasks[i], fields)
    if was_unpaid and tasks[i].route != "self":
        tasks = _give_share(tasks, i, _brief(problem).budget_minor // max(1, len(tasks)))
    _save(session, problem, tasks)


def _new_key(tasks: list[PlanTask], title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:18] or "task"
    taken = {t.key for t in tasks}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _give_share(tasks: list[PlanTask], i: int, share: int) -> list[PlanTask]:
    """Task `i` gets `share`; the other paid tasks share the rest in proportion to what they had."""
    total = sum(t.budget_minor for t in tasks)
    others = [j for j, t in enumerate(tasks) if j != i and t.route != "self"]
    share = min(share, total) if others else total
    rest = split_budget(total - share, [tasks[j].budget_minor for j in others])
    out = list(tasks)
    out[i] = tasks[i].model_copy(update={"budget_minor": share})
    for j, amount in zip(others, rest, strict=True):
        out[j] = tasks[j].model_copy(update={"budget_minor": amount})
    return out


def add_task(session: Session, *, viewer: Viewer | None, problem_id: object, values: Mapping[str, object]) -> str:
    """A task the client adds; it gets an even part of the budget, taken from the others in proportion."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    if len(tasks) >= MAX_TASKS:
        raise ValidationFailed({"form": f"A plan has at most {MAX_TASKS} tasks."})
    fields = clean_task_values(values, deadline_days=_brief(problem).deadline_days)
    key = _new_key(tasks, str(fields["title"]))
    task = PlanTask(key=key, **{**fields, "evidence": Evidence(**fields["evidence"])})  # type: ignore[arg-type]
    tasks.append(task)
    if task.route != "self":
        tasks = _give_share(tasks, len(tasks) - 1, problem.budget_minor // len(tasks))
        tasks[-1] = tasks[-1].model_copy(update={"estimate_minor": tasks[-1].budget_minor})
    _save(session, problem, tasks)
    return key


def remove_task(session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object) -> None:
    """The task goes; what needed it now needs what it needed; its share goes to the others."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    i = _index(tasks, task_key)
    if len(tasks) == 1:
        raise ValidationFailed({"form": "A plan needs at least one task."})
    gone = tasks.pop(i)
    tasks = [_without_dependency(t, gone) for t in tasks]
    _save(session, problem, tasks)


def _without_dependency(task: PlanTask, gone: PlanTask) -> PlanTask:
    if gone.key not in task.depends_on:
        return task
    needs = [d for d in task.depends_on if d != gone.key]
    needs += [d for d in gone.depends_on if d not in needs]
    return task.model_copy(update={"depends_on": needs})


def move_task(
    session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object, offset: Literal[-1, 1]
) -> None:
    """Up or down one place in the list (the order the client reads; dependencies decide the schedule)."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    i = _index(tasks, task_key)
    j = i + offset
    if not 0 <= j < len(tasks):
        return
    tasks[i], tasks[j] = tasks[j], tasks[i]
    _save(session, problem, tasks)


def toggle_dependency(
    session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object, need_key: object
) -> None:
    """Task `task_key` needs (or no longer needs) `need_key`; a link that would make a circle is refused."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    i, j = _index(tasks, task_key), _index(tasks, need_key)
    if i == j:
        raise ValidationFailed({"form": "A task cannot need itself."})
    needs = list(tasks[i].depends_on)
    needs = [d for d in needs if d != tasks[j].key] if tasks[j].key in needs else [*needs, tasks[j].key]
    tasks[i] = tasks[i].model_copy(update={"depends_on": needs})
    try:
        topological_order(tasks)
    except PlanRefused:
        raise ValidationFailed(
            {"form": f"“{tasks[j].title}” already needs “{tasks[i].title}”, so it cannot also come after it."}
        ) from None
    _save(session, problem, tasks)


def set_share(session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object, amount: object) -> None:
    """One task's share as the client types it; the other paid tasks share the rest in proportion."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    i = _index(tasks, task_key)
    if tasks[i].route == "self":
        raise ValidationFailed({"share": "A task you do yourself has no share of the budget."})
    try:
        share = parse_amount(str(amount or ""), problem.currency)
    except ValueError as exc:
        raise ValidationFailed({"share": str(exc)}) from None
    if share > problem.budget_minor:
        raise ValidationFailed({"share": "A share cannot be more than the whole budget."})
    if share < problem.budget_minor and not any(t.route != "self" for j, t in enumerate(tasks) if j != i):
        raise ValidationFailed({"share": "This is the only paid task; it has the whole budget."})
    _save(session, problem, _give_share(tasks, i, share))


def resplit(session: Session, *, viewer: Viewer | None, problem_id: object, mode: Literal["estimates", "even"]) -> None:
    """The budget split again over the paid tasks: by their estimated cost, or evenly."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    paid = [i for i, t in enumerate(tasks) if t.route != "self"]
    weights = [1 if mode == "even" else tasks[i].estimate_minor for i in paid]
    shares = split_budget(problem.budget_minor, weights)
    for i, share in zip(paid, shares, strict=True):
        tasks[i] = tasks[i].model_copy(update={"budget_minor": share})
    _save(session, problem, tasks)


def apply_cut(session: Session, *, viewer: Viewer | None, problem_id: object, cut_index: int) -> str:
    """One of the feasibility check's proposed cuts, as it was offered; what it did, to show."""
    problem = editable_problem(session, viewer=viewer, problem_id=problem_id)
    assert problem.id is not None
    tasks = current_tasks(session, problem.id)
    brief = _brief(problem)
    cuts = feasibility.assess(tasks, brief).cuts
    if not 0 <= cut_index < len(cuts):
        raise ValidationFailed({"form": "That suggestion no longer applies; the plan has changed."})
    cut = cuts[cut_index]
    try:
        tasks, new_brief = feasibility.apply_cut(tasks, brief, cut)
    except PlanRefused as exc:
        raise ValidationFailed({"form": str(exc)}) from None
    if new_brief.deadline_days != brief.deadline_days:
        problem.deadline = (problem.plan_start or today()) + timedelta(days=new_brief.deadline_days)
    _save(session, problem, tasks)
    return cut.label
