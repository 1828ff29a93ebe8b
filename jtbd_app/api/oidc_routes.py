"""Sign-in through an outside provider: send the browser there, take it back, set the session cookie.

Every failure lands on /login with a message and sets no session; the reason goes to the log only.
"""

from __future__ import annotations

import logging

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jtbd_app import bootstrap
from jtbd_app.api.http import client_ip, set_session_cookie
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ExternalSignInFailed
from jtbd_app.domain.return_path import DASHBOARD, safe_return_path
from jtbd_app.services.accounts import external_sign_in, identity_links, sign_in
from jtbd_app.services.accounts.identity import ProviderConfig, provider_by_slug
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token

log = logging.getLogger(__name__)

STATE_COOKIE = "jtbd_oidc_state"
STATE_COOKIE_PATH = "/api/auth/oidc/"
NEXT_COOKIE = "jtbd_oidc_next"  # the page to return to after a provider sign-in, checked when set and when read


def _provider(request: Request) -> ProviderConfig:
    config = provider_by_slug(get_settings(), str(request.path_params["provider"]))
    if config is None:
        raise HTTPException(status_code=404, detail="No such sign-in provider.")
    return config


def _redirect_uri(config: ProviderConfig) -> str:
    return f"{get_settings().app_url.rstrip('/')}/api/auth/oidc/{config.slug}/callback"


def _refused(exc: Exception, *, provider: str) -> Response:
    code = exc.code if isinstance(exc, ExternalSignInFailed) else "oidc"
    reason = exc.reason if isinstance(exc, ExternalSignInFailed) else repr(exc)
    log.warning("Sign-in with %s refused: %s", provider, reason, exc_info=not isinstance(exc, ExternalSignInFailed))
    response = RedirectResponse(f"/login?error={code}", status_code=303)
    _clear_flow_cookies(response)
    return response


def _clear_flow_cookies(response: Response) -> None:
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH, httponly=True, samesite="lax")
    response.delete_cookie(NEXT_COOKIE, path=STATE_COOKIE_PATH, httponly=True, samesite="lax")


async def begin_login(request: Request) -> Response:
    """Create a one-time flow and send the browser to the provider, bound to it by a short-lived cookie."""
    config = _provider(request)
    try:
        with session_scope() as session:
            start = await external_sign_in.begin(
                session,
                provider_slug=config.slug,
                provider=bootstrap.identity_provider(config),
                redirect_uri=_redirect_uri(config),
            )
    except Exception as exc:
        return _refused(exc, provider=config.slug)
    response = RedirectResponse(start.url, status_code=303)
    cookies = {STATE_COOKIE: start.state, NEXT_COOKIE: safe_return_path(request.query_params.get("next"))}
    for name, value in cookies.items():
        response.set_cookie(
            name,
            value,
            max_age=int(external_sign_in.FLOW_MAX_AGE.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=get_settings().cookies_secure,
            path=STATE_COOKIE_PATH,
        )
    return response


async def callback(request: Request) -> Response:
    """Check the flow and the provider's answer, then sign in, connect the identity, or mail its owner."""
    config = _provider(request)
    params = request.query_params
    if "error" in params:
        reason = f"the provider answered {params.get('error', '')[:100]!r}: {params.get('error_description', '')[:200]}"
        return _refused(ExternalSignInFailed(reason), provider=config.slug)
    settings = get_settings()
    try:
        with session_scope() as session:
            outcome = await external_sign_in.finish(
                session,
                provider_slug=config.slug,
                state=params.get("state"),
                code=params.get("code"),
                browser_state=request.cookies.get(STATE_COOKIE),
                provider=bootstrap.identity_provider(config),
                redirect_uri=_redirect_uri(config),
                viewer=viewer_from_token(session, request.cookies.get(SESSION_COOKIE)),
                mailing=identity_links.Mailing(settings.app_url, config.label, settings.mail_enabled),
            )
            token = _session_for(request, session, outcome)
    except Exception as exc:
        return _refused(exc, provider=config.slug)
    back = safe_return_path(request.cookies.get(NEXT_COOKIE, DASHBOARD))
    target = {"signed_in": back, "connected": "/settings?connected=1", "mailed": "/login?error=oidc-link-mailed"}
    response = RedirectResponse(target[outcome.kind], status_code=303)
    _clear_flow_cookies(response)
    if token:
        set_session_cookie(response, token)
    return response


def _session_for(request: Request, session: Session, outcome: identity_links.Outcome) -> str:
    """A new session only for a provider sign-in; connecting keeps the browser's session, a mail opens none."""
    if outcome.kind != "signed_in":
        return ""
    assert outcome.user.id is not None
    return sign_in.open_session(
        session,
        user_id=outcome.user.id,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        session_days=get_settings().session_days,
    )
