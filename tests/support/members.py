"""Members for tests, signed up through the real service on the database the settings point at."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.db import session_scope
from jtbd_app.models import User, utcnow
from jtbd_app.services.accounts import membership, sign_in

PASSWORD = "correct-horse-battery"


def sign_up(
    session: Session, username: str, *, display_name: str = "", password: str = PASSWORD, terms_version: int = 1
) -> User:
    """`username` signs up as the sign-up form does: email `username@example.com`, named `display_name` (or the
    username in title case), accepting the terms of `terms_version`."""
    return membership.sign_up(
        session,
        email=f"{username}@example.com",
        username=username,
        display_name=display_name or username.title(),
        password=password,
        accepted_terms_version=terms_version,
    )


def make_user(
    username: str,
    *,
    role: str = "user",
    status: str = "active",
    password: str = PASSWORD,
    email_verified: bool = True,
) -> User:
    """A member with a profile, created through the sign-up service."""
    with session_scope() as session:
        user = sign_up(session, username, password=password)
        user.role, user.status = role, status
        user.email_verified_at = utcnow() if email_verified else None
        if status == "suspended":
            user.suspended_reason = "Spam."
        session.add(user)
    return user


def session_token(user: User) -> str:
    assert user.id is not None
    with session_scope() as session:
        return sign_in.open_session(session, user_id=user.id, ip="127.0.0.1", user_agent="pytest", session_days=30)
