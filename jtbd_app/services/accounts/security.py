"""A member's own security settings: their open sessions, and changing their password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from jtbd_app.domain import text
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.models import AuthSession, User, utcnow
from jtbd_app.services.accounts import passwords
from jtbd_app.services.viewer import Viewer, require_viewer


@dataclass
class SessionInfo:
    """One open sign-in of the viewer, as the settings page lists it."""

    id: int = 0
    device: str = ""
    ip: str = ""
    signed_in: str = ""
    expires: str = ""
    current: bool = False


def _device(user_agent: str) -> str:
    ua = user_agent.lower()
    browser = next(
        (
            name
            for key, name in (("edg/", "Edge"), ("firefox", "Firefox"), ("chrom", "Chrome"), ("safari", "Safari"))
            if key in ua
        ),
        "Browser",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("linux", "Linux"),
            )
            if key in ua
        ),
        "unknown system",
    )
    return f"{browser} on {system}"


def open_sessions(session: Session, *, viewer: Viewer | None, current_key: str | None) -> list[SessionInfo]:
    """The viewer's own unexpired, unrevoked sessions, newest first."""
    actor = require_viewer(viewer)
    rows = session.exec(
        select(AuthSession)
        .where(
            AuthSession.user_id == actor.user_id,
            col(AuthSession.revoked_at).is_(None),
            AuthSession.expires_at > utcnow(),
        )
        .order_by(col(AuthSession.created_at).desc())
    ).all()
    return [
        SessionInfo(
            id=row.id or 0,
            device=_device(row.user_agent),
            ip=row.ip,
            signed_in=row.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            expires=row.expires_at.strftime("%Y-%m-%d"),
            current=bool(current_key) and row.token_hash == current_key,
        )
        for row in rows
    ]


def revoke_session(session: Session, *, viewer: Viewer | None, session_id: object) -> None:
    """Sign out one of the viewer's own sessions; another member's session is 'not found'."""
    actor = require_viewer(viewer)
    row = (
        session.get(AuthSession, session_id)
        if isinstance(session_id, int) and not isinstance(session_id, bool)
        else None
    )
    if row is None or row.user_id != actor.user_id or row.revoked_at is not None:
        raise NotFound("That session is not open.")
    row.revoked_at = utcnow()
    session.add(row)


def change_password(
    session: Session,
    *,
    viewer: Viewer | None,
    current_password: object,
    new_password: object,
    current_key: str | None,
) -> int:
    """Set a new password after checking the current one; signs out every other session. Returns how many."""
    actor = require_viewer(viewer)
    user = session.get(User, actor.user_id)
    assert user is not None
    errors: dict[str, str] = {}
    # A member who joined through a provider has no password yet and may set one.
    if user.password_hash is not None and not passwords.verify_password(
        user.password_hash, current_password if isinstance(current_password, str) else ""
    ):
        errors["current_password"] = "Your current password is not correct."
    try:
        new = text.clean_password(new_password)
    except ValueError as exc:
        errors["new_password"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = passwords.hash_password(new)
    session.add(user)
    keep = current_key or ""
    result = session.exec(  # type: ignore[call-overload]
        update(AuthSession)
        .where(
            col(AuthSession.user_id) == actor.user_id,
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.token_hash) != keep,
        )
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)
