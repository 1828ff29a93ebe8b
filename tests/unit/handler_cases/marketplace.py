"""Marketplace search: anyone, signed in or not, may search open listings."""

from __future__ import annotations

from tests.unit.handler_cases import UI_ONLY

PUBLIC: dict[str, str] = {
    "MarketplaceState.load_marketplace": "searches open listings, which are public; the query string is validated",
    "MarketplaceState.apply_filters": "only builds the /marketplace URL to load and remembers it for this tab's form; nothing is stored",
    "MarketplaceState.ping": "changes and reads nothing: the load test's floor for a marketplace event (F1)",
    "MarketplaceState.set_skill_draft": "suggests skill names, which are public",
    "MarketplaceState.add_skill": UI_ONLY,
    "MarketplaceState.skill_key_down": UI_ONLY,
    "MarketplaceState.remove_skill": UI_ONLY,
    "MarketplaceState.setvar": "Reflex built-in; display vars only; every search re-reads the URL",
}
