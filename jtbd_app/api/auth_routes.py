"""HTTP routes that set and clear the session cookie (the websocket cannot set HttpOnly cookies)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from jtbd_app.api.http import (
    GRANT_NONCE_COOKIE,
    clear_grant_nonce_cookie,
    clear_session_cookie,
    client_ip,
    safe_next,
    set_session_cookie,
)
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotSignedIn
from jtbd_app.services.accounts import sign_in
from jtbd_app.services.tokens import session_key
from jtbd_app.services.viewer import SESSION_COOKIE

CROSS_SITE_SIGN_OUT = "Sign-out refused: the request did not come from this site. Use the Sign out button in the app."


async def complete_sign_in(request: Request) -> Response:
    """Trade a one-time grant for a session cookie, if this browser holds the grant's nonce; then load the app."""
    grant = request.query_params.get("grant", "")
    try:
        with session_scope() as session:
            token = sign_in.redeem_login_grant(
                session,
                grant=grant,
                browser_nonce=request.cookies.get(GRANT_NONCE_COOKIE),
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                session_days=get_settings().session_days,
            )
    except sign_in.GrantFromAnotherBrowser:
        response = RedirectResponse("/login?error=other-browser", status_code=303)
    except NotSignedIn:
        response = RedirectResponse("/login?error=expired", status_code=303)
    else:
        response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        set_session_cookie(response, token)
    clear_grant_nonce_cookie(response)
    return response


async def sign_out(request: Request) -> Response:
    """POST only, from a page of this site: revoke the session behind the cookie and clear it."""
    if not comes_from_this_site(request):
        return PlainTextResponse(CROSS_SITE_SIGN_OUT, status_code=403)
    with session_scope() as session:
        sign_in.sign_out(session, key=session_key(request.cookies.get(SESSION_COOKIE)))
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


def comes_from_this_site(request: Request) -> bool:
    """The Origin (else the Referer's origin, else Sec-Fetch-Site) names this app; no evidence is a refusal."""
    own = {_origin(get_settings().app_url), _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")}
    own.discard("")
    origin = request.headers.get("origin")
    if origin is not None:
        return _origin(origin) in own
    referer = request.headers.get("referer")
    if referer:
        return _origin(referer) in own
    return request.headers.get("sec-fetch-site") == "same-origin"


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased; "" for anything that is not an http(s) URL ("null" included)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()
