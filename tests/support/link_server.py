"""A small web server (aiohttp, in a thread, on a free port) for the link checker's tests: pages that answer 200,
404, refuse HEAD, redirect where a test says or without end; it records each request it got."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.app_server import free_port


@dataclass
class LinkServer:
    port: int = field(default_factory=free_port)
    seen: list[tuple[str, str]] = field(default_factory=list)  # (method, path)

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="link-server", daemon=True)
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LinkServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_route("*", "/ok", self._ok)
        app.router.add_route("*", "/missing", self._missing)
        app.router.add_route("*", "/no-head", self._no_head)
        app.router.add_route("*", "/redirect", self._redirect)
        app.router.add_route("*", "/loop/{n}", self._loop_page)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    @web.middleware
    async def _record(self, request: web.Request, handler: object) -> web.StreamResponse:
        self.seen.append((request.method, request.path))
        return await handler(request)  # type: ignore[operator, no-any-return]

    async def _ok(self, request: web.Request) -> web.Response:
        return web.Response(text="a page")

    async def _missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404, text="gone")

    async def _no_head(self, request: web.Request) -> web.Response:
        return web.Response(status=405) if request.method == "HEAD" else web.Response(text="GET only")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def _loop_page(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/loop/{int(request.match_info['n']) + 1}")
