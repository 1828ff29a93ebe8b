"""An HTTP proxy in front of a local server (localstripe, the model server, a partner API) that can lose answers:
it passes each request on, and while `swallow` is above zero it keeps the server's answer for a request to a path
starting with `path` and never sends it (the client times out after the server acted), counting down. `down()`
refuses every connection until `up()` (a server that is away).

    with FaultyProxy(upstream) as proxy:
        proxy.lose_answers("/v1/payment_intents", count=2)
        gateway = StripeGateway(..., api_base=proxy.url, timeout=1)
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}


class FaultyProxy:
    def __init__(self, upstream: str, *, held_for: float = 5.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.held_for = held_for  # how long a lost answer keeps its connection before closing it
        self.path, self.swallow, self.refusing = "", 0, False
        self.seen: list[tuple[str, str, bool]] = []  # (method, path, answered)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def lose_answers(self, path: str, *, count: int = 1) -> None:
        with self._lock:
            self.path, self.swallow = path, count

    def down(self) -> None:
        self.refusing = True

    def up(self) -> None:
        self.refusing = False

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _lose(self, path: str) -> bool:
        with self._lock:
            if self.swallow > 0 and self.path and path.startswith(self.path):
                self.swallow -= 1
                return True
            return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _relay(self) -> None:
                if proxy.refusing:
                    self.close_connection = True
                    self.connection.close()  # as a server that is not there: the connection drops unanswered
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                answer = httpx.request(
                    self.command, proxy.upstream + self.path, headers=headers, content=body, timeout=30
                )
                if proxy._lose(self.path):
                    proxy.seen.append((self.command, self.path, False))
                    time.sleep(proxy.held_for)  # the server acted; its answer never comes back
                    self.close_connection = True
                    return
                proxy.seen.append((self.command, self.path, True))
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_HEADERS:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _relay

        return Handler
