"""Upwork: freelancers for digital work, found by a talent search link; with an API token, the drafted job post is
created on Upwork through its GraphQL API once the member confirms it."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.fiverr import DIGITAL
from jtbd_app.adapters.partners.upwork_api import create_job_post
from jtbd_app.services.ports import CreatedPost, DraftPost, TaskBrief


class UpworkPartner(PartnerBase):
    """PARTNER_UPWORK="access_token=...&organization_id=..." (the tenant the posts belong to) to create job posts."""

    key = "upwork"
    name = "Upwork"
    kind = "digital"
    categories = DIGITAL
    hosts = ("upwork.com",)
    default_template = "https://www.upwork.com/nx/search/talent/?q={query}"
    api_keys = ("access_token",)

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
        self.require_api()
        return await create_job_post(self, brief, draft)
