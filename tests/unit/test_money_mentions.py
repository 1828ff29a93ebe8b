"""Amounts a member writes in a task, read with their currency; bare numbers are never money."""

from __future__ import annotations

import pytest

from jtbd_app.domain.money_mentions import budget_mentioned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Design a logo for my bakery, $300", (30000, "USD")),
        ("Logo, budget $ 1,250.50", (125050, "USD")),
        ("Translate my menu, up to 250 EUR", (25000, "EUR")),
        ("Paint the fence for £1.5k", (150000, "GBP")),
        ("Edit my video (about 80 dollars)", (8000, "USD")),
        ("Wedding photos, 120000 yen", (120000, "JPY")),
        ("First $50, then €40", (5000, "USD")),
    ],
)
def test_an_amount_with_its_currency_is_read_in_minor_units(text: str, expected: tuple[int, str]) -> None:
    assert budget_mentioned(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Buy 6 lightbulbs",
        "Budget 300",
        "Assemble IKEA PAX 2 doors",
        "",
        "$",
        "$0",
        "$99999999999",
        "12.345 EUR",
        "1.5 yen",
        "price$300tag",
        "Call 555-0100",
        "x" * 5000,
    ],
)
def test_no_currency_or_no_sensible_amount_is_no_budget(text: str) -> None:
    assert budget_mentioned(text) is None
