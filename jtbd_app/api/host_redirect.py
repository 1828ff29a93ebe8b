"""A page opened on a host other than APP_URL's is sent to the same path on APP_URL before anything loads.

The app has one origin: its websocket accepts only that origin, its cookies belong to that host, and its sign-in
providers call back to it. Opened on another name (http://127.0.0.1:3000 for http://localhost:3000, a server's IP
address, an old domain), a page would render and then sit dead. So a GET or HEAD for another host gets a 307 to
APP_URL's origin with the same path and query. 127.0.0.1 and ::1 are redirected to a `localhost` APP_URL like any
other name (rather than serving every loopback name): one origin keeps the session cookie, the websocket's origin
check, the content policy and the sign-in callbacks the same whichever address was typed.

Not redirected: the websocket and Socket.IO's polling (their origin is checked by Reflex), health probes (often sent
to an IP address), and any other method (a POST is never replayed elsewhere; its own checks apply). Behind a reverse
proxy, the proxy must pass the Host header or X-Forwarded-Host (an unpassed Host would redirect in a loop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

from jtbd_app.config import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NOT_REDIRECTED = ("/ping", "/_health", "/healthz", "/_event")


def hostname(authority: str) -> str | None:
    """The host name in a Host header or URL authority ("LocalHost:3000" -> "localhost", "[::1]:3000" -> "::1")."""
    try:
        return urlsplit(f"//{authority.strip()}").hostname or None
    except ValueError:
        return None


def redirect_target(app_url: str, *, method: str, path: str, query: str, host: str | None) -> str | None:
    """Where to send this request, or None to serve it here."""
    if method not in ("GET", "HEAD") or host is None:
        return None
    if any(path == p or path.startswith(p + "/") for p in NOT_REDIRECTED):
        return None
    app = urlsplit(app_url)
    wanted = hostname(host)
    if wanted is None or wanted == app.hostname:
        return None
    return f"{app.scheme}://{app.netloc}{path or '/'}" + (f"?{query}" if query else "")


def _raw_path(scope: Scope) -> str:
    """The path as the client sent it (still percent-encoded), for the Location header."""
    raw = scope.get("raw_path")
    return bytes(raw).decode("latin-1") if raw else quote(scope.get("path", ""))


def _request_host(scope: Scope) -> str | None:
    headers = {bytes(k).lower(): bytes(v).decode("latin-1") for k, v in scope.get("headers", [])}
    forwarded = headers.get(b"x-forwarded-host")
    if forwarded:
        return forwarded.split(",")[0]
    return headers.get(b"host")


def host_redirect(app: ASGIApp) -> ASGIApp:
    """Wrap the backend (pages and routes) so a request for another host is redirected to APP_URL."""

    async def redirecting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = redirect_target(
                get_settings().app_url,
                method=scope.get("method", ""),
                path=_raw_path(scope),
                query=bytes(scope.get("query_string", b"")).decode("latin-1"),
                host=_request_host(scope),
            )
            if target is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 307,
                        "headers": [
                            (b"location", target.encode("latin-1")),
                            (b"content-length", b"0"),
                            (b"cache-control", b"no-store"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await app(scope, receive, send)

    return redirecting
