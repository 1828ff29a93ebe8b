"""/admin/partners: administrators see every partner with its scorecard, edit its link template and affiliate
parameters, and suspend or reinstate it with a reason. Every function checks the viewer is an admin; every change is
one audit entry in the admin's name, in the same unit of work."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col

from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.partner_links import validate_affiliate_params, validate_template
from jtbd_app.domain.text import CONTROL_RE, has_html
from jtbd_app.models import Partner, utcnow
from jtbd_app.services import audit
from jtbd_app.services.delegate.curation import REINSTATE, SUSPEND, subject
from jtbd_app.services.delegate.partner_view import PartnerCard, card_of, scorecards
from jtbd_app.services.delegate.partners import ACTIVE, SUSPENDED, links, registered
from jtbd_app.services.ports import PartnerAdapter
from jtbd_app.services.viewer import Viewer, require_admin

PER_PAGE = 20
REASON_MAX = 1000
SUSPENDED_BY = {"admin": "an administrator", "rule": "the curation rule"}


@dataclass
class AdminPartnerRow:
    """A partner as an admin sees it: its public card, its status and why, and the links it is offered with."""

    card: PartnerCard = field(default_factory=PartnerCard)
    status: str = ""
    suspended_note: str = ""  # "Suspended by the curation rule on 2026-12-04: Average rating 2.2 ..."
    link_template: str = ""  # the admins' template, "" while the adapter's default is used
    affiliate_params: str = ""
    default_template: str = ""
    default_affiliate_params: str = ""
    effective_template: str = ""
    template_note: str = ""  # why the admins' template is not used, when it no longer passes the checks
    hosts: str = ""  # "amazon.com"


@dataclass
class AdminPartnerPage:
    rows: list[AdminPartnerRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def admin_list(
    session: Session, *, viewer: Viewer | None, adapters: Mapping[str, PartnerAdapter], page: int = 1
) -> AdminPartnerPage:
    """Every partner of the registry (suspended ones too), registry order, a page at a time."""
    require_admin(viewer)
    partners = registered(session, adapters)
    pages = max(1, math.ceil(len(partners) / PER_PAGE))
    page = max(1, min(page, pages))
    shown = partners[(page - 1) * PER_PAGE : page * PER_PAGE]
    cards = scorecards(session, shown)
    return AdminPartnerPage(
        rows=[_row(p, card_of(p, cards[p.key]), adapters[p.key]) for p in shown],
        total=len(partners),
        page=page,
        pages=pages,
    )


def _row(partner: Partner, card: PartnerCard, adapter: PartnerAdapter) -> AdminPartnerRow:
    note = ""
    if partner.status == SUSPENDED:
        when = f" on {partner.suspended_at:%Y-%m-%d}" if partner.suspended_at else ""
        by = SUSPENDED_BY.get(partner.suspended_by, "an administrator")
        note = f"Suspended by {by}{when}: {partner.suspended_reason}"
    effective, template_note = links(partner, adapter).template, ""
    if partner.link_template and validate_template(partner.link_template, adapter.hosts):
        effective = adapter.default_template  # what the adapter's deep_link falls back to
        template_note = (
            "The saved template no longer passes the checks (the partner's hosts changed?); the default is used."
        )
    return AdminPartnerRow(
        card=card,
        status=partner.status,
        suspended_note=note,
        link_template=partner.link_template,
        affiliate_params=partner.affiliate_params,
        default_template=adapter.default_template,
        default_affiliate_params=adapter.default_affiliate_params,
        effective_template=effective,
        template_note=template_note,
        hosts=", ".join(adapter.hosts),
    )


def _partner(session: Session, key: object, adapters: Mapping[str, PartnerAdapter]) -> tuple[Partner, PartnerAdapter]:
    adapter = adapters.get(key) if isinstance(key, str) else None
    if adapter is None:
        raise NotFound("There is no such partner.")
    registered(session, {adapter.key: adapter})
    partner = session.get(Partner, adapter.key, with_for_update=True)
    if partner is None:
        raise NotFound("There is no such partner.")
    return partner, adapter


def update_links(
    session: Session,
    *,
    viewer: Viewer | None,
    key: object,
    link_template: object,
    affiliate_params: object,
    adapters: Mapping[str, PartnerAdapter],
) -> Partner:
    """Set the partner's link template and affiliate parameters (empty: the adapter's defaults). The template must be
    an https link to one of the adapter's hosts with known placeholders only; refused input changes nothing."""
    actor = require_admin(viewer)
    partner, adapter = _partner(session, key, adapters)
    template = link_template.strip() if isinstance(link_template, str) else ""
    params = affiliate_params.strip() if isinstance(affiliate_params, str) else ""
    errors: dict[str, str] = {}
    if template:
        problem = validate_template(template, adapter.hosts)
        if problem:
            errors["link_template"] = problem
    problem = validate_affiliate_params(params)
    if problem:
        errors["affiliate_params"] = problem
    if errors:
        raise ValidationFailed(errors)
    before = {"link_template": partner.link_template, "affiliate_params": partner.affiliate_params}
    after = {"link_template": template, "affiliate_params": params}
    if before == after:
        return partner
    partner.link_template, partner.affiliate_params, partner.updated_at = template, params, utcnow()
    session.add(partner)
    audit.record(
        session,
        actor_id=actor.user_id,
        action="partner.links",
        subject=subject(partner.key),
        detail={"before": before, "after": after},
    )
    return partner


def _reason(value: object) -> str:
    text = CONTROL_RE.sub("", value).strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed({"reason": "Give a reason: it is kept in the audit log."})
    if len(text) > REASON_MAX:
        raise ValidationFailed({"reason": f"Keep the reason under {REASON_MAX} characters."})
    if has_html(text):
        raise ValidationFailed({"reason": "Write the reason as plain text, without HTML tags."})
    return text


def suspend(
    session: Session, *, viewer: Viewer | None, key: object, reason: object, adapters: Mapping[str, PartnerAdapter]
) -> Partner:
    """An admin suspends an active partner: it is no longer offered or listed until reinstated."""
    actor = require_admin(viewer)
    why = _reason(reason)
    partner, _ = _partner(session, key, adapters)
    if partner.status != ACTIVE:
        raise ValidationFailed({"form": f"{partner.name} is already suspended."})
    now = utcnow()
    session.execute(
        update(Partner)
        .where(col(Partner.key) == partner.key)
        .values(status=SUSPENDED, suspended_by="admin", suspended_reason=why, suspended_at=now, updated_at=now)
    )
    audit.record(session, actor_id=actor.user_id, action=SUSPEND, subject=subject(partner.key), reason=why)
    session.refresh(partner)
    return partner


def reinstate(
    session: Session, *, viewer: Viewer | None, key: object, reason: object, adapters: Mapping[str, PartnerAdapter]
) -> Partner:
    """An admin reinstates a suspended partner (whoever suspended it); the rule then counts only newer outcomes."""
    actor = require_admin(viewer)
    why = _reason(reason)
    partner, _ = _partner(session, key, adapters)
    if partner.status != SUSPENDED:
        raise ValidationFailed({"form": f"{partner.name} is not suspended."})
    was = {"was_suspended_by": partner.suspended_by, "was_suspended_for": partner.suspended_reason}
    session.execute(
        update(Partner)
        .where(col(Partner.key) == partner.key)
        .values(status=ACTIVE, suspended_by="", suspended_reason="", suspended_at=None, updated_at=utcnow())
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        action=REINSTATE,
        subject=subject(partner.key),
        reason=why,
        detail=was,
    )
    session.refresh(partner)
    return partner
