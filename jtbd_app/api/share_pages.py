"""The served HTML of the share pages (home, marketplace, a listing, a profile) carries their title, description and
Open Graph tags, for a crawler or a chat app that reads the HTML without running JavaScript.

In production Reflex serves the prerendered pages from the same Starlette app as the backend (its frontend mount,
inside our transformer chain), so this wraps that app: for a GET or HEAD of a share page it asks for the plain
HTML (no compressed variant, no conditional answer), then puts the tags from `share_tags` right after the charset
and drops the build's own <title>. No script changes, so the Content-Security-Policy's hashes of the build's inline
scripts still match; React adopts the served <title> when it hydrates and skips the extra <meta> tags in <head>.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from jtbd_app.config import get_settings
from jtbd_app.db import read_scope
from jtbd_app.services.marketplace import share_tags

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)
# the request headers that would get a compressed, partial or empty (304) answer instead of the page itself
_WHOLE_PAGE_ONLY = {b"accept-encoding", b"if-none-match", b"if-modified-since", b"range", b"if-range"}
# the response headers that describe the file on disk, not the page as sent
_FILE_HEADERS = {b"content-length", b"etag", b"last-modified", b"content-encoding", b"accept-ranges", b"cache-control"}
# the server's own ways of sending a file (granian has pathsend): the page's bytes must pass through here instead
_FILE_SENDING = {"http.response.pathsend", "http.response.zerocopysend"}
_CHARSET = re.compile(rb"<meta\s+charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)


def with_tags(html: bytes, head_markup: str) -> bytes:
    """The page with `head_markup` right after its charset (or its <head>), and without the build's own <title>."""
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    head_end = html.find(b"</head>")
    if anchor is None or head_end < anchor.end():
        return html
    rest_of_head = _TITLE.sub(b"", html[anchor.end() : head_end], count=1)  # an <svg>'s <title> in the body stays
    return html[: anchor.end()] + head_markup.encode() + rest_of_head + html[head_end:]


def _tags_markup(path: str) -> str | None:
    settings = get_settings()
    with read_scope() as session:
        tags = share_tags.tags_for(session, path=path, app_url=settings.app_url)
    return share_tags.render(tags) if tags else None


def share_pages(app: ASGIApp) -> ASGIApp:
    """Wrap the backend so the share pages' HTML carries their tags; every other request passes untouched."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or not share_tags.is_share_page(scope.get("path", ""))
        ):
            await app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in _WHOLE_PAGE_ONLY]
        extensions = {k: v for k, v in (scope.get("extensions") or {}).items() if k not in _FILE_SENDING}
        inner = {**scope, "method": "GET", "headers": headers, "extensions": extensions}
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(inner, receive, keep)
        body = b"".join(chunks)
        response_headers = list(start.get("headers", []))
        content_type = dict((k.lower(), v) for k, v in response_headers).get(b"content-type", b"")
        if start.get("status") == 200 and content_type.startswith(b"text/html"):
            body = await _tagged(scope["path"], body)
            response_headers = [(k, v) for k, v in response_headers if k.lower() not in _FILE_HEADERS]
            response_headers += [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-cache")]
        await send({**start, "headers": response_headers})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})

    return wrapped


async def _tagged(path: str, html: bytes) -> bytes:
    """The page with its tags; the page as built if the database cannot be read (the page itself still works)."""
    try:
        markup = await anyio.to_thread.run_sync(_tags_markup, path)
    except Exception:
        log.exception("Could not read the share tags of %s; serving the page without them", path)
        return html
    return with_tags(html, markup) if markup else html
