"""A contract's dispute as a state machine: which event may happen in which status, and when a case goes to review.

    awaiting_response --respond--> open --ask_review / deadline--> under_review --decide--> resolved
            |  (deadline: no answer in the window)                      ^
            +-----------------------------------------------------------+
    any of the three active statuses --accept (a settlement offer)--> settled; --decide--> resolved

The opener's statement starts the case; the other party has `response_days` to answer (`respond_by`). After the
answer both add evidence until `evidence_until` (the answer plus `evidence_days`), or until either asks for review.
A case nobody answered goes to review at `respond_by` by itself. While a case is active the parties may offer a
split (what the contractor gets of the amount in dispute), withdraw it, or accept the other's offer, which settles
it. An administrator may decide a case in any active status. Every case ends: settled or resolved.

Pure: no database, no clock of its own (callers pass `now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

AWAITING, OPEN, REVIEW, SETTLED, RESOLVED = "awaiting_response", "open", "under_review", "settled", "resolved"
STATUSES = (AWAITING, OPEN, REVIEW, SETTLED, RESOLVED)
ACTIVE = (AWAITING, OPEN, REVIEW)
ENDED = (SETTLED, RESOLVED)
STATUS_LABELS = {
    AWAITING: "Waiting for the other party's answer",
    OPEN: "Both parties add evidence",
    REVIEW: "An administrator is reviewing it",
    SETTLED: "Settled by the parties",
    RESOLVED: "Decided by an administrator",
}

REASONS: dict[str, str] = {
    "not_delivered": "The work was not delivered",
    "not_as_described": "The work is not as described",
    "late": "The work was late",
    "poor_quality": "The work is of poor quality",
    "stopped_responding": "The other party stopped responding",
    "other": "Something else",
}
OUTCOMES: dict[str, str] = {
    "full_refund": "A full refund to the client",
    "partial_refund": "A partial refund of an amount",
    "release": "Release the escrow to the contractor",
}
OPENABLE = ("funded", "delivered", "revision_requested")  # the contract statuses a dispute may be opened from

# events a party or the platform causes
RESPOND, EVIDENCE, OFFER, ACCEPT, WITHDRAW, ASK_REVIEW, DEADLINE, DECIDE = (
    "respond",
    "add_evidence",
    "offer_settlement",
    "accept_settlement",
    "withdraw_settlement",
    "ask_review",
    "deadline_passed",
    "decide",
)
TRANSITIONS: dict[str, dict[str, str]] = {
    RESPOND: {AWAITING: OPEN},
    EVIDENCE: {AWAITING: AWAITING, OPEN: OPEN},
    OFFER: {AWAITING: AWAITING, OPEN: OPEN, REVIEW: REVIEW},
    WITHDRAW: {AWAITING: AWAITING, OPEN: OPEN, REVIEW: REVIEW},
    ACCEPT: {AWAITING: SETTLED, OPEN: SETTLED, REVIEW: SETTLED},
    ASK_REVIEW: {OPEN: REVIEW},
    DEADLINE: {AWAITING: REVIEW, OPEN: REVIEW},
    DECIDE: {AWAITING: RESOLVED, OPEN: RESOLVED, REVIEW: RESOLVED},
}
REFUSALS = {
    RESPOND: "The case was answered already, or it is past its response window.",
    EVIDENCE: "Evidence can be added until the case goes to review.",
    OFFER: "This dispute has ended.",
    WITHDRAW: "This dispute has ended.",
    ACCEPT: "This dispute has ended.",
    ASK_REVIEW: "A review can be asked for once the other party has answered, before the case is in review.",
    DEADLINE: "Nothing is due.",
    DECIDE: "This dispute has ended.",
}


class DisputeRefused(ValueError):
    """An event that the case's status does not allow; the message says why, for the person who tried."""


def next_status(status: str, event: str) -> str:
    """The status after `event`, or DisputeRefused when the event is not allowed in `status`."""
    allowed = TRANSITIONS.get(event)
    if allowed is None:
        raise DisputeRefused(f"Unknown event {event!r}.")
    if status not in allowed:
        raise DisputeRefused(REFUSALS[event])
    return allowed[status]


def allows(status: str, event: str) -> bool:
    return status in TRANSITIONS.get(event, {})


@dataclass(frozen=True)
class Deadlines:
    respond_by: datetime
    evidence_until: datetime | None


def respond_by(opened_at: datetime, response_days: int) -> datetime:
    """The end of the other party's response window."""
    return opened_at + timedelta(days=response_days)


def evidence_until(responded_at: datetime, evidence_days: int) -> datetime:
    """After an answer: when the case goes to review by itself if neither party asked first."""
    return responded_at + timedelta(days=evidence_days)


def deadline_due(status: str, deadlines: Deadlines, now: datetime) -> bool:
    """Whether the case's deadline has passed and it goes to review now: unanswered past `respond_by`, or open past
    `evidence_until`. A case in review or ended has no deadline."""
    if status == AWAITING:
        return now >= deadlines.respond_by
    if status == OPEN:
        return deadlines.evidence_until is not None and now >= deadlines.evidence_until
    return False


def wanted_refund(outcome: str, refund_minor: int | None, amount_minor: int) -> int:
    """How much of `amount_minor` the opener wants back to the client, for an outcome; ValueError for a bad pair."""
    if outcome not in OUTCOMES:
        raise ValueError("Choose the outcome you want.")
    if outcome == "full_refund":
        return amount_minor
    if outcome == "release":
        return 0
    if refund_minor is None or not 0 < refund_minor < amount_minor:
        raise ValueError("A partial refund is more than nothing and less than the whole amount in dispute.")
    return refund_minor


def split_outcome(contractor_minor: int, amount_minor: int) -> str:
    """What a split is called: release (all to the contractor), refund (all back to the client) or split."""
    if not 0 <= contractor_minor <= amount_minor:
        raise ValueError("The contractor gets between nothing and the whole amount in dispute.")
    if contractor_minor == amount_minor:
        return "release"
    return "refund" if contractor_minor == 0 else "split"
