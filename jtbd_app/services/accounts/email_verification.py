"""Confirming an email address: mail goes only to confirmed addresses, so nobody can sign up with someone
else's address and have us mail them.

With mail on, an account made by the sign-up form waits for its first confirmation (a `confirm_signup` link) before
its password signs in; a member confirming later (a `verify_email` link) is already signed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from jtbd_app.domain.errors import DomainError
from jtbd_app.models import User, utcnow
from jtbd_app.services import mail
from jtbd_app.services.accounts.mailed_links import ever_issued, issue_link, issued_within, spend_links, usable_link
from jtbd_app.services.viewer import Viewer, require_viewer

PURPOSE = "verify_email"
SIGNUP_PURPOSE = "confirm_signup"
LINK_LIFETIME = timedelta(days=2)
MAX_LINKS_PER_HOUR = 3


def send_confirmation(
    session: Session,
    *,
    user: User,
    app_url: str,
    mail_enabled: bool,
    now: datetime | None = None,
    to_finish_sign_up: bool = False,
) -> bool:
    """Mail a confirmation link (at most 3 an hour); False when there is nothing to send."""
    now = now or utcnow()
    purpose = SIGNUP_PURPOSE if to_finish_sign_up else PURPOSE
    if not mail_enabled or user.id is None or user.email_verified_at is not None:
        return False
    if issued_within(session, user_id=user.id, purpose=purpose, since=now - timedelta(hours=1)) >= MAX_LINKS_PER_HOUR:
        return False
    token = issue_link(session, user_id=user.id, purpose=purpose, lifetime=LINK_LIFETIME, now=now)
    link = f"{app_url.rstrip('/')}/verify-email?token={token}"
    why = "to finish creating your account" if to_finish_sign_up else "to get notifications by mail"
    body = (
        f"Welcome to JTBD Marketplace. Confirm that this address is yours {why}:\n\n"
        f"{link}\n\nThe link works for two days. If you did not sign up, ignore this mail."
    )
    mail.queue_mail(session, to=user.email, subject="Confirm your email address", body=body)
    return True


def resend_confirmation(session: Session, *, viewer: Viewer | None, app_url: str, mail_enabled: bool) -> bool:
    """The signed-in member asks for a new link to their own address."""
    actor = require_viewer(viewer)
    user = session.get(User, actor.user_id)
    assert user is not None
    return send_confirmation(session, user=user, app_url=app_url, mail_enabled=mail_enabled)


def confirm_email(session: Session, *, token: object, now: datetime | None = None) -> None:
    now = now or utcnow()
    link = usable_link(session, token=token, purpose=(PURPOSE, SIGNUP_PURPOSE), now=now)
    if link is None:
        raise DomainError("This confirmation link is invalid, used or expired. Sign in to ask for a new one.")
    user = session.get(User, link.user_id)
    assert user is not None
    user.email_verified_at = now
    session.add(user)
    spend_links(session, user_id=link.user_id, purpose=(PURPOSE, SIGNUP_PURPOSE), now=now)


def awaiting_confirmation(session: Session, *, user: User) -> bool:
    """True for an account made by the sign-up form with mail on whose address is not confirmed yet."""
    if user.email_verified_at is not None or user.id is None:
        return False
    return ever_issued(session, user_id=user.id, purpose=SIGNUP_PURPOSE)
