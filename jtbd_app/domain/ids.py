"""Record ids from untrusted input: a URL, a websocket message, a payment gateway's metadata.

A crafted message may send anything (a float, a list, "²", a number too large for the column); each becomes
"not found", never an exception from the database driver."""

from __future__ import annotations

from jtbd_app.domain.errors import NotFound

MAX_ID = 2**31 - 1
"""The largest INTEGER primary key PostgreSQL holds; no record has a larger id on either database."""


def id_or_none(value: object) -> int | None:
    """The id `value` names (an int, or ASCII digits with optional surrounding spaces), or None."""
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) else None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


def parse_id(value: object, *, not_found: str) -> int:
    """The id `value` names; anything that cannot be an id is simply not found (NotFound with `not_found`)."""
    number = id_or_none(value)
    if number is None:
        raise NotFound(not_found)
    return number
