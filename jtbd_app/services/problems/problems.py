"""Submitting a problem and finding one's own: the outcome wanted, the budget, the deadline. Only the owner sees a
problem's plan and money; nothing is stored unless every field is valid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import CURRENCIES, Money, parse_amount
from jtbd_app.domain.plans import MAX_DEADLINE_DAYS, Brief, max_budget_minor, min_budget_minor
from jtbd_app.domain.text import clean_line, clean_paragraphs, has_html
from jtbd_app.models import Problem, utcnow
from jtbd_app.services.viewer import Viewer, require_active

MAX_OUTCOME = 2000
MAX_NOTES = 2000
MAX_OPEN_PROBLEMS = 50  # drafts and plans not yet published, per member
PAGE_SIZE = 10
STATUS_LABELS = {
    "draft": "Draft",
    "planned": "Planned",
    "published": "Published",
    "in_progress": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


def today() -> date:
    return utcnow().date()


def _text(values: Mapping[str, object], name: str, label: str, errors: dict[str, str], *, required: bool) -> str:
    try:
        text = clean_paragraphs(values.get(name), label=label, max_len=MAX_OUTCOME if required else MAX_NOTES)
    except ValueError as exc:
        errors[name] = str(exc)
        return ""
    if required and not text:
        errors[name] = f"{label} is required: say what you want done."
    elif required and len(text) < 10:
        errors[name] = f"{label} needs a sentence or two (at least 10 characters)."
    elif has_html(text):
        errors[name] = f"{label} cannot contain HTML tags."
    return text


def validate(values: Mapping[str, object], *, on: date) -> dict[str, object]:
    """The cleaned fields of a problem, or ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    outcome = _text(values, "outcome", "The outcome", errors, required=True)
    constraints = _text(values, "constraints", "Constraints", errors, required=False)
    success = _text(values, "success_measure", "How success is measured", errors, required=False)
    currency = values.get("currency") if isinstance(values.get("currency"), str) else ""
    budget = 0
    if currency not in CURRENCIES:
        errors["currency"] = "Choose a supported currency."
    else:
        try:
            budget = parse_amount(str(values.get("budget") or ""), str(currency))
        except ValueError as exc:
            errors["budget"] = str(exc)
        else:
            least = min_budget_minor(str(currency))
            if budget < least:
                errors["budget"] = (
                    f"A budget under {Money(least, str(currency)).format()} is too small to split into tasks."
                )
            elif budget > max_budget_minor(str(currency)):
                errors["budget"] = "That budget is too large for one problem."
    deadline = _deadline(values.get("deadline"), on=on, errors=errors)
    try:
        location = clean_line(values.get("location"), label="Location", max_len=120, required=False)
    except ValueError as exc:
        errors["location"], location = str(exc), ""
    if errors:
        raise ValidationFailed(errors)
    return {
        "outcome": outcome,
        "constraints": constraints,
        "success_measure": success,
        "currency": currency,
        "budget_minor": budget,
        "deadline": deadline,
        "location": location,
    }


def _deadline(value: object, *, on: date, errors: dict[str, str]) -> date:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors["deadline"] = "Choose a deadline."
        return on
    try:
        day = date.fromisoformat(text[:10]) if len(text) <= 32 else None
    except ValueError:
        day = None
    if day is None:
        errors["deadline"] = "Enter a date such as 2027-03-31."
    elif day <= on:
        errors["deadline"] = "The deadline must be after today."
    elif day > on + timedelta(days=MAX_DEADLINE_DAYS):
        errors["deadline"] = f"The deadline can be at most {MAX_DEADLINE_DAYS} days away."
    return day or on


def title_of(outcome: str) -> str:
    """The outcome's first sentence, short enough for a heading."""
    first = outcome.strip().split("\n", 1)[0]
    for stop in (". ", "? ", "! "):
        first = first.split(stop, 1)[0]
    first = first.strip().rstrip(".")
    return first if len(first) <= 100 else first[:99].rstrip() + "…"


def submit_problem(session: Session, *, viewer: Viewer | None, values: Mapping[str, object]) -> int:
    """A new problem owned by the viewer, in draft until its plan is made; its id."""
    actor = require_active(viewer)
    fields = validate(values, on=today())
    open_count = session.exec(
        select(func.count())
        .select_from(Problem)
        .where(Problem.owner_id == actor.user_id, col(Problem.status).in_(("draft", "planned")))
    ).one()
    if open_count >= MAX_OPEN_PROBLEMS:
        raise ValidationFailed({"form": f"You have {MAX_OPEN_PROBLEMS} problems not yet published; finish some first."})
    problem = Problem(owner_id=actor.user_id, title=title_of(str(fields["outcome"])), **fields)  # type: ignore[arg-type]
    session.add(problem)
    session.flush()
    assert problem.id is not None
    return problem.id


def owned_problem(session: Session, *, viewer: Viewer | None, problem_id: object, lock: bool = False) -> Problem:
    """The viewer's own problem; anyone else's is simply not found (its existence is not revealed)."""
    actor = require_active(viewer)
    pid = parse_id(problem_id, not_found="That problem was not found.")
    query = select(Problem).where(Problem.id == pid)
    if lock:
        query = query.with_for_update()
    problem = session.exec(query).first()
    if problem is None or problem.owner_id != actor.user_id:
        raise NotFound("That problem was not found.")
    return problem


def brief_of(problem: Problem, *, start: date) -> Brief:
    """The problem as a decomposer reads it, with its deadline counted in days from `start`."""
    return Brief(
        text=problem.outcome,
        budget_minor=problem.budget_minor,
        currency=problem.currency,
        deadline_days=max(1, (problem.deadline - start).days),
        constraints=problem.constraints,
        success_measure=problem.success_measure,
        location=problem.location,
    )


@dataclass(frozen=True)
class ProblemRow:
    id: int
    title: str
    status: str
    status_label: str
    budget: str
    deadline: str
    href: str


@dataclass(frozen=True)
class ProblemPage:
    rows: list[ProblemRow]
    page: int
    pages: int
    total: int


def list_problems(session: Session, *, viewer: Viewer | None, page: int = 1) -> ProblemPage:
    """The viewer's own problems, newest first, a page at a time."""
    actor = require_active(viewer)
    mine = Problem.owner_id == actor.user_id
    total = session.exec(select(func.count()).select_from(Problem).where(mine)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    problems = session.exec(
        select(Problem)
        .where(mine)
        .order_by(col(Problem.created_at).desc(), col(Problem.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    rows = [
        ProblemRow(
            id=p.id or 0,
            title=p.title,
            status=p.status,
            status_label=STATUS_LABELS.get(p.status, p.status),
            budget=Money(p.budget_minor, p.currency).format(),
            deadline=p.deadline.isoformat(),
            href=f"/problems/{p.id}",
        )
        for p in problems
    ]
    return ProblemPage(rows=rows, page=page, pages=pages, total=total)
