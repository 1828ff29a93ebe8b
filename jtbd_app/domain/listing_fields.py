"""Validation of what a client types into the posting wizard and a bidder into a bid: message or clean value."""

from __future__ import annotations

from datetime import date, timedelta

from jtbd_app.domain import text
from jtbd_app.domain.contract_rules import bps_label, minimum_price
from jtbd_app.domain.marketplace import CATEGORIES
from jtbd_app.domain.money import CURRENCIES, Money, parse_amount

TITLE_MAX = 120
DESCRIPTION_MAX = 10_000
MESSAGE_MAX = 5_000
LOCATION_MAX = 120
MIN_BUDGET_MAJOR = 5
MAX_BUDGET_MAJOR = 1_000_000  # beyond this a task is not a marketplace job
MAX_DEADLINE_DAYS = 730
MAX_DELIVERY_DAYS = 365

STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("title", "description", "category"),
    2: ("skills",),
    3: ("budget", "currency", "deadline", "remote", "location"),
}
STEP_NAMES = {1: "What needs doing", 2: "Skills", 3: "Budget and timing", 4: "Review and publish"}


def clean_title(value: object) -> str:
    title = text.clean_line(value, label="Title", max_len=TITLE_MAX)
    if len(title) < 5:
        raise ValueError("Use at least 5 characters for the title.")
    return title


def clean_rich_text(value: object, *, label: str, max_len: int, min_len: int = 1) -> str:
    """Plain text or markdown, without HTML."""
    if isinstance(value, str) and len(value) > max_len * 2:
        raise ValueError(f"{label} must be at most {max_len:,} characters.")
    body = text.clean_paragraphs(value, label=label, max_len=max_len)
    if not body:
        raise ValueError(f"{label} is required.")
    if len(body) < min_len:
        raise ValueError(f"Use at least {min_len} characters.")
    if text.has_html(body):
        raise ValueError(f"{label} cannot contain HTML; use plain text or markdown.")
    return body


def clean_description(value: object) -> str:
    return clean_rich_text(value, label="Description", max_len=DESCRIPTION_MAX, min_len=20)


def clean_category(value: object) -> str:
    if not isinstance(value, str) or value not in CATEGORIES:
        raise ValueError("Choose a category from the list.")
    return value


def clean_currency(value: object) -> str:
    if not isinstance(value, str) or value not in CURRENCIES:
        raise ValueError("Choose a supported currency.")
    return value


def clean_budget(value: object, currency: str) -> int:
    """A fixed budget in minor units, within what a marketplace task can sensibly be."""
    raw = (
        value
        if isinstance(value, str)
        else str(value)
        if isinstance(value, int) and not isinstance(value, bool)
        else ""
    )
    minor = parse_amount(raw, currency)
    unit = 10 ** CURRENCIES[currency]
    if minor < MIN_BUDGET_MAJOR * unit:
        raise ValueError(f"The budget must be at least {MIN_BUDGET_MAJOR} {currency}.")
    if minor > MAX_BUDGET_MAJOR * unit:
        raise ValueError(f"The budget must be at most {MAX_BUDGET_MAJOR:,} {currency}.")
    return minor


def clean_bid_amount(value: object, currency: str, *, fee_bps: int) -> int:
    """A bid's price in minor units: at least the minimum a contract at today's fee may have (`minimum_price`)."""
    raw = value if isinstance(value, str) else ""
    minor = parse_amount(raw, currency)
    unit = 10 ** CURRENCIES[currency]
    lowest = minimum_price(currency, fee_bps)
    if minor < lowest:
        raise ValueError(
            f"Bid at least {Money(lowest, currency).format()}, the minimum in {currency} "
            f"at the {bps_label(fee_bps)} platform fee."
        )
    if minor > MAX_BUDGET_MAJOR * unit:
        raise ValueError(f"A bid must be at most {MAX_BUDGET_MAJOR:,} {currency}.")
    return minor


def clean_deadline(value: object, *, today: date) -> date:
    raw = value.strip() if isinstance(value, str) else ""
    if not raw:
        raise ValueError("Choose a deadline.")
    try:
        day = date.fromisoformat(raw[:10]) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError("Enter the deadline as a date, like 2026-12-31.")
    if day < today:
        raise ValueError("The deadline cannot be in the past.")
    if day > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise ValueError("Choose a deadline within two years.")
    return day


def clean_location(value: object, *, remote: bool) -> str:
    location = text.clean_line(value, label="Location", max_len=LOCATION_MAX, required=False)
    if not remote and not location:
        raise ValueError("Give the location where the work happens, or choose remote.")
    return location


def clean_delivery_days(value: object) -> int:
    raw = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if not raw.isdigit() or len(raw) > 4:
        raise ValueError("Enter a whole number of days.")
    days = int(raw)
    if not 1 <= days <= MAX_DELIVERY_DAYS:
        raise ValueError(f"Delivery must take between 1 and {MAX_DELIVERY_DAYS} days.")
    return days


def clean_bool(value: object, *, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"Say whether {label}.")
