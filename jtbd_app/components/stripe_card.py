"""Paying with a card through Stripe Elements: the card field Stripe.js mounts (its numbers never reach our server),
the card's error beside it, and the Pay button. `assets/stripe_payment.js` does the browser's part."""

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.components.forms import field_error
from jtbd_app.state.contracts import ContractState

CARD_ID = "stripe-card"
GLUE_SCRIPT = "/stripe_payment.js"  # served by Reflex from assets/


def stripe_card_payment(state: type[Any] = ContractState, amount: rx.Var | None = None) -> rx.Component:
    """The card field for `state` (a page state with progress, errors, the Stripe keys and `pay_with_card`)."""
    busy = state.progress != ""
    return rx.vstack(
        rx.script(src=GLUE_SCRIPT),
        rx.text("Card details", id=f"{CARD_ID}-label", weight="medium"),
        rx.el.div(
            id=CARD_ID,
            role="region",
            aria_labelledby=f"{CARD_ID}-label",
            aria_describedby=f"{CARD_ID}-hint {CARD_ID}-error",
            custom_attrs={
                "data-stripe-card": "",
                "data-publishable-key": state.stripe_publishable_key,
                "data-stripe-js": state.stripe_js_url,
            },
            style={
                "width": "100%",
                "min_height": "2.5rem",
                "padding": "0.6rem 0.75rem",
                "border": "1px solid var(--gray-a7)",
                "border_radius": "var(--radius-2)",
                "background": "var(--color-surface)",
            },
        ),
        rx.text(
            "Your card details go straight to Stripe; this site never sees them.",
            id=f"{CARD_ID}-hint",
            size="1",
            color_scheme="gray",
        ),
        field_error(state.errors["card"], CARD_ID),
        rx.button(
            "Pay " + (amount if amount is not None else ContractState.detail.price),
            on_click=state.pay_with_card,
            loading=busy,
            disabled=busy,
        ),
        spacing="2",
        align="start",
        width="100%",
    )
