"""Sign-up validation and throttled sign-in, as the accounts service enforces them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.domain.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from jtbd_app.models import LoginGrant, LoginThrottle, Profile, TermsAcceptance, User, utcnow
from jtbd_app.services.accounts import enrolment, membership, passwords
from tests.support.members import make_user

POLICY = membership.ThrottlePolicy(max_failures=3, window_seconds=900, lock_seconds=30)
GOOD = dict(
    email="ann@example.com", username="ann", display_name="Ann", password="a-long-password", accepted_terms_version=1
)


def users(db: Session) -> list[User]:
    return list(db.exec(select(User)).all())


def test_sign_up_creates_user_profile_and_terms_acceptance(db: Session) -> None:
    user = membership.sign_up(db, **GOOD)  # type: ignore[arg-type]
    db.commit()
    assert user.email == "ann@example.com" and user.role == "user"
    assert user.password_hash and user.password_hash.startswith("$argon2")
    assert db.get(Profile, user.id).display_name == "Ann"  # type: ignore[union-attr]
    assert db.exec(select(TermsAcceptance).where(TermsAcceptance.user_id == user.id)).one()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
        ({"username": "A B"}, "username", "lowercase"),
        ({"username": "admin"}, "username", "reserved"),
        ({"display_name": "<script>alert(1)</script>"}, "display_name", "cannot contain"),
        ({"display_name": "x" * 81}, "display_name", "at most 80"),
        ({"password": "short"}, "password", "at least 10"),
        ({"password": "p" * 257}, "password", "at most 256"),
        ({"accepted_terms_version": None}, "terms", "accept"),
        ({"accepted_terms_version": 0}, "terms", "accept"),
        ({"email": ["a@b.c"]}, "email", "required"),
    ],
)
def test_sign_up_refuses_bad_input_field_by_field_and_creates_nothing(
    db: Session, change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        membership.sign_up(db, **{**GOOD, **change})  # type: ignore[arg-type]
    assert message in caught.value.fields[field]
    db.rollback()
    assert users(db) == []


def test_sign_up_refuses_taken_email_and_username(db: Session) -> None:
    make_user("ann")
    with pytest.raises(ValidationFailed) as caught:
        membership.sign_up(db, **{**GOOD, "email": "ANN@example.com"})  # type: ignore[arg-type]
    assert set(caught.value.fields) == {"email", "username"}


def test_sign_in_by_email_or_username_is_case_insensitive(db: Session) -> None:
    make_user("ann")
    for ident in ("ann", "ANN@Example.com"):
        user = membership.authenticate(
            db, identifier=ident, password="correct-horse-battery", address="1.2.3.4", policy=POLICY
        )
        assert user.username == "ann"


def test_wrong_password_and_unknown_account_get_the_same_message(db: Session) -> None:
    make_user("ann")
    for ident in ("ann", "nobody"):
        with pytest.raises(InvalidCredentials) as caught:
            membership.authenticate(db, identifier=ident, password="wrong-password", address="1.2.3.4", policy=POLICY)
        assert caught.value.message == "That email or username and password do not match."


def test_empty_fields_are_reported_next_to_each_field(db: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        membership.authenticate(db, identifier=" ", password="", address="1.2.3.4", policy=POLICY)
    assert set(caught.value.fields) == {"identifier", "password"}


def test_repeated_failures_lock_that_account_and_address_even_for_the_right_password(db: Session) -> None:
    make_user("ann")
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            membership.authenticate(db, identifier="ann", password="nope-nope-nope", address="1.2.3.4", policy=POLICY)
    with pytest.raises(TooManyAttempts) as caught:
        membership.authenticate(
            db, identifier="ann", password="correct-horse-battery", address="1.2.3.4", policy=POLICY
        )
    assert 1 <= caught.value.retry_after_seconds <= 31
    # Another address is not locked out by someone else's guessing.
    assert membership.authenticate(
        db, identifier="ann", password="correct-horse-battery", address="5.6.7.8", policy=POLICY
    )


def test_lock_doubles_with_each_further_failure_and_success_resets_it(db: Session) -> None:
    key = f"user:{make_user('ann').id}|a"
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            membership.authenticate(db, identifier="ann", password="nope-nope-nope", address="a", policy=POLICY)
    throttle = db.get(LoginThrottle, key)
    assert throttle is not None and throttle.locked_until is not None
    throttle.locked_until = utcnow() - timedelta(seconds=1)  # the lock has passed
    db.add(throttle)
    db.commit()
    with pytest.raises(InvalidCredentials):
        membership.authenticate(db, identifier="ann", password="nope-nope-nope", address="a", policy=POLICY)
    db.refresh(throttle)
    assert throttle.locked_until is not None
    assert timedelta(seconds=55) < throttle.locked_until - utcnow() <= timedelta(seconds=60)
    throttle.locked_until = None
    db.add(throttle)
    db.commit()
    membership.authenticate(db, identifier="ann", password="correct-horse-battery", address="a", policy=POLICY)
    db.commit()
    assert db.get(LoginThrottle, key) is None


def test_failures_outside_the_window_start_a_new_count(db: Session) -> None:
    key = f"user:{make_user('ann').id}|a"
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            membership.authenticate(db, identifier="ann", password="nope-nope-nope", address="a", policy=POLICY)
    throttle = db.get(LoginThrottle, key)
    assert throttle is not None
    throttle.window_started_at = utcnow() - timedelta(hours=1)
    db.add(throttle)
    db.commit()
    with pytest.raises(InvalidCredentials):
        membership.authenticate(db, identifier="ann", password="nope-nope-nope", address="a", policy=POLICY)
    db.refresh(throttle)
    assert throttle.failures == 1 and throttle.locked_until is None


def test_production_hash_parameters_verify() -> None:
    hasher = passwords.production_hasher()
    digest = hasher.hash("correct-horse-battery")
    assert digest.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP's parameters (passwords' docstring)
    assert hasher.verify(digest, "correct-horse-battery")


def test_a_hash_with_older_parameters_signs_in_and_is_made_again_with_todays(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "_hasher", passwords.production_hasher)
    ann = make_user("ann")
    # argon2-cffi's default parameters, which hashes were made with before: 64 MiB, 3 passes, 4 lanes
    ann.password_hash = passwords.PasswordHasher().hash("correct-horse-battery")
    db.add(ann)
    db.commit()
    assert passwords.needs_rehash(ann.password_hash)
    user = membership.authenticate(
        db, identifier="ann", password="correct-horse-battery", address="1.2.3.4", policy=POLICY
    )
    db.commit()
    db.refresh(user)
    assert user.password_hash and user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(user.password_hash, "correct-horse-battery")
    assert not passwords.verify_password(user.password_hash, "correct-horse-batter")


def test_the_sign_in_form_gets_a_grant_only_for_matching_credentials(db: Session) -> None:
    make_user("ann")
    grant = membership.sign_in_with_password(
        db, identifier="ann", password="correct-horse-battery", address="1.2.3.4", policy=POLICY
    )
    assert grant and db.exec(select(LoginGrant)).one().user_id == users(db)[0].id
    with pytest.raises(InvalidCredentials):
        membership.sign_in_with_password(db, identifier="ann", password="wrong-password", address="1.2.3.4")
    assert db.exec(select(LoginThrottle)).one().failures == 1  # the settings' policy counted the failure


def test_the_sign_up_form_creates_the_account_and_a_grant_or_nothing(db: Session) -> None:
    outcome = enrolment.sign_up_from_form(db, **GOOD, app_url="http://x", mail_enabled=False)  # type: ignore[arg-type]
    assert outcome.grant and db.exec(select(LoginGrant)).one().user_id == users(db)[0].id
    with pytest.raises(ValidationFailed):
        enrolment.sign_up_from_form(
            db, **{**GOOD, "username": "bea", "password": "x"}, app_url="http://x", mail_enabled=False
        )  # type: ignore[arg-type]
    assert len(users(db)) == 1
