"""Fiverr: freelancers' gigs for digital work, found by a search link (Fiverr has no public posting API)."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase

DIGITAL = (
    "graphic-design",
    "writing",
    "programming",
    "web-development",
    "marketing",
    "video",
    "audio",
    "translation",
    "admin-support",
    "accounting",
)


class FiverrPartner(PartnerBase):
    """PARTNER_FIVERR="utm_source=...&utm_campaign=..." for tracked links."""

    key = "fiverr"
    name = "Fiverr"
    kind = "digital"
    categories = DIGITAL
    hosts = ("fiverr.com",)
    default_template = "https://www.fiverr.com/search/gigs?query={query}"
