"""Forgotten passwords: a one-time link by mail, valid for an hour; using it signs the member out everywhere.

The request answers the same whether or not the address belongs to a member, so it reveals no accounts.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import DomainError, ValidationFailed
from jtbd_app.models import LoginThrottle, PasswordReset, User, utcnow
from jtbd_app.services import mail, passwords
from jtbd_app.services.sign_in import revoke_sessions_of
from jtbd_app.services.tokens import token_hash

LINK_LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_HOUR = 3
NOT_CONFIGURED = "Password reset by email is not set up on this server. Ask an administrator for help."
BAD_LINK = "This reset link is invalid, used or expired. Ask for a new one."


def request_reset(
    session: Session, *, email: object, app_url: str, mail_enabled: bool, now: datetime | None = None
) -> None:
    """Mail a reset link to the member with this address, if there is one (at most 3 an hour)."""
    if not mail_enabled:
        raise DomainError(NOT_CONFIGURED)
    try:
        address = text.clean_email(email)
    except ValueError as exc:
        raise ValidationFailed({"email": str(exc)}) from None
    now = now or utcnow()
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None or user.id is None:
        return
    recent = session.exec(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, col(PasswordReset.created_at) > now - timedelta(hours=1))
    ).one()
    if recent >= MAX_LINKS_PER_HOUR:
        return
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=now + LINK_LIFETIME)
    )
    link = f"{app_url.rstrip('/')}/reset-password?token={token}"
    body = (
        "Someone asked to reset the password of your JTBD Marketplace account.\n\n"
        f"Choose a new password within the hour: {link}\n\n"
        "If it was not you, ignore this mail: your password stays as it is."
    )
    mail.queue_mail(session, to=user.email, subject="Reset your JTBD Marketplace password", body=body)


def link_is_valid(session: Session, *, token: object, now: datetime | None = None) -> bool:
    return _usable(session, token, now or utcnow()) is not None


def reset_password(session: Session, *, token: object, new_password: object, now: datetime | None = None) -> None:
    """Set the new password, spend every open link of the member, and sign them out everywhere."""
    now = now or utcnow()
    reset = _usable(session, token, now)
    if reset is None:
        raise DomainError(BAD_LINK)
    try:
        password = text.clean_password(new_password)
    except ValueError as exc:
        raise ValidationFailed({"new_password": str(exc)}) from None
    user = session.get(User, reset.user_id)
    assert user is not None
    user.password_hash = passwords.hash_password(password)
    session.add(user)
    session.exec(  # type: ignore[call-overload]
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=now)
    )
    revoke_sessions_of(session, user_id=reset.user_id)
    # A lock from failed sign-ins would otherwise keep the member out with their new password.
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.key).startswith(f"user:{user.id}|")))  # type: ignore[call-overload]


def _usable(session: Session, token: object, now: datetime) -> PasswordReset | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    reset = session.get(PasswordReset, token_hash(token))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    return reset
