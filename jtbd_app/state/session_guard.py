"""Before any event runs (the first hydrate of a page included), a tab whose session is no longer the one its state
was filled for forgets everything it holds: signing out, a session revoked elsewhere, or another cookie."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import _ROUTER_FIELD_NAMES
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


class SessionGuard(Middleware):
    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        guard = await state.get_state(SessionState)
        key = session_key_of(guard.router.headers)
        with single_read() as session:
            viewer = viewer_from_key(session, key)
        EVENT_VIEWER.set((key, viewer) if key is not None and _is_foreground(event) else None)
        identity = f"{viewer.user_id}:{key}" if viewer else ""  # who the tab acts for; "" for nobody
        if identity != guard._identity:
            if guard._identity:  # a tab that held nobody's data has nothing to forget
                for cls in member_states():
                    _clear_own_vars(await state.get_state(cls))
            guard._identity = identity
        return None
