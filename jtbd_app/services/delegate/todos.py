"""A member's to-do list: add, edit, complete and delete tasks. Only the owner sees or changes a task; anyone else's,
and a deleted one, is simply not found. Nothing is stored unless every field is valid."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.text import clean_paragraphs, has_html
from jtbd_app.models import TodoTask, utcnow
from jtbd_app.services import live
from jtbd_app.services.viewer import Viewer, require_active

MAX_TITLE = 200
MAX_NOTES = 2000
MAX_OPEN_TASKS = 500  # open tasks per member
MAX_DUE_DAYS = 5 * 365 + 1  # a due date at most five years away
DELETED_TITLE = "Deleted task"
NOT_FOUND = "That task was not found."


def today() -> date:
    """Today in UTC; due dates allow one day before it, so a member west of UTC may still pick their own today."""
    return utcnow().date()


def owned_task(session: Session, viewer: Viewer | None, task_id: object, *, lock: bool = False) -> TodoTask:
    """The viewer's own task that is not deleted; anyone else's, a deleted one or a bad id is simply not found."""
    actor = require_active(viewer)
    tid = parse_id(task_id, not_found=NOT_FOUND)
    query = select(TodoTask).where(TodoTask.id == tid)
    if lock:
        query = query.with_for_update()
    task = session.exec(query).first()
    if task is None or task.owner_id != actor.user_id or task.deleted_at is not None:
        raise NotFound(NOT_FOUND)
    return task


def _title(value: object, errors: dict[str, str]) -> str:
    try:
        text = " ".join(clean_paragraphs(value, label="Title", max_len=MAX_TITLE * 4).split())
    except ValueError as exc:
        errors["title"] = str(exc)
        return ""
    if not text:
        errors["title"] = "Title is required: say what needs doing."
    elif len(text) > MAX_TITLE:
        errors["title"] = f"Title must be at most {MAX_TITLE} characters."
    elif has_html(text):
        errors["title"] = "Title cannot contain HTML tags."
    return text


def _notes(value: object, errors: dict[str, str]) -> str:
    try:
        text = clean_paragraphs(value, label="Notes", max_len=MAX_NOTES)
    except ValueError as exc:
        errors["notes"] = str(exc)
        return ""
    if has_html(text):
        errors["notes"] = "Notes cannot contain HTML tags."
    return text


def _due(value: object, *, on: date, unchanged: date | None, errors: dict[str, str]) -> date | None:
    """An ISO date (what a date input sends) or nothing; a date kept as it was may be past, a new one may not."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    day: date | None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        errors["due_on"] = "Enter a date such as 2027-03-31."
    elif day == unchanged:
        return day
    elif day < on - timedelta(days=1):
        errors["due_on"] = "The due date cannot be in the past."
    elif day > on + timedelta(days=MAX_DUE_DAYS):
        errors["due_on"] = "The due date can be at most five years away."
    return day


def validate(values: Mapping[str, object], *, on: date, due_was: date | None = None) -> dict[str, object]:
    """The cleaned title, notes and due date of a task, or ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    title = _title(values.get("title"), errors)
    notes = _notes(values.get("notes"), errors)
    due_on = _due(values.get("due_on"), on=on, unchanged=due_was, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "notes": notes, "due_on": due_on}


def _check_room(session: Session, owner_id: int) -> None:
    open_count = session.exec(
        select(func.count())
        .select_from(TodoTask)
        .where(TodoTask.owner_id == owner_id, col(TodoTask.done).is_(False), col(TodoTask.deleted_at).is_(None))
    ).one()
    if open_count >= MAX_OPEN_TASKS:
        raise ValidationFailed(
            {"form": f"You have {MAX_OPEN_TASKS} open tasks, the most a list holds; complete or delete some first."}
        )


def add_task(session: Session, *, viewer: Viewer | None, values: Mapping[str, object]) -> int:
    """A new open task on the viewer's list; its id."""
    actor = require_active(viewer)
    fields = validate(values, on=today())
    _check_room(session, actor.user_id)
    task = TodoTask(owner_id=actor.user_id, **fields)  # type: ignore[arg-type]
    session.add(task)
    session.flush()
    live.touch(session, live.tasks_topic(actor.user_id))
    assert task.id is not None
    return task.id


def edit_task(session: Session, *, viewer: Viewer | None, task_id: object, values: Mapping[str, object]) -> None:
    """Change a task's title, notes and due date; a due date left as it was may already be past."""
    task = owned_task(session, viewer, task_id, lock=True)
    fields = validate(values, on=today(), due_was=task.due_on)
    task.title, task.notes, task.due_on = str(fields["title"]), str(fields["notes"]), fields["due_on"]  # type: ignore[assignment]
    task.updated_at = utcnow()
    session.add(task)
    live.touch(session, live.tasks_topic(task.owner_id))


def set_done(session: Session, *, viewer: Viewer | None, task_id: object, done: object) -> None:
    """Mark a task done, or open again (which needs room on the list)."""
    task = owned_task(session, viewer, task_id, lock=True)
    wanted = done is True
    if wanted == task.done:
        return
    if not wanted:
        _check_room(session, task.owner_id)
    now = utcnow()
    task.done, task.done_at, task.updated_at = wanted, now if wanted else None, now
    session.add(task)
    live.touch(session, live.tasks_topic(task.owner_id))


def delete_task(session: Session, *, viewer: Viewer | None, task_id: object) -> None:
    """Take a task off the list and wipe its words; its routing decisions stay for the partners' scorecards."""
    task = owned_task(session, viewer, task_id, lock=True)
    now = utcnow()
    task.deleted_at, task.updated_at = now, now
    task.title, task.notes = DELETED_TITLE, ""
    session.add(task)
    live.touch(session, live.tasks_topic(task.owner_id))
