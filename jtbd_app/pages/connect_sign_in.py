"""/connect-sign-in: confirm connecting a sign-in provider to the account this mail reached."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import loading, page
from jtbd_app.state.connect_sign_in import ConnectSignInState as S


def connect_sign_in_page() -> rx.Component:
    return page(
        rx.heading("Connect a sign-in provider", size="7"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.problem,
                rx.callout(S.problem, icon="triangle-alert", color_scheme="red", role="alert"),
                rx.vstack(
                    rx.text(
                        "Someone signed in with " + S.provider_label + " using your email address. If it was you, "
                        "connect it: you can then sign in to your account with " + S.provider_label + "."
                    ),
                    rx.button("Connect " + S.provider_label + " and sign in", on_click=S.confirm_connect),
                    rx.text("If it was not you, close this page: nothing is connected.", color_scheme="gray"),
                    spacing="3",
                ),
            ),
            loading("Checking the link…"),
        ),
        width="32rem",
    )
