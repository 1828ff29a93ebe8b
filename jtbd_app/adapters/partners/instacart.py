"""Instacart: groceries and household goods by a search link; with a Developer Platform key, a shopping-list page of
the task's items that the member opens to pick a store and check out."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.instacart_api import products_link
from jtbd_app.services.ports import Product, TaskBrief


class InstacartPartner(PartnerBase):
    """PARTNER_INSTACART="utm_source=...&utm_campaign=..." for tracked links; add api_key (and api_base for the
    development server, https://connect.dev.instacart.tools) for shopping-list pages."""

    key = "instacart"
    name = "Instacart"
    kind = "product"
    categories = ("groceries", "household", "pet-supplies", "baby", "health")
    hosts = ("instacart.com", "instacart.tools")  # instacart.tools: its development server's pages
    default_template = "https://www.instacart.com/store/s?k={query}"
    api_keys = ("api_key",)

    async def search_products(self, brief: TaskBrief) -> list[Product]:
        self.require_api()
        return [await products_link(self, brief)]
