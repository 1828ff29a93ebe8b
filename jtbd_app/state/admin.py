"""/admin: the admin home. The service refuses non-admins; the page only shows the refusal."""

from __future__ import annotations

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.accounts import admin_view
from jtbd_app.state.session import SessionState


class AdminState(SessionState):
    loaded: bool = False
    refusal: str = ""
    counts: dict[str, int] = {}
    newest: list[dict[str, str]] = []
    signups: list[dict[str, str | int]] = []

    @rx.event
    def load_admin(self) -> None:
        """Admin only: the overview is loaded only after the service accepts the viewer."""
        viewer = self._refresh_viewer()
        self.counts, self.newest, self.signups, self.refusal = {}, [], [], ""
        try:
            with session_scope() as session:
                data = admin_view.overview(session, viewer=viewer)
        except DomainError as exc:
            self.refusal = exc.message
        else:
            self.counts = {k: int(data[k]) for k in ("users", "admins", "suspended", "active_sessions")}  # type: ignore[literal-required]
            self.newest = data["newest"]
            self.signups = data["signups"]
        self.loaded = True
