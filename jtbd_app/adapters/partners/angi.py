"""Angi: local home-improvement pros (plumbing, electrical, painting, remodeling), found by a search link."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase


class AngiPartner(PartnerBase):
    """PARTNER_ANGI="utm_source=...&utm_campaign=..." for tracked links."""

    key = "angi"
    name = "Angi"
    kind = "local"
    categories = (
        "plumbing",
        "electrical",
        "painting",
        "home-improvement",
        "handyman",
        "yard-work",
        "cleaning",
        "appliance-repair",
    )
    hosts = ("angi.com",)
    default_template = "https://www.angi.com/search?query={query}&zip={zip}"
