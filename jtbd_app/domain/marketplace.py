"""Marketplace vocabulary: categories, and the states a listing and a bid move through."""

from __future__ import annotations

# slug -> label; the slug is stored and travels in URLs, the label is shown.
CATEGORIES: dict[str, str] = {
    "design": "Design & creative",
    "writing": "Writing & translation",
    "software": "Software & IT",
    "marketing": "Marketing & sales",
    "video-audio": "Video & audio",
    "data": "Data & research",
    "admin-support": "Admin & support",
    "home-repairs": "Home & repairs",
    "moving-delivery": "Moving & delivery",
    "cleaning": "Cleaning",
    "events": "Events",
    "other": "Other",
}

LISTING_STATUSES = ("draft", "open", "closed", "cancelled", "hidden")
BID_STATUSES = ("pending", "accepted", "rejected", "withdrawn")
# Bids that are still in play: they count on the listing and can be edited, withdrawn or decided.
LIVE_BID_STATUSES = ("pending",)


def category_label(slug: str) -> str:
    return CATEGORIES.get(slug, "")
