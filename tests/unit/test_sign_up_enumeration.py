"""With mail on, the sign-up form answers the same for a known and an unknown address; the mail tells the owner.

Without mail the form signs the newcomer in at once and says that an address is taken (the README's trade-off).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.domain.errors import InvalidCredentials
from jtbd_app.models import LoginGrant, OutgoingMail, User
from jtbd_app.services.accounts import enrolment, membership
from jtbd_app.state.auth import LoginState, SignupState
from jtbd_app.state.email_verification import EmailVerificationState
from tests.support.handlers import call, state_for
from tests.support.members import make_user

FORM = {
    "email": "ann@example.com",
    "username": "newcomer",
    "display_name": "New Comer",
    "password": "a-long-enough-password",
    "accept_terms": True,  # what the browser sends for the ticked box
}


@pytest.fixture
def smtp_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "jtbd@example.com")
    get_settings.cache_clear()


def submit(form: dict[str, Any]) -> tuple[SignupState, Any]:
    signup = state_for(SignupState, path="/signup")
    call(signup, "load_signup")
    return signup, call(signup, "submit_signup", form)


def mails(db: Session) -> list[OutgoingMail]:
    db.expire_all()
    return list(db.exec(select(OutgoingMail).order_by(OutgoingMail.id)).all())  # type: ignore[arg-type]


def test_a_known_and_an_unknown_address_get_the_same_answer_and_nobody_is_signed_in(db: Session, smtp_on: None) -> None:
    make_user("ann")  # ann@example.com
    known, known_reply = submit(FORM)
    unknown, unknown_reply = submit({**FORM, "email": "new@example.com"})

    assert known.errors == unknown.errors == {}
    assert known.inbox == "ann@example.com" and unknown.inbox == "new@example.com"
    assert known_reply is None and unknown_reply is None  # no grant, no page load: nobody is signed in
    assert db.exec(select(LoginGrant)).all() == []
    owner_notice, confirmation = mails(db)
    assert owner_notice.to_address == "ann@example.com" and owner_notice.subject == enrolment.ALREADY_SUBJECT
    assert "http://localhost:3000/login" in owner_notice.body and "/reset-password" in owner_notice.body
    assert confirmation.to_address == "new@example.com" and "/verify-email?token=" in confirmation.body
    created = db.exec(select(User).where(User.email == "new@example.com")).one()
    assert created.username == "newcomer" and created.email_verified_at is None
    assert len(db.exec(select(User).where(User.email == "ann@example.com")).all()) == 1


def test_a_taken_username_is_still_said_it_is_public_anyway(db: Session, smtp_on: None) -> None:
    make_user("newcomer")
    signup, _ = submit({**FORM, "email": "other@example.com"})
    assert signup.errors == {"username": "That username is taken."} and signup.inbox == ""
    assert mails(db) == []


def test_the_owner_notice_is_sent_at_most_three_times_an_hour(db: Session, smtp_on: None) -> None:
    make_user("ann")
    for n in range(5):
        submit({**FORM, "username": f"try{n}"})
    assert len(mails(db)) == enrolment.MAX_NOTICES_PER_HOUR


def test_until_the_link_is_opened_the_password_answers_as_a_wrong_one(db: Session, smtp_on: None) -> None:
    submit({**FORM, "email": "new@example.com"})
    with pytest.raises(InvalidCredentials):
        membership.sign_in_with_password(db, identifier="newcomer", password=FORM["password"], address="1.2.3.4")
    login = state_for(LoginState, path="/login")
    call(login, "submit_login", {"identifier": "newcomer", "password": FORM["password"]})
    wrong = state_for(LoginState, path="/login")
    call(wrong, "submit_login", {"identifier": "newcomer", "password": "not-the-password"})
    assert login.form_error == wrong.form_error and "Open the link we mailed you" in login.form_error

    # Signing up again with the address of an account still waiting sends its link again.
    submit({**FORM, "username": "someone-else", "email": "new@example.com"})
    token = re.search(r"/verify-email\?token=([\w-]+)", mails(db)[-1].body)
    assert token is not None and mails(db)[-1].to_address == "new@example.com"
    page = state_for(EmailVerificationState, path=f"/verify-email?token={token.group(1)}")
    call(page, "confirm")
    assert page.confirmed and not page.signed_in  # the page then asks for the password to sign in
    grant = membership.sign_in_with_password(
        db, identifier="new@example.com", password=FORM["password"], address="1.2.3.4"
    )
    assert grant


def test_without_mail_a_known_address_is_said_and_a_new_one_signs_in_at_once(db: Session) -> None:
    make_user("ann")
    known, _ = submit(FORM)
    assert known.errors == {"email": "An account with this email already exists. Sign in instead."}
    unknown, reply = submit({**FORM, "email": "new@example.com"})
    assert unknown.errors == {} and unknown.inbox == "" and "/api/auth/complete?grant=" in str(reply)
    assert mails(db) == []
    assert membership.sign_in_with_password(db, identifier="newcomer", password=FORM["password"], address="1.2.3.4")
