"""One browser tab over Reflex's websocket protocol (socket.io on /_event), timing each event to its final delta.

The compiled frontend connects to `<app>/_event?token=<tab token>` with the hydrate event in the CONNECT packet's
auth, sends each event as `{"name": "<state path>.<handler>", "payload": {...}, "router_data": {"pathname",
"asPath", "query"}}`, and gets `event` messages carrying `{"delta", "events"}`. The session cookie travels in the
websocket handshake's headers, as a browser sends it.

Reflex sends no end-of-event marker, and a handler that changes nothing sends nothing. What closes a page load in a
browser is the framework's own `set_is_hydrated(True)`, which on_load_internal queues behind the page's on_load
handlers: a navigation is timed from sending it to that delta. A single event is timed the same way: the same
`set_is_hydrated` is sent right behind it (events of one tab are processed in order) and its delta closes the
event. So every timing runs to the delta of one framework event that follows the work, and F0, that event alone,
is the floor of them all.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.support.reflex_client import NAMESPACE, ROOT_STATE, connect_tab, router_data, tab_socket
from tests.support.reflex_client import SENTINEL as SET_HYDRATED
from tests.support.reflex_client import SENTINEL_VAR as HYDRATED_VAR

ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
BACKEND_ERROR = "backend_error"  # the id of the toast Reflex's default backend exception handler sends


class EventFailed(Exception):
    """The server did not answer in time, answered with its error toast, or dropped the connection."""


@dataclass
class Answer:
    """What one event brought back, and how long until its final delta (ms)."""

    ms: float
    messages: list[dict[str, Any]] = field(default_factory=list)

    def var(self, state: str, name: str) -> Any:
        """The last value the server sent for `state`'s var `name` (Reflex suffixes names with `_rx_state_`)."""
        found = None
        for message in self.messages:
            delta = (message.get("delta") or {}).get(state) or {}
            for key in (name, f"{name}_rx_state_"):
                if key in delta:
                    found = delta[key]
        return found

    def events(self) -> list[dict[str, Any]]:
        return [e for m in self.messages for e in (m.get("events") or []) if isinstance(e, dict)]


class Tab:
    """One socket.io connection with its own token and, if given, the session cookie in the handshake."""

    def __init__(self, url: str, *, cookie: str | None = None, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.token = str(uuid.uuid4())
        self.timeout = timeout
        self.route = router_data()
        self._sio = tab_socket(cookie)
        self._sio.on("event", self._on_event, namespace=NAMESPACE)
        self._inbox: list[tuple[float, dict[str, Any]]] = []
        self._waiter: asyncio.Future[float] | None = None
        self._until: bool = True  # the is_hydrated value that closes the current call

    async def _on_event(self, data: Any = None) -> None:
        now = time.perf_counter()
        if not isinstance(data, dict):
            return
        root = (data.get("delta") or {}).get(ROOT_STATE) or {}
        if self._waiter is not None and root.get(HYDRATED_VAR) is self._until and not self._waiter.done():
            self._waiter.set_result(now)
            return
        self._inbox.append((now, data))

    async def open(self, pathname: str = "/", query: dict[str, str] | None = None) -> Answer:
        """Connect with the hydrate event in the CONNECT packet, as the frontend does, and wait until the page's
        on_load handlers ran (their final `set_is_hydrated(True)`)."""
        self.route = router_data(pathname, query)
        start = self._arm(until=True)
        await connect_tab(self._sio, self.url, self.token, self.route, timeout=self.timeout)
        return await self._finish(start)

    async def navigate(self, pathname: str, query: dict[str, str] | None = None) -> Answer:
        """Go to a page as the router does: on_load_internal runs the page's on_load handlers, then flips
        is_hydrated back to True; that delta is the page's final one."""
        self.route = router_data(pathname, query)
        start = self._arm(until=True)
        await self._emit(ON_LOAD, {})
        return await self._finish(start)

    async def call(self, name: str, payload: dict[str, Any] | None = None) -> Answer:
        """Send one event on the current page with the closing `set_is_hydrated(False)` behind it; time it to that
        event's delta."""
        start = self._arm(until=False)
        await self._emit(name, payload or {})
        await self._emit(SET_HYDRATED, {"value": False})
        answer = await self._finish(start)
        await self.set_hydrated(True)  # back as it was, for the next call
        return answer

    async def set_hydrated(self, value: bool) -> Answer:
        """The framework's own event, timed to its delta (F0): it flips the root state's flag."""
        start = self._arm(until=value)
        await self._emit(SET_HYDRATED, {"value": value})
        return await self._finish(start)

    def _arm(self, *, until: bool) -> float:
        self._inbox = []
        self._until = until
        self._waiter = asyncio.get_running_loop().create_future()
        return time.perf_counter()

    async def _emit(self, name: str, payload: dict[str, Any]) -> None:
        event = {"name": name, "payload": payload, "router_data": self.route}
        await self._sio.emit("event", event, namespace=NAMESPACE)

    async def _finish(self, start: float) -> Answer:
        assert self._waiter is not None
        try:
            closed = await asyncio.wait_for(self._waiter, self.timeout)
        except TimeoutError as exc:
            raise EventFailed("no answer" if self._sio.connected else "connection dropped") from exc
        finally:
            self._waiter = None
        messages = [m for _, m in self._inbox]
        if any(e.get("payload", {}).get("id") == BACKEND_ERROR for m in messages for e in m.get("events") or []):
            raise EventFailed("the server raised")
        if BACKEND_ERROR in str(messages):
            raise EventFailed("the server raised")
        return Answer(ms=(closed - start) * 1000, messages=messages)

    @property
    def connected(self) -> bool:
        return bool(self._sio.connected)

    async def close(self) -> None:
        if self._sio.connected:
            await self._sio.disconnect()
