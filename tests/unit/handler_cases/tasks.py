"""The task list's handlers: only the owner ever sees or changes a task; a signed-out visitor stores nothing."""

from __future__ import annotations

from sqlmodel import Session, func, select

from jtbd_app.db import session_scope
from jtbd_app.models import TodoTask, User
from jtbd_app.services.delegate import todos
from jtbd_app.state.tasks import TasksState
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.viewers import viewer_of
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "TasksState.setvar": "Reflex built-in; display vars only; every load and change re-checks the caller",
    "TasksState.start_edit": UI_ONLY,
    "TasksState.cancel_edit": UI_ONLY,
    "TasksState.edit_key_down": UI_ONLY,
}
FORM = {"title": "Hijacked", "notes": "pwned", "due_on": ""}


def _victims_task() -> int:
    victim = make_user("victim")
    with session_scope() as session:
        return todos.add_task(session, viewer=viewer_of(victim), values={"title": "Victim's secret", "notes": "n"})


def _snapshot(db: Session, task_id: int) -> tuple[str, str, bool, object]:
    db.expire_all()
    task = db.get(TodoTask, task_id)
    assert task is not None
    return task.title, task.notes, task.done, task.deleted_at


def _state(caller: str | None) -> TasksState:
    state: TasksState = state_for(TasksState, token=caller, path="/tasks")
    return state


def _unchanged_after(handler: str, *args: object, editing: bool = False):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        task_id = _victims_task()
        before = _snapshot(db, task_id)
        state = _state(caller)
        if editing:
            state.editing_id = task_id
        call(state, handler, *[task_id if a is _TASK else a for a in args])
        assert _snapshot(db, task_id) == before
        assert all(row.id != task_id for row in state.rows)

    return case


_TASK = object()  # stands for the victim's task id


def _load_tasks(caller: str | None, db: Session) -> None:
    _victims_task()
    state = _state(caller)
    call(state, "load_tasks")
    assert state.rows == [] and (state.refusal or state.total == 0)


def _go_to_page(caller: str | None, db: Session) -> None:
    _victims_task()
    state = _state(caller)
    call(state, "go_to_page", 1)
    assert state.rows == []


def _add_task(caller: str | None, db: Session) -> None:
    victim_task = _victims_task()
    state = _state(caller)
    call(state, "add_task", FORM)
    victim = db.exec(select(User).where(User.username == "victim")).one()
    victims = db.exec(select(func.count()).select_from(TodoTask).where(TodoTask.owner_id == victim.id)).one()
    assert victims == 1 and _snapshot(db, victim_task)[0] == "Victim's secret"
    if caller is None:
        assert state.errors and db.exec(select(func.count()).select_from(TodoTask)).one() == 1


GUARDED = {
    "TasksState.load_tasks": _load_tasks,
    "TasksState.go_to_page": _go_to_page,
    "TasksState.add_task": _add_task,
    "TasksState.save_edit": _unchanged_after("save_edit", FORM, editing=True),
    "TasksState.set_done": _unchanged_after("set_done", _TASK, True),
    "TasksState.delete_task": _unchanged_after("delete_task", _TASK),
}
