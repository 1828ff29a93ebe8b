"""/tasks: the viewer's own to-do list. Every handler resolves the viewer from the cookie; the services check that each
task is theirs. The filter (`?show=open|done|all`) and the page (`?page=`) come from the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.delegate import task_view, todos
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import PageNumber, RecordId, query_param, route_arg
from jtbd_app.state.live import LivePage
from jtbd_app.state.session import SessionState

Show = Literal["open", "done", "all"]


class TaskForm(TypedDict):
    title: str
    notes: str
    due_on: str


class TasksState(LivePage, SessionState):
    loaded: bool = False
    refusal: str = ""
    rows: list[task_view.TaskRow] = []
    show: str = "open"
    page: int = 1
    pages: int = 1
    total: int = 0
    open_count: int = 0
    done_count: int = 0
    errors: dict[str, str] = {}  # the add form's
    edit_errors: dict[str, str] = {}
    editing_id: int = 0  # the task whose inline edit form is open
    message: str = ""  # what the last action did, or why it was refused
    form_key: int = 0  # bumped after a task is added, so the add form starts empty (and focused) again
    _live_for: int = 0  # whose list the page loaded (set on the server only)
    _topics: list[str] = []  # the live topics of what it shows

    @rx.var
    def route_tail(self) -> str:
        return route_arg(self.router.url.path)

    def _show(self, viewer: Viewer | None, show: str, page: int) -> None:
        try:
            with read_scope() as session:
                listed = task_view.list_tasks(session, viewer=viewer, show=show, page=page)
        except DomainError as exc:
            self.refusal, self.rows, self.total, self.open_count, self.done_count = exc.message, [], 0, 0, 0
            self._live_for, self._topics = 0, []
            return
        self._live_for, self._topics = viewer.user_id if viewer else 0, listed.topics
        self._watch_live(*listed.topics)  # what this page shows now; the tick reloads when one of them moves
        self.refusal, self.rows, self.show, self.page = "", listed.rows, listed.show, listed.page
        self.pages, self.total, self.open_count, self.done_count = (
            listed.pages,
            listed.total,
            listed.open_count,
            listed.done_count,
        )

    def _live_topics(self, viewer: Viewer) -> list[str]:
        shown = self.loaded and self.route_tail == "tasks" and self._live_for == viewer.user_id
        return list(self._topics) if shown else []

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        """The list as it is now: another tab changed a task, or a listing, contract or problem it went to moved."""
        self._show(viewer, self.show, self.page)
        return []

    def _act(self, action: Callable[[Any, Viewer | None], object], done: str) -> None:
        """Run one service call for the viewer in a unit of work; the list as it is now, and what happened."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                action(session, viewer)
        except DomainError as exc:
            self.message = exc.message
            self._show(viewer, self.show, self.page)
            return
        self.message = done
        self._show(viewer, self.show, self.page)

    @rx.event
    def load_tasks(self) -> None:
        """Signed-in only: the viewer's own tasks, as the URL's filter and page say."""
        self.loaded, self.message, self.errors, self.edit_errors = False, "", {}, {}
        self.editing_id = 0
        viewer = self._refresh_viewer()
        show = query_param(self, "show", Show, default="open")
        self._show(viewer, show, query_param(self, "page", PageNumber, default=1))
        self.loaded = True

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Signed-in only: another page of the viewer's own tasks."""
        self.editing_id = 0
        self._show(self._viewer(), self.show, page)

    @rx.event
    def add_task(self, form: TaskForm) -> None:
        """A new task on the caller's own list; bad fields get their messages and nothing is stored."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                todos.add_task(session, viewer=viewer, values=forms.values(form))
        except DomainError as exc:
            self.errors, self.message = field_errors(exc), ""
            return
        self.errors, self.message, self.form_key = {}, "Task added.", self.form_key + 1
        self._show(viewer, self.show, 1)

    @rx.event
    def start_edit(self, task_id: RecordId) -> None:
        """Public: opens the inline edit form in this browser; saving is what is checked."""
        self.editing_id, self.edit_errors, self.message = task_id, {}, ""

    @rx.event
    def cancel_edit(self) -> None:
        """Public: closes the inline edit form in this browser."""
        self.editing_id, self.edit_errors = 0, {}

    @rx.event
    def edit_key_down(self, key: str) -> None:
        """Public: Escape in the inline edit form closes it."""
        if key == "Escape":
            self.editing_id, self.edit_errors = 0, {}

    @rx.event
    def save_edit(self, form: TaskForm) -> None:
        """Changes the caller's own task that is being edited; anyone else's is not found."""
        viewer, task_id = self._viewer(), self.editing_id
        try:
            with session_scope() as session:
                todos.edit_task(session, viewer=viewer, task_id=task_id, values=forms.values(form))
        except DomainError as exc:
            self.edit_errors = field_errors(exc)
            return
        self.editing_id, self.edit_errors, self.message = 0, {}, "Task saved."
        self._show(viewer, self.show, self.page)

    @rx.event
    def set_done(self, task_id: RecordId, done: bool) -> None:
        """Marks the caller's own task done, or open again."""
        self._act(
            lambda s, v: todos.set_done(s, viewer=v, task_id=task_id, done=done),
            "Task marked done." if done else "Task opened again.",
        )

    @rx.event
    def delete_task(self, task_id: RecordId) -> None:
        """Deletes the caller's own task (its words are wiped); anyone else's is not found."""
        self._act(lambda s, v: todos.delete_task(s, viewer=v, task_id=task_id), "Task deleted.")
