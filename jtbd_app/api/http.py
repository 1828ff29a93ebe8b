"""Helpers shared by the plain HTTP routes: the client's address, the session cookie, the grant hand-off."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.responses import Response

from jtbd_app.config import get_settings
from jtbd_app.domain.return_path import return_query, safe_return_path
from jtbd_app.services.accounts.sign_in import GRANT_SECONDS, IssuedGrant
from jtbd_app.services.viewer import SESSION_COOKIE

# The header the request guard puts in place of the websocket handshake's cookie: the cookie's keyed hash. Reflex
# keeps it with the tab's state but never sends an Authorization header to the browser.
SESSION_KEY_HEADER = "authorization"
GRANT_NONCE_COOKIE = "jtbd_grant_nonce"
GRANT_NONCE_PATH = "/api/auth"
GRANT_NONCE_MAX_AGE = 2 * GRANT_SECONDS


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def safe_next(target: str | None) -> str:
    """Only paths of this app a member may return to (`domain/return_path`); anything else goes to the dashboard."""
    return safe_return_path(target)


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def cookie_value(cookie_header: str, name: str) -> str | None:
    """One cookie from a raw Cookie header (as the websocket handshake carried it)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except Exception:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def grant_handoff_script(issued: IssuedGrant, next_path: str = "") -> str:
    """JS for the tab that asked: keep the grant's nonce in a short-lived cookie, then redeem the grant, going on to
    `next_path` (a page of this app; the route checks it again).

    Both values are URL-safe base64 (no quotes), and the return query is percent-encoded, so they are safe inside
    the string literals.
    """
    then = return_query(next_path).replace("?", "&", 1).replace("'", "%27")
    secure = "; secure" if get_settings().cookies_secure else ""
    cookie = (
        f"{GRANT_NONCE_COOKIE}={issued.browser_nonce}; path={GRANT_NONCE_PATH}; max-age={GRANT_NONCE_MAX_AGE}"
        f"; samesite=strict{secure}"
    )
    return f"document.cookie = '{cookie}'; window.location.assign('/api/auth/complete?grant={issued.grant}{then}')"


def clear_grant_nonce_cookie(response: Response) -> None:
    response.delete_cookie(GRANT_NONCE_COOKIE, path=GRANT_NONCE_PATH, samesite="strict")
