"""/login and /signup."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, submit_button, text_field
from jtbd_app.components.layout import page
from jtbd_app.state.auth import LoginState, SignupState


def sign_in_form() -> rx.Component:
    """The password form; also on the page a mailed sign-up link opens."""
    errors = LoginState.errors
    return rx.form(
        rx.vstack(
            text_field("Email or username", "identifier", errors, auto_complete="username"),
            text_field("Password", "password", errors, type="password", auto_complete="current-password"),
            submit_button("Sign in", size="3"),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit_login,
        method="post",  # never the password in an address, should the browser ever submit it itself
        aria_label="Sign in",
        width="100%",
    )


def login_page() -> rx.Component:
    return page(
        rx.heading("Sign in", size="7"),
        rx.cond(
            LoginState.form_error,
            rx.callout(LoginState.form_error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        sign_in_form(),
        rx.cond(
            LoginState.providers.length() > 0,
            rx.vstack(
                rx.text("Or continue with", color_scheme="gray"),
                rx.foreach(
                    LoginState.providers,
                    lambda p: rx.button(
                        # A full page load: the sign-in route is plain HTTP, not a page of the app.
                        rx.el.a(
                            "Continue with " + p["label"],
                            href="/api/auth/oidc/" + p["slug"] + "/login" + LoginState.return_query,
                            reload_document=True,
                        ),
                        as_child=True,
                        variant="outline",
                        width="100%",
                    ),
                ),
                width="100%",
            ),
        ),
        rx.text("New here? ", rx.link("Create an account", href="/signup" + LoginState.return_query)),
        rx.link("Forgot your password?", href="/reset-password"),
        width="28rem",
    )


def signup_page() -> rx.Component:
    return page(
        rx.heading("Create your account", size="7"),
        rx.cond(
            SignupState.inbox,
            rx.callout(
                "Check your inbox at " + SignupState.inbox + ". We sent a mail there: open its link to finish "
                "creating your account (if the address already has an account, the mail says how to sign in).",
                icon="mail",
                role="status",
            ),
            _signup_form(),
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/login" + SignupState.return_query)),
        width="28rem",
    )


def _signup_form() -> rx.Component:
    errors = SignupState.errors
    return rx.fragment(
        rx.form(
            rx.vstack(
                form_error(errors),
                text_field("Email", "email", errors, type="email", auto_complete="email"),
                text_field(
                    "Username",
                    "username",
                    errors,
                    auto_complete="username",
                    hint="3-30 lowercase letters, digits, - or _; your profile lives at /u/username.",
                ),
                text_field("Display name", "display_name", errors, auto_complete="name"),
                text_field(
                    "Password",
                    "password",
                    errors,
                    type="password",
                    auto_complete="new-password",
                    hint="At least 10 characters.",
                ),
                rx.vstack(
                    rx.hstack(
                        rx.el.input(
                            type="checkbox", id="accept_terms", name="accept_terms", aria_describedby="terms-error"
                        ),
                        rx.el.label(
                            "I have read and accept the ",
                            rx.link(
                                SignupState.terms_title,
                                " (version ",
                                SignupState.terms_version.to_string(),
                                ")",
                                href="/terms",
                                is_external=True,
                            ),
                            html_for="accept_terms",
                        ),
                        align="center",
                    ),
                    rx.cond(
                        errors["terms"],
                        rx.text(errors["terms"], id="terms-error", color_scheme="red", size="2", role="alert"),
                    ),
                    spacing="1",
                ),
                submit_button("Create account", size="3"),
                spacing="4",
                width="100%",
            ),
            on_submit=SignupState.submit_signup,
            method="post",
            aria_label="Create account",
            # The server's messages, shown by each field, replace the browser's own validation bubbles.
            no_validate=True,
            width="100%",
        ),
    )
