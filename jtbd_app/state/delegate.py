"""/tasks/[id]/delegate: the Delegate menu of one of the member's tasks. The menu is made in a background event
(the model classifier and partners' product searches run with no transaction open) while the page says what it
is doing; every choice goes through `services/delegate/decisions`, which checks the task is the caller's."""

from __future__ import annotations

from typing import Annotated, Any

import reflex as rx
from annotated_types import MaxLen
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.services.delegate import decisions, route_view
from jtbd_app.services.delegate import menu as menus
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import route_arg
from jtbd_app.state.session import SessionState

OfferToken = Annotated[str, MaxLen(43)]
PartnerKey = Annotated[str, MaxLen(24)]
# "Report outcome" on the task list links to #outcome, which exists only once the task has loaded.
SHOW_OUTCOME_FORM = "if (location.hash === '#outcome') document.getElementById('outcome')?.scrollIntoView()"


class OutcomeForm(TypedDict, total=False):
    """A radio group left unchosen is not sent at all; the service says which answer is missing."""

    done: str
    rating: str
    comment: str


class DelegateState(SessionState):
    routes: route_view.TaskRoutes = route_view.TaskRoutes()
    menu: menus.Menu = menus.Menu()
    loaded: bool = False
    found: bool = False
    building: bool = False
    progress: str = ""
    errors: dict[str, str] = {}
    notice: str = ""
    confirming: str = ""  # the partner whose post is waiting for the member's confirmation
    posting: bool = False

    @rx.var
    def route_task_id(self) -> str:
        return route_arg(self.router.url.path, suffix="/delegate")

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the member's own task, only once it was shown to them."""
        if self.found and self.route_task_id == str(self.routes.task_id):
            return page_title(self.routes.title, "Delegate")
        return page_title("Delegate a task")

    @rx.event
    def load_delegate(self) -> list[Any] | None:
        """The caller's own task only; its menu is then made in the background."""
        self.loaded, self.errors, self.notice, self.confirming = False, {}, "", ""
        self.menu, self.progress = menus.Menu(), ""
        self._reload(self._refresh_viewer())
        self.loaded = True
        return [DelegateState.build_menu, rx.call_script(SHOW_OUTCOME_FORM)] if self.found else None

    def _reload(self, viewer: Viewer | None) -> None:
        try:
            with read_scope() as session:
                self.routes = route_view.task_routes(session, viewer=viewer, task_id=self.route_task_id)
            self.found = True
        except DomainError:
            self.found, self.routes = False, route_view.TaskRoutes()

    @rx.event(background=True)
    async def build_menu(self) -> None:
        """The caller's own task's menu: classified, ranked, its links offered."""
        async with self:
            if self.building:
                return
            viewer, task_id, self.building, self.errors = self._viewer(), self.route_task_id, True, {}
        built, errors = menus.Menu(), {}
        try:
            built = await self._build(viewer, task_id)
        except DomainError as exc:
            errors = field_errors(exc)
        finally:
            async with self:
                self.menu, self.errors, self.building, self.progress = built, errors, False, ""

    async def _build(self, viewer: Viewer | None, task_id: str) -> menus.Menu:
        async def show(step: str) -> None:
            async with self:
                self.progress = step

        settings = get_settings()
        if bootstrap.task_classifier(settings) is not None:  # the menu asks the model: counted
            self._limit("model", viewer)
        return await menus.build_menu(
            session_factory=session_scope,
            viewer=viewer,
            task_id=task_id,
            adapters=bootstrap.partners(settings),
            classifier=bootstrap.task_classifier(settings),
            timeout=settings.partner_timeout,
            on_step=show,
        )

    def _act(self, action: Any) -> Any:
        """One choice by the task's owner through its service; its message when refused."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                result = action(session, viewer, self.route_task_id)
        except DomainError as exc:
            self.errors, self.notice = field_errors(exc), ""
            return None
        self.errors = {}
        self._reload(viewer)
        return result

    @rx.event
    def choose_link(self, token: OfferToken) -> None:
        """The caller followed one of their task's partner links (it opens in a new tab): the task went there."""
        self._act(lambda s, v, t: decisions.choose_link(s, viewer=v, task_id=t, token=token))

    @rx.event
    def post_here(self) -> EventSpec | None:
        """The caller's task as a pre-filled draft listing; the wizard opens it."""
        listing_id = self._act(lambda s, v, t: decisions.post_here(s, viewer=v, task_id=t))
        return rx.redirect(f"/post?draft={listing_id}") if listing_id else None

    @rx.event
    def plan_as_problem(self) -> EventSpec | None:
        """The caller's task to be planned as a problem; the problem form opens pre-filled from it."""
        task_id = self._act(lambda s, v, t: decisions.plan_as_problem(s, viewer=v, task_id=t))
        return rx.redirect(f"/problems/new?task={task_id}") if task_id else None

    @rx.event
    def do_it_myself(self) -> EventSpec | None:
        """The caller keeps their task; back to the list."""
        self._act(lambda s, v, t: decisions.do_it_myself(s, viewer=v, task_id=t))
        return None if self.errors else rx.redirect("/tasks")

    @rx.event
    def start_confirm(self, partner_key: PartnerKey) -> None:
        """Public: asks this browser to confirm the drafted post before it goes to the partner; nothing is stored."""
        self.confirming, self.errors, self.notice = partner_key, {}, ""

    @rx.event
    def cancel_confirm(self) -> None:
        """Public: closes the confirmation; nothing is stored."""
        self.confirming = ""

    @rx.event(background=True)
    async def confirm_post(self, partner_key: PartnerKey) -> None:
        """The drafted post of the caller's own task, created at the partner through its API once confirmed."""
        async with self:
            if self.posting:
                return
            viewer, task_id, self.posting, self.errors = self._viewer(), self.route_task_id, True, {}
        notice, errors = "", {"form": "Nothing was posted; try again."}  # what stands if the post did not finish
        try:
            notice, errors = await self._post(viewer, task_id, partner_key)
        finally:
            async with self:
                self.posting, self.notice, self.errors = False, notice, errors
                self.confirming = "" if notice else self.confirming
                self._reload(viewer)

    async def _post(self, viewer: Viewer | None, task_id: str, partner_key: str) -> tuple[str, dict[str, str]]:
        settings = get_settings()
        try:
            self._limit("post", viewer)
            created = await decisions.confirm_post(
                session_factory=session_scope,
                viewer=viewer,
                task_id=task_id,
                partner_key=partner_key,
                adapters=bootstrap.partners(settings),
                timeout=settings.partner_timeout,
            )
        except DomainError as exc:
            return "", field_errors(exc)
        return f"Posted: the partner's reference is {created.external_ref}.", {}

    @rx.event
    def report_outcome(self, form: OutcomeForm) -> None:
        """How the caller's task went at the partner it was sent to; the partner's scorecard counts it."""
        values = forms.values(form)
        suspended = self._act(lambda s, v, t: decisions.report_outcome(s, viewer=v, task_id=t, values=values))
        if not self.errors:
            self.notice = "Thank you: your report was saved." + (
                " That partner is no longer offered." if suspended else ""
            )
