"""/admin/audit: the audit log as administrators read it, newest first, filtered by action, actor, subject and date,
a page at a time. Reading is all there is: entries are written by `services/audit.record` and the database refuses to
edit or delete them."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain.audit_query import SYSTEM, AuditQuery
from jtbd_app.models import AuditEntry, User
from jtbd_app.services.viewer import Viewer, require_admin

PER_PAGE = 25


@dataclass
class AuditRow:
    id: int = 0
    at: str = ""  # "2026-12-05 01:23 UTC"
    actor: str = ""  # a username, or "system"
    action: str = ""
    subject: str = ""
    reason: str = ""
    detail: str = ""  # "amount: 100.00 USD · kind: fund"


@dataclass
class AuditPage:
    rows: list[AuditRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _detail(text: str) -> str:
    """The JSON detail as "key: value" pairs (the page shows it as plain text)."""
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return text[:500]
    if not isinstance(data, dict):
        return str(data)[:500]
    return " · ".join(f"{key}: {value}" for key, value in data.items())[:500]


def audit_page(session: Session, *, viewer: Viewer | None, query: AuditQuery) -> AuditPage:
    """One page of entries matching every filter given, newest first; an unknown username matches nothing."""
    require_admin(viewer)
    where: list[object] = []
    if query.action:
        where.append(col(AuditEntry.action).startswith(query.action, autoescape=True))
    if query.actor == SYSTEM:
        where.append(col(AuditEntry.actor_id).is_(None))
    elif query.actor:
        actor_id = session.exec(select(User.id).where(User.username == query.actor)).first()
        where.append(AuditEntry.actor_id == (actor_id if actor_id is not None else -1))
    if query.subject:
        where.append(col(AuditEntry.subject).contains(query.subject, autoescape=True))
    if query.date_from:
        where.append(col(AuditEntry.at) >= datetime.combine(query.date_from, time.min, tzinfo=UTC))
    if query.date_to:
        where.append(col(AuditEntry.at) < datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=UTC))
    total = int(session.exec(select(func.count()).select_from(AuditEntry).where(*where)).one())  # type: ignore[arg-type]
    pages = max(1, math.ceil(total / PER_PAGE))
    page = max(1, min(query.page, pages))
    entries = session.exec(
        select(AuditEntry, User.username)
        .join(User, col(User.id) == col(AuditEntry.actor_id), isouter=True)
        .where(*where)  # type: ignore[arg-type]
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return AuditPage(
        rows=[
            AuditRow(
                id=entry.id or 0,
                at=entry.at.strftime("%Y-%m-%d %H:%M UTC"),
                actor=username or SYSTEM,
                action=entry.action,
                subject=entry.subject,
                reason=entry.reason,
                detail=_detail(entry.detail),
            )
            for entry, username in entries
        ],
        total=total,
        page=page,
        pages=pages,
    )
