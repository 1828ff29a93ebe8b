"""/verify-email: the result of opening the confirmation link."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import loading, page
from jtbd_app.state.email_verification import EmailVerificationState as S


def email_verification_page() -> rx.Component:
    return page(
        rx.heading("Confirm your email address", size="7"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.confirmed,
                rx.vstack(
                    rx.callout(
                        "Your email address is confirmed. Notifications can now reach you by mail.",
                        icon="check",
                        role="status",
                    ),
                    rx.link("Choose which notifications to get", href="/notifications/settings"),
                ),
                rx.callout(S.problem, icon="triangle-alert", color_scheme="red", role="alert"),
            ),
            loading("Confirming…"),
        ),
    )
