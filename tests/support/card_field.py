"""Paying in the browser against localstripe: typing into its stand-in card Element, and waiting for what its
webhooks do to the app's database (they arrive after the page has answered)."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Locator

DECLINED = "4000 0000 0000 0002"
VISA = "4242 4242 4242 4242"


def type_card(card_field: Locator, number: str) -> None:
    """Into the stand-in card Element (plain inputs named by placeholder, where Stripe's iframe would be)."""
    card_field.get_by_placeholder("number").fill(number)
    card_field.get_by_placeholder("exp_month").fill("12")
    card_field.get_by_placeholder("exp_year").fill("30")
    card_field.get_by_placeholder("cvc").fill("123")
    card_field.get_by_placeholder("postal_code").fill("10001")


def wait_for(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
