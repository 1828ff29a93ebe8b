"""Marketplace vocabulary: the categories a listing can be posted in.

Listing states: draft, open, closed, cancelled, hidden. Bid states: pending, accepted, rejected, withdrawn.
"""

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


def category_label(slug: str) -> str:
    return CATEGORIES.get(slug, "")
