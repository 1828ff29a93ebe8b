"""/problems (the client's problems) and /problems/new (submit one; `?task=<id>` opens it pre-filled from one of the
member's tasks, whose Delegate decision then names the new problem). The plan page is `state/problem_plan.py`."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain import success_criteria
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.delegate import decisions
from jtbd_app.services.problems import problems
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import PageNumber, QueryText, RecordId, query_param
from jtbd_app.state.session import SessionState


class ProblemForm(TypedDict):
    outcome: str
    budget: str
    currency: str
    deadline: str
    constraints: str
    success_measure: str
    location: str


class NewProblemState(SessionState):
    errors: dict[str, str] = {}
    suggestions: list[str] = []
    submitting: bool = False
    prefill_outcome: str = ""  # from the caller's own task (`?task=<id>`), else empty
    prefill_deadline: str = ""
    prefill_budget: str = ""  # an amount the task names with its currency
    prefill_currency: str = "USD"

    @rx.event
    def load_new_problem(self) -> None:
        """An empty form, or one pre-filled from the caller's own task (a signed-out visitor is asked to sign in)."""
        self.errors, self.suggestions, self.submitting = {}, [], False
        prefill = self._task_prefill(self._refresh_viewer())
        self.prefill_outcome, self.prefill_deadline = prefill.get("outcome", ""), prefill.get("deadline", "")
        self.prefill_budget, self.prefill_currency = prefill.get("budget", ""), prefill.get("currency", "USD")

    def _task_prefill(self, viewer: Viewer | None) -> dict[str, str]:
        task_id = query_param(self, "task", RecordId, default=0)
        if not task_id or viewer is None:
            return {}
        try:
            with read_scope() as session:
                return decisions.problem_prefill(session, viewer=viewer, task_id=task_id)
        except DomainError:
            return {}

    @rx.event
    def suggest_criteria(self, text: QueryText) -> None:
        """Public: measurable success criteria suggested from the outcome as typed; nothing is stored."""
        self.suggestions = success_criteria.suggest(text)

    @rx.event
    def submit(self, form: ProblemForm) -> EventSpec | None:
        """A new problem owned by the caller (tied to their task when it came from one); its page makes the plan."""
        task_id = query_param(self, "task", RecordId, default=0) or None
        try:
            with session_scope() as session:
                problem_id = decisions.submit_problem(
                    session, viewer=self._viewer(), values=forms.values(form), task_id=task_id
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        return rx.redirect(f"/problems/{problem_id}")


class ProblemsState(SessionState):
    rows: list[problems.ProblemRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    loaded: bool = False
    refusal: str = ""

    @rx.event
    def load_problems(self) -> None:
        """The caller's own problems only."""
        self.loaded, self.refusal = False, ""
        viewer = self._refresh_viewer()
        page = query_param(self, "page", PageNumber, default=1)
        self._show(viewer, page)
        self.loaded = True

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Another page of the caller's own problems."""
        self._show(self._viewer(), page)

    def _show(self, viewer: object, page: int) -> None:
        try:
            with read_scope() as session:
                listed = problems.list_problems(session, viewer=viewer, page=page)  # type: ignore[arg-type]
        except DomainError as exc:
            self.refusal, self.rows = exc.message, []
            return
        self.rows, self.page, self.pages, self.total = listed.rows, listed.page, listed.pages, listed.total
