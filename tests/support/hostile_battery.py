"""The hostile calls: every event handler the app registers (read from its own state classes, so a new handler is
attacked the day it is written, and from Reflex's own states, which every app registers too), each parameter given a
battery of bad values, sent from the page the handler lives on with another member's object in the URL."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import reflex as rx

from jtbd_app.routes import ROUTES
from tests.support.handlers import app_state_classes
from tests.support.hostile_world import World
from tests.support.reflex_client import router_data

# Handlers that end the caller's own session: they run last, so the stranger stays signed in for the rest.
SESSION_ENDERS = ("sign_out", "sign_out_everywhere")
FILLER = "Hostile suite text"  # the other fields of a form, so that one bad field is what the handler meets
BIG = "A" * 100_000


def hostile_values(world: World) -> list[tuple[str, Any]]:
    """Bad values of every kind, and other members' ids (as numbers and as text)."""
    values: list[tuple[str, Any]] = [
        ("None", None),
        ("empty string", ""),
        ("zero", 0),
        ("negative", -1),
        ("min int64", -(2**63)),
        ("huge", 10**30),
        ("float", 1.5),
        ("true", True),
        ("list", [1, "a"]),
        ("dict", {"a": 1}),
        ("100 KB string", BIG),
        ("html", '<script>alert(1)</script><img src=x onerror="alert(1)">'),
        ("sql", "' OR '1'='1'; DROP TABLE \"user\"; --"),
        ("odd unicode", "\u00b2\u202e\u0000\ud7ff"),
    ]
    for label, value in world.other_ids.items():
        values.append((f"other member's {label}", value))
        if isinstance(value, int):
            values.append((f"other member's {label} as text", str(value)))
    return values


def short_values(world: World) -> list[tuple[str, Any]]:
    """The few values tried in each form field on its own (the full battery goes into every field at once)."""
    wanted = {"None", "list", "huge", "negative", "100 KB string", "html", "other member's user"}
    return [v for v in hostile_values(world) if v[0] in wanted]


@dataclass(frozen=True)
class Call:
    handler: str  # "StateClass.handler", as reports name it
    event: str  # the full event name the client sends
    payload: dict[str, Any]
    router: dict[str, Any]
    argument: str  # which argument was bad, and how

    def __str__(self) -> str:
        return f"{self.handler}({self.argument})"


def form_fields() -> dict[str, set[str]]:
    """Per page path: the names of the form fields its components submit (walked from the page's component tree)."""
    fields: dict[str, set[str]] = {}
    for route in ROUTES:
        found: set[str] = set()
        _walk(route.component(), found)
        fields[route.path] = {n for n in found if re.fullmatch(r"[a-z_]+", n)}
    return fields


def _walk(component: Any, found: set[str]) -> None:
    name = getattr(component, "name", None)
    if name is not None:
        found.add(str(name).strip('"'))
    for child in getattr(component, "children", None) or []:
        _walk(child, found)
    for attr in ("comp1", "comp2", "contents"):
        inner = getattr(component, attr, None)
        if isinstance(inner, rx.Component):
            _walk(inner, found)


def _pages_of(cls: type[rx.State]) -> list[str]:
    """The pages that load this state (on_load), or that load one of its substates; "/" when none does."""
    pages = []
    for route in ROUTES:
        loads = route.on_load if isinstance(route.on_load, list) else [route.on_load]
        if any(h is not None and h.state_full_name.startswith(cls.get_full_name()) for h in loads):
            pages.append(route.path)
    return pages or ["/"]


def route_for(path: str, world: World) -> dict[str, Any]:
    """The router data of `path` with its dynamic segment filled with a victim's object."""
    match = re.search(r"\[(\w+)\]", path)
    if not match:
        return router_data(path)
    value = world.route_params.get(path, str(world.poison_id))
    return router_data(path.replace(match.group(0), value), {match.group(1): value})


def _filler(param: inspect.Parameter, world: World) -> Any:
    """A plausible value of the parameter's type; an id parameter gets another member's object of that kind."""
    text = str(param.annotation)
    if "int" in text:
        return world.other_ids.get(param.name.removesuffix("_id"), 1)
    if "bool" in text:
        return True
    if "dict" in text:
        return {}
    if "list" in text:
        return []
    return FILLER


def _params(fn: Any) -> list[inspect.Parameter]:
    return list(inspect.signature(fn).parameters.values())[1:]


def calls_for(cls: type[rx.State], name: str, world: World, fields: dict[str, set[str]]) -> Iterator[Call]:
    """The hostile calls of one handler, from the first page that loads its state."""
    page = _pages_of(cls)[0]
    router = route_for(page, world)
    event = f"{cls.get_full_name()}.{name}"
    params = _params(cls.event_handlers[name].fn)
    base = {p.name: _filler(p, world) for p in params}

    def call(payload: dict[str, Any], argument: str) -> Call:
        return Call(f"{cls.__name__}.{name}", event, payload, router, argument)

    yield call({}, "no arguments")
    yield call({**base, "unexpected": "<b>x</b>", "__class__": 1}, "unexpected keyword arguments")
    for param in params:
        # An untyped value (setvar's) is stored as given, whatever it is: a few kinds suffice.
        battery = short_values(world) if param.annotation in (Any, "Any") else hostile_values(world)
        for label, value in battery:
            yield call({**base, param.name: value}, f"{param.name}={label}")
        if "dict" in str(param.annotation):
            yield from _form_calls(call, base, param.name, sorted(fields.get(page, set())), world)


def _form_calls(call: Any, base: dict[str, Any], param: str, names: list[str], world: World) -> Iterator[Call]:
    """A form: the whole battery in every field at once, then a few bad values in each field alone."""
    for label, value in hostile_values(world):
        yield call({**base, param: dict.fromkeys(names, value)}, f"{param}: every field={label}")
    for field_name in names:
        for label, value in short_values(world):
            form = {**dict.fromkeys(names, FILLER), field_name: value}
            yield call({**base, param: form}, f"{param}: {field_name}={label}")


def reflex_state_classes() -> list[type[rx.State]]:
    """Reflex's own states: the root (hydrate, setvar) and its internal substates (on_load, client storage, frontend
    exceptions). Any browser can call their handlers as well as the app's."""
    found: list[type[Any]] = [rx.State]
    for cls in found:
        found.extend(sub for sub in cls.get_substates() if not sub.__module__.startswith("jtbd_app."))
    return found


def plan(world: World) -> list[Call]:
    """Every hostile call, state by state: its page's on_load handlers first (so the state holds the victim's
    object, if it would show it), then every other handler; the session enders last of all."""
    fields = form_fields()
    first: list[Call] = []
    last: list[Call] = []
    for cls in [*reflex_state_classes(), *app_state_classes()]:
        loads = {
            h.fn.__name__
            for r in ROUTES
            for h in (r.on_load if isinstance(r.on_load, list) else [r.on_load])
            if h is not None and h.state_full_name == cls.get_full_name()
        }
        for name in sorted(cls.event_handlers, key=lambda n: (n not in loads, n)):
            target = last if name in SESSION_ENDERS else first
            target.extend(calls_for(cls, name, world, fields))
    return first + last


def every_handler() -> set[str]:
    return app_handlers() | {f"{cls.__name__}.{name}" for cls in reflex_state_classes() for name in cls.event_handlers}


def app_handlers() -> set[str]:
    return {f"{cls.__name__}.{name}" for cls in app_state_classes() for name in cls.event_handlers}
