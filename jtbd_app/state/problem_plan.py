"""/problems/[id]: the owner's plan, made while they watch (tasks appear as the planner produces them), drawn as a
graph beside the list, checked for fit, and edited. Every handler goes through a service that checks the owner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import reflex as rx
from annotated_types import MaxLen
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, NotFound, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.domain.plans import ROUTE_LABELS, PlanTask
from jtbd_app.services import live
from jtbd_app.services.problems import plan_edit, planning, problem_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import Count, route_arg
from jtbd_app.state.live import LivePage
from jtbd_app.state.session import SessionState

TaskKey = Annotated[str, MaxLen(24)]


class TaskForm(TypedDict):
    title: str
    description: str
    skills: str
    criteria: str
    evidence_kind: str
    evidence_description: str
    evidence_threshold: str
    route: str
    duration_days: str


class InstructionForm(TypedDict):
    instruction: str


class TaskInstructionForm(TypedDict):
    task_instruction: str


class ShareForm(TypedDict):
    share: str


@dataclass(frozen=True)
class DraftTask:
    key: str
    title: str
    route_label: str


class ProblemPlanState(LivePage, SessionState):
    problem: problem_view.ProblemDetail = problem_view.ProblemDetail()
    loaded: bool = False
    found: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    planning: bool = False
    drafts: list[DraftTask] = []
    editing_key: str = ""  # the task whose form is open; "new" for a task being added
    refining_key: str = ""  # the task whose refine box is open
    _live_topic: str = ""  # the problem loaded and for whom ("7 problem:42"), set on the server only

    @rx.var
    def route_problem_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the problem's own, only once its owner was shown it."""
        if self.found and self.route_problem_id == str(self.problem.id):
            return page_title(self.problem.title, "Problem")
        return page_title("Problem not found" if self.loaded and not self.found else "Problem")

    @rx.event
    def load_problem(self) -> Any:
        """The owner's problem only; a new problem's plan is made at once."""
        self.loaded, self.errors, self.notice, self.editing_key, self.refining_key = False, {}, "", "", ""
        self._live_topic = ""
        self._watch_live(live.problem_topic(self.route_problem_id))
        self._reload(self._refresh_viewer())
        self.loaded = True
        if self.found and self.problem.status == "draft" and not self.problem.tasks and not self.problem.planning:
            return ProblemPlanState.make_plan
        return None

    def _live_topics(self, viewer: Viewer) -> list[str]:
        topic = live.problem_topic(self.problem.id)
        shown = self.found and self.route_problem_id == str(self.problem.id)
        return [topic] if shown and self._live_topic == f"{viewer.user_id} {topic}" else []

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        """The problem as it is now: a bid, a delivery, a payment or a release on one of its tasks moved it."""
        self._reload(viewer)
        return []

    def _reload(self, viewer: Viewer | None) -> None:
        try:
            with read_scope() as session:
                self.problem = problem_view.problem_detail(session, viewer=viewer, problem_id=self.route_problem_id)
            self.found = True
            self._live_topic = f"{viewer.user_id if viewer else 0} {live.problem_topic(self.problem.id)}"
        except NotFound:
            self.found, self.problem = False, problem_view.ProblemDetail()
        except DomainError as exc:
            self.found, self.problem, self.errors = False, problem_view.ProblemDetail(), field_errors(exc)

    def _act(self, action: Callable[[Any, Viewer | None], object], notice: str) -> bool:
        """One edit by the owner through its service, then the plan as it now is."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                action(session, viewer)
        except DomainError as exc:
            self.errors, self.notice = field_errors(exc), ""
            return False
        self.errors, self.notice = {}, notice
        self._reload(viewer)
        return True

    @rx.event(background=True)
    async def make_plan(self) -> None:
        """The owner's problem planned from scratch; the tasks appear as they are produced."""
        await self._plan(instruction="")

    @rx.event(background=True)
    async def refine_plan(self, form: InstructionForm) -> None:
        """The owner's whole plan remade as their instruction says."""
        await self._plan(instruction=forms.text(form, "instruction"))

    @rx.event(background=True)
    async def refine_task(self, form: TaskInstructionForm) -> None:
        """One task of the owner's plan remade as their instruction says; the others are kept."""
        async with self:
            key = self.refining_key
        await self._plan(instruction=forms.text(form, "task_instruction"), task_key=key)

    async def _plan(self, *, instruction: str, task_key: str = "") -> None:
        """Mark the problem as being planned, run the decomposer with no transaction open, save what it made."""
        async with self:
            viewer, problem_id = self._viewer(), self.route_problem_id
            if self.planning:
                return
            self.planning, self.drafts, self.errors, self.notice = True, [], {}, ""
        try:
            text = planning.clean_instruction(instruction) if (instruction or task_key) else ""
            with session_scope() as session:
                pid, brief, current = planning.begin_planning(session, viewer=viewer, problem_id=problem_id)
            if bootstrap.decomposer(get_settings()) is not None:  # the plan is asked of the model: counted
                self._limit("model", viewer)
            plan = await self._draft(brief, current, text, task_key)
            with session_scope() as session:
                planning.save_plan(session, viewer=viewer, problem_id=pid, plan=plan)
        except DomainError as exc:
            errors = field_errors(exc)
            if task_key and "instruction" in errors:
                errors["task_instruction"] = errors.pop("instruction")
            await self._planning_failed(viewer, problem_id, errors)
        finally:
            async with self:
                self.planning, self.drafts, self.refining_key = False, [], ""
                self._reload(viewer)

    async def _draft(self, brief: Any, current: list[PlanTask], instruction: str, task_key: str) -> Any:
        async def show(task: PlanTask) -> None:
            async with self:
                self.drafts = [*self.drafts, DraftTask(task.key, task.title, ROUTE_LABELS.get(task.route, ""))]

        async def restart() -> None:
            async with self:
                self.drafts = []

        return await planning.draft_plan(
            brief,
            decomposer=bootstrap.decomposer(get_settings()),
            instruction=planning.task_instruction(current, task_key, instruction) if task_key else instruction,
            current=current if (instruction or task_key) else None,
            on_task=show,
            on_restart=restart,
        )

    async def _planning_failed(self, viewer: Viewer | None, problem_id: str, errors: dict[str, str]) -> None:
        async with self:
            self.errors = errors
        try:
            with session_scope() as session:
                planning.end_planning(session, viewer=viewer, problem_id=problem_id)
        except DomainError:
            pass

    @rx.event
    def start_edit(self, task_key: TaskKey) -> None:
        """Public: opens one task's form in this browser; nothing is stored."""
        self.editing_key, self.errors, self.notice = task_key, {}, ""

    @rx.event
    def start_add(self) -> None:
        """Public: opens an empty task form in this browser; nothing is stored."""
        self.editing_key, self.errors, self.notice = "new", {}, ""

    @rx.event
    def start_refine(self, task_key: TaskKey) -> None:
        """Public: opens one task's refine box in this browser; nothing is stored."""
        self.refining_key, self.errors = task_key, {}

    @rx.event
    def close_forms(self) -> None:
        """Public: closes any open form; nothing is stored."""
        self.editing_key, self.refining_key, self.errors = "", "", {}

    @rx.event
    def save_task(self, form: TaskForm) -> None:
        """The owner's changes to one task (or a new task); the plan stays whole or nothing changes."""
        key, values, pid = self.editing_key, forms.values(form), self.route_problem_id
        if key == "new":
            done = self._act(lambda s, v: plan_edit.add_task(s, viewer=v, problem_id=pid, values=values), "Task added.")
        else:
            done = self._act(
                lambda s, v: plan_edit.update_task(s, viewer=v, problem_id=pid, task_key=key, values=values),
                "Task saved.",
            )
        if done:
            self.editing_key = ""

    @rx.event
    def remove_task(self, task_key: TaskKey) -> None:
        """The owner removes a task; its share goes to the others."""
        pid = self.route_problem_id
        self._act(lambda s, v: plan_edit.remove_task(s, viewer=v, problem_id=pid, task_key=task_key), "Task removed.")

    @rx.event
    def move_task(self, task_key: TaskKey, direction: Literal["up", "down"]) -> None:
        """The owner moves a task up or down the list."""
        pid = self.route_problem_id
        offset: Literal[-1, 1] = -1 if direction == "up" else 1
        self._act(
            lambda s, v: plan_edit.move_task(s, viewer=v, problem_id=pid, task_key=task_key, offset=offset), "Moved."
        )

    @rx.event
    def toggle_need(self, task_key: TaskKey, need_key: TaskKey) -> None:
        """The owner says one task needs (or no longer needs) another first."""
        pid = self.route_problem_id
        self._act(
            lambda s, v: plan_edit.toggle_dependency(s, viewer=v, problem_id=pid, task_key=task_key, need_key=need_key),
            "Dependencies updated.",
        )

    @rx.event
    def set_share(self, form: ShareForm) -> None:
        """The owner sets the open task's share; the other tasks share the rest."""
        key, amount, pid = self.editing_key, forms.text(form, "share"), self.route_problem_id
        self._act(
            lambda s, v: plan_edit.set_share(s, viewer=v, problem_id=pid, task_key=key, amount=amount),
            "Budget re-split.",
        )

    @rx.event
    def resplit(self, mode: Literal["estimates", "even"]) -> None:
        """The owner splits the budget again, by estimated cost or evenly."""
        pid = self.route_problem_id
        self._act(lambda s, v: plan_edit.resplit(s, viewer=v, problem_id=pid, mode=mode), "Budget re-split.")

    @rx.event
    def apply_cut(self, index: Count) -> None:
        """The owner applies one of the feasibility check's proposals."""
        pid, done = self.route_problem_id, [""]
        if self._act(
            lambda s, v: done.__setitem__(0, plan_edit.apply_cut(s, viewer=v, problem_id=pid, cut_index=index)), ""
        ):
            self.notice = f"Applied: {done[0]}"
