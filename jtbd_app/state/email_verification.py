"""/verify-email: the link mailed at sign-up confirms the address it was sent to."""

from __future__ import annotations

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.accounts import email_verification
from jtbd_app.state.boundary import QueryText, query_param
from jtbd_app.state.session import SessionState


class EmailVerificationState(SessionState):
    loaded: bool = False
    confirmed: bool = False
    problem: str = ""

    @rx.event
    def confirm(self) -> None:
        """Public: the one-time link in the address is the credential; the service checks it."""
        self.loaded, self.confirmed, self.problem = False, False, ""
        token = query_param(self, "token", QueryText, "")
        try:
            with session_scope() as session:
                email_verification.confirm_email(session, token=token)
        except DomainError as exc:
            self.problem = exc.message
        else:
            self.confirmed = True
        self._refresh_viewer()
        self.loaded = True
