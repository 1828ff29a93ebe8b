"""The moderation queue at /admin/reports and what an administrator does with an item's reports.

Reports are grouped by item (several members may flag the same listing). An action (hide, restore, dismiss, warn
or suspend the author) needs a written reason, closes every open report on the item, tells each reporter the
outcome and is audited; warnings and suspensions go through `standing`, which audits them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import moderation as words
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Profile, Report, Strike, User, utcnow
from jtbd_app.services import audit
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.trust import reported_content, standing
from jtbd_app.services.trust.reported_content import Content
from jtbd_app.services.viewer import Viewer, require_admin

PER_PAGE = 10


@dataclass(frozen=True)
class ReporterLine:
    name: str = ""
    username: str = ""
    reason: str = ""
    details: str = ""
    when: str = ""


@dataclass(frozen=True)
class QueueItem:
    """One reported item with its reports (open ones, or closed ones on the Closed tab)."""

    kind: str = ""
    subject_id: int = 0
    title: str = ""
    text: str = ""
    link: str = ""
    hidden: bool = False
    report_count: int = 0
    first_reported: str = ""
    author_name: str = ""
    author_username: str = ""
    author_strikes: int = 0
    author_suspended: bool = False
    resolution: str = ""  # closed reports: what was done
    reporters: list[ReporterLine] = field(default_factory=list)


@dataclass(frozen=True)
class Queue:
    rows: list[QueueItem] = field(default_factory=list)
    total: int = 0  # items, not reports
    page: int = 1
    pages: int = 1
    status: str = "open"
    kind: str = ""


def report_queue(
    session: Session, *, viewer: Viewer | None, status: object = "open", kind: object = "", page: object = 1
) -> Queue:
    """Admin only: reported items, oldest first, `PER_PAGE` a page; `status` open or closed, `kind` one kind or all."""
    require_admin(viewer)
    state = "closed" if status == "closed" else "open"
    what = kind if isinstance(kind, str) and kind in words.SUBJECT_KINDS else ""
    where = [col(Report.status) == "open" if state == "open" else col(Report.status) != "open"]
    if what:
        where.append(col(Report.subject_kind) == what)
    first = func.min(Report.created_at)
    groups = (
        select(Report.subject_kind, Report.subject_id, first, func.count())
        .where(*where)
        .group_by(col(Report.subject_kind), col(Report.subject_id))
    )
    total = int(session.exec(select(func.count()).select_from(groups.subquery())).one())
    pages = max(1, -(-total // PER_PAGE))
    number = min(page if isinstance(page, int) and not isinstance(page, bool) and page > 0 else 1, pages)
    rows = session.exec(
        groups.order_by(first, col(Report.subject_kind), col(Report.subject_id))
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    items = [_item(session, item_kind, sid, where) for item_kind, sid, _first, _count in rows]
    return Queue(rows=items, total=total, page=number, pages=pages, status=state, kind=what)


def _item(session: Session, kind: str, subject_id: int, where: list) -> QueueItem:  # type: ignore[type-arg]
    reports = list(
        session.exec(
            select(Report, User.username, Profile.display_name)
            .join(User, col(User.id) == Report.reporter_id)
            .join(Profile, col(Profile.user_id) == Report.reporter_id)
            .where(*where, Report.subject_kind == kind, Report.subject_id == subject_id)
            .order_by(col(Report.created_at), col(Report.id))
        ).all()
    )
    author_id = reports[0][0].author_id
    try:
        content: Content | None = reported_content.find(session, kind, subject_id)
    except NotFound:
        content = None
    author = session.exec(
        select(User, Profile).join(Profile, col(Profile.user_id) == User.id).where(User.id == author_id)
    ).one()
    strikes = session.exec(select(func.count()).select_from(Strike).where(Strike.user_id == author_id)).one()
    return QueueItem(
        kind=kind,
        subject_id=subject_id,
        title=content.title if content else "Content that no longer exists",
        text=content.text if content else "",
        link=content.link if content else "",
        hidden=bool(content and content.hidden),
        report_count=len(reports),
        first_reported=day_label(reports[0][0].created_at),
        author_name=author[1].display_name,
        author_username=author[0].username,
        author_strikes=int(strikes),
        author_suspended=author[0].status == "suspended",
        resolution=reports[-1][0].resolution,
        reporters=[
            ReporterLine(
                name=name,
                username=username,
                reason=words.REASONS.get(r.reason_code, r.reason_code),
                details=r.details,
                when=day_label(r.created_at),
            )
            for r, username, name in reports
        ],
    )


def moderate(
    session: Session, *, viewer: Viewer | None, kind: object, subject_id: object, action: object, reason: object
) -> str:
    """Admin only: do `action` about an item and close its open reports; returns what the admin is told."""
    admin = require_admin(viewer)
    what = reported_content.kind_of(kind)
    if not isinstance(action, str) or action not in words.ACTIONS:
        raise ValidationFailed({"form": "Choose an action."})
    clean = standing.clean_reason(reason)
    content = reported_content.find(session, what, parse_id(subject_id, not_found=reported_content.GONE))
    open_reports = list(
        session.exec(
            select(Report)
            .where(Report.subject_kind == what, Report.subject_id == content.subject_id, Report.status == "open")
            .order_by(col(Report.id))
            .with_for_update()
        ).all()
    )
    if action == "dismiss" and not open_reports:
        raise ValidationFailed({"form": "There is no open report on this item."})
    subject = f"{what}:{content.subject_id}"
    first_id = open_reports[0].id if open_reports else None
    if action == "hide":
        reported_content.hide(session, content)
        audit.record(session, actor_id=admin.user_id, action="report.hide", subject=subject, reason=clean)
        _tell_author(session, content, clean)
    elif action == "restore":
        reported_content.restore(session, content)
        audit.record(session, actor_id=admin.user_id, action="report.restore", subject=subject, reason=clean)
    elif action == "dismiss":
        audit.record(
            session,
            actor_id=admin.user_id,
            action="report.dismiss",
            subject=subject,
            reason=clean,
            detail={"reports": [r.id for r in open_reports]},
        )
    elif action == "warn":
        standing.warn_member(session, viewer=admin, user_id=content.author_id, reason=clean, report_id=first_id)
    else:
        standing.suspend_member(session, viewer=admin, user_id=content.author_id, reason=clean, report_id=first_id)
    _close(session, open_reports, admin_id=admin.user_id, action=action, note=clean)
    return f"Done: {words.RESOLUTIONS[action]}. {len(open_reports)} open report(s) closed."


def _close(session: Session, reports: list[Report], *, admin_id: int, action: str, note: str) -> None:
    now = utcnow()
    resolution = words.RESOLUTIONS[action]
    for report in reports:
        report.status, report.resolution, report.resolution_note = words.ACTIONS[action], resolution, note
        report.resolved_by, report.resolved_at = admin_id, now
        session.add(report)
        notify(
            session,
            user_id=report.reporter_id,
            kind="report_outcome",
            title=f"Your report of a {report.subject_kind}",
            body=words.OUTCOMES[resolution],
        )


def _tell_author(session: Session, content: Content, reason: str) -> None:
    notify(
        session,
        user_id=content.author_id,
        kind="moderation",
        title=f"Your {content.kind} was hidden by the moderators",
        body=reason,
        link=content.link if content.kind != "message" else standing.STANDING_LINK,
    )
