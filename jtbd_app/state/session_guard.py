"""Before any event runs (the first hydrate of a page included), a tab whose session is no longer the one its state
was filled for forgets everything it holds: signing out, a session revoked elsewhere, or another cookie."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import _ROUTER_FIELD_NAMES, OnLoadInternalState
from reflex_base.event.context import EventContext
from reflex_base.registry import RegistrationContext

from jtbd_app.db import single_read
from jtbd_app.services.viewer import viewer_from_key
from jtbd_app.state.session import EVENT_VIEWER, SessionState, session_key_of


def member_states() -> list[type[rx.State]]:
    """SessionState and every state under it: all the app's states, so all that may hold a member's data."""
    found: list[type[Any]] = [SessionState]
    for cls in found:
        found.extend(cls.get_substates())
    return found


def _clear_own_vars(state: Any) -> None:
    """Every var the state's own class declares (backend vars included) back to its default; router data stays."""
    cls = type(state)
    for name, var in cls.__fields__.items():
        if var._owner is cls and name not in _ROUTER_FIELD_NAMES:
            setattr(state, name, var.default_value())


def _is_foreground(event: Any) -> bool:
    """Whether the event's handler runs start to end under the tab's lock (not `background=True`); False when not
    known, which only costs a second lookup."""
    try:
        registered = RegistrationContext.get().event_handlers.get(event.name) if event is not None else None
    except LookupError:
        return False
    return registered is not None and not registered.handler.is_background


# A page load is three events: the router's on_load_internal, then the page's load handlers and the framework's
# set_is_hydrated, which on_load_internal itself enqueues on the server (a browser cannot send an event as another's
# child). Those children use the viewer it resolved a moment before, for the same key: one lookup a page load, not
# three. Nothing else is taken on trust: any other event, a child of any other handler (which may have just signed
# someone out) included, looks the session up again.
ON_LOAD_INTERNAL = f"{OnLoadInternalState.get_full_name()}.on_load_internal"
CHILDREN_WITHIN_S = 5.0  # the children run right after their parent; an older entry is not used
_RESOLVED: OrderedDict[str, tuple[float, str | None, Any]] = OrderedDict()  # on_load_internal's txid: when, key, who
_RESOLVED_MAX = 4096


def _event_ids() -> tuple[str, str | None]:
    """This event's transaction id and its parent's (None for an event the browser sent)."""
    try:
        context = EventContext.get()
    except LookupError:
        return "", None
    return context.txid, context.parent_txid


def _viewer_for(key: str | None, parent: str | None) -> Any:
    """The member behind the key: as on_load_internal resolved it, for a child of it under the same key; else looked
    up now."""
    found = _RESOLVED.get(parent) if parent else None
    if found is not None and found[1] == key and time.monotonic() - found[0] <= CHILDREN_WITHIN_S:
        return found[2]
    with single_read() as session:
        return viewer_from_key(session, key)


def _remember(txid: str, key: str | None, viewer: Any) -> None:
    _RESOLVED[txid] = (time.monotonic(), key, viewer)
    while len(_RESOLVED) > _RESOLVED_MAX:
        _RESOLVED.popitem(last=False)


class SessionGuard(Middleware):
    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        guard = await state.get_state(SessionState)
        key = session_key_of(guard.router.headers)
        txid, parent = _event_ids()
        viewer = _viewer_for(key, parent)
        if txid and event is not None and event.name == ON_LOAD_INTERNAL:
            _remember(txid, key, viewer)
        EVENT_VIEWER.set((key, viewer) if key is not None and _is_foreground(event) else None)
        identity = f"{viewer.user_id}:{key}" if viewer else ""  # who the tab acts for; "" for nobody
        if identity != guard._identity:
            if guard._identity:  # a tab that held nobody's data has nothing to forget
                for cls in member_states():
                    _clear_own_vars(await state.get_state(cls))
            guard._identity = identity
        return None
