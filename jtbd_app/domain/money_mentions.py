"""An amount of money a member wrote in a task ("Logo for my bakery, $300", "up to 250 EUR", "£1.5k"), read as
integer minor units with its currency, so a drafted post, a listing or a problem can start from it. Only an amount
that names its currency counts: a bare number ("6 bulbs", "300") is never taken for money."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from jtbd_app.domain.money import CURRENCIES

SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
WORDS = {"usd": "USD", "dollars": "USD", "eur": "EUR", "euros": "EUR", "gbp": "GBP", "pounds": "GBP",
         "cad": "CAD", "aud": "AUD", "jpy": "JPY", "yen": "JPY"}  # fmt: skip
NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?([kK])?"
_SYMBOL_FIRST = re.compile(r"(?<![\w$€£])([$€£])\s?" + NUMBER + r"(?![\w.])")
_WORD_AFTER = re.compile(r"(?<![\w.,])" + NUMBER + r"\s?(" + "|".join(WORDS) + r")\b", re.IGNORECASE)
MAX_MINOR = 10_000_000_00  # ten million: anything larger is not a task's budget


def _minor(whole: str, cents: str | None, thousands: str | None, currency: str) -> int | None:
    try:
        value = Decimal(whole.replace(",", "") + ("." + cents if cents else ""))
    except InvalidOperation:
        return None
    if thousands:
        value *= 1000
    minor = value.scaleb(CURRENCIES[currency])
    if minor != minor.to_integral_value() or not 0 < minor <= MAX_MINOR:
        return None
    return int(minor)


def budget_mentioned(text: str) -> tuple[int, str] | None:
    """The first amount with its currency in `text` (minor units, currency code), or None."""
    text = text[:2000]
    found: list[tuple[int, int, str]] = []
    for m in _SYMBOL_FIRST.finditer(text):
        currency = SYMBOLS[m.group(1)]
        minor = _minor(m.group(2), m.group(3), m.group(4), currency)
        if minor is not None:
            found.append((m.start(), minor, currency))
    for m in _WORD_AFTER.finditer(text):
        currency = WORDS[m.group(4).lower()]
        minor = _minor(m.group(1), m.group(2), m.group(3), currency)
        if minor is not None:
            found.append((m.start(), minor, currency))
    if not found:
        return None
    _, minor, currency = min(found)
    return minor, currency
