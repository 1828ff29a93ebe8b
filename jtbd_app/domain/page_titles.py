"""What a browser tab (and a shared link's preview) calls each page: its subject first, the site's name last."""

from __future__ import annotations

from jtbd_app.domain.money import CURRENCIES, Money

SITE_NAME = "JTBD Marketplace"
SEPARATOR = " · "


def page_title(*parts: str) -> str:
    """'Logo for a bakery · $300 · JTBD Marketplace'; the home page is the site's name alone."""
    return SEPARATOR.join([*(p.strip() for p in parts if p and p.strip() and p.strip() != SITE_NAME), SITE_NAME])


def short_money(amount_minor: int, currency: str) -> str:
    """'$300' for a whole amount, '$300.50' otherwise: a title has no room for '.00'."""
    text = Money(amount_minor, currency).format()
    digits = CURRENCIES[currency]
    return text[: -(digits + 1)] if digits and amount_minor % 10**digits == 0 else text


def listing_subject(title: str, budget_minor: int | None, currency: str) -> str:
    """'Logo for a bakery · $300': the listing's title and, when it has one, its budget in its currency."""
    budget = short_money(budget_minor, currency) if budget_minor is not None and currency in CURRENCIES else ""
    return SEPARATOR.join(part for part in (title.strip() or "Listing", budget) if part)


def member_subject(display_name: str, username: str) -> str:
    """'Ann Baker (@ann)'; a member without a display name is their username."""
    name = display_name.strip()
    return f"{name} (@{username})" if name else f"@{username}"
