"""Thumbtack's partner API (v4): a search for pros near the task's ZIP code (POST /api/v4/businesses/search), then a
request with the drafted post sent to the pros it found (POST /api/v4/requests), once the member has confirmed it.

Options (PARTNER_THUMBTACK): access_token (the bearer token Thumbtack issued); utm_source (sent with every call, as
Thumbtack asks); api_base (https://api.thumbtack.com; a local server in tests).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jtbd_app.adapters.partners.http import call_json, text_at, unreadable
from jtbd_app.domain import partner_links
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerFailed, TaskBrief

if TYPE_CHECKING:
    from jtbd_app.adapters.partners.thumbtack import ThumbtackPartner

API_BASE = "https://api.thumbtack.com"
MAX_PROS = 5
ID_RE = re.compile(r"^[0-9A-Za-z_-]{1,40}$")
PROJECTS_URL = "https://www.thumbtack.com/projects/"


def _id(value: Any) -> str | None:
    return value if isinstance(value, str) and ID_RE.match(value) else None


async def create_request(partner: ThumbtackPartner, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
    zip_code = partner_links.zip_code(brief.location)
    if not zip_code:
        raise PartnerFailed(f"{partner.name} needs a ZIP code in the task's location to find pros nearby.")
    options = partner.options
    base = options.get("api_base", API_BASE).rstrip("/")
    headers = {"Authorization": f"Bearer {options['access_token']}"}
    utm = {"utm_source": options.get("utm_source", "jtbd"), "utm_medium": "partnership"}
    words = partner_links.clean_value(brief.query or brief.title, partner_links.VALUE_CHARS["query"])
    search = {"searchQuery": words, "zipCode": zip_code, "utmData": utm, "limit": MAX_PROS}
    found = await call_json(
        partner.name, "POST", f"{base}/api/v4/businesses/search", timeout=partner.timeout, headers=headers, json=search
    )
    search_id, pros = _id(found.get("searchID")), found.get("data")
    if search_id is None or not isinstance(pros, list):
        raise unreadable(partner.name)
    service_ids = [s for s in (_id(text_at(p, "serviceID")) for p in pros[:MAX_PROS]) if s]
    category_id = _id(found.get("categoryID")) or next(
        (c for c in (_id(text_at(p, "categoryID")) for p in pros) if c), None
    )
    if not service_ids or category_id is None:
        raise PartnerFailed(f"{partner.name} found no pros for this near {zip_code}; try the link or another partner.")
    request = {
        "searchID": search_id,
        "serviceIDs": service_ids,
        "categoryID": category_id,
        "description": draft.as_text()[:4000],
        "utmData": utm,
    }
    made = await call_json(
        partner.name, "POST", f"{base}/api/v4/requests", timeout=partner.timeout, headers=headers, json=request
    )
    request_id = _id(text_at(made, "request", "requestID"))
    if request_id is None:
        raise unreadable(partner.name)
    page = text_at(made, "request", "url") or PROJECTS_URL
    if not isinstance(page, str) or not partner_links.host_allowed(page, partner.hosts):
        raise PartnerFailed(
            f"{partner.name} answered with a link that is not Thumbtack's; check your Thumbtack account."
        )
    return CreatedPost(external_ref=request_id, url=page)
