"""The sign-up form's answer. With mail on it is the same for a known and an unknown address ("check your inbox"):
the owner of a known address is told by mail, a new account waits for the mailed link. Without mail there is no
inbox to send anyone to, so the form signs the newcomer in at once and says when an address is taken (the
trade-off is in the README's security section).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.models import OutgoingMail, User, utcnow
from jtbd_app.services import mail
from jtbd_app.services.accounts import email_verification, passwords, sign_in
from jtbd_app.services.accounts.membership import check_sign_up, create_member

ALREADY_SUBJECT = "Someone tried to create an account with your address"
MAX_NOTICES_PER_HOUR = 3


@dataclass(frozen=True)
class SignUpOutcome:
    grant: sign_in.IssuedGrant | None = None  # mail off: a one-time sign-in grant for the new account
    check_inbox: str = ""  # mail on: the address the page tells the visitor to look at


def sign_up_from_form(
    session: Session,
    *,
    email: object,
    username: object,
    display_name: object,
    password: object,
    accepted_terms_version: object,
    app_url: str,
    mail_enabled: bool,
) -> SignUpOutcome:
    """The form checked field by field (ValidationFailed); then a grant (mail off) or the inbox to check (mail on)."""
    form = check_sign_up(
        session,
        email=email,
        username=username,
        display_name=display_name,
        password=password,
        accepted_terms_version=accepted_terms_version,
        tell_known_email=not mail_enabled,
    )
    if not mail_enabled:
        return SignUpOutcome(grant=sign_in.issue_login_grant(session, user=create_member(session, form)))
    if form.holder is None:
        user = create_member(session, form)
        email_verification.send_confirmation(
            session, user=user, app_url=app_url, mail_enabled=True, to_finish_sign_up=True
        )
    else:
        passwords.hash_password(form.values["password"])  # the same work as a new account, so time tells nothing
        _tell_the_holder(session, user=form.holder, app_url=app_url)
    return SignUpOutcome(check_inbox=form.values["email"])


def _tell_the_holder(session: Session, *, user: User, app_url: str) -> None:
    """An account still waiting for its link gets the link again; any other gets a notice (at most 3 an hour)."""
    if email_verification.awaiting_confirmation(session, user=user):
        email_verification.send_confirmation(
            session, user=user, app_url=app_url, mail_enabled=True, to_finish_sign_up=True
        )
        return
    since = utcnow() - timedelta(hours=1)
    sent = session.exec(
        select(func.count())
        .select_from(OutgoingMail)
        .where(
            OutgoingMail.to_address == user.email,
            OutgoingMail.subject == ALREADY_SUBJECT,
            col(OutgoingMail.created_at) > since,
        )
    ).one()
    if int(sent) >= MAX_NOTICES_PER_HOUR:
        return
    base = app_url.rstrip("/")
    body = (
        "Someone just tried to create a JTBD Marketplace account with this address, which already has one.\n\n"
        f"If it was you, sign in: {base}/login\n"
        f"Forgot your password? Reset it: {base}/reset-password\n\n"
        "If it was not you, ignore this mail: nothing was changed and no account was created."
    )
    mail.queue_mail(session, to=user.email, subject=ALREADY_SUBJECT, body=body)
