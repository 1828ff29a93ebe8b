"""Sign-in through an outside identity provider.

A one-time flow (state, nonce, PKCE verifier) is bound to the browser that began it; the identity it yields
goes to `identity_links`, which decides whom it signs in as. The HTTP route, not this module, opens the session.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, delete, update

from jtbd_app.domain.errors import ExternalSignInFailed
from jtbd_app.models import OAuthFlow, utcnow
from jtbd_app.services.accounts import identity_links
from jtbd_app.services.ports import IdentityProvider
from jtbd_app.services.viewer import Viewer

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
    viewer: Viewer | None = None,
    mailing: identity_links.Mailing,
) -> identity_links.Outcome:
    """Complete a sign-in begun by this browser; `viewer` is who the browser is signed in as, if anyone."""
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
    return identity_links.resolve(session, identity=identity, viewer=viewer, mailing=mailing)


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
