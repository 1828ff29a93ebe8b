"""Notifications: every service that tells a member something calls `notify`; members read, clear and mute them.

Each member reads and changes only their own notifications and preferences. Suspended members may too:
it is their own inbox, not marketplace content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.notifications import KINDS, kinds_for
from jtbd_app.models import Notification, NotificationPreference, User, utcnow
from jtbd_app.services import live, mail
from jtbd_app.services.viewer import Viewer, require_viewer

PER_PAGE_MAX = 100


@dataclass
class NotificationItem:
    id: int = 0
    kind: str = ""
    kind_label: str = ""
    title: str = ""
    body: str = ""
    link: str = ""  # an in-app path, or empty
    created: str = ""
    unread: bool = False


@dataclass
class NotificationPage:
    items: list[NotificationItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    unread: int = 0


@dataclass
class PreferenceChoice:
    kind: str = ""
    label: str = ""
    in_app: bool = True
    email: bool = True


def notify(session: Session, *, user_id: int, kind: str, title: str, body: str = "", link: str = "") -> None:
    """Tell a member something happened, in the same transaction as the thing itself.

    Their preference for this kind decides the channels (no row: both on); mail is queued only when an
    SMTP server is configured, and leaves only if this transaction commits.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    pref = session.get(NotificationPreference, {"user_id": user_id, "kind": kind})
    title = " ".join(title.split())[:200]
    path = safe_path(link)
    if pref is None or pref.in_app:
        session.add(Notification(user_id=user_id, kind=kind, title=title, body=body, link=path))
        live.touch(session, live.user_topic(user_id))
    settings = get_settings()
    if settings.mail_enabled and (pref is None or pref.email):
        user = session.get(User, user_id)
        if user is not None and user.email and user.email_verified_at is not None:
            mail.queue_mail(session, to=user.email, subject=title, body=_mail_body(body, path, settings.app_url))


def safe_path(link: object) -> str:
    """Only an in-app path ("/listings/12") is kept: never another site, a scheme, or a protocol-relative URL."""
    if not isinstance(link, str) or not link.startswith("/") or link.startswith("//"):
        return ""
    if any(ch.isspace() or ch == "\\" for ch in link) or len(link) > 300:
        return ""
    return link


def _mail_body(body: str, path: str, app_url: str) -> str:
    base = app_url.rstrip("/")
    parts = [body.strip()] if body.strip() else []
    if path:
        parts.append(f"Open it: {base}{path}")
    parts.append(f"--\nChoose which notifications you get by email: {base}/notifications/settings")
    return "\n\n".join(parts) + "\n"


def list_notifications(
    session: Session, *, viewer: Viewer | None, page: object, per_page: int = 20
) -> NotificationPage:
    """The viewer's own notifications, newest first, one page at a time."""
    actor = require_viewer(viewer)
    size = max(1, min(per_page, PER_PAGE_MAX))
    mine = col(Notification.user_id) == actor.user_id
    total = session.exec(select(func.count()).select_from(Notification).where(mine)).one()
    pages = max(1, -(-total // size))
    number = min(_page_number(page), pages)
    rows = session.exec(
        select(Notification)
        .where(mine)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset((number - 1) * size)
        .limit(size)
    ).all()
    items = [
        NotificationItem(
            id=n.id or 0,
            kind=n.kind,
            kind_label=KINDS.get(n.kind, n.kind),
            title=n.title,
            body=n.body,
            link=safe_path(n.link),
            created=n.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            unread=n.read_at is None,
        )
        for n in rows
    ]
    return NotificationPage(items, total, number, pages, unread_count(session, viewer=actor))


def unread_count(session: Session, *, viewer: Viewer | None) -> int:
    """For the bell: 0 for a visitor."""
    if viewer is None:
        return 0
    return int(session.exec(select(unread_count_of(viewer.user_id))).one())


def unread_count_of(user_id: Any) -> Any:
    """The member's unread notifications as a scalar subquery (`user_id`: a value or a column)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
        .scalar_subquery()
    )


def mark_read(session: Session, *, viewer: Viewer | None, notification_id: object) -> None:
    """Mark one of the viewer's own notifications read; anyone else's is NotFound and stays as it is."""
    actor = require_viewer(viewer)
    found = None
    if isinstance(notification_id, int) and not isinstance(notification_id, bool) and 0 < notification_id < 2**63:
        found = session.get(Notification, notification_id)
    if found is None or found.user_id != actor.user_id:
        raise NotFound("That notification does not exist.")
    if found.read_at is None:
        found.read_at = utcnow()
        session.add(found)
        live.touch(session, live.user_topic(actor.user_id))


def mark_all_read(session: Session, *, viewer: Viewer | None) -> int:
    """Mark every unread notification of the viewer read; returns how many changed."""
    actor = require_viewer(viewer)
    result = session.exec(  # type: ignore[call-overload]
        update(Notification)
        .where(col(Notification.user_id) == actor.user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    live.touch(session, live.user_topic(actor.user_id))
    return int(result.rowcount)


def preferences(session: Session, *, viewer: Viewer | None) -> list[PreferenceChoice]:
    """One choice per kind the viewer can receive (administrators' kinds for administrators only), in the order of
    KINDS; a kind never chosen has both channels on."""
    actor = require_viewer(viewer)
    stored = {
        p.kind: p
        for p in session.exec(select(NotificationPreference).where(NotificationPreference.user_id == actor.user_id))
    }
    choices = []
    for kind, label in kinds_for(is_admin=actor.is_admin).items():
        pref = stored.get(kind)
        choices.append(PreferenceChoice(kind, label, pref.in_app if pref else True, pref.email if pref else True))
    return choices


def set_preferences(session: Session, *, viewer: Viewer | None, choices: object) -> list[PreferenceChoice]:
    """Save the viewer's choices ({kind: {"in_app": bool, "email": bool}}); kinds left out keep theirs."""
    actor = require_viewer(viewer)
    kinds = kinds_for(is_admin=actor.is_admin)
    if not isinstance(choices, dict) or not choices or len(choices) > len(kinds):
        raise ValidationFailed({"form": "Choose in-app and email for each kind of notification."})
    errors: dict[str, str] = {}
    clean: dict[str, tuple[bool, bool]] = {}
    for kind, value in choices.items():
        if not isinstance(kind, str) or kind not in kinds:
            errors["form"] = "That kind of notification does not exist."
            continue
        in_app = value.get("in_app") if isinstance(value, dict) else None
        email = value.get("email") if isinstance(value, dict) else None
        if not isinstance(in_app, bool) or not isinstance(email, bool) or len(value) != 2:
            errors[kind] = "Choose on or off for in-app and for email."
            continue
        clean[kind] = (in_app, email)
    if errors:
        raise ValidationFailed(errors)
    for kind, (in_app, email) in clean.items():
        pref = session.get(NotificationPreference, {"user_id": actor.user_id, "kind": kind})
        if pref is None:
            pref = NotificationPreference(user_id=actor.user_id, kind=kind)
        pref.in_app, pref.email = in_app, email
        session.add(pref)
    session.flush()
    return preferences(session, viewer=actor)


def _page_number(page: object) -> int:
    if isinstance(page, str) and page.strip().isascii() and page.strip().isdigit() and len(page.strip()) < 10:
        page = int(page.strip())
    if isinstance(page, int) and not isinstance(page, bool) and 0 < page < 10**9:
        return page
    return 1
