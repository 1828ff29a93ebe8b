"""/post: the posting wizard. The draft lives on the server from the first saved step, so a reload resumes it.

Opened as `/post?draft=<id>` (resume, or edit an open listing) or pre-filled as
`/post?title=...&description=...&skills=a,b&budget=100&currency=USD&category=...&source=delegate`.
"""

from __future__ import annotations

from typing import Annotated, Any

import reflex as rx
from annotated_types import Ge, Le
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.listing_fields import STEP_NAMES
from jtbd_app.services.marketplace import listings
from jtbd_app.state.boundary import query_params
from jtbd_app.state.session import SessionState
from jtbd_app.state.skill_tags import SkillTagsMixin

PREFILL_PARAMS = ("title", "description", "category", "skills", "budget", "currency")
WizardStep = Annotated[int, Ge(min(STEP_NAMES)), Le(max(STEP_NAMES))]


class WizardStepForm(TypedDict, total=False):
    """The fields of all three step forms (each sends its own); the service checks the ones its step needs."""

    title: str
    description: str
    category: str
    skill_draft: str  # the tags are read from `edit_skills`
    budget: str
    currency: str
    deadline: str
    location: str
    remote: str  # the radio group's "remote" or "local" (absent when none is checked); `remote` is read from the state


class PostState(SkillTagsMixin, SessionState):
    loaded: bool = False
    refusal: str = ""
    form: listings.WizardForm = listings.WizardForm()
    remote: bool = True
    source: str = "wizard"

    @rx.var
    def step(self) -> int:
        return self.form.step

    @rx.var
    def step_name(self) -> str:
        return STEP_NAMES.get(self.form.step, "")

    @rx.var
    def editing_open_listing(self) -> bool:
        return self.form.status == "open"

    @rx.event
    def load_post(self) -> None:
        """Loads only the viewer's own draft or listing; the service refuses anyone else's."""
        self.loaded, self.refusal, self.errors = False, "", {}
        viewer = self._refresh_viewer()
        params = query_params(self)
        prefill: dict[str, Any] = {k: params[k] for k in PREFILL_PARAMS if params.get(k)}
        try:
            with session_scope() as session:
                form = listings.open_wizard(session, viewer=viewer, draft_id=params.get("draft"), prefill=prefill)
        except DomainError as exc:
            self.refusal, self.loaded = exc.message, True
            return
        self.source = self.source if "draft" in params else params.get("source", "wizard")
        self._show(form)
        self.loaded = True

    def _show(self, form: listings.WizardForm) -> None:
        self.form, self.remote, self.edit_skills, self.errors = form, form.remote, list(form.skills), {}
        self.skill_draft, self.skill_suggestions = "", []

    @rx.event
    def set_remote(self, value: str) -> None:
        """Public: a form field in this browser only."""
        self.remote = value != "local"

    @rx.event
    def submit_step(self, data: WizardStepForm) -> EventSpec | None:
        """Saves the current step of the viewer's own draft (creating it on the first save)."""
        values = {**(data if isinstance(data, dict) else {}), "skills": list(self.edit_skills), "remote": self.remote}
        draft_id, step, viewer = self.form.id, self.form.step, self._viewer()
        try:
            with session_scope() as session:
                form = listings.save_wizard_step(
                    session, viewer=viewer, listing_id=draft_id, step=step, values=values, source=self.source
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self._show(form)
        return _remember_draft(form.id) if draft_id == 0 else None

    @rx.event
    def go_to_step(self, step: WizardStep) -> None:
        """Moves between steps already reached; nothing is stored."""
        if self.form.id == 0:
            return
        try:
            with session_scope() as session:
                form = listings.go_to_step(session, viewer=self._viewer(), listing_id=self.form.id, step=step)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self._show(form)

    @rx.event
    def publish(self) -> EventSpec | None:
        """Publishes the viewer's own draft; the service checks every field again."""
        viewer = self._viewer()
        try:
            self._limit("post", viewer)
            with session_scope() as session:
                listing_id = listings.publish_listing(session, viewer=viewer, listing_id=self.form.id)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        return rx.redirect(f"/listings/{listing_id}")

    @rx.event
    def delete_draft(self) -> EventSpec | None:
        """Deletes the viewer's own draft only."""
        try:
            with session_scope() as session:
                listings.delete_draft(session, viewer=self._viewer(), listing_id=self.form.id)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        return rx.redirect("/")


def _remember_draft(listing_id: int) -> EventSpec:
    """Put a new draft in the address bar, so that a reload resumes it."""
    return rx.call_script(f"window.history.replaceState(null, '', '/post?draft={listing_id}')")
