"""Helpers shared by the plain HTTP routes: the client's address and the session cookie."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.responses import Response

from jtbd_app.config import get_settings
from jtbd_app.services.viewer import SESSION_COOKIE

# The header the request guard puts in place of the websocket handshake's cookie: the cookie's keyed hash.
SESSION_KEY_HEADER = "x-jtbd-session"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes to the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:500]


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
