"""A member's standing: warnings and suspensions an administrator gives, and reinstatement.

Moderation (a report's author) and user administration (the admin's member page) both come here, so a strike, the
member's notice, the audit entry and the account's status always change together. A suspended member can still
sign in and read (the reason is on their account), but every service that changes something refuses them
(`viewer.require_active`).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import moderation, text
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Strike, User, utcnow
from jtbd_app.services import audit, live
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_admin

REASON_MAX = 500  # what `User.suspended_reason` holds; the member reads it in full
NO_MEMBER = "No such member."
STANDING_LINK = moderation.STANDING_LINK


def clean_reason(value: object, *, field: str = "reason") -> str:
    """The reason a member will read: required, plain text, at most REASON_MAX characters."""
    try:
        reason = text.clean_paragraphs(value, label="Reason", max_len=REASON_MAX)
        if not reason:
            raise ValueError("Give a reason: the member reads it.")
        if text.has_html(reason):
            raise ValueError("Reason cannot contain HTML.")
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from exc
    return reason


def _member(session: Session, user_id: object) -> User:
    uid = parse_id(user_id, not_found=NO_MEMBER)
    user = session.exec(
        select(User).where(User.id == uid).with_for_update().execution_options(populate_existing=True)
    ).first()
    if user is None or user.id is None:
        raise ValidationFailed({"form": NO_MEMBER})
    return user


def lock_admins(session: Session, admin: Viewer) -> list[User]:
    """Every active administrator's row, locked in id order, with the acting one still among them (else refused).

    Whatever can take an administrator out (a demotion, a suspension) takes these locks first, so two administrators
    acting on each other at once are serialized: the second finds the first's result and is refused."""
    admins = list(
        session.exec(
            select(User)
            .where(User.role == "admin", User.status == "active")
            .order_by(col(User.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )
    if admin.user_id not in {a.id for a in admins}:
        raise PermissionDenied("This page is for administrators only.")
    return admins


def active_admins(session: Session) -> int:
    return int(
        session.exec(select(func.count()).select_from(User).where(User.role == "admin", User.status == "active")).one()
    )


def warn_member(
    session: Session, *, viewer: Viewer | None, user_id: object, reason: object, report_id: int | None = None
) -> Strike:
    """A warning: a strike the member sees, nothing else changes."""
    admin = require_admin(viewer)
    clean = clean_reason(reason)
    user = _member(session, user_id)
    assert user.id is not None
    strike = Strike(user_id=user.id, kind="warning", reason=clean, report_id=report_id, given_by=admin.user_id)
    session.add(strike)
    session.flush()
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="A warning from the moderators",
        body=clean,
        link=STANDING_LINK,
    )
    audit.record(session, actor_id=admin.user_id, action="member.warn", subject=f"user:{user.id}", reason=clean)
    live.touch(session, live.user_topic(user.id))
    return strike


def suspend_member(
    session: Session, *, viewer: Viewer | None, user_id: object, reason: object, report_id: int | None = None
) -> Strike:
    """Suspend a member with the reason they will read; never oneself (so an active administrator always remains:
    the one acting, who is checked under the administrators' locks)."""
    admin = require_admin(viewer)
    clean = clean_reason(reason)
    lock_admins(session, admin)
    user = _member(session, user_id)
    assert user.id is not None
    if user.id == admin.user_id:
        raise ValidationFailed({"form": "You cannot suspend yourself."})
    if user.status == "suspended":
        raise ValidationFailed({"form": "This member is already suspended."})
    user.status, user.suspended_reason = "suspended", clean
    session.add(user)
    strike = Strike(user_id=user.id, kind="suspension", reason=clean, report_id=report_id, given_by=admin.user_id)
    session.add(strike)
    session.flush()
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="Your account is suspended",
        body=f"{clean} You can still sign in and read, and you may send one appeal.",
        link=STANDING_LINK,
    )
    audit.record(session, actor_id=admin.user_id, action="member.suspend", subject=f"user:{user.id}", reason=clean)
    live.touch(session, live.user_topic(user.id))
    return strike


def reinstate_member(session: Session, *, viewer: Viewer | None, user_id: object, reason: object) -> None:
    """End a suspension: the account is active again and its open suspension strikes are marked lifted."""
    admin = require_admin(viewer)
    clean = clean_reason(reason)
    user = _member(session, user_id)
    assert user.id is not None
    if user.status != "suspended":
        raise ValidationFailed({"form": "This member is not suspended."})
    user.status, user.suspended_reason = "active", ""
    session.add(user)
    now = utcnow()
    for strike in session.exec(
        select(Strike).where(Strike.user_id == user.id, Strike.kind == "suspension", col(Strike.lifted_at).is_(None))
    ).all():
        strike.lifted_at = now
        session.add(strike)
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="Your account is active again",
        body=clean,
        link=STANDING_LINK,
    )
    audit.record(session, actor_id=admin.user_id, action="member.reinstate", subject=f"user:{user.id}", reason=clean)
    live.touch(session, live.user_topic(user.id))


def strikes_of(session: Session, *, user_id: int) -> list[Strike]:
    """A member's strikes, newest first (the member's own page and the admin's member page both show them)."""
    return list(
        session.exec(
            select(Strike)
            .where(Strike.user_id == user_id)
            .order_by(col(Strike.created_at).desc(), col(Strike.id).desc())
        ).all()
    )
