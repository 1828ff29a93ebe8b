"""Sign-up and sign-in forms. Success hands a one-time grant to the cookie route by a full page load."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, ValidationFailed
from jtbd_app.services.accounts import email_verification, membership, sign_in, terms
from jtbd_app.services.accounts.identity import configured_providers
from jtbd_app.state.session import SessionState


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
        code = self.router.url.query_parameters.get("error", "")
        self.form_error = {
            "expired": "That sign-in took too long. Please try again.",
            "oidc": "Sign-in with that provider failed. Please try again.",
            "oidc-no-email": "That provider did not share an email address, which your account needs.",
            "oidc-unverified": "That provider has not confirmed your email address. Confirm it there, or sign in with a password.",
        }.get(code, "")

    @rx.event
    def submit_login(self, form: dict[str, Any]) -> EventSpec | None:
        """Public by nature (anyone may try to sign in); throttled per account and address."""
        self.errors, self.form_error = {}, ""
        form = form if isinstance(form, dict) else {}
        policy = membership.ThrottlePolicy.from_settings(get_settings())
        try:
            with session_scope() as session:
                user = membership.authenticate(
                    session,
                    identifier=form.get("identifier"),
                    password=form.get("password"),
                    address=self.router.session.client_ip,
                    policy=policy,
                )
                grant = sign_in.issue_login_grant(session, user=user)
        except ValidationFailed as exc:
            self.errors = exc.fields
            return None
        except DomainError as exc:
            self.form_error = exc.message
            return None
        return _go_complete(grant)


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
    def submit_signup(self, form: dict[str, Any]) -> EventSpec | None:
        """Public by nature: creates an account from the form, validated field by field."""
        self.errors = {}
        form = form if isinstance(form, dict) else {}
        accepted = form.get("accept_terms") in ("on", True, "true")
        try:
            with session_scope() as session:
                user = membership.sign_up(
                    session,
                    email=form.get("email"),
                    username=form.get("username"),
                    display_name=form.get("display_name"),
                    password=form.get("password"),
                    accepted_terms_version=self.terms_version if accepted else None,
                )
                settings = get_settings()
                email_verification.send_confirmation(
                    session, user=user, app_url=settings.app_url, mail_enabled=settings.mail_enabled
                )
                grant = sign_in.issue_login_grant(session, user=user)
        except ValidationFailed as exc:
            self.errors = exc.fields
            return None
        return _go_complete(grant)
