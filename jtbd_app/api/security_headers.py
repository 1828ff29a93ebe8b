"""Headers every response carries: a Content-Security-Policy, no framing (clickjacking), no MIME sniffing, a strict
referrer policy, and HSTS when the app is served over https."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def security_headers(app: ASGIApp, *, https: bool = False, content_policy: Callable[[], str] | None = None) -> ASGIApp:
    """Wrap an ASGI app so every HTTP response gets HEADERS (and HSTS when served over https); `content_policy`
    gives the CSP (asked per response, so a rebuilt frontend gets its new script hashes)."""
    fixed = [*HEADERS, HSTS] if https else HEADERS

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = fixed
                if content_policy is not None:
                    csp = (b"content-security-policy", content_policy().encode())
                    extra = [csp if name == b"content-security-policy" else (name, v) for name, v in fixed]
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
