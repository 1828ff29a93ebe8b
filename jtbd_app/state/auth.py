"""Sign-up and sign-in forms. Success hands a one-time grant to the cookie route by a full page load."""

from __future__ import annotations

import asyncio
from typing import Any, NotRequired

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.api.http import grant_handoff_script
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, InvalidCredentials, RateLimited, ValidationFailed, field_errors
from jtbd_app.domain.return_path import return_query, safe_return_path
from jtbd_app.services.accounts import enrolment, identity_links, membership, sign_in, terms
from jtbd_app.services.accounts.identity import configured_providers
from jtbd_app.state.boundary import QueryText, query_param
from jtbd_app.state.forms import field, fields
from jtbd_app.state.session import SessionState

AWAITING_LINK = "Just signed up? Open the link we mailed you first."


class LoginForm(TypedDict):
    identifier: str
    password: str


class SignupForm(TypedDict):
    email: str
    username: str
    display_name: str
    password: str
    accept_terms: NotRequired[bool]  # a checkbox: Reflex reads "on" (or its ref's checked) as a bool


def go_complete(issued: sign_in.IssuedGrant, next_path: str = "") -> EventSpec:
    """Hand the grant to the cookie route from this tab, with its nonce in a cookie only this browser gets; the route
    then sends the member on to `next_path`."""
    return rx.call_script(grant_handoff_script(issued, next_path))


# Checking or hashing a password costs 0.1-0.2 s of CPU (argon2id, which releases the GIL): it runs in a thread, so
# the worker's event loop goes on serving every other tab's events meanwhile.


def _password_sign_in(identifier: object, password: object, address: str) -> sign_in.IssuedGrant:
    with session_scope() as session:
        return membership.sign_in_with_password(session, identifier=identifier, password=password, address=address)


def _sign_up(values: dict[str, Any]) -> enrolment.SignUpOutcome:
    settings = get_settings()
    with session_scope() as session:
        return enrolment.sign_up_from_form(
            session, **values, app_url=settings.app_url, mail_enabled=settings.mail_enabled
        )


def _asked_return(state: rx.State) -> str:
    """The page that sent the visitor here (`?next=`), if it is one of this app's; the dashboard otherwise."""
    return safe_return_path(query_param(state, "next", QueryText, ""))


LINKING_MESSAGES = {
    "other-browser": sign_in.OTHER_BROWSER,
    "oidc-admin": identity_links.ADMIN_REFUSED,
    "oidc-taken": "That provider account is already connected to another member.",
    "oidc-sign-in-first": identity_links.SIGN_IN_FIRST,
    "oidc-link-mailed": identity_links.MAILED,
}


class LoginState(SessionState):
    errors: dict[str, str] = {}
    form_error: str = ""
    providers: list[dict[str, str]] = []
    busy: bool = False
    return_query: str = ""  # "?next=/listings/12" for the page's other sign-in links; "" for the dashboard
    _next_path: str = "/"  # where a successful sign-in goes (checked again by the cookie route)

    @rx.event
    def load_login(self) -> None:
        """Public: lists the configured sign-in providers and any error from a redirect."""
        self.errors = {}
        self._next_path = _asked_return(self)
        self.return_query = return_query(self._next_path)
        self.providers = [{"slug": p.slug, "label": p.label} for p in configured_providers(get_settings())]
        code = query_param(self, "error", QueryText, "")
        self.form_error = {
            "expired": "That sign-in took too long. Please try again.",
            "oidc": "Sign-in with that provider failed. Please try again.",
            "oidc-no-email": "That provider did not share an email address, which your account needs.",
            "oidc-unverified": "That provider has not confirmed your email address. Confirm it there, or sign in with a password.",
            **LINKING_MESSAGES,
        }.get(code, "")

    @rx.event
    async def submit_login(self, form: LoginForm) -> EventSpec | None:
        """Public by nature (anyone may try to sign in); throttled per account and address."""
        identifier, password = fields(form, "identifier", "password")
        try:
            self._limit("sign_in", identifier.strip().lower()[:254] if isinstance(identifier, str) else "")
            grant = await asyncio.to_thread(_password_sign_in, identifier, password, self.router.session.client_ip)
        except DomainError as exc:
            self._refuse(exc)
            return None
        self.errors, self.form_error = {}, ""
        return go_complete(grant, self._next_path)

    def _refuse(self, exc: DomainError) -> None:
        """Field errors next to their fields; anything else (wrong password, throttled) above the form."""
        if isinstance(exc, ValidationFailed):
            self.errors, self.form_error = exc.fields, ""
        elif isinstance(exc, InvalidCredentials) and get_settings().mail_enabled:
            # Also what an account awaiting its mailed link hears (the service answers both the same way).
            self.errors, self.form_error = {}, f"{exc.message} {AWAITING_LINK}"
        else:
            self.errors, self.form_error = {}, exc.message


class SignupState(SessionState):
    errors: dict[str, str] = {}
    terms_version: int = 0
    terms_title: str = ""
    inbox: str = ""  # with mail on: where the link went (the same answer whether or not the address had an account)
    return_query: str = ""  # "?next=/listings/12" for the link to /login; "" for the dashboard
    _next_path: str = "/"  # where the new member goes once signed in (checked again by the cookie route)

    @rx.event
    def load_signup(self) -> None:
        """Public: shows which terms version the visitor is asked to accept."""
        self.errors, self.inbox = {}, ""
        self._next_path = _asked_return(self)
        self.return_query = return_query(self._next_path)
        with session_scope() as session:
            current = terms.current_terms(session)
            self.terms_version = current.version if current else 0
            self.terms_title = current.title if current else ""

    @rx.event
    async def submit_signup(self, form: SignupForm) -> EventSpec | None:
        """Public by nature: creates an account from the form, validated field by field."""
        values = self._signup_fields(form)
        try:
            self._limit("sign_up", None)
            outcome = await asyncio.to_thread(_sign_up, values)
        except (ValidationFailed, RateLimited) as exc:
            self.errors = field_errors(exc)
            return None
        self.errors, self.inbox = {}, outcome.check_inbox
        return go_complete(outcome.grant, self._next_path) if outcome.grant else None

    def _signup_fields(self, form: object) -> dict[str, Any]:
        """The form as the service takes it; the box accepts the terms version this page showed."""
        values = {name: field(form, name) for name in ("email", "username", "display_name", "password")}
        accepted = field(form, "accept_terms") in ("on", True, "true")
        return {**values, "accepted_terms_version": self.terms_version if accepted else None}
