"""Reflex's own handlers (any browser can call them) take only what the real frontend sends them."""

from __future__ import annotations

from typing import Any

import pytest
import reflex as rx
from reflex.state import FrontendEventExceptionState, OnLoadInternalState, UpdateVarsInternalState

from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.reflex_handlers_guard import acceptable

ROOT = rx.State.get_full_name()
ON_LOAD = OnLoadInternalState.get_full_name()
STORAGE = UpdateVarsInternalState.get_full_name()
REPORT = FrontendEventExceptionState.get_full_name()


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        (f"{ROOT}.hydrate", {}),
        (f"{ROOT}.hydrate_and_load", {"vars": {}, "hashes": ["abc"]}),
        (f"{ROOT}.set_is_hydrated", {"value": True}),
        (f"{ON_LOAD}.on_load_internal", {}),
        (f"{STORAGE}.update_vars_internal", {"vars": {}}),
        (f"{REPORT}.handle_frontend_exception", {"info": "TypeError: x", "component_stack": "at Page"}),
        (f"{MarketplaceState.get_full_name()}.load_marketplace", {"anything": "the handler checks itself"}),
    ],
)
def test_what_the_frontend_sends_is_accepted(event: str, payload: dict[str, Any]) -> None:
    assert acceptable(event, payload, rx.State(_reflex_internal_init=True))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        (f"{ROOT}.setvar", {"var_name": "is_hydrated", "value": True}),
        (f"{ON_LOAD}.setvar", {"var_name": "x", "value": 1}),
        (f"{ROOT}.set_is_hydrated", {"value": "yes"}),
        (f"{ROOT}.hydrate", {"unexpected": 1}),
        (f"{ROOT}.hydrate_and_load", {"vars": 5}),
        (f"{ROOT}.hydrate_and_load", {"vars": {"": 1}}),
        (f"{STORAGE}.update_vars_internal", {"vars": {f"{MarketplaceState.get_full_name()}.query": "x"}}),
        (f"{STORAGE}.update_vars_internal", {}),
        (f"{REPORT}.handle_frontend_exception", {"info": ["not", "text"], "component_stack": ""}),
        ("no_such_state.no_such_handler", {}),
    ],
)
def test_anything_else_is_refused(event: str, payload: dict[str, Any]) -> None:
    assert not acceptable(event, payload, rx.State(_reflex_internal_init=True))  # type: ignore[call-arg]
