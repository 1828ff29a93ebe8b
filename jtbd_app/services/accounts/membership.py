"""Sign-up, sign-in with throttling, and roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from jtbd_app.config import Settings, get_settings
from jtbd_app.domain import text
from jtbd_app.domain.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from jtbd_app.models import LoginThrottle, Profile, TermsVersion, User, utcnow
from jtbd_app.services.accounts import email_verification, passwords, sign_in, terms


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window_seconds: int = 900
    lock_seconds: int = 30
    max_lock_seconds: int = 900

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
            lock_seconds=settings.login_lock_seconds,
        )


@dataclass(frozen=True)
class SignUpForm:
    """The sign-up form, checked: clean values, the terms accepted, and the member who already has the address."""

    values: dict[str, str]
    terms: TermsVersion
    holder: User | None


def check_sign_up(
    session: Session,
    *,
    email: object,
    username: object,
    display_name: object,
    password: object,
    accepted_terms_version: object,
    tell_known_email: bool,
) -> SignUpForm:
    """Every field checked; ValidationFailed lists what is wrong. Whether the address is taken is said only when
    `tell_known_email` (a username is public anyway, so a taken one is always said)."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, cleaner in (
        ("email", text.clean_email),
        ("username", text.clean_username),
        ("password", text.clean_password),
    ):
        try:
            values[field] = cleaner({"email": email, "username": username, "password": password}[field])
        except ValueError as exc:
            errors[field] = str(exc)
    try:
        values["display_name"] = text.clean_line(display_name, label="Display name", max_len=80)
    except ValueError as exc:
        errors["display_name"] = str(exc)
    current = terms.current_terms(session)
    if current is None or accepted_terms_version != current.version:
        errors["terms"] = "Please read and accept the current terms of service."
    holder = session.exec(select(User).where(User.email == values["email"])).first() if "email" in values else None
    if holder is not None and tell_known_email:
        errors["email"] = "An account with this email already exists. Sign in instead."
    if "username" in values and session.exec(select(User).where(User.username == values["username"])).first():
        errors["username"] = "That username is taken."
    if errors:
        raise ValidationFailed(errors)
    assert current is not None
    return SignUpForm(values=values, terms=current, holder=holder)


def create_member(session: Session, form: SignUpForm) -> User:
    """The account of a checked form, its profile, and its acceptance of the terms."""
    user = create_user(
        session,
        email=form.values["email"],
        username=form.values["username"],
        display_name=form.values["display_name"],
        password_hash=passwords.hash_password(form.values["password"]),
    )
    assert user.id is not None
    terms.record_acceptance(session, user_id=user.id, terms_version=form.terms)
    return user


def sign_up(
    session: Session,
    *,
    email: object,
    username: object,
    display_name: object,
    password: object,
    accepted_terms_version: object,
) -> User:
    """Create an account with its profile and the acceptance of the current terms (a known address is refused)."""
    form = check_sign_up(
        session,
        email=email,
        username=username,
        display_name=display_name,
        password=password,
        accepted_terms_version=accepted_terms_version,
        tell_known_email=True,
    )
    return create_member(session, form)


def create_user(session: Session, *, email: str, username: str, display_name: str, password_hash: str | None) -> User:
    user = User(email=email, username=username, password_hash=password_hash)
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add(Profile(user_id=user.id, display_name=display_name))
    session.flush()
    return user


def authenticate(
    session: Session,
    *,
    identifier: object,
    password: object,
    address: str,
    policy: ThrottlePolicy,
) -> User:
    """The user whose email or username and password match; slowed after repeated failures."""
    ident = identifier.strip().lower()[:254] if isinstance(identifier, str) else ""
    secret = password if isinstance(password, str) else ""
    if not ident or not secret:
        raise ValidationFailed(
            {
                k: v
                for k, v in (
                    ("identifier", "" if ident else "Enter your email or username."),
                    ("password", "" if secret else "Enter your password."),
                )
                if v
            }
        )
    column = User.email if "@" in ident else User.username
    user = session.exec(select(User).where(column == ident)).first()
    # Count failures per account, so its email and its username share one counter.
    key = f"user:{user.id}|{address[:64]}" if user is not None else f"{ident}|{address[:64]}"
    throttle = session.get(LoginThrottle, key)
    now = utcnow()
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise TooManyAttempts(max(1, int((throttle.locked_until - now).total_seconds()) + 1))
    # An account awaiting its mailed confirmation answers as a wrong password would: anything else would tell
    # whoever signed up with someone's address whether that address already had an account.
    if (
        user is not None
        and passwords.verify_password(user.password_hash, secret[:256])
        and not email_verification.awaiting_confirmation(session, user=user)
    ):
        if throttle:
            session.delete(throttle)
        if user.password_hash and passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(secret)
            session.add(user)
        return user
    if user is None:
        passwords.verify_password(None, secret[:256])
    _record_failure(session, key=key, existing=throttle, policy=policy)
    raise InvalidCredentials()


def sign_in_with_password(
    session: Session, *, identifier: object, password: object, address: str, policy: ThrottlePolicy | None = None
) -> sign_in.IssuedGrant:
    """The sign-in form: a one-time grant for the member whose credentials match (throttled as `authenticate`).

    Without a policy, the one from the settings applies.
    """
    policy = policy or ThrottlePolicy.from_settings(get_settings())
    user = authenticate(session, identifier=identifier, password=password, address=address, policy=policy)
    return sign_in.issue_login_grant(session, user=user)


def _record_failure(session: Session, *, key: str, existing: LoginThrottle | None, policy: ThrottlePolicy) -> None:
    now = utcnow()
    throttle = existing or LoginThrottle(key=key, failures=0, window_started_at=now)
    if now - throttle.window_started_at > timedelta(seconds=policy.window_seconds):
        throttle.failures = 0
        throttle.window_started_at = now
    throttle.failures += 1
    over = throttle.failures - policy.max_failures
    if over >= 0:
        seconds = min(policy.lock_seconds * (2**over), policy.max_lock_seconds)
        throttle.locked_until = now + timedelta(seconds=seconds)
    session.add(throttle)
    # Commit the failure even though the caller raises: the count must survive the rollback.
    session.commit()
