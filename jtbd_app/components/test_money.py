"""The banner every money page shows while the sandbox gateway is on."""

from __future__ import annotations

import reflex as rx


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
