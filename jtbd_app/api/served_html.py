"""Rewriting a page's served HTML on its way out: the page is asked for whole (no compressed variant, no conditional
or partial answer, no file sent by the server itself), `rewrite` gets its bytes, and the answer carries the result
with its own length and no validators of the file on disk, gzipped for a browser that accepts it (the prerendered
marketplace is 22 KB, 4 KB gzipped). Used by `share_pages` (title and Open Graph tags) and
`page_files` (a page's scripts named in its head)."""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# the request headers that would get a compressed, partial or empty (304) answer instead of the page itself
_WHOLE_PAGE_ONLY = {b"accept-encoding", b"if-none-match", b"if-modified-since", b"range", b"if-range"}
# the response headers that describe the file on disk, not the page as sent
_FILE_HEADERS = {b"content-length", b"etag", b"last-modified", b"content-encoding", b"accept-ranges", b"cache-control"}
# the server's own ways of sending a file (granian has pathsend): the page's bytes must pass through here instead
_FILE_SENDING = {"http.response.pathsend", "http.response.zerocopysend"}
_WORTH_GZIP = 1_000  # bytes: below this a gzip header and the work cost more than they save


async def rewritten(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, rewrite: Callable[[bytes], Awaitable[bytes]]
) -> None:
    """Answers a GET or HEAD with `app`'s page passed through `rewrite` (any other answer, an error or a redirect,
    goes out as it came)."""
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
        body = await rewrite(body)
        response_headers = [(k, v) for k, v in response_headers if k.lower() not in _FILE_HEADERS | {b"vary"}]
        response_headers += [(b"cache-control", b"no-cache"), (b"vary", b"Accept-Encoding")]
        if len(body) >= _WORTH_GZIP and _accepts_gzip(scope):
            body = gzip.compress(body, compresslevel=6)
            response_headers.append((b"content-encoding", b"gzip"))
        response_headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": response_headers})
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})


def _accepts_gzip(scope: Scope) -> bool:
    """Whether the request's Accept-Encoding names gzip (or any coding, `*`) with a quality above zero."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"accept-encoding":
            for coding in value.decode("latin-1").lower().split(","):
                token, _, params = coding.partition(";")
                quality = params.strip().removeprefix("q=").strip() or "1"
                if token.strip() in ("gzip", "*") and _positive(quality):
                    return True
    return False


def _positive(quality: str) -> bool:
    try:
        return float(quality) > 0
    except ValueError:
        return False
