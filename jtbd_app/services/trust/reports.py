"""A member's report of a listing, a profile, a review or a message they can see.

Once per member per item (the database says so too), never one's own content, at most `REPORTS_PER_DAY` a day.
The author is fixed when the report is made, and every active administrator is told.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import moderation as words
from jtbd_app.domain import text
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.models import Report, User, utcnow
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.trust import reported_content
from jtbd_app.services.viewer import Viewer, require_active

ALREADY = "You already reported this."
QUEUE_LINK = "/admin/reports"


def file_report(
    session: Session, *, viewer: Viewer | None, kind: object, subject: object, reason: object, details: object
) -> Report:
    """Record the report and tell the administrators; refused for one's own content, content the member cannot
    see, a second report of the same item, or past the daily cap."""
    actor = require_active(viewer)
    what = reported_content.kind_of(kind)
    content = reported_content.find(session, what, subject)
    if not (content.visible_to_all or actor.user_id in content.party_ids):
        raise PermissionDenied("You can report only what you can see.")
    if content.author_id == actor.user_id:
        raise ValidationFailed({"form": f"You cannot report your own {what}."})
    code, note = _clean(reason, details)
    if session.exec(
        select(Report.id).where(
            Report.reporter_id == actor.user_id, Report.subject_kind == what, Report.subject_id == content.subject_id
        )
    ).first():
        raise ValidationFailed({"form": ALREADY})
    since = utcnow() - timedelta(days=1)
    today = session.exec(
        select(func.count())
        .select_from(Report)
        .where(Report.reporter_id == actor.user_id, col(Report.created_at) >= since)
    ).one()
    if int(today) >= words.REPORTS_PER_DAY:
        raise ValidationFailed({"form": "You have sent many reports today; please try again tomorrow."})
    report = Report(
        reporter_id=actor.user_id,
        subject_kind=what,
        subject_id=content.subject_id,
        author_id=content.author_id,
        reason_code=code,
        details=note,
    )
    session.add(report)
    session.flush()
    for admin_id in session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all():
        if admin_id is not None and admin_id != content.author_id:
            notify(
                session,
                user_id=admin_id,
                kind="report_filed",
                title=f"A {what} was reported: {words.REASONS[code]}",
                body=content.title,
                link=QUEUE_LINK,
            )
    return report


def _clean(reason: object, details: object) -> tuple[str, str]:
    errors: dict[str, str] = {}
    code = reason if isinstance(reason, str) and reason in words.REASONS else ""
    if not code:
        errors["reason"] = "Choose a reason."
    note = ""
    try:
        note = text.clean_paragraphs(details, label="Details", max_len=words.DETAILS_MAX)
        if text.has_html(note):
            raise ValueError("Details cannot contain HTML.")
    except ValueError as exc:
        errors["details"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return code, note
