"""Sign-in through an outside identity provider.

A one-time flow (state, nonce, PKCE verifier) is bound to the browser that began it; the identity it yields
finds, links or creates our user. The HTTP route, not this module, opens the session.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, delete, select, update

from jtbd_app.domain import text
from jtbd_app.domain.errors import ExternalSignInFailed
from jtbd_app.models import OAuthFlow, OAuthIdentity, User, utcnow
from jtbd_app.services.accounts import membership
from jtbd_app.services.ports import ExternalIdentity, IdentityProvider

FLOW_MAX_AGE = timedelta(minutes=10)
FLOW_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class SignInStart:
    """Where to send the browser, and the state to bind to it in a short-lived cookie."""

    url: str
    state: str


@dataclass(frozen=True)
class ClaimedFlow:
    nonce: str
    code_verifier: str


async def begin(session: Session, *, provider_slug: str, provider: IdentityProvider, redirect_uri: str) -> SignInStart:
    """Start a sign-in; nothing is stored when the provider cannot be reached."""
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    url = await provider.authorization_url(state=state, nonce=nonce, code_verifier=verifier, redirect_uri=redirect_uri)
    session.exec(delete(OAuthFlow).where(col(OAuthFlow.created_at) < utcnow() - FLOW_RETENTION))
    session.add(OAuthFlow(state=state, provider=provider_slug, nonce=nonce, code_verifier=verifier))
    session.flush()
    return SignInStart(url=url, state=state)


async def finish(
    session: Session,
    *,
    provider_slug: str,
    state: object,
    code: object,
    browser_state: object,
    provider: IdentityProvider,
    redirect_uri: str,
) -> User:
    """Complete a sign-in begun by this browser; returns the user to open a session for."""
    if not isinstance(code, str) or not 0 < len(code) <= 2048:
        raise ExternalSignInFailed("the callback carries no code")
    flow = claim_flow(session, provider_slug=provider_slug, state=state, browser_state=browser_state)
    # Commit the claim before talking to the provider: the state is spent even if the exchange fails,
    # and no database lock is held during the network call.
    session.commit()
    identity = await provider.complete(
        code=code, code_verifier=flow.code_verifier, nonce=flow.nonce, redirect_uri=redirect_uri
    )
    if identity.provider != provider_slug:
        raise ExternalSignInFailed(f"identity from {identity.provider!r} on the {provider_slug!r} callback")
    return user_for_identity(session, identity=identity)


def claim_flow(session: Session, *, provider_slug: str, state: object, browser_state: object) -> ClaimedFlow:
    """Spend the flow behind `state`, once, if this browser began it for this provider within 10 minutes."""
    if not isinstance(state, str) or not 0 < len(state) <= 64:
        raise ExternalSignInFailed("the callback carries no valid state")
    if not isinstance(browser_state, str) or not secrets.compare_digest(browser_state.encode(), state.encode()):
        raise ExternalSignInFailed("the state is not bound to this browser")
    flow = session.get(OAuthFlow, state)
    if flow is None:
        raise ExternalSignInFailed("unknown state")
    if flow.provider != provider_slug:
        raise ExternalSignInFailed(f"the state belongs to {flow.provider!r}, not {provider_slug!r}")
    if flow.used_at is not None:
        raise ExternalSignInFailed("the state was already used")
    now = utcnow()
    if flow.created_at < now - FLOW_MAX_AGE:
        raise ExternalSignInFailed("the sign-in took longer than 10 minutes")
    claimed = ClaimedFlow(nonce=flow.nonce, code_verifier=flow.code_verifier)
    result = session.exec(  # type: ignore[call-overload]
        update(OAuthFlow)
        .where(col(OAuthFlow.state) == state, col(OAuthFlow.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ExternalSignInFailed("the state was already used")
    return claimed


def user_for_identity(session: Session, *, identity: ExternalIdentity) -> User:
    """The user already linked to this identity, else the verified owner of its email, else a new user."""
    link = session.exec(
        select(OAuthIdentity).where(
            OAuthIdentity.provider == identity.provider, OAuthIdentity.subject == identity.subject
        )
    ).first()
    if link is not None:
        user = session.get(User, link.user_id)
        assert user is not None
        return user
    if not identity.subject or len(identity.subject) > 255:
        raise ExternalSignInFailed("the provider gave no usable subject")
    email = _email_or_empty(identity.email)
    if not email:
        raise ExternalSignInFailed(
            "no email from the provider",
            code="oidc-no-email",
            message="That provider did not share an email address, which your account needs.",
        )
    if not identity.email_verified:
        # Never link to, nor create an account for, an email nobody proved they own (pre-account hijacking).
        raise ExternalSignInFailed(
            "unverified email",
            code="oidc-unverified",
            message="That provider has not confirmed your email address. Confirm it there, or sign in with a password.",
        )
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = membership.create_user(
            session,
            email=email,
            username=_free_username(session, text.username_from(identity.preferred_username, email, identity.name)),
            display_name=_display_name(identity.name) or text.username_from(identity.preferred_username, email),
            password_hash=None,
        )
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the provider has verified it (checked above)
        session.add(user)
    assert user.id is not None
    session.add(OAuthIdentity(provider=identity.provider, subject=identity.subject, user_id=user.id))
    session.flush()
    return user


def _email_or_empty(value: str) -> str:
    try:
        return text.clean_email(value)
    except ValueError:
        return ""


def _display_name(value: str) -> str:
    cleaned = re.sub(r"\s+", " ", text.MARKUP_RE.sub("", text.CONTROL_RE.sub("", value or ""))).strip()
    return cleaned[:80].strip()


def _free_username(session: Session, base: str) -> str:
    """`base`, or `base-2` ... `base-9`, or `base-<random>` when those are taken."""
    candidates = [base, *(f"{base[:24]}-{n}" for n in range(2, 10)), f"{base[:20]}-{secrets.token_hex(3)}"]
    taken = set(session.exec(select(User.username).where(col(User.username).in_(candidates))).all())
    return next(c for c in candidates if c not in taken)
