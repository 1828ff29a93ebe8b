"""The first thing every request meets, before Reflex or a route reads a byte of it.

- Its `client` becomes the client's address: the socket peer, or what a trusted proxy forwarded (TRUSTED_PROXIES);
  its `scheme` the one the client used, as that proxy says (X-Forwarded-Proto), so an address the app builds from the
  request (the frontend's trailing-slash redirect) stays on HTTPS behind a proxy that ends TLS.
- The websocket (and Socket.IO's polling) handshake loses its Cookie header: Reflex keeps handshake headers in the
  state it persists (disk, Redis), so the session cookie is replaced by its keyed hash in `SESSION_KEY_HEADER`.
- An upload is refused before its body is read unless its own cookie opens a session; while it runs, that session
  is what the upload handler acts for (`upload_sessions`), never the tab's.
- Every body is counted while it streams: past its route's limit the app sees the client leave and the client gets
  413, with memory and disk holding at most one chunk past the limit. An upload's files are also counted one by one.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from python_multipart.multipart import MultipartParser, parse_options_header

from jtbd_app.api import upload_sessions
from jtbd_app.api.http import SESSION_KEY_HEADER, cookie_value
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope
from jtbd_app.domain.client_address import client_address, forwarded_scheme
from jtbd_app.services.contracts.delivery_files import MAX_FILES
from jtbd_app.services.tokens import session_key
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_key

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KB = 1024
MB = 1024 * KB
WEBHOOK_LIMIT = 256 * KB  # a Stripe event is a few KB
EVENT_LIMIT = 1 * MB  # Socket.IO's own message cap
DEFAULT_LIMIT = 64 * KB  # the plain routes take no more than a form
UPLOAD_PATH = "/_upload"
LIMITS = {"/api/stripe/webhook": WEBHOOK_LIMIT}


def upload_limits() -> tuple[int, int]:
    """(per file, per request) for uploads: the delivery file limit, and every file at once plus the form."""
    per_file = get_settings().delivery_max_file_mb * MB
    return per_file, per_file * MAX_FILES + MB


def body_limit(path: str) -> int:
    if path == UPLOAD_PATH:
        return upload_limits()[1]
    if path.startswith("/_event"):
        return EVENT_LIMIT
    return LIMITS.get(path, DEFAULT_LIMIT)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _cookie_token(scope: Scope) -> str | None:
    return cookie_value(_header(scope, b"cookie") or "", SESSION_COOKIE)


def with_client_address(scope: Scope) -> Scope:
    """The scope whose `client` is the client's address: the socket peer, or what a trusted proxy forwarded
    (TRUSTED_PROXIES), and whose `scheme` is the client's as that proxy says. Reflex's `client_ip`, the routes'
    `request.client` and every URL built from the request read them from here."""
    trusted = get_settings().trusted_proxy_networks
    client = scope.get("client")
    if not trusted or not client:
        return scope
    address = client_address(str(client[0]), _headers(scope, b"x-forwarded-for"), trusted)
    scheme = forwarded_scheme(str(client[0]), _headers(scope, b"x-forwarded-proto"), trusted)
    changes: dict[str, Any] = {}
    if address != client[0]:
        changes["client"] = (address, client[1])
    if scheme is not None:
        secure = scheme == "https"
        changes["scheme"] = ("wss" if secure else "ws") if scope["type"] == "websocket" else scheme
    return {**scope, **changes} if changes else scope


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [bytes(v).decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]


def with_session_key(scope: Scope) -> Scope:
    """The scope with no Cookie header (and no client-sent session key), and the cookie's keyed hash instead."""
    key = session_key(_cookie_token(scope))
    dropped = {b"cookie", SESSION_KEY_HEADER.encode()}
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in dropped]
    if key:
        headers.append((SESSION_KEY_HEADER.encode(), key.encode()))
    return {**scope, "headers": headers}


async def refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large_message(limit: int) -> str:
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"
    return f"This request is too large: at most {size} is accepted here."


@dataclass
class _FileCounter:
    """Counts the bytes of each part of a multipart body as it streams; `over` once a part passes `per_file`."""

    per_file: int
    current: int = 0
    over: bool = False
    parser: MultipartParser | None = field(default=None, repr=False)

    @classmethod
    def for_scope(cls, scope: Scope, per_file: int) -> _FileCounter:
        counter = cls(per_file)
        _, params = parse_options_header(_header(scope, b"content-type") or "")
        boundary = params.get(b"boundary")
        if boundary:
            counter.parser = MultipartParser(boundary, {"on_part_begin": counter._begin, "on_part_data": counter._data})
        return counter

    def _begin(self) -> None:
        self.current = 0

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.current += end - start
        self.over = self.over or self.current > self.per_file

    def feed(self, chunk: bytes) -> None:
        if self.parser is not None and not self.over:
            try:
                self.parser.write(chunk)
            except Exception:
                self.parser = None  # a malformed body: the app's own parser will say so


async def _limited(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, limit: int, files: _FileCounter | None = None
) -> None:
    """Run `app` on a body that may not pass `limit` bytes (nor `files.per_file` per file); 413 when it does."""
    declared = _header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        await refuse(send, 413, _too_large_message(limit))
        return
    seen = 0
    too_large = ""
    started = False

    async def counted_receive() -> Message:
        nonlocal seen, too_large
        if too_large:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            seen += len(chunk)
            if files is not None:
                files.feed(chunk)
            if seen > limit:
                too_large = _too_large_message(limit)
            elif files is not None and files.over:
                too_large = f"A file is too large: at most {files.per_file // MB} MB each."
            if too_large:
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if too_large and not started:
            return  # whatever the app says about a body it never got whole, the client hears 413
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, counted_receive, guarded_send)
    except Exception:
        if not too_large:
            raise
    if too_large and not started:
        await refuse(send, 413, too_large)


def _viewer_known(key: str | None) -> bool:
    with read_scope() as session:
        return viewer_from_key(session, key) is not None


async def _upload(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """An upload: its own cookie must open a session before a byte is read, and that session is who uploads."""
    per_file, per_request = upload_limits()
    key = session_key(_cookie_token(scope))
    if not await anyio.to_thread.run_sync(_viewer_known, key):
        await refuse(send, 401, "Please sign in to upload files.")
        return
    client_token = _header(scope, b"reflex-client-token")
    if not client_token or key is None:
        await refuse(send, 400, "This upload did not say which page it came from.")
        return
    try:
        with upload_sessions.hold(client_token, key):
            await _limited(app, scope, receive, send, limit=per_request, files=_FileCounter.for_scope(scope, per_file))
    except upload_sessions.TabBusy:
        await refuse(send, 409, "Another upload from this page is still running; try again when it has finished.")


def request_guard(app: ASGIApp) -> ASGIApp:
    """Wrap the whole backend (routes, uploads and the websocket) in the checks above."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket"):
            scope = with_client_address(scope)
        if scope["type"] == "websocket" or (scope["type"] == "http" and path.startswith("/_event")):
            scope = with_session_key(scope)
        if scope["type"] != "http":
            await app(scope, receive, send)
        elif path == UPLOAD_PATH and scope.get("method") == "POST":
            await _upload(app, scope, receive, send)
        else:
            await _limited(app, scope, receive, send, limit=body_limit(path))

    return guarded
