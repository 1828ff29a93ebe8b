"""The kinds of notification a member can receive, and what each is called on the preferences page."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "bid_received": "New bid on my listing",
    "bid_accepted": "My bid was accepted",
    "bid_rejected": "My bid was not chosen",
    "invitation": "Invitation to bid",
    "message": "New message",
    "question": "New question on my listing",
    "question_answered": "My question was answered",
    "listing_closed": "A listing I bid on was closed or cancelled",
    "contract": "Contract steps: acceptance, funding, cancellation",
    "delivery": "Deliveries, revisions and approvals",
    "payment": "Payments, releases, refunds and payouts",
    "dispute": "Disputes on my contracts: answers, evidence, settlement offers, deadlines and decisions",
    "review_received": "The other party of a contract reviewed me",
    "reviews_published": "Reviews of a contract of mine were published",
    "moderation": "Warnings, suspensions and appeals about my account",
    "terms": "A new version of the terms of service was published",
    "report_outcome": "The outcome of a report I made",
    "report_filed": "A member reported content or appealed a suspension (administrators)",
    "partner_suspended": "An outside partner was suspended by the curation rule (administrators)",
    "dispute_decided": "An administrator decided a dispute of mine",
    "admin_attention": "A payment event was left for an administrator (administrators)",
}

# Only administrators receive these; members neither see nor set them on their preferences page.
ADMIN_KINDS = frozenset({"report_filed", "partner_suspended", "admin_attention"})


def kinds_for(*, is_admin: bool) -> dict[str, str]:
    """The kinds a member (or an administrator) chooses channels for, in the order of KINDS."""
    return {kind: label for kind, label in KINDS.items() if is_admin or kind not in ADMIN_KINDS}
