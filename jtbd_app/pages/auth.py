"""/login and /signup."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import field_input, labelled, page
from jtbd_app.state.auth import LoginState, SignupState


def login_page() -> rx.Component:
    errors = LoginState.errors
    return page(
        rx.heading("Sign in", size="7"),
        rx.cond(
            LoginState.form_error,
            rx.callout(LoginState.form_error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        rx.form(
            rx.vstack(
                labelled(
                    "Email or username",
                    "identifier",
                    field_input("identifier", errors, auto_complete="username"),
                    errors["identifier"],
                ),
                labelled(
                    "Password",
                    "password",
                    field_input("password", errors, type="password", auto_complete="current-password"),
                    errors["password"],
                ),
                rx.button("Sign in", type="submit", size="3"),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit_login,
            aria_label="Sign in",
            width="100%",
        ),
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
                            href="/api/auth/oidc/" + p["slug"] + "/login",
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
        rx.text("New here? ", rx.link("Create an account", href="/signup")),
        width="28rem",
    )


def signup_page() -> rx.Component:
    errors = SignupState.errors
    return page(
        rx.heading("Create your account", size="7"),
        rx.form(
            rx.vstack(
                labelled(
                    "Email", "email", field_input("email", errors, type="email", auto_complete="email"), errors["email"]
                ),
                labelled(
                    "Username",
                    "username",
                    field_input("username", errors, auto_complete="username"),
                    errors["username"],
                    hint="3-30 lowercase letters, digits, - or _; your profile lives at /u/username.",
                ),
                labelled(
                    "Display name",
                    "display_name",
                    field_input("display_name", errors, auto_complete="name"),
                    errors["display_name"],
                ),
                labelled(
                    "Password",
                    "password",
                    field_input("password", errors, type="password", auto_complete="new-password"),
                    errors["password"],
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
                rx.button("Create account", type="submit", size="3"),
                spacing="4",
                width="100%",
            ),
            on_submit=SignupState.submit_signup,
            aria_label="Create account",
            # The server's messages, shown by each field, replace the browser's own validation bubbles.
            no_validate=True,
            width="100%",
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/login")),
        width="28rem",
    )
