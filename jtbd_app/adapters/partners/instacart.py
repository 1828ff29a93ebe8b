"""Instacart: groceries and household goods by a search link; with a Developer Platform key, a shopping-list page of
the task's items that the member opens to pick a store and check out."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase


class InstacartPartner(PartnerBase):
    """PARTNER_INSTACART="utm_source=...&utm_campaign=..." for tracked links; add api_key (and api_base for the
    development server, https://connect.dev.instacart.tools) for shopping-list pages."""

    key = "instacart"
    name = "Instacart"
    kind = "product"
    categories = ("groceries", "household")
    hosts = ("instacart.com",)
    default_template = "https://www.instacart.com/store/s?k={query}"
