"""Stripe Elements on the contract page: the call that hands the client secret to Stripe.js in the browser, and
how the browser's answer is read. That answer is shown, never trusted: only Stripe's signed webhook funds an escrow."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.event import EventSpec

PROCESSING = "Processing payment…"
WAITING = "Payment submitted; waiting for Stripe to confirm…"
FUNDED = "Payment received: the escrow is funded and the work can start."
NOT_YET = (
    "Stripe has not confirmed the payment yet. You will get a notification when it does; reload this page to see it."
)
NOT_COMPLETED = "The payment was not completed. Nothing was charged; please try again."
NO_CARD_FORM = "The card form did not load. Reload the page and try again."
FUNDING_CHECKS = 30  # every FUNDING_CHECK_SECONDS: about a minute in all
FUNDING_CHECK_SECONDS = 2.0
# What confirmCardPayment resolves with once the card is accepted; the money is only certain at "succeeded".
SUBMITTED = {"succeeded", "processing", "requires_capture"}

# `assets/stripe_payment.js` defines window.jtbdStripePayment.confirm; the secret is spliced in JSON-encoded.
_CONFIRM = "window.jtbdStripePayment ? window.jtbdStripePayment.confirm({secret}) : Promise.resolve({fallback})"


def confirm_in_browser(client_secret: str, callback: Any) -> EventSpec:
    """Stripe.js confirms the PaymentIntent with the card Element; `callback` gets {status} or {error}."""
    script = _CONFIRM.format(secret=json.dumps(client_secret), fallback=json.dumps({"error": NO_CARD_FORM}))
    return rx.call_script(script, callback=callback)


def browser_error(result: object) -> str:
    """The message to show for what the page's script reported ("" when Stripe.js says the card was accepted);
    anything malformed counts as not completed."""
    if not isinstance(result, dict):
        return NOT_COMPLETED
    error, status = result.get("error"), result.get("status")
    if isinstance(error, str) and error.strip():
        return error.strip()[:300]
    if isinstance(status, str) and status in SUBMITTED:
        return ""
    return NOT_COMPLETED
