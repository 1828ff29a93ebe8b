"""Server-side sessions: a one-time grant from the websocket, a cookie token from the HTTP route."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, update

from jtbd_app.domain.errors import NotSignedIn
from jtbd_app.models import AuthSession, LoginGrant, User, utcnow
from jtbd_app.services.tokens import new_token, token_hash
from jtbd_app.services.viewer import Viewer

GRANT_SECONDS = 60


def issue_login_grant(session: Session, *, user: User) -> str:
    """A ticket the browser trades, within a minute and once, for a session cookie."""
    assert user.id is not None
    grant = new_token()
    session.add(
        LoginGrant(
            token_hash=token_hash(grant),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=GRANT_SECONDS),
        )
    )
    session.flush()
    return grant


def redeem_login_grant(session: Session, *, grant: str, ip: str, user_agent: str, session_days: int) -> str:
    """Consume the grant and open a session; returns the cookie token."""
    row = session.get(LoginGrant, token_hash(grant)) if 0 < len(grant) <= 200 else None
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotSignedIn("This sign-in link has expired. Please sign in again.")
    row.used_at = now
    session.add(row)
    return open_session(session, user_id=row.user_id, ip=ip, user_agent=user_agent, session_days=session_days)


def open_session(session: Session, *, user_id: int, ip: str, user_agent: str, session_days: int) -> str:
    token = new_token()
    session.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user_id,
            expires_at=utcnow() + timedelta(days=session_days),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    return token


def sign_out(session: Session, *, key: str | None) -> None:
    """Revoke the session with this key, the keyed hash of its cookie (no-op for an unknown one)."""
    if not key:
        return
    session.exec(  # type: ignore[call-overload]
        update(AuthSession)
        .where(col(AuthSession.token_hash) == key, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def sign_out_everywhere(session: Session, *, viewer: Viewer | None) -> int:
    """Revoke every session of the viewer; returns how many were open."""
    if viewer is None:
        raise NotSignedIn()
    return revoke_sessions_of(session, user_id=viewer.user_id)


def revoke_sessions_of(session: Session, *, user_id: int) -> int:
    """Sign a member out of every device (after a sign-out everywhere or a password reset)."""
    result = session.exec(  # type: ignore[call-overload]
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)
