"""Confirming an email address at sign-up: only confirmed addresses get mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.models import OutgoingMail, User, utcnow
from jtbd_app.services.accounts import email_verification
from jtbd_app.services.messaging import notifications
from jtbd_app.state.auth import SignupState
from jtbd_app.state.email_verification import EmailVerificationState
from jtbd_app.state.session import SessionState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


@pytest.fixture
def smtp_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "jtbd@example.com")
    get_settings.cache_clear()


def token_in(mail: OutgoingMail) -> str:
    found = re.search(r"/verify-email\?token=([\w-]+)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_signing_up_mails_a_link_that_confirms_the_address(db: Session, smtp_on: None) -> None:
    form = {
        "email": "newbie@example.com",
        "username": "newbie",
        "display_name": "New Bie",
        "password": "a-long-enough-password",
        "accept_terms": True,  # the box, as Reflex hands it over (its ref's `checked`)
    }
    signup = state_for(SignupState, path="/signup")
    call(signup, "load_signup")
    call(signup, "submit_signup", form)
    mail = db.exec(select(OutgoingMail)).one()
    assert mail.to_address == "newbie@example.com" and mail.subject == "Confirm your email address"
    user = db.exec(select(User).where(User.username == "newbie")).one()
    assert user.email_verified_at is None
    page = state_for(EmailVerificationState, path=f"/verify-email?token={token_in(mail)}")
    call(page, "confirm")
    assert page.confirmed
    db.expire_all()
    assert db.exec(select(User).where(User.username == "newbie")).one().email_verified_at is not None
    again = state_for(EmailVerificationState, path=f"/verify-email?token={token_in(mail)}")
    call(again, "confirm")
    assert not again.confirmed and "invalid, used or expired" in again.problem


def test_an_unconfirmed_address_gets_no_notification_mail(db: Session, smtp_on: None) -> None:
    quiet = make_user("quiet", email_verified=False)
    loud = make_user("loud")
    with session_scope() as s:
        for user in (quiet, loud):
            notifications.notify(s, user_id=user.id or 0, kind="message", title="Hello", link="/messages")
    assert [m.to_address for m in db.exec(select(OutgoingMail)).all()] == ["loud@example.com"]


def test_the_banner_shows_until_confirmed_and_a_new_link_can_be_asked_for(db: Session, smtp_on: None) -> None:
    token = session_token(make_user("ann", email_verified=False))
    state = state_for(SessionState, token=token)
    call(state, "load_session")
    assert state.needs_email_verification
    call(state, "resend_confirmation")
    assert state.confirmation_note == "We sent a new link; check your inbox."
    for _ in range(3):
        call(state, "resend_confirmation")
    assert state.confirmation_note == "No new link was sent; try again later."
    assert len(db.exec(select(OutgoingMail)).all()) == 3
    with session_scope() as s:
        email_verification.confirm_email(s, token=token_in(db.exec(select(OutgoingMail)).all()[0]))
    call(state, "load_session")
    assert not state.needs_email_verification


def test_without_mail_there_is_no_banner(db: Session) -> None:
    token = session_token(make_user("ann", email_verified=False))
    state = state_for(SessionState, token=token)
    call(state, "load_session")
    assert not state.needs_email_verification


def test_an_expired_or_forged_link_is_refused(db: Session, smtp_on: None) -> None:
    ann = make_user("ann", email_verified=False)
    with session_scope() as s:
        user = s.get(User, ann.id)
        assert user is not None
        email_verification.send_confirmation(s, user=user, app_url="http://x", mail_enabled=True)
    token = token_in(db.exec(select(OutgoingMail)).one())
    for bad, when in ((token, utcnow() + timedelta(days=3)), ("forged-token-0123456789", None), (None, None)):
        with session_scope() as s, pytest.raises(DomainError):
            email_verification.confirm_email(s, token=bad, now=when)
    db.expire_all()
    assert db.get(User, ann.id).email_verified_at is None  # type: ignore[union-attr]
