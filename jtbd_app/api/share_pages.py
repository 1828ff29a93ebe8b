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

import anyio

from jtbd_app.api.served_html import ASGIApp, Receive, Scope, Send, rewritten
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope
from jtbd_app.services.marketplace import share_tags

log = logging.getLogger(__name__)
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
        await rewritten(app, scope, receive, send, lambda html: _tagged(scope["path"], html))

    return wrapped


async def _tagged(path: str, html: bytes) -> bytes:
    """The page with its tags; the page as built if the database cannot be read (the page itself still works)."""
    try:
        markup = await anyio.to_thread.run_sync(_tags_markup, path)
    except Exception:
        log.exception("Could not read the share tags of %s; serving the page without them", path)
        return html
    return with_tags(html, markup) if markup else html
