"""A client that speaks Reflex's websocket protocol as the compiled frontend does (socket.io on /_event), for tests that
send events no browser would: any handler, any payload, any cookie.

The frontend connects with `?token=<tab token>` and puts its hydrate event in the CONNECT packet's auth; each event is
`{"name": "<full state path>.<handler>", "payload": {kwargs}, "router_data": {"pathname", "asPath", "query"}}` and
the server answers with `event` messages carrying `{"delta", "events"}`. There is no end-of-event marker, so each
call is followed by a sentinel, the root state's `set_is_hydrated` sent False then True (app handlers never touch
the flag), and the delta that sets it True closes the call: events of one tab are processed in order. (`setvar`
cannot serve: without auto setters it raises for every var.)"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import socketio

ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
SENTINEL = f"{ROOT_STATE}.set_is_hydrated"
SENTINEL_VAR = "is_hydrated_rx_state_"
NAMESPACE = "/_event"  # the frontend connects to `<backend>/_event`: both the path and the namespace


def router_data(pathname: str = "/", query: dict[str, str] | None = None) -> dict[str, Any]:
    """What the frontend's withRouterData sends: the route's path (with its dynamic parts filled in) and its query."""
    search = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    data: dict[str, Any] = {"pathname": pathname, "asPath": pathname + (f"?{search}" if search else "")}
    if query:
        data["query"] = query
    return data


def tab_socket(cookie: str | None = None) -> socketio.AsyncClient:
    """A socket.io client as the frontend's: no reconnection, and the session cookie (if any) sent as the websocket's
    own header. (engine.io would move a Cookie header into aiohttp's cookie jar, which may not send it to this host.)"""
    extra = {"headers": {"Cookie": cookie}} if cookie else {}
    return socketio.AsyncClient(reconnection=False, websocket_extra_options=extra)


async def connect_tab(
    sio: socketio.AsyncClient,
    url: str,
    token: str,
    route: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 20,
) -> None:
    """Open the tab's socket as the frontend does: `?token=` in the address, the hydrate event for `route` in the
    CONNECT packet's auth, the page's own origin."""
    await sio.connect(
        f"{url}?token={token}",
        socketio_path=NAMESPACE,
        namespaces=[NAMESPACE],
        transports=["websocket"],
        headers={"Origin": url, **(headers or {})},
        auth={"event": {"name": HYDRATE, "payload": {}, "router_data": route}},
        wait_timeout=timeout,
    )


@dataclass
class CallResult:
    """What the server sent back while one event was processed (every message, raw), and whether it answered."""

    messages: list[Any] = field(default_factory=list)
    answered: bool = True

    @property
    def text(self) -> str:
        return json.dumps(self.messages, default=str)

    def deltas(self) -> list[dict[str, Any]]:
        return [m["delta"] for m in self.messages if isinstance(m, dict) and isinstance(m.get("delta"), dict)]

    @property
    def raised(self) -> bool:
        """The backend exception handler answered: the toast it sends has the id `backend_error`."""
        return "backend_error" in self.text


class ReflexClient:
    """One tab: one socket.io connection with its own token and, if given, a session cookie in the handshake."""

    def __init__(
        self, url: str, *, cookie: str | None = None, token: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.cookie = cookie
        self.headers = headers or {}  # more handshake headers (X-Forwarded-For)
        self.token = token or str(uuid.uuid4())
        self.received: list[Any] = []  # every message of the connection, in order
        self._sio = tab_socket(cookie)
        self._sio.on("*", self._on_any, namespace=NAMESPACE)
        self._waiter: asyncio.Future[None] | None = None

    async def _on_any(self, event: str, data: Any = None) -> None:
        self.received.append({"socket_event": event, "data": data} if event != "event" else data)
        if self._waiter is None or not isinstance(data, dict):
            return
        root = (data.get("delta") or {}).get(ROOT_STATE) or {}
        if root.get(SENTINEL_VAR) is True and not self._waiter.done():
            self._waiter.set_result(None)

    async def connect(
        self, pathname: str = "/", query: dict[str, str] | None = None, timeout: float = 20
    ) -> CallResult:
        """Open the socket with the hydrate event in the CONNECT packet, as the frontend does, and wait for the first
        state (the full snapshot)."""
        route = router_data(pathname, query)
        start = len(self.received)
        await connect_tab(self._sio, self.url, self.token, route, headers=self.headers, timeout=timeout)
        # The hydrate queued the page's on_load after the first sentinel: a second one waits for it too.
        result = await self._settle(timeout, route)
        if result.answered:
            result = await self._settle(timeout, route)
        result.messages = self.received[start:]
        return result

    async def call(
        self, name: str, payload: Any, router: dict[str, Any] | None = None, *, timeout: float = 15
    ) -> CallResult:
        """Send one event and return everything the server sent until it had processed it."""
        start = len(self.received)
        await self._sio.emit(
            "event", {"name": name, "payload": payload, "router_data": router or router_data()}, namespace=NAMESPACE
        )
        result = await self._settle(timeout, router)
        result.messages = self.received[start:]
        return result

    async def _settle(self, timeout: float, router: dict[str, Any] | None = None) -> CallResult:
        """Send the sentinel and wait for its answer: everything sent before it has been processed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = future
        for value in (False, True):
            event = {"name": SENTINEL, "payload": {"value": value}, "router_data": router or router_data()}
            await self._sio.emit("event", event, namespace=NAMESPACE)
        try:
            await asyncio.wait_for(future, timeout)
            return CallResult()
        except TimeoutError:
            return CallResult(answered=False)
        finally:
            self._waiter = None

    @property
    def connected(self) -> bool:
        return bool(self._sio.connected)

    async def close(self) -> None:
        if self._sio.connected:
            await self._sio.disconnect()
