"""Who is asking: resolved on the server from the session cookie, never from the browser's word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, func, select

from jtbd_app.domain.errors import NotSignedIn, PermissionDenied
from jtbd_app.models import AuthSession, Profile, User, utcnow
from jtbd_app.services.tokens import session_key

SESSION_COOKIE = "jtbd_session"
# What every service that changes something says to a suspended member (their standing page says why).
SUSPENDED = "Your account is suspended, so you cannot post, bid, message or change anything. See Settings, Standing."


@dataclass(frozen=True)
class Viewer:
    user_id: int
    username: str
    display_name: str
    role: str
    status: str
    email_verified: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and self.status == "active"


def viewer_from_token(session: Session, token: str | None) -> Viewer | None:
    """The member behind a session cookie (HTTP routes read it from the request)."""
    return viewer_from_key(session, session_key(token))


_AUTH: Any = AuthSession.__table__  # type: ignore[attr-defined]
_USER: Any = User.__table__  # type: ignore[attr-defined]
_PROFILE: Any = Profile.__table__  # type: ignore[attr-defined]
# A Core statement built once: every event of a signed-in tab runs it (the session guard), so it skips the ORM's
# entity loading and statement building (0.1 ms against 0.3 ms on SQLite). Bound: `key`.
_BY_KEY = (
    core_select(
        _AUTH.c.revoked_at,
        _AUTH.c.expires_at,
        _USER.c.id,
        _USER.c.username,
        _PROFILE.c.display_name,
        _USER.c.role,
        _USER.c.status,
        _USER.c.email_verified_at,
    )
    .select_from(_AUTH.join(_USER, _USER.c.id == _AUTH.c.user_id).join(_PROFILE, _PROFILE.c.user_id == _USER.c.id))
    .where(_AUTH.c.token_hash == bindparam("key"))
)


def viewer_from_key(session: Session, key: str | None) -> Viewer | None:
    """The member behind a session key, the keyed hash of the cookie (what the Reflex states hold)."""
    if not key or len(key) != 64:
        return None
    row = session.execute(_BY_KEY, {"key": key}).first()
    if row is None:
        return None
    revoked_at, expires_at, user_id, username, display_name, role, status, verified_at = row
    if revoked_at is not None or expires_at <= utcnow():
        return None
    return Viewer(user_id, username, display_name, role, status, verified_at is not None)


def viewer_for_email(session: Session, email: str) -> Viewer | None:
    """The member with this email as the services see them: for operator commands, which act in an admin's name."""
    row = session.exec(
        select(User, Profile)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(func.lower(User.email) == email.strip().lower())
    ).first()
    if row is None:
        return None
    user, profile = row
    assert user.id is not None
    return Viewer(
        user.id, user.username, profile.display_name, user.role, user.status, user.email_verified_at is not None
    )


def require_viewer(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise NotSignedIn()
    return viewer


def require_active(viewer: Viewer | None) -> Viewer:
    v = require_viewer(viewer)
    if v.status != "active":
        raise PermissionDenied(SUSPENDED)
    return v


def require_admin(viewer: Viewer | None) -> Viewer:
    v = require_viewer(viewer)
    if not v.is_admin:
        raise PermissionDenied("This page is for administrators only.")
    return v
