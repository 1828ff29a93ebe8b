"""Call Reflex event handlers the way a browser's websocket message would, with any cookie and arguments."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData

import jtbd_app.routes  # noqa: F401  (imports every page, and so every state class)
from jtbd_app.api import upload_sessions
from jtbd_app.api.http import SESSION_KEY_HEADER
from jtbd_app.services.tokens import session_key


def app_state_classes() -> list[type[rx.State]]:
    """Every state class the app defines (Reflex's own internal states excluded)."""
    found: list[type[rx.State]] = []
    stack: list[type[Any]] = [rx.State]
    while stack:
        cls = stack.pop()
        for sub in cls.get_substates():
            stack.append(sub)
            if sub.__module__.startswith("jtbd_app."):
                found.append(sub)
    return sorted(found, key=lambda c: c.__name__)


def app_handlers() -> set[str]:
    """'StateClass.handler' for every handler a browser can invoke on an app state."""
    return {f"{cls.__name__}.{name}" for cls in app_state_classes() for name in cls.event_handlers}


def state_for(cls: type[rx.State], *, token: str | None = None, path: str = "/", ip: str = "10.0.0.1") -> Any:
    """A fresh state tree for one browser, whose websocket handshake carried `token` as its cookie (which the request
    guard turned into its session key)."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    key = session_key(token)
    headers = {SESSION_KEY_HEADER: key} if key else {}
    root.router = RouterData.from_router_data(
        {"headers": headers, "pathname": path, "asPath": path, "ip": ip, "token": "client-token"}
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def call(state: Any, handler: str, *args: Any) -> Any:
    """Run a handler as Reflex would and return what it returned (events are not followed)."""
    fn = type(state).event_handlers[handler].fn
    result = fn(state, *args)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if inspect.isgenerator(result):
        return list(result)
    if inspect.isasyncgen(result):
        return asyncio.run(_drain(result))
    return result


def call_upload(state: Any, handler: str, *args: Any, uploader_token: str | None = "tab") -> Any:
    """Run an upload handler as the request guard does: while the upload request's own session is held for the tab.
    By default that is the session the tab's websocket carried; `uploader_token` names another cookie (None: none)."""
    tab_key = state.router.headers.raw_headers.get(SESSION_KEY_HEADER)
    key = tab_key if uploader_token == "tab" else session_key(uploader_token)
    if key is None:
        return call(state, handler, *args)
    with upload_sessions.hold(state.router.session.client_token, key):
        return call(state, handler, *args)


def sent_vars(state: Any) -> set[str]:
    """The public vars set since `forget_sent`, as Reflex would send them to the tab: this state's and its parents'
    (the page frame's sign-in summary lives in SessionState)."""
    found: set[str] = set()
    while state is not None:
        found |= {name for name in state.dirty_vars if not name.startswith("_")}
        state = state.parent_state
    return found


def forget_sent(state: Any) -> None:
    """As after Reflex sent the delta: nothing is dirty any more."""
    while state is not None:
        state.dirty_vars.clear()
        state = state.parent_state


async def _drain(events: Any) -> list[Any]:
    """Every value an async generator handler yields (progress steps and events), in order."""
    return [item async for item in events]
