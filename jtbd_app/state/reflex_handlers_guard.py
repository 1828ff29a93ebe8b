"""The boundary for the handlers Reflex itself registers (hydrate, on_load, client storage, setvar on its own states):
any browser can send them too. The app's own handlers check themselves (`boundary.validated`); these are checked
here, before Reflex runs them, and a bad call gets the same refusal."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from reflex.middleware import Middleware
from reflex.state import State, StateUpdate
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext

from jtbd_app.state.boundary import REFUSAL, HandlerCheck, is_validated


@functools.lru_cache(maxsize=64)
def _check_of(fn: Any) -> HandlerCheck:
    return HandlerCheck(fn)


def _is_client_storage(key: object) -> bool:
    """`<state's full name>.<var>`, naming a cookie or local-storage var (this app has none, so nothing passes)."""
    if not isinstance(key, str):
        return False
    state_name, _, var_name = key.rpartition(".")
    try:
        return bool(State.get_class_substate(state_name)._is_client_storage(var_name.removesuffix(FIELD_MARKER)))
    except Exception:
        return False


def acceptable(event_name: str, payload: Mapping[str, Any], state: object) -> bool:
    """Whether Reflex may run this event: a registered name, arguments of the handler's types, and client-storage
    values only for client-storage vars. The app's own handlers are left to their own check."""
    registered = RegistrationContext.ensure_context().event_handlers.get(event_name)
    if registered is None:
        return False
    fn = registered.handler.fn
    if is_validated(fn):
        return True
    if event_name.endswith(".setvar"):
        return False  # no page sets Reflex's own vars
    if _check_of(fn).bind(state, (), payload) is None:
        return False
    return all(_is_client_storage(key) for key in (payload.get("vars") or {}))


class ReflexHandlersGuard(Middleware):
    async def preprocess(self, app: Any, state: Any, event: Any) -> StateUpdate | None:
        if acceptable(event.name, event.payload, state):
            return None
        return StateUpdate(events=Event.from_event_type([REFUSAL]))
