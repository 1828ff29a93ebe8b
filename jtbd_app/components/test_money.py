"""The banner every money page shows while the sandbox gateway is on."""

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.components.forms import text_field

TEST_CARDS_HINT = "Test cards: 4242 4242 4242 4242 is paid; 4000 0000 0000 0002 is declined."


def test_money_banner(flag: rx.Var) -> rx.Component:
    return rx.cond(
        flag,
        rx.callout(
            "Test money: the sandbox gateway is on; no real card is charged and no real money moves.",
            icon="flask-conical",
            color_scheme="amber",
            role="note",
            aria_label="Test money",
        ),
    )


def test_card_form(
    *, errors: rx.Var, progress: rx.Var, pay_label: rx.Var, on_submit: Any, aria_label: str, **props: Any
) -> rx.Component:
    """The sandbox's payment form: a test card number, and a Pay button that shows the progress while it works."""
    return rx.el.form(
        rx.vstack(
            text_field(
                "Test card number",
                "card",
                errors,
                hint=TEST_CARDS_HINT,
                input_mode="numeric",
                auto_complete="off",
                placeholder="4242 4242 4242 4242",
            ),
            rx.button(
                rx.cond(progress, progress, pay_label),
                type="submit",
                loading=progress != "",
                disabled=progress != "",
            ),
            spacing="3",
            align="start",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        aria_label=aria_label,
        style={"width": "100%"},
        **props,
    )
