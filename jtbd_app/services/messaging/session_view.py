"""What every page shows of the visitor's own sign-in: who they are, whether new terms await them, and the unread
counts on the bell and the Messages link. Read in one go on each page load, from the session cookie's token."""

from __future__ import annotations

from dataclasses import dataclass

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
    live_version: int = 0  # the version of the member's `user:` change stamp, taken before the counts
    photo_url: str = ""  # the member's small photo for the header, "" without one


def session_summary(session: Session, *, key: str | None) -> SessionSummary:
    """The signed-in member behind the session key and their counts; an empty summary for anyone else."""
    viewer = viewer_from_key(session, key)
    if viewer is None:
        return SessionSummary()
    topic = live.user_topic(viewer.user_id)
    version = live.versions(session, [topic])[topic]
    return SessionSummary(
        viewer=viewer,
        live_version=version,
        suspended_reason=_suspended_reason(session, viewer),
        needs_terms=terms.needs_acceptance(session, user_id=viewer.user_id),
        unread_notifications=notifications.unread_count(session, viewer=viewer),
        unread_messages=message_view.unread_total(session, user_id=viewer.user_id),
        photo_url=_photo(session, viewer),
    )


def _photo(session: Session, viewer: Viewer) -> str:
    profile = session.get(Profile, viewer.user_id)
    return profile_photos.photo_url(profile.photo_key, 64) if profile else ""


def _suspended_reason(session: Session, viewer: Viewer) -> str:
    if viewer.status != "suspended":
        return ""
    user = session.get(User, viewer.user_id)
    return (user.suspended_reason if user else "") or "An administrator suspended your account."
