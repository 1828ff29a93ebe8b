"""Forgotten passwords: a one-time, one-hour link by mail that reveals no accounts and signs out everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, ValidationFailed
from jtbd_app.models import LoginThrottle, OutgoingMail, User, utcnow
from jtbd_app.services.accounts import password_reset, passwords
from jtbd_app.services.viewer import viewer_from_token
from jtbd_app.state.password_reset import PasswordResetState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token

APP = "https://jtbd.example"


def ask(email: object, *, mail_enabled: bool = True) -> None:
    with session_scope() as s:
        password_reset.request_reset(s, email=email, app_url=APP, mail_enabled=mail_enabled)


def mailed_token(db: Session) -> str:
    body = db.exec(select(OutgoingMail)).all()[-1].body
    found = re.search(r"/reset-password\?token=([\w-]+)", body)
    assert found, body
    return found.group(1)


def test_a_member_gets_a_link_and_sets_a_new_password_which_signs_them_out_everywhere(db: Session) -> None:
    ann = make_user("ann")
    token_before = session_token(ann)
    ask("ANN@example.com ")
    mail = db.exec(select(OutgoingMail)).one()
    assert mail.to_address == "ann@example.com" and mail.subject == "Reset your JTBD Marketplace password"
    token = mailed_token(db)
    with session_scope() as s:
        password_reset.reset_password(s, token=token, new_password="a-brand-new-password")
    db.expire_all()
    user = db.get(User, ann.id)
    assert user and passwords.verify_password(user.password_hash or "", "a-brand-new-password")
    with session_scope() as s:
        assert viewer_from_token(s, token_before) is None
    with session_scope() as s, pytest.raises(DomainError, match="invalid, used or expired"):
        password_reset.reset_password(s, token=token, new_password="another-new-password")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db: Session) -> None:
    ask("nobody@example.com")
    assert db.exec(select(OutgoingMail)).all() == []


def test_at_most_three_links_an_hour(db: Session) -> None:
    make_user("ann")
    for _ in range(5):
        ask("ann@example.com")
    assert len(db.exec(select(OutgoingMail)).all()) == 3


def test_an_expired_link_is_refused(db: Session) -> None:
    make_user("ann")
    ask("ann@example.com")
    token = mailed_token(db)
    later = utcnow() + timedelta(hours=1, seconds=1)
    with session_scope() as s:
        assert not password_reset.link_is_valid(s, token=token, now=later)
    with session_scope() as s, pytest.raises(DomainError):
        password_reset.reset_password(s, token=token, new_password="a-brand-new-password", now=later)


@pytest.mark.parametrize("token", [None, "", "x" * 10, "y" * 5000, 42, ["a"]])
def test_forged_tokens_change_nothing(db: Session, token: object) -> None:
    ann = make_user("ann")
    before = db.get(User, ann.id).password_hash  # type: ignore[union-attr]
    with session_scope() as s, pytest.raises(DomainError):
        password_reset.reset_password(s, token=token, new_password="a-brand-new-password")
    db.expire_all()
    assert db.get(User, ann.id).password_hash == before  # type: ignore[union-attr]


def test_a_weak_password_is_refused_and_the_link_still_works(db: Session) -> None:
    make_user("ann")
    ask("ann@example.com")
    token = mailed_token(db)
    with session_scope() as s, pytest.raises(ValidationFailed) as caught:
        password_reset.reset_password(s, token=token, new_password="short")
    assert "new_password" in caught.value.fields
    with session_scope() as s:
        assert password_reset.link_is_valid(s, token=token)


def test_a_reset_lifts_a_sign_in_lock(db: Session) -> None:
    ann = make_user("ann")
    with session_scope() as s:
        s.add(LoginThrottle(key=f"user:{ann.id}|10.0.0.1", failures=9, locked_until=utcnow() + timedelta(hours=1)))
    ask("ann@example.com")
    with session_scope() as s:
        password_reset.reset_password(s, token=mailed_token(db), new_password="a-brand-new-password")
    assert db.exec(select(LoginThrottle)).all() == []


@pytest.mark.parametrize("email", ["", "not-an-email", "<script>@x", "a" * 500 + "@example.com", None])
def test_a_malformed_address_is_refused_by_its_field(db: Session, email: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ask(email)
    assert "email" in caught.value.fields


def test_without_mail_the_page_says_so_and_nothing_is_stored(db: Session) -> None:
    make_user("ann")
    with pytest.raises(DomainError, match="not set up"):
        ask("ann@example.com", mail_enabled=False)
    state = state_for(PasswordResetState, path="/reset-password")
    call(state, "load_reset")
    assert state.mode == "request" and not state.mail_enabled
    call(state, "request_link", {"email": "ann@example.com"})
    assert state.errors["form"].startswith("Password reset by email is not set up")
    assert db.exec(select(OutgoingMail)).all() == []


def test_the_page_walks_from_the_link_to_a_new_password(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "jtbd@example.com")
    get_settings.cache_clear()
    make_user("ann")
    state = state_for(PasswordResetState, path="/reset-password")
    call(state, "load_reset")
    call(state, "request_link", {"email": "ann@example.com"})
    assert state.sent and state.errors == {}
    token = mailed_token(db)
    chooser = state_for(PasswordResetState, path=f"/reset-password?token={token}")
    call(chooser, "load_reset")
    assert chooser.mode == "choose"
    call(chooser, "choose_password", {"new_password": "a-brand-new-password"})
    assert chooser.done
    used = state_for(PasswordResetState, path=f"/reset-password?token={token}")
    call(used, "load_reset")
    assert used.mode == "invalid"
