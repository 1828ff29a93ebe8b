"""A member's record as an administrator reads it (/admin/users/[id]): who they are, their contracts, disputes,
reports by and about them, strikes, appeals, sign-ins and the audit entries about them. Read in a fixed number of
queries, whatever the member's history; long lists show the latest 20 with the total."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from jtbd_app.domain.contract_rules import STATUS_LABELS
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Appeal,
    AuditEntry,
    AuthSession,
    Contract,
    Dispute,
    DisputeCase,
    Payment,
    Profile,
    Report,
    User,
    utcnow,
)
from jtbd_app.services.trust.standing import NO_MEMBER, strikes_of
from jtbd_app.services.viewer import Viewer, require_admin

LATEST = 20


@dataclass(frozen=True)
class ContractLine:
    id: int = 0
    side: str = ""  # "client" or "contractor": the member's side
    other: str = ""  # the other party's username
    status: str = ""
    amount: str = ""
    created: str = ""


@dataclass(frozen=True)
class DisputeLine:
    id: str = ""  # a case's number, or the gateway's dispute id
    kind: str = ""  # "Member dispute" | "Card dispute"
    contract_id: int = 0
    side: str = ""
    status: str = ""
    amount: str = ""
    opened: str = ""


@dataclass(frozen=True)
class ReportLine:
    id: int = 0
    subject: str = ""  # "listing 12"
    other: str = ""  # the author (reports filed by them) or the reporter (reports about them)
    reason: str = ""
    status: str = ""
    created: str = ""


@dataclass(frozen=True)
class StrikeLine:
    id: int = 0
    kind: str = ""
    reason: str = ""
    given_by: str = ""
    lifted: bool = False
    created: str = ""


@dataclass(frozen=True)
class AppealLine:
    id: int = 0
    body: str = ""
    status: str = ""
    answer: str = ""
    created: str = ""


@dataclass(frozen=True)
class AuditLine:
    id: int = 0
    at: str = ""
    actor: str = ""
    action: str = ""
    reason: str = ""


@dataclass(frozen=True)
class MemberSummary:
    id: int = 0
    username: str = ""
    display_name: str = ""
    email: str = ""
    email_verified: bool = False
    role: str = "user"
    status: str = "active"
    suspended_reason: str = ""
    joined: str = ""
    location: str = ""
    bio: str = ""
    completed_contracts: int = 0
    active_sessions: int = 0
    is_viewer: bool = False  # the administrator reading their own record


@dataclass(frozen=True)
class MemberRecord:
    member: MemberSummary
    contracts: list[ContractLine] = field(default_factory=list)
    contract_total: int = 0
    disputes: list[DisputeLine] = field(default_factory=list)
    reports_by: list[ReportLine] = field(default_factory=list)
    reports_about: list[ReportLine] = field(default_factory=list)
    strikes: list[StrikeLine] = field(default_factory=list)
    appeals: list[AppealLine] = field(default_factory=list)
    audit: list[AuditLine] = field(default_factory=list)
    audit_total: int = 0


def _money(amount_minor: int, currency: str) -> str:
    try:
        return Money(amount_minor, currency).format()
    except ValueError:
        return f"{amount_minor} {currency}"


def member_record(session: Session, *, viewer: Viewer | None, user_id: object) -> MemberRecord:
    """Administrators only; anyone else is refused before anything is read."""
    admin = require_admin(viewer)
    uid = parse_id(user_id, not_found=NO_MEMBER)
    row = session.exec(
        select(User, Profile).join(Profile, Profile.user_id == User.id).where(User.id == uid)  # type: ignore[arg-type]
    ).first()
    if row is None:
        raise NotFound(NO_MEMBER)
    user, profile = row
    sessions = session.exec(
        select(func.count())
        .select_from(AuthSession)
        .where(AuthSession.user_id == uid, col(AuthSession.revoked_at).is_(None), AuthSession.expires_at > utcnow())
    ).one()
    member = MemberSummary(
        id=uid,
        username=user.username,
        display_name=profile.display_name,
        email=user.email,
        email_verified=user.email_verified_at is not None,
        role=user.role,
        status=user.status,
        suspended_reason=user.suspended_reason,
        joined=day_label(user.created_at),
        location=profile.location or ("Remote" if profile.remote else ""),
        bio=profile.bio[:500],
        completed_contracts=profile.completed_contracts,
        active_sessions=int(sessions),
        is_viewer=uid == admin.user_id,
    )
    contracts, contract_total = _contracts(session, uid)
    strikes = strikes_of(session, user_id=uid)
    reports_by, reports_about = _reports(session, uid)
    audit_rows = session.exec(
        select(AuditEntry)
        .where(AuditEntry.subject == f"user:{uid}")
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(LATEST)
    ).all()
    audit_total = session.exec(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.subject == f"user:{uid}")
    ).one()
    names = _usernames(
        session, {s.given_by for s in strikes} | {a.actor_id for a in audit_rows if a.actor_id is not None}
    )
    appeals = session.exec(
        select(Appeal).where(Appeal.user_id == uid).order_by(col(Appeal.created_at).desc(), col(Appeal.id).desc())
    ).all()
    return MemberRecord(
        member=member,
        contracts=contracts,
        contract_total=contract_total,
        disputes=_disputes(session, uid),
        reports_by=reports_by,
        reports_about=reports_about,
        strikes=[
            StrikeLine(
                id=s.id or 0,
                kind=s.kind,
                reason=s.reason,
                given_by=names.get(s.given_by, ""),
                lifted=s.lifted_at is not None,
                created=day_label(s.created_at),
            )
            for s in strikes
        ],
        appeals=[
            AppealLine(id=a.id or 0, body=a.body, status=a.status, answer=a.answer, created=day_label(a.created_at))
            for a in appeals
        ],
        audit=[
            AuditLine(
                id=a.id or 0,
                at=f"{day_label(a.at)} {a.at:%H:%M}",
                actor=names.get(a.actor_id, "") if a.actor_id is not None else "system",
                action=a.action,
                reason=a.reason,
            )
            for a in audit_rows
        ],
        audit_total=int(audit_total),
    )


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.username).where(col(User.id).in_(ids))).all())  # type: ignore[arg-type]


def _contracts(session: Session, uid: int) -> tuple[list[ContractLine], int]:
    mine = or_(col(Contract.client_id) == uid, col(Contract.contractor_id) == uid)
    total = session.exec(select(func.count()).select_from(Contract).where(mine)).one()
    client, contractor = aliased(User), aliased(User)
    rows = session.exec(
        select(Contract, client.username, contractor.username)
        .join(client, client.id == Contract.client_id)  # type: ignore[arg-type]
        .join(contractor, contractor.id == Contract.contractor_id)  # type: ignore[arg-type]
        .where(mine)
        .order_by(col(Contract.created_at).desc(), col(Contract.id).desc())
        .limit(LATEST)
    ).all()
    lines = [
        ContractLine(
            id=c.id or 0,
            side="client" if c.client_id == uid else "contractor",
            other=contractor_name if c.client_id == uid else client_name,
            status=STATUS_LABELS.get(c.status, c.status),
            amount=_money(c.amount_minor, c.currency),
            created=day_label(c.created_at),
        )
        for c, client_name, contractor_name in rows
    ]
    return lines, int(total)


def _disputes(session: Session, uid: int) -> list[DisputeLine]:
    """Disputes the member opened or answers, then card disputes of payments they made."""
    cases = session.exec(
        select(DisputeCase)
        .where(or_(col(DisputeCase.opened_by) == uid, col(DisputeCase.respondent_id) == uid))
        .order_by(col(DisputeCase.opened_at).desc(), col(DisputeCase.id).desc())
        .limit(LATEST)
    ).all()
    cards = session.exec(
        select(Dispute, Payment.contract_id)
        .join(Payment, Payment.id == Dispute.payment_id)  # type: ignore[arg-type]
        .where(Payment.payer_id == uid)
        .order_by(col(Dispute.created_at).desc())
        .limit(LATEST)
    ).all()
    lines = [
        DisputeLine(
            id=str(c.id),
            kind="Member dispute",
            contract_id=c.contract_id,
            side="opened it" if c.opened_by == uid else "responds",
            status=c.status.replace("_", " "),
            amount=_money(c.amount_minor, c.currency),
            opened=day_label(c.opened_at),
        )
        for c in cases
    ]
    lines += [
        DisputeLine(
            id=d.id,
            kind="Card dispute",
            contract_id=contract_id or 0,
            side="paid",
            status=d.status.replace("_", " "),
            amount=_money(d.amount_minor, d.currency),
            opened=day_label(d.created_at),
        )
        for d, contract_id in cards
    ]
    return lines


def _reports(session: Session, uid: int) -> tuple[list[ReportLine], list[ReportLine]]:
    author, reporter = aliased(User), aliased(User)
    by = session.exec(
        select(Report, author.username)
        .join(author, author.id == Report.author_id)  # type: ignore[arg-type]
        .where(Report.reporter_id == uid)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(LATEST)
    ).all()
    about = session.exec(
        select(Report, reporter.username)
        .join(reporter, reporter.id == Report.reporter_id)  # type: ignore[arg-type]
        .where(Report.author_id == uid)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(LATEST)
    ).all()

    def line(r: Report, other: str) -> ReportLine:
        status = r.status if not r.resolution else f"{r.status}: {r.resolution}"
        return ReportLine(
            id=r.id or 0,
            subject=f"{r.subject_kind} {r.subject_id}",
            other=other,
            reason=(r.reason_code.replace("_", " ") + (f": {r.details[:200]}" if r.details else "")),
            status=status,
            created=day_label(r.created_at),
        )

    return [line(r, n) for r, n in by], [line(r, n) for r, n in about]
