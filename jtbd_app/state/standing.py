"""The member's standing in /settings#standing: their strikes and, while suspended, their one appeal."""

from __future__ import annotations

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.trust import appeals
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState


class AppealForm(TypedDict):
    body: str


class StandingState(SessionState):
    standing_loaded: bool = False
    standing: appeals.Standing = appeals.Standing()
    appeal_errors: dict[str, str] = {}
    appeal_sent: str = ""
    appeal_form_key: int = 0

    def _reload(self, viewer: Viewer | None) -> None:
        try:
            with session_scope() as session:
                self.standing = appeals.my_standing(session, viewer=viewer)
        except DomainError:
            self.standing = appeals.Standing()
        self.standing_loaded = True

    @rx.event
    def load_standing(self) -> None:
        """Signed-in only: the viewer's own strikes and appeal (a visitor gets nothing). /settings opens it in its own
        page load (`SettingsState.load_settings`)."""
        self._open(self._viewer())

    def _open(self, viewer: Viewer | None) -> None:
        self.appeal_errors, self.appeal_sent = {}, ""
        self._reload(viewer)

    @rx.event
    def send_appeal(self, form: AppealForm) -> None:
        """The suspended viewer's one appeal; the service refuses a second, or anyone not suspended."""
        try:
            with session_scope() as session:
                appeals.send_appeal(session, viewer=self._viewer(), body=field(form, "body", ""))
        except DomainError as exc:
            self.appeal_errors, self.appeal_sent = field_errors(exc), ""
            return
        self.appeal_errors, self.appeal_sent = {}, "Your appeal was sent. An administrator will answer it here."
        self.appeal_form_key += 1
        self._reload(self._viewer())
