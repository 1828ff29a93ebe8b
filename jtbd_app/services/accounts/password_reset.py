"""Forgotten passwords: a one-time link by mail, valid for an hour; using it signs the member out everywhere.

The request answers the same whether or not the address belongs to a member, so it reveals no accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import DomainError, ValidationFailed
from jtbd_app.models import LoginThrottle, User, utcnow
from jtbd_app.services import mail
from jtbd_app.services.accounts import passwords
from jtbd_app.services.accounts.mailed_links import issue_link, issued_within, spend_links, usable_link
from jtbd_app.services.accounts.sign_in import revoke_sessions_of

PURPOSE = "reset_password"
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
    if issued_within(session, user_id=user.id, purpose=PURPOSE, since=now - timedelta(hours=1)) >= MAX_LINKS_PER_HOUR:
        return
    token = issue_link(session, user_id=user.id, purpose=PURPOSE, lifetime=LINK_LIFETIME, now=now)
    link = f"{app_url.rstrip('/')}/reset-password?token={token}"
    body = (
        "Someone asked to reset the password of your JTBD Marketplace account.\n\n"
        f"Choose a new password within the hour: {link}\n\n"
        "If it was not you, ignore this mail: your password stays as it is."
    )
    mail.queue_mail(session, to=user.email, subject="Reset your JTBD Marketplace password", body=body)


def link_is_valid(session: Session, *, token: object, now: datetime | None = None) -> bool:
    return usable_link(session, token=token, purpose=PURPOSE, now=now) is not None


def reset_password(session: Session, *, token: object, new_password: object, now: datetime | None = None) -> None:
    """Set the new password, spend every open link of the member, and sign them out everywhere."""
    now = now or utcnow()
    link = usable_link(session, token=token, purpose=PURPOSE, now=now)
    if link is None:
        raise DomainError(BAD_LINK)
    try:
        password = text.clean_password(new_password)
    except ValueError as exc:
        raise ValidationFailed({"new_password": str(exc)}) from None
    user = session.get(User, link.user_id)
    assert user is not None and user.id is not None
    user.password_hash = passwords.hash_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link reached this mailbox: the address is the member's
    session.add(user)
    spend_links(session, user_id=user.id, purpose=PURPOSE, now=now)
    revoke_sessions_of(session, user_id=user.id)
    # A lock from failed sign-ins would otherwise keep the member out with their new password.
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.key).startswith(f"user:{user.id}|")))  # type: ignore[call-overload]
