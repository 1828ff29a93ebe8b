"""/settings: the member's own sessions, password and sign-in providers. Every handler acts only for the cookie's owner."""

from __future__ import annotations

import asyncio

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.accounts import identity_links, security
from jtbd_app.services.accounts.identity import configured_providers
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import QueryText, RecordId, query_param
from jtbd_app.state.forms import fields
from jtbd_app.state.profile_photos import ProfilePhotoState
from jtbd_app.state.session import SessionState
from jtbd_app.state.standing import StandingState


class PasswordChangeForm(TypedDict):
    current_password: str
    new_password: str


class SettingsState(SessionState):
    loaded: bool = False
    refusal: str = ""
    sessions: list[security.SessionInfo] = []
    errors: dict[str, str] = {}
    message: str = ""
    form_key: int = 0
    sign_in_providers: list[dict[str, str]] = []

    def _reload_sessions(self, viewer: Viewer | None) -> None:
        with session_scope() as session:
            self.sessions = security.open_sessions(session, viewer=viewer, current_key=self._session_key())
            connected = identity_links.connected_providers(session, viewer=viewer)
        self.sign_in_providers = [
            {"slug": p.slug, "label": p.label, "connected": "yes" if p.slug in connected else ""}
            for p in configured_providers(get_settings())
        ]

    @rx.event
    async def load_settings(self) -> None:
        """Signed-in only: the viewer's own sessions; their standing and photo open in the same event."""
        viewer = self._refresh_viewer()
        self.errors, self.message, self.refusal, self.sessions = {}, "", "", []
        try:
            self._reload_sessions(viewer)
        except DomainError as exc:
            self.refusal = exc.message
        if query_param(self, "connected", QueryText, "") == "1":
            self.message = "The sign-in provider is connected: you can now sign in with it."
        self.loaded = True
        (await self.get_state(StandingState))._open(viewer)
        (await self.get_state(ProfilePhotoState))._open(viewer)

    @rx.event
    def revoke_session(self, session_id: RecordId) -> None:
        """Signs out one of the viewer's own sessions; the service refuses anyone else's."""
        self.message = ""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                security.revoke_session(session, viewer=viewer, session_id=session_id)
            self._reload_sessions(viewer)
        except DomainError as exc:
            self.message = exc.message
            return
        self.message = "That session is signed out."

    @rx.event
    async def change_password(self, form: PasswordChangeForm) -> None:
        """Changes the viewer's own password after checking the current one (both argon2id: in a thread, so the
        worker's other tabs are served meanwhile)."""
        current, new = fields(form, "current_password", "new_password")
        viewer, key = self._viewer(), self._session_key()
        try:
            closed = await asyncio.to_thread(_change_password, viewer, current, new, key)
            self._reload_sessions(viewer)
        except DomainError as exc:
            self.errors, self.message = field_errors(exc), ""
            return
        self.errors, self.form_key = {}, self.form_key + 1
        self.message = f"Password changed. {closed} other session(s) signed out."


def _change_password(viewer: Viewer | None, current: object, new: object, key: str | None) -> int:
    with session_scope() as session:
        return security.change_password(
            session, viewer=viewer, current_password=current, new_password=new, current_key=key
        )
