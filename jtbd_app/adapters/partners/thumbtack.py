"""Thumbtack: local pros found by a search link near the task's ZIP code; with a partner API token, a request is sent
to matching pros from the app once the member confirms it."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.thumbtack_api import create_request
from jtbd_app.services.ports import CreatedPost, DraftPost, TaskBrief


class ThumbtackPartner(PartnerBase):
    """PARTNER_THUMBTACK="utm_source=...&access_token=..." (utm_source also goes with every API call)."""

    key = "thumbtack"
    name = "Thumbtack"
    kind = "local"
    categories = (
        "cleaning",
        "handyman",
        "plumbing",
        "electrical",
        "painting",
        "yard-work",
        "moving",
        "home-improvement",
        "appliance-repair",
    )
    hosts = ("thumbtack.com",)
    default_template = "https://www.thumbtack.com/search/?query={query}&zip_code={zip}"
    api_keys = ("access_token",)

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
        self.require_api()
        return await create_request(self, brief, draft)
