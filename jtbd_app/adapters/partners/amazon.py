"""Amazon: products, found by a tagged search link; with Creators API keys, real products (title, price, image)."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase


class AmazonPartner(PartnerBase):
    """PARTNER_AMAZON="tag=yourtag-20" for tagged links; add credential_id, credential_secret (and optionally
    marketplace, credential_version) for the Creators API's product search."""

    key = "amazon"
    name = "Amazon"
    kind = "product"
    categories = ("household", "electronics", "groceries", "office-supplies")
    hosts = ("amazon.com",)
    default_template = "https://www.amazon.com/s?k={query}"
    affiliate_keys = ("tag",)
