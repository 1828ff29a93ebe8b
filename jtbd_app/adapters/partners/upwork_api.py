"""Upwork's GraphQL API: the drafted job post created as a job posting of the configured organization, once the
member has confirmed it. GraphQL reports refusals as `errors` in a 200 answer; they fail like an error status.

Options (PARTNER_UPWORK): access_token (an OAuth 2 bearer token with the job-posting scope); organization_id (the
tenant, sent as X-Upwork-API-TenantId); api_base (a local server in tests).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from jtbd_app.adapters.partners.http import call_json, text_at, unreadable
from jtbd_app.domain import partner_links
from jtbd_app.domain.money import CURRENCIES, amount_input
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerFailed, TaskBrief

if TYPE_CHECKING:
    from jtbd_app.adapters.partners.upwork import UpworkPartner

log = logging.getLogger(__name__)
API_BASE = "https://api.upwork.com"
JOB_ID_RE = re.compile(r"^~?[0-9A-Za-z]{1,40}$")
CREATE_JOB_POSTING = """
mutation createJobPosting($request: JobPostingCreateRequest!) {
  createJobPosting(jobPostingRequest: $request) {
    id
    url
  }
}
""".strip()


def job_request(brief: TaskBrief, draft: DraftPost) -> dict[str, Any]:
    """The mutation's input: the draft's title and text; a fixed price when the task has a budget."""
    request: dict[str, Any] = {
        "title": partner_links.clean_value(draft.title, 100),
        "description": draft.as_text()[:5000],
        "visibility": "PUBLIC",
        "contractType": "HOURLY",
    }
    if brief.budget_minor and brief.budget_minor > 0 and brief.currency in CURRENCIES:
        request["contractType"] = "FIXED_PRICE"
        request["budget"] = {"amount": amount_input(brief.budget_minor, brief.currency), "currency": brief.currency}
    if brief.due_on:
        request["deadline"] = brief.due_on.isoformat()
    if brief.category:
        request["skills"] = [brief.category]
    return request


async def create_job_post(partner: UpworkPartner, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
    options = partner.options
    headers = {"Authorization": f"Bearer {options['access_token']}"}
    if options.get("organization_id"):
        headers["X-Upwork-API-TenantId"] = options["organization_id"]
    body = {"query": CREATE_JOB_POSTING, "variables": {"request": job_request(brief, draft)}}
    url = f"{options.get('api_base', API_BASE).rstrip('/')}/graphql"
    answer = await call_json(partner.name, "POST", url, timeout=partner.timeout, headers=headers, json=body)
    errors = answer.get("errors")
    if errors:
        codes = [text_at(e, "extensions", "code") for e in errors] if isinstance(errors, list) else []
        log.warning("Upwork refused the job post: %s", [c for c in codes if isinstance(c, str)][:3])
        raise PartnerFailed(f"{partner.name} did not accept the job post; copy it and post it there with the link.")
    posting = text_at(answer, "data", "createJobPosting")
    job_id = text_at(posting, "id")
    if not isinstance(job_id, str) or not JOB_ID_RE.match(job_id):
        raise unreadable(partner.name)
    page = (
        text_at(posting, "url") or f"https://www.upwork.com/jobs/{job_id if job_id.startswith('~') else '~' + job_id}"
    )
    if not isinstance(page, str) or not partner_links.host_allowed(page, partner.hosts):
        raise PartnerFailed(f"{partner.name} answered with a link that is not Upwork's; check your Upwork account.")
    return CreatedPost(external_ref=job_id, url=page)
