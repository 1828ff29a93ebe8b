"""The Amazon Creators API: an OAuth client-credentials token (kept until shortly before it expires), then
SearchItems for the task's words. Each product's detail page link must be on Amazon and carries the associate tag.

Options (PARTNER_AMAZON): credential_id, credential_secret, tag; marketplace (www.amazon.com), auth_url (the token
endpoint of the credential's region), api_base (the catalog host; a local server in tests, which also serves the
token endpoint at /auth/o2/token when auth_url is not given).
"""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from jtbd_app.adapters.partners.http import PartnerRefused, call_json, text_at, unreadable
from jtbd_app.domain import partner_links
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.services.ports import PartnerFailed, Product, TaskBrief

if TYPE_CHECKING:
    from jtbd_app.adapters.partners.amazon import AmazonPartner

CATALOG = "https://creatorsapi.amazon"
AUTH_URL = "https://api.amazon.com/auth/o2/token"
SCOPE = "creatorsapi::default"
ITEM_COUNT = 5
RESOURCES = ["itemInfo.title", "images.primary.medium", "offersV2.listings.price"]
IMAGE_HOSTS = ("media-amazon.com", "ssl-images-amazon.com", "images-amazon.com")
TOKEN_MARGIN_SECONDS = 60


async def access_token(partner: AmazonPartner) -> str:
    """The partner's token, fetched again when it is missing or about to expire."""
    cached = partner.token
    if cached and cached[1] > time.monotonic():
        return cached[0]
    options = partner.options
    base = options.get("api_base", "").rstrip("/")
    url = options.get("auth_url") or (f"{base}/auth/o2/token" if base else AUTH_URL)
    form = {
        "grant_type": "client_credentials",
        "client_id": options["credential_id"],
        "client_secret": options["credential_secret"],
        "scope": SCOPE,
    }
    answer = await call_json(partner.name, "POST", url, timeout=partner.timeout, data=form)
    token, lifetime = answer.get("access_token"), answer.get("expires_in", 3600)
    if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
        raise unreadable(partner.name)
    partner.token = (token, time.monotonic() + max(float(lifetime) - TOKEN_MARGIN_SECONDS, 0.0))
    return token


async def search_items(partner: AmazonPartner, brief: TaskBrief) -> list[Product]:
    """Up to ITEM_COUNT products for the brief's words; [] when Amazon found none."""
    options = partner.options
    words = partner_links.clean_value(brief.query or brief.title, partner_links.VALUE_CHARS["query"])
    marketplace = options.get("marketplace", "www.amazon.com")
    body = {
        "keywords": words,
        "marketplace": marketplace,
        "partnerTag": options["tag"],
        "partnerType": "Associates",
        "itemCount": ITEM_COUNT,
        "resources": RESOURCES,
    }
    url = f"{options.get('api_base', CATALOG).rstrip('/')}/catalog/v1/searchItems"
    kept = partner.token is not None and partner.token[1] > time.monotonic()
    try:
        answer = await _search(partner, url, body, marketplace)
    except PartnerRefused as exc:
        if exc.status not in (401, 403):
            raise
        partner.token = None  # a refused token is not used again
        if not kept:
            raise
        answer = await _search(partner, url, body, marketplace)  # the kept one may have been revoked: once more
    items = text_at(answer, "searchResult", "items")
    if items is None and "searchResult" not in answer:
        raise unreadable(partner.name)
    if not isinstance(items, list):
        return []
    return [p for p in (_product(partner, item) for item in items[:ITEM_COUNT]) if p is not None]


async def _search(partner: AmazonPartner, url: str, body: dict[str, Any], marketplace: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {await access_token(partner)}", "x-marketplace": marketplace}
    return await call_json(partner.name, "POST", url, timeout=partner.timeout, headers=headers, json=body)


def _product(partner: AmazonPartner, item: Any) -> Product | None:
    """One item as a Product; None without a title. A detail link off Amazon fails the whole answer: it is not
    Amazon's, and a member would be sent there."""
    title = text_at(item, "itemInfo", "title", "displayValue")
    url = text_at(item, "detailPageURL")
    if not isinstance(title, str) or not partner_links.clean_value(title, 200):
        return None
    if not isinstance(url, str) or not partner_links.host_allowed(url, partner.hosts):
        raise PartnerFailed(f"{partner.name} answered with a link that is not Amazon's; use the link instead.")
    image = text_at(item, "images", "primary", "medium", "url")
    price_minor, currency = _price(text_at(item, "offersV2", "listings", 0, "price", "money"))
    return Product(
        title=partner_links.clean_value(title, 200),
        url=partner_links.with_affiliate_params(url, f"tag={partner.options['tag']}"),
        price_minor=price_minor,
        currency=currency,
        image_url=image if isinstance(image, str) and partner_links.host_allowed(image, IMAGE_HOSTS) else "",
    )


def _price(money: Any) -> tuple[int | None, str]:
    """(minor units, currency) of an offer's price; (None, "USD") when there is none we can read."""
    amount, currency = text_at(money, "amount"), text_at(money, "currency")
    if currency not in CURRENCIES or isinstance(amount, bool) or not isinstance(amount, int | float | str):
        return None, "USD"
    try:
        value = Decimal(str(amount)).scaleb(CURRENCIES[currency])
    except InvalidOperation:
        return None, "USD"
    if not value.is_finite() or value < 0 or value != value.to_integral_value() or value > 10**12:
        return None, "USD"
    return int(value), currency
