"""Sign-up and sign-in forms. Success hands a one-time grant to the cookie route by a full page load."""

from __future__ import annotations

from typing import Any, NotRequired

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, ValidationFailed
from jtbd_app.services.accounts import membership, terms
from jtbd_app.services.accounts.identity import configured_providers
from jtbd_app.state.boundary import QueryText, query_param
from jtbd_app.state.forms import field, fields
from jtbd_app.state.session import SessionState


class LoginForm(TypedDict):
    identifier: str
    password: str


class SignupForm(TypedDict):
    email: str
    username: str
    display_name: str
    password: str
    accept_terms: NotRequired[bool]  # a checkbox: Reflex reads "on" (or its ref's checked) as a bool


def _go_complete(grant: str) -> EventSpec:
    return rx.call_script(f"window.location.assign('/api/auth/complete?grant={grant}')")


class LoginState(SessionState):
    errors: dict[str, str] = {}
    form_error: str = ""
    providers: list[dict[str, str]] = []
    busy: bool = False

    @rx.event
    def load_login(self) -> None:
        """Public: lists the configured sign-in providers and any error from a redirect."""
        self.errors = {}
        self.providers = [{"slug": p.slug, "label": p.label} for p in configured_providers(get_settings())]
        code = query_param(self, "error", QueryText, "")
        self.form_error = {
            "expired": "That sign-in took too long. Please try again.",
            "oidc": "Sign-in with that provider failed. Please try again.",
            "oidc-no-email": "That provider did not share an email address, which your account needs.",
            "oidc-unverified": "That provider has not confirmed your email address. Confirm it there, or sign in with a password.",
        }.get(code, "")

    @rx.event
    def submit_login(self, form: LoginForm) -> EventSpec | None:
        """Public by nature (anyone may try to sign in); throttled per account and address."""
        identifier, password = fields(form, "identifier", "password")
        try:
            with session_scope() as session:
                grant = membership.sign_in_with_password(
                    session, identifier=identifier, password=password, address=self.router.session.client_ip
                )
        except DomainError as exc:
            self._refuse(exc)
            return None
        self.errors, self.form_error = {}, ""
        return _go_complete(grant)

    def _refuse(self, exc: DomainError) -> None:
        """Field errors next to their fields; anything else (wrong password, throttled) above the form."""
        if isinstance(exc, ValidationFailed):
            self.errors, self.form_error = exc.fields, ""
        else:
            self.errors, self.form_error = {}, exc.message


class SignupState(SessionState):
    errors: dict[str, str] = {}
    terms_version: int = 0
    terms_title: str = ""

    @rx.event
    def load_signup(self) -> None:
        """Public: shows which terms version the visitor is asked to accept."""
        self.errors = {}
        with session_scope() as session:
            current = terms.current_terms(session)
            self.terms_version = current.version if current else 0
            self.terms_title = current.title if current else ""

    @rx.event
    def submit_signup(self, form: SignupForm) -> EventSpec | None:
        """Public by nature: creates an account from the form, validated field by field."""
        settings = get_settings()
        try:
            with session_scope() as session:
                grant = membership.sign_up_and_sign_in(
                    session, **self._signup_fields(form), app_url=settings.app_url, mail_enabled=settings.mail_enabled
                )
        except ValidationFailed as exc:
            self.errors = exc.fields
            return None
        self.errors = {}
        return _go_complete(grant)

    def _signup_fields(self, form: object) -> dict[str, Any]:
        """The form as the service takes it; the box accepts the terms version this page showed."""
        values = {name: field(form, name) for name in ("email", "username", "display_name", "password")}
        accepted = field(form, "accept_terms") in ("on", True, "true")
        return {**values, "accepted_terms_version": self.terms_version if accepted else None}
