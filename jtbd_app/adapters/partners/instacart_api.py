"""The Instacart Developer Platform: a shopping-list page of the task's items (POST /idp/v1/products/products_link),
which the member opens on Instacart to pick a store and check out. The page's link must be Instacart's and carries
the partner's affiliate parameters.

Options (PARTNER_INSTACART): api_key; api_base (https://connect.dev.instacart.tools for development keys; a local
server in tests); linkback_url (where Instacart's page links back to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtbd_app.adapters.partners.http import call_json, unreadable
from jtbd_app.domain import partner_links
from jtbd_app.services.ports import PartnerFailed, Product, TaskBrief

if TYPE_CHECKING:
    from jtbd_app.adapters.partners.instacart import InstacartPartner

API_BASE = "https://connect.instacart.com"
MAX_ITEMS = 30


def line_items(brief: TaskBrief) -> list[str]:
    """The shopping list: the brief's items, else its search words; each a short line, no repeats."""
    names = [partner_links.clean_value(item, 100) for item in brief.items] or [
        partner_links.clean_value(brief.query or brief.title, 100)
    ]
    return list(dict.fromkeys(n for n in names if n))[:MAX_ITEMS]


async def products_link(partner: InstacartPartner, brief: TaskBrief) -> Product:
    items = line_items(brief)
    if not items:
        raise PartnerFailed(f"{partner.name} needs at least one item on the shopping list.")
    body: dict[str, object] = {
        "title": partner_links.clean_value(brief.title, 100) or "Shopping list",
        "link_type": "shopping_list",
        "line_items": [{"name": name, "quantity": 1, "unit": "each", "display_text": name} for name in items],
    }
    if partner.options.get("linkback_url"):
        body["landing_page_configuration"] = {"partner_linkback_url": partner.options["linkback_url"]}
    url = f"{partner.options.get('api_base', API_BASE).rstrip('/')}/idp/v1/products/products_link"
    headers = {"Authorization": f"Bearer {partner.options['api_key']}"}
    answer = await call_json(partner.name, "POST", url, timeout=partner.timeout, headers=headers, json=body)
    page = answer.get("products_link_url")
    if not isinstance(page, str) or not page:
        raise unreadable(partner.name)
    if not partner_links.host_allowed(page, partner.hosts):
        raise PartnerFailed(f"{partner.name} answered without a shopping-list page of its own; use the link instead.")
    return Product(
        title=f"Your shopping list on Instacart ({len(items)} item{'s' if len(items) != 1 else ''})",
        url=partner_links.with_affiliate_params(page, partner.default_affiliate_params),
    )
