"""Amazon: products, found by a tagged search link; with Creators API keys, real products (title, price, image)."""

from __future__ import annotations

from jtbd_app.adapters.partners.amazon_api import search_items
from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.services.ports import Product, TaskBrief


class AmazonPartner(PartnerBase):
    """PARTNER_AMAZON="tag=yourtag-20" for tagged links; add credential_id, credential_secret (and optionally
    marketplace, auth_url) for the Creators API's product search."""

    key = "amazon"
    name = "Amazon"
    kind = "product"
    categories = (
        "household",
        "electronics",
        "office-supplies",
        "home-goods",
        "pet-supplies",
        "baby",
        "health",
        "gifts",
        "clothing",
        "groceries",
    )
    hosts = ("amazon.com",)
    default_template = "https://www.amazon.com/s?k={query}"
    affiliate_keys = ("tag",)
    api_keys = ("credential_id", "credential_secret", "tag")

    def __init__(self, options: str = "", *, timeout: float = 8.0) -> None:
        super().__init__(options, timeout=timeout)
        self.token: tuple[str, float] | None = None  # the Creators API token and when (monotonic) to renew it

    async def search_products(self, brief: TaskBrief) -> list[Product]:
        self.require_api()
        return await search_items(self, brief)
