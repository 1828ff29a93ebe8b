"""What every page shows of the visitor's own sign-in: who they are, whether new terms await them, and the unread
counts on the bell and the Messages link. Read in one go on each page load, from the session cookie's token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from jtbd_app.models import Profile, User
from jtbd_app.services import live
from jtbd_app.services.accounts import profile_photos, terms
from jtbd_app.services.messaging import message_view, notifications
from jtbd_app.services.viewer import Viewer, viewer_from_key


@dataclass(frozen=True)
class SessionSummary:
    viewer: Viewer | None = None  # None for a visitor, or a cookie whose session ended
    needs_terms: bool = False
    unread_notifications: int = 0
    unread_messages: int = 0
    suspended_reason: str = ""  # the member's own: the banner on every page says why
    live_version: int = 0  # the version of the member's `user:` change stamp, read in the statement of the counts
    photo_url: str = ""  # the member's small photo for the header, "" without one


def session_summary(session: Session, *, key: str | None, viewer: Viewer | None = None) -> SessionSummary:
    """The signed-in member behind the session key and their counts; an empty summary for anyone else. `viewer`:
    the member this event's session guard already resolved from the same key (one lookup saved)."""
    viewer = viewer or viewer_from_key(session, key)
    if viewer is None:
        return SessionSummary()
    row = session.execute(_SUMMARY, {"user_id": viewer.user_id, "topic": live.user_topic(viewer.user_id)}).one()
    version, needs_terms, notes, messages, photo_key, reason = row
    return SessionSummary(
        viewer=viewer,
        live_version=version,
        suspended_reason=(reason or "An administrator suspended your account.") if viewer.status == "suspended" else "",
        needs_terms=bool(needs_terms),
        unread_notifications=notes,
        unread_messages=messages,
        photo_url=profile_photos.photo_url(photo_key or "", 64),
    )


def _summary() -> Any:
    """Every count the page frame shows, in one statement by the member's id (bound: `user_id`, `topic`). The
    stamp's version is read in the same statement as the counts, so a change after it moves it again."""
    user: Any = User.__table__.c  # type: ignore[attr-defined]
    profile: Any = Profile.__table__.c  # type: ignore[attr-defined]
    member: Any = bindparam("user_id")
    return (
        select(
            live.version_of(bindparam("topic")),
            terms.needs_acceptance_of(member),
            notifications.unread_count_of(member),
            message_view.unread_total_of(member),
            profile.photo_key,
            user.suspended_reason,
        )
        .select_from(User.__table__.outerjoin(Profile.__table__, profile.user_id == user.id))  # type: ignore[attr-defined]
        .where(user.id == member)
    )


_SUMMARY = _summary()
