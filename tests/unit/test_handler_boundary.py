"""Every handler of every app state, called as an anonymous browser would call it over the websocket (Reflex's own
payload conversion, then the handler), with a hostile battery for each parameter and each form field: no exception
escapes, and a value of the wrong type is refused with the boundary's message before the handler runs."""

from __future__ import annotations

import asyncio
import inspect
import math
import typing
from typing import Any, Literal

import pytest
from annotated_types import Ge, Le
from reflex.event import EventHandler
from reflex_base.event.processor.base_state_processor import _prepare_event_payload
from reflex_components_core.core._upload import UploadFile
from sqlmodel import Session
from typing_extensions import is_typeddict

from jtbd_app.state.boundary import CHECK_ATTR, REFUSAL, HandlerCheck
from tests.support.handlers import app_state_classes, state_for

HOSTILE: list[Any] = [
    None,
    "",
    [],
    {},
    0,
    -1,
    10**30,
    True,
    1.5,
    "x" * 100_000,
    "<script>alert(1)</script>",
    "1; DROP TABLE user",
    ["x"],
    {"nested": {"a": 1}},
]
HANDLERS = sorted((cls.__name__, name) for cls in app_state_classes() for name in cls.event_handlers)
CLASSES = {cls.__name__: cls for cls in app_state_classes()}


def _check(handler: EventHandler) -> HandlerCheck:
    check = getattr(handler.fn, CHECK_ATTR)
    assert isinstance(check, HandlerCheck)
    return check


def _hints(handler: EventHandler) -> dict[str, Any]:
    hints = typing.get_type_hints(handler.fn, include_extras=True)
    return {name: hints[name] for name in _check(handler).adapters}


def _plain(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """The type under an Annotated, with its metadata."""
    if typing.get_origin(hint) is typing.Annotated:
        base, *meta = typing.get_args(hint)
        return base, tuple(meta)
    return hint, ()


def sample(hint: Any) -> Any:
    """A value of `hint` a page could send, so that the other parameters are not what a call is refused for."""
    base, meta = _plain(hint)
    if is_typeddict(base):
        return {name: sample(field) for name, field in typing.get_type_hints(base).items()}
    if typing.get_origin(base) is Literal:
        return typing.get_args(base)[0]
    if typing.get_origin(base) is list or base is object:
        return []
    if base is bool:
        return True
    if base is int:
        return next((m.ge for m in meta if isinstance(m, Ge)), 1)
    return "x"  # str, str | None


def wrong_type(hint: Any, value: Any) -> bool:
    """Whether `value` cannot be `hint` (an oracle written apart from the pydantic check it tests)."""
    base, meta = _plain(hint)
    args = typing.get_args(base)
    if base is object:
        return False
    if typing.get_origin(base) in (typing.Union, type(str | None)):
        return not any(not wrong_type(arg, value) for arg in args)
    if base is type(None):
        return value is not None
    if typing.get_origin(base) is Literal:
        return value not in args or type(value) is not str
    if is_typeddict(base):
        if type(value) is not dict:
            return True
        fields = typing.get_type_hints(base)
        return any(name in value and wrong_type(fields[name], value[name]) for name in fields) or any(
            name not in value for name in base.__required_keys__
        )
    if typing.get_origin(base) is list:
        return type(value) is not list or any(not isinstance(v, UploadFile) for v in value)
    if base is int:
        low: Any = next((m.ge for m in meta if isinstance(m, Ge)), -math.inf)
        high: Any = next((m.le for m in meta if isinstance(m, Le)), math.inf)
        return type(value) is not int or not low <= value <= high
    return type(value) is not base


def _run(result: Any) -> Any:
    """What the handler returned or yielded, drained as Reflex's event processor would."""
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if inspect.isgenerator(result):
        return list(result)
    if inspect.isasyncgen(result):

        async def drain() -> list[Any]:
            return [step async for step in result]

        return asyncio.run(drain())
    return result


def send(state: Any, handler: EventHandler, payload: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """Deliver `payload` the way a websocket event is delivered: Reflex converts it by the handler's hints (falling
    back to the raw payload when it cannot), then calls the handler with it as keyword arguments."""
    delivered = _prepare_event_payload(handler, payload)
    return delivered, _run(handler.fn(state, **delivered))


def refused(result: Any) -> bool:
    return result is REFUSAL or (isinstance(result, list) and result == [REFUSAL])


def _payloads(hints: dict[str, Any]) -> list[dict[str, Any]]:
    """A valid call with one parameter, or one field of a form, replaced by each hostile value."""
    valid = {name: sample(hint) for name, hint in hints.items()}
    calls = []
    for name, hint in hints.items():
        calls += [{**valid, name: bad} for bad in HOSTILE]
        base, _ = _plain(hint)
        if is_typeddict(base):
            for field in typing.get_type_hints(base):
                calls += [{**valid, name: {**valid[name], field: bad}} for bad in HOSTILE]
    return calls


@pytest.mark.parametrize(("state_name", "handler_name"), HANDLERS, ids=[f"{c}.{h}" for c, h in HANDLERS])
def test_a_hostile_argument_is_refused_or_handled_never_raised(state_name: str, handler_name: str, db: Session) -> None:
    cls = CLASSES[state_name]
    handler = cls.event_handlers[handler_name]
    hints = _hints(handler)
    state = state_for(cls)
    for payload in _payloads(hints):
        delivered, result = send(state, handler, payload)
        if any(wrong_type(hints[name], delivered[name]) for name in hints):
            assert refused(result), f"{state_name}.{handler_name} ran with {str(payload)[:200]}"


@pytest.mark.parametrize(("state_name", "handler_name"), HANDLERS, ids=[f"{c}.{h}" for c, h in HANDLERS])
def test_unexpected_or_missing_arguments_are_refused(state_name: str, handler_name: str, db: Session) -> None:
    cls = CLASSES[state_name]
    handler = cls.event_handlers[handler_name]
    hints = _hints(handler)
    valid = {name: sample(hint) for name, hint in hints.items()}
    state = state_for(cls)
    assert refused(send(state, handler, {**valid, "unexpected": "1"})[1])
    assert refused(send(state, handler, {**valid, "self": "1"})[1])
    required = [n for n, p in _check(handler).signature.parameters.items() if p.default is p.empty][1:]
    if required:
        assert refused(send(state, handler, {k: v for k, v in valid.items() if k != required[0]})[1])


def test_the_battery_reaches_every_handler_and_form_field() -> None:
    """The battery is not vacuous: it knows the app's handlers, and a form's fields are tried one by one."""
    assert len(HANDLERS) > 100
    profile = CLASSES["ProfileState"].event_handlers["save_profile"]
    payloads = _payloads(_hints(profile))
    forms = [p["form"] for p in payloads]
    assert None in forms and any(isinstance(f, dict) and f.get("currency") == [] for f in forms)
