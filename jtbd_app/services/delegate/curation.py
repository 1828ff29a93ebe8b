"""The curation rule at work: after each reported outcome the partner's numbers are checked against the rule, and a
partner that breaches it is suspended (never offered again until an admin reinstates it), audited as the system's
act, and every admin is told.

An admin's reinstatement is a fresh start: the rule then counts only outcomes reported since (the public scorecard
still shows them all), so a reinstated partner is not suspended again by the very outcomes the admin looked past.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from jtbd_app.config import Settings
from jtbd_app.domain.curation import Rule, breaches
from jtbd_app.models import AuditEntry, Partner, User, utcnow
from jtbd_app.services import audit
from jtbd_app.services.delegate.partners import ACTIVE, SUSPENDED, outcomes_by_partner, rating_members
from jtbd_app.services.messaging.notifications import notify

ADMIN_PAGE = "/admin/partners"
SUSPEND = "partner.suspend"
REINSTATE = "partner.reinstate"


def rule_from(settings: Settings) -> Rule:
    return Rule(
        min_outcomes=settings.partner_min_outcomes,
        min_rating=settings.partner_min_rating,
        min_success_percent=settings.partner_min_success_percent,
        min_reporters=settings.partner_min_reporters,
    )


def subject(partner_key: str) -> str:
    return f"partner:{partner_key}"


def apply_rule(session: Session, *, partner_key: str, rule: Rule) -> bool:
    """Suspend the partner when it is active and breaches the rule; True when this call suspended it.

    The suspension is a conditional UPDATE (still active), so two outcomes reported at once suspend, audit and notify
    once."""
    partner = session.get(Partner, partner_key)
    if partner is None or partner.status != ACTIVE:
        return False
    since = session.exec(
        select(AuditEntry.at)
        .where(AuditEntry.action == REINSTATE, AuditEntry.subject == subject(partner_key))
        .order_by(col(AuditEntry.at).desc())
        .limit(1)
    ).first()
    outcomes = outcomes_by_partner(session, [partner_key], since=since)[partner_key]
    reporters = rating_members(session, partner_key, since=since)
    reason = breaches(outcomes, rule, reporters=reporters)
    if reason is None:
        return False
    name, now = partner.name, utcnow()
    moved = session.execute(
        update(Partner)
        .where(col(Partner.key) == partner_key, col(Partner.status) == ACTIVE)
        .values(status=SUSPENDED, suspended_by="rule", suspended_reason=reason, suspended_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        return False
    session.expire(partner)
    audit.record(
        session,
        actor_id=None,
        action=SUSPEND,
        subject=subject(partner_key),
        reason=reason,
        detail={
            "by": "rule",
            "rated": outcomes.rated,
            "reported": outcomes.reported,
            "done": outcomes.done,
            "rating_total": outcomes.rating_total,
            "min_outcomes": rule.min_outcomes,
            "min_rating": rule.min_rating,
            "min_success_percent": rule.min_success_percent,
            "reporters": reporters,
            "min_reporters": rule.min_reporters,
        },
    )
    for admin_id in session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all():
        if admin_id is not None:
            notify(
                session,
                user_id=admin_id,
                kind="partner_suspended",
                title=f"{name} was suspended by the curation rule",
                body=f"{reason}. It is no longer offered in the Delegate menu; you can reinstate it.",
                link=ADMIN_PAGE,
            )
    return True
