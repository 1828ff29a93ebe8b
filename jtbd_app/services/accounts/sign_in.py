"""Server-side sessions: a one-time grant from the websocket, a cookie token from the HTTP route.

A grant is bound to the browser it was issued to: it works only with the nonce that browser holds in a
short-lived cookie, so a grant sent to someone else (a login CSRF) opens nothing for them.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, update

from jtbd_app.domain.errors import NotSignedIn
from jtbd_app.models import AuthSession, LoginGrant, User, utcnow
from jtbd_app.services.tokens import new_token, token_hash
from jtbd_app.services.viewer import Viewer

GRANT_SECONDS = 60
EXPIRED = "This sign-in link has expired. Please sign in again."
OTHER_BROWSER = "This sign-in link was started in another browser. Please sign in again in this one."


class GrantFromAnotherBrowser(NotSignedIn):
    """The grant is real but the browser redeeming it does not hold its nonce."""

    def __init__(self) -> None:
        super().__init__(OTHER_BROWSER)


@dataclass(frozen=True)
class IssuedGrant:
    """The grant travels in the URL; the nonce goes only to the browser that asked, as a cookie."""

    grant: str
    browser_nonce: str


def issue_login_grant(session: Session, *, user: User) -> IssuedGrant:
    """A ticket the browser that asked trades, within a minute and once, for a session cookie."""
    assert user.id is not None
    issued = IssuedGrant(grant=new_token(), browser_nonce=new_token())
    session.add(
        LoginGrant(
            token_hash=token_hash(issued.grant),
            browser_nonce_hash=token_hash(issued.browser_nonce),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=GRANT_SECONDS),
        )
    )
    session.flush()
    return issued


def redeem_login_grant(
    session: Session, *, grant: str, browser_nonce: str | None, ip: str, user_agent: str, session_days: int
) -> str:
    """Consume the grant, if this browser holds its nonce, and open a session; returns the cookie token."""
    row = session.get(LoginGrant, token_hash(grant)) if 0 < len(grant) <= 200 else None
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotSignedIn(EXPIRED)
    nonce = browser_nonce if isinstance(browser_nonce, str) and 0 < len(browser_nonce) <= 200 else ""
    if not nonce or not row.browser_nonce_hash or not hmac.compare_digest(token_hash(nonce), row.browser_nonce_hash):
        raise GrantFromAnotherBrowser()
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
