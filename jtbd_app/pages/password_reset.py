"""/reset-password: ask for a link, then choose a new password with it."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, text_field
from jtbd_app.components.layout import loading, page
from jtbd_app.state.password_reset import PasswordResetState as S


def _request() -> rx.Component:
    return rx.cond(
        S.mail_enabled,
        rx.cond(
            S.sent,
            rx.callout(
                "If an account uses that address, we have sent it a link. It works for one hour.",
                icon="mail-check",
                role="status",
            ),
            rx.form(
                rx.vstack(
                    rx.text("Enter the email address of your account and we will mail you a link."),
                    form_error(S.errors),
                    text_field("Email", "email", S.errors, input_mode="email", auto_complete="email"),
                    rx.button("Send reset link", type="submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.request_link,
                aria_label="Password reset: step 1",
                width="100%",
            ),
        ),
        rx.callout(
            "Password reset by email is not set up on this server. Ask an administrator for help.",
            icon="info",
            role="status",
        ),
    )


def _choose() -> rx.Component:
    return rx.cond(
        S.done,
        rx.vstack(
            rx.callout("Your password is changed and every device was signed out.", icon="check", role="status"),
            rx.link("Sign in with your new password", href="/login"),
        ),
        rx.form(
            rx.vstack(
                form_error(S.errors),
                text_field(
                    "New password",
                    "new_password",
                    S.errors,
                    type="password",
                    auto_complete="new-password",
                    hint="At least 10 characters.",
                ),
                rx.button("Set new password", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.choose_password,
            aria_label="Password reset: step 2",
            width="100%",
        ),
    )


def password_reset_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Reset your password", size="7"),
            rx.cond(
                S.loaded,
                rx.match(
                    S.mode,
                    ("choose", _choose()),
                    (
                        "invalid",
                        rx.vstack(
                            rx.callout(
                                "This reset link is invalid, used or expired.", icon="triangle-alert", role="alert"
                            ),
                            rx.link("Ask for a new link", href="/reset-password"),
                        ),
                    ),
                    _request(),
                ),
                loading(),
            ),
            width="28rem",
            spacing="4",
        )
    )
