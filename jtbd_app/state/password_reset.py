"""/reset-password: ask for a link by email, then choose a new password with it."""

from __future__ import annotations

import asyncio

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.accounts import password_reset
from jtbd_app.state.boundary import QueryText, query_param
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState


class ResetRequestForm(TypedDict):
    email: str


class NewPasswordForm(TypedDict):
    new_password: str


class PasswordResetState(SessionState):
    loaded: bool = False
    mode: str = "request"  # request | choose | invalid
    mail_enabled: bool = False
    errors: dict[str, str] = {}
    sent: bool = False
    done: bool = False

    def _token(self) -> str:
        return query_param(self, "token", QueryText, "")

    @rx.event
    def load_reset(self) -> None:
        """Public: says whether mail is set up and whether the link in the address is still usable."""
        self._refresh_viewer()
        self.errors, self.sent, self.done = {}, False, False
        self.mail_enabled = get_settings().mail_enabled
        token = self._token()
        if token:
            with session_scope() as session:
                self.mode = "choose" if password_reset.link_is_valid(session, token=token) else "invalid"
        else:
            self.mode = "request"
        self.loaded = True

    @rx.event
    def request_link(self, form: ResetRequestForm) -> None:
        """Public: anyone may ask; the answer is the same whether or not the address has an account."""
        email = field(form, "email")
        settings = get_settings()
        try:
            with session_scope() as session:
                password_reset.request_reset(
                    session, email=email, app_url=settings.app_url, mail_enabled=settings.mail_enabled
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.errors, self.sent = {}, True

    @rx.event
    async def choose_password(self, form: NewPasswordForm) -> None:
        """Public: the one-time link in the address is the credential; the service checks it (the new password is
        hashed in a thread, so the worker's other tabs are served meanwhile)."""
        new_password = field(form, "new_password")
        try:
            await asyncio.to_thread(_reset_password, self._token(), new_password)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.errors, self.done = {}, True


def _reset_password(token: str, new_password: object) -> None:
    with session_scope() as session:
        password_reset.reset_password(session, token=token, new_password=new_password)
