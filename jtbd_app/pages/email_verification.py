"""/verify-email: the result of opening the confirmation link."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import loading, page
from jtbd_app.pages.auth import sign_in_form
from jtbd_app.state.auth import LoginState
from jtbd_app.state.email_verification import EmailVerificationState as S


def _sign_in_to_finish() -> rx.Component:
    """A new account's first sign-in asks for the password chosen at sign-up, so the link alone never signs anyone
    in to an account someone else may have opened with their address."""
    return rx.vstack(
        rx.callout(
            "Your email address is confirmed. Sign in with the password you chose to finish.",
            icon="check",
            role="status",
        ),
        rx.cond(
            LoginState.form_error,
            rx.callout(LoginState.form_error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        sign_in_form(),
        width="100%",
    )


def email_verification_page() -> rx.Component:
    return page(
        rx.heading("Confirm your email address", size="7"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.confirmed,
                rx.cond(
                    S.signed_in,
                    rx.vstack(
                        rx.callout(
                            "Your email address is confirmed. Notifications can now reach you by mail.",
                            icon="check",
                            role="status",
                        ),
                        rx.link("Choose which notifications to get", href="/notifications/settings"),
                    ),
                    _sign_in_to_finish(),
                ),
                rx.callout(S.problem, icon="triangle-alert", color_scheme="red", role="alert"),
            ),
            loading("Confirming…"),
        ),
    )
