"""HTTP routes that set and clear the session cookie (the websocket cannot set HttpOnly cookies)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jtbd_app.api.http import clear_session_cookie, client_ip, safe_next, set_session_cookie
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotSignedIn
from jtbd_app.services.accounts import sign_in
from jtbd_app.services.tokens import session_key
from jtbd_app.services.viewer import SESSION_COOKIE


async def complete_sign_in(request: Request) -> Response:
    """Trade a one-time grant for a session cookie, then load the app afresh."""
    grant = request.query_params.get("grant", "")
    try:
        with session_scope() as session:
            token = sign_in.redeem_login_grant(
                session,
                grant=grant,
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                session_days=get_settings().session_days,
            )
    except NotSignedIn:
        return RedirectResponse("/login?error=expired", status_code=303)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    set_session_cookie(response, token)
    return response


async def sign_out(request: Request) -> Response:
    """Revoke the session behind the cookie and clear it."""
    with session_scope() as session:
        sign_in.sign_out(session, key=session_key(request.cookies.get(SESSION_COOKIE)))
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response
