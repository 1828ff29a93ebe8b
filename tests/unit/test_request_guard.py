"""The request guard: the websocket keeps no cookie, uploads are checked before a byte is read and act for their own
cookie, and every body is cut off at its route's limit while it streams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from sqlmodel import Session

from jtbd_app.api import upload_sessions
from jtbd_app.api.http import SESSION_KEY_HEADER
from jtbd_app.api.request_guard import DEFAULT_LIMIT, WEBHOOK_LIMIT, request_guard, upload_limits
from jtbd_app.services.tokens import session_key
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support.members import make_user, session_token

MB = 1024 * 1024


class Recorder:
    """An inner app that reads the whole body and records what it was given."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}
        self.read = 0
        self.uploading: str | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        if scope["type"] == "http":
            self.uploading = upload_sessions.uploading_key(_header(scope, b"reflex-client-token") or "")
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
                self.read += len(message.get("body", b""))
                if not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})


def _header(scope: Any, name: bytes) -> str | None:
    return next((v.decode() for k, v in scope["headers"] if k == name), None)


class Body:
    """A request body of `size` bytes in 64 KB chunks, counting how many the server asked for."""

    def __init__(self, size: int, chunks: Iterator[bytes] | None = None) -> None:
        self.chunks = chunks if chunks is not None else self._chunks(size)
        self.pulled = 0

    @staticmethod
    def _chunks(size: int) -> Iterator[bytes]:
        while size > 0:
            n = min(size, 64 * 1024)
            size -= n
            yield b"x" * n

    async def receive(self) -> dict[str, Any]:
        chunk = next(self.chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}


async def _no_send(message: Any) -> None:
    raise AssertionError("a websocket handshake is the app's to answer")


def run(app: Any, scope: dict[str, Any], body: Body) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app, scope, body.receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def http(path: str, *headers: tuple[str, str], method: str = "POST") -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }


def test_the_websocket_handshake_keeps_the_session_key_and_loses_the_cookie(db: Session) -> None:
    token = session_token(make_user("ana"))
    inner = Recorder()
    scope: dict[str, Any] = {
        "type": "websocket",
        "path": "/_event/",
        "headers": [
            (b"cookie", f"theme=dark; {SESSION_COOKIE}={token}".encode()),
            (SESSION_KEY_HEADER.encode(), b"forged-by-the-client"),
        ],
    }
    anyio.run(request_guard(inner), scope, Body(0).receive, _no_send)
    headers = dict(inner.scope["headers"])
    assert b"cookie" not in headers and token.encode() not in repr(inner.scope).encode()
    assert headers[SESSION_KEY_HEADER.encode()] == session_key(token).encode()  # type: ignore[union-attr]


def test_a_handshake_without_a_cookie_has_no_session_key_even_if_it_sends_one() -> None:
    inner = Recorder()
    scope: dict[str, Any] = {
        "type": "websocket",
        "path": "/_event/",
        "headers": [(SESSION_KEY_HEADER.encode(), b"a" * 64)],
    }
    anyio.run(request_guard(inner), scope, Body(0).receive, _no_send)
    assert SESSION_KEY_HEADER.encode() not in dict(inner.scope["headers"])


def test_an_anonymous_upload_is_refused_before_a_byte_is_read(db: Session) -> None:
    inner, body = Recorder(), Body(1000 * MB)
    status, answer = run(request_guard(inner), http("/_upload", ("reflex-client-token", "tab-1")), body)
    assert status == 401 and b"sign in" in answer
    assert body.pulled == 0 and inner.scope == {}


def test_an_upload_with_a_revoked_or_forged_cookie_is_refused_too(db: Session) -> None:
    body = Body(10)
    cookie = ("cookie", f"{SESSION_COOKIE}=not-a-session")
    status, _ = run(request_guard(Recorder()), http("/_upload", cookie, ("reflex-client-token", "tab-1")), body)
    assert status == 401 and body.pulled == 0


def test_an_upload_acts_for_its_own_cookie_and_only_while_it_runs(db: Session) -> None:
    token = session_token(make_user("ben"))
    inner = Recorder()
    headers = (("cookie", f"{SESSION_COOKIE}={token}"), ("reflex-client-token", "tab-2"))
    status, _ = run(request_guard(inner), http("/_upload", *headers), Body(1000))
    assert status == 200 and inner.read == 1000
    assert inner.uploading == session_key(token)
    assert upload_sessions.uploading_key("tab-2") is None


def test_a_second_upload_for_the_same_tab_from_another_session_waits_its_turn(db: Session) -> None:
    token = session_token(make_user("cleo"))
    headers = (("cookie", f"{SESSION_COOKIE}={token}"), ("reflex-client-token", "tab-3"))
    with upload_sessions.hold("tab-3", "another-session-key"):
        status, answer = run(request_guard(Recorder()), http("/_upload", *headers), Body(10))
    assert status == 409 and b"Another upload" in answer


def test_a_declared_length_past_the_limit_is_refused_unread() -> None:
    body = Body(WEBHOOK_LIMIT + 1)
    scope = http("/api/stripe/webhook", ("content-length", str(WEBHOOK_LIMIT + 1)))
    status, answer = run(request_guard(Recorder()), scope, body)
    assert status == 413 and b"256 KB" in answer and body.pulled == 0


@pytest.mark.parametrize(
    ("path", "limit"), [("/api/stripe/webhook", WEBHOOK_LIMIT), ("/api/auth/sign-out", DEFAULT_LIMIT)]
)
def test_a_streamed_body_is_cut_off_one_chunk_past_its_limit(path: str, limit: int) -> None:
    body = Body(1024 * MB)  # a gigabyte with no declared length
    inner = Recorder()
    status, answer = run(request_guard(inner), http(path), body)
    assert status == 413 and b"too large" in answer
    assert body.pulled <= limit + 64 * 1024 and inner.read <= limit


def test_a_body_within_the_limit_reaches_the_route_whole() -> None:
    inner = Recorder()
    status, answer = run(request_guard(inner), http("/api/stripe/webhook"), Body(WEBHOOK_LIMIT))
    assert (status, answer, inner.read) == (200, b"ok", WEBHOOK_LIMIT)


def _multipart(*parts: tuple[str, int]) -> Iterator[bytes]:
    for name, size in parts:
        yield (
            f'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        left = size
        while left > 0:
            n = min(left, 64 * 1024)
            left -= n
            yield b"y" * n
        yield b"\r\n"
    yield b"--XyZ--\r\n"


def test_one_upload_file_past_the_per_file_limit_is_refused_while_it_streams(db: Session) -> None:
    per_file, per_request = upload_limits()
    token = session_token(make_user("dora"))
    headers = (
        ("cookie", f"{SESSION_COOKIE}={token}"),
        ("reflex-client-token", "tab-4"),
        ("content-type", "multipart/form-data; boundary=XyZ"),
    )
    body = Body(0, _multipart(("small.txt", 1000), ("huge.bin", per_request)))
    status, answer = run(request_guard(Recorder()), http("/_upload", *headers), body)
    assert status == 413 and b"A file is too large" in answer
    assert body.pulled <= per_file + 1000 + 2 * 64 * 1024


def test_files_within_the_limits_pass(db: Session) -> None:
    token = session_token(make_user("eli"))
    headers = (
        ("cookie", f"{SESSION_COOKIE}={token}"),
        ("reflex-client-token", "tab-5"),
        ("content-type", "multipart/form-data; boundary=XyZ"),
    )
    status, _ = run(request_guard(Recorder()), http("/_upload", *headers), Body(0, _multipart(("a.txt", 5000))))
    assert status == 200


def test_two_uploads_of_one_session_from_one_tab_keep_their_uploader_until_both_end() -> None:
    with upload_sessions.hold("tab-6", "key-a"):
        with upload_sessions.hold("tab-6", "key-a"):
            pass
        assert upload_sessions.uploading_key("tab-6") == "key-a"
    assert upload_sessions.uploading_key("tab-6") is None
