"""The layout rules import-linter cannot see: thin handlers, services found by their area's name, and every handler
behind the typed boundary.

(The import rules themselves, layers, no Reflex below state, adapters only from bootstrap, are import-linter
contracts in pyproject.toml, run by `make lint`.)"""

from __future__ import annotations

import ast
import inspect
import re
import typing
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from typing_extensions import is_typeddict

import jtbd_app
from jtbd_app.state.boundary import BoundaryMixin, is_validated
from tests.support.handlers import app_state_classes

APP = Path(jtbd_app.__file__).parent
HANDLER_MAX_LINES = 15
SHARED_SERVICES = {
    "audit",
    "file_storage",
    "health",
    "live",
    "mail",
    "outages",
    "ports",
    "rate_limits",
    "scheduler",
    "tokens",
    "viewer",
}


def _public_handlers() -> list[tuple[str, int]]:
    """(name, lines from `def` to the last line) of every public method of every state class, computed vars aside."""
    found = []
    for path in sorted((APP / "state").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) or item.name.startswith("_"):
                    continue
                if any("rx.var" in ast.unparse(d) for d in item.decorator_list):
                    continue
                assert item.end_lineno is not None
                found.append((f"{path.stem}.{node.name}.{item.name}", item.end_lineno - item.lineno + 1))
    return found


def test_state_handlers_stay_thin() -> None:
    """A handler resolves the viewer, calls one service use case and shows its answer; more belongs in a service."""
    handlers = _public_handlers()
    assert len(handlers) > 80  # the scan found the state classes
    too_long = {name: lines for name, lines in handlers if lines > HANDLER_MAX_LINES}
    assert too_long == {}


def test_services_live_in_area_packages_with_only_shared_modules_at_the_top() -> None:
    services = APP / "services"
    top_modules = {p.stem for p in services.glob("*.py")} - {"__init__"}
    assert top_modules == SHARED_SERVICES
    packages = [p for p in services.iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert {p.name for p in packages} >= {"accounts", "marketplace", "messaging", "ledger", "contracts", "demo"}
    for package in packages:
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text())), f"{package.name} says what it holds"


def test_upload_handlers_act_for_the_upload_request_and_other_handlers_for_the_websocket() -> None:
    """An upload's handler runs with the tab's state, whose session is the websocket's: it must ask `_uploader`, the
    session of the upload request itself (held by the request guard), and only upload handlers may."""
    import inspect

    from tests.support.handlers import app_state_classes

    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            source = inspect.getsource(handler.fn)
            uploads = "UploadFile" in str(inspect.signature(handler.fn))
            assert uploads == ("_uploader()" in source), f"{cls.__name__}.{name}"
            assert not (uploads and "_viewer()" in source), f"{cls.__name__}.{name} reads the tab's session"


# Handler parameters whose type is deliberately `object`: the handler reads any shape itself.
LOOSE_BY_DESIGN = {
    "ContractState.card_payment_result": "Stripe.js's answer is shown, never trusted; browser_error reads any shape",
    "ProblemMoneyState.card_payment_result": "the same answer of Stripe.js, on the problem page",
    "setvar": "the value goes on to the app's own set_<name> handler, which checks it against its type",
}


def _loose_parts(hint: object) -> list[str]:
    """What in a parameter's type lets an unchecked value through: Any, an unbounded int, a dict instead of a
    TypedDict (a form's fields are known), or object."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        base, *meta = args
        bounded = base is int and any(isinstance(m, Ge) for m in meta) and any(isinstance(m, Le) for m in meta)
        return [] if bounded else _loose_parts(base)
    if hint is Any or hint is object:
        return [str(hint)]
    if hint is int:
        return ["int without bounds"]
    if hint is dict or origin is dict:
        return ["dict (use a TypedDict)"]
    if is_typeddict(hint):
        return [p for field in typing.get_type_hints(hint, include_extras=True).values() for p in _loose_parts(field)]
    return [p for arg in args for p in _loose_parts(arg)]


def test_every_handler_is_behind_the_boundary() -> None:
    """Every handler a browser can call (setvar included) validates its arguments by type before it runs."""
    classes = app_state_classes()
    assert all(issubclass(cls, BoundaryMixin) for cls in classes)
    uncovered = [
        f"{cls.__name__}.{name}" for cls in classes for name, h in cls.event_handlers.items() if not is_validated(h.fn)
    ]
    assert uncovered == []


def test_handler_parameters_have_precise_types() -> None:
    loose = {}
    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            hints = typing.get_type_hints(handler.fn, include_extras=True)
            for param in list(inspect.signature(handler.fn).parameters)[1:]:
                parts = _loose_parts(hints[param])
                if parts and f"{cls.__name__}.{name}" not in LOOSE_BY_DESIGN and name not in LOOSE_BY_DESIGN:
                    loose[f"{cls.__name__}.{name}({param})"] = parts
    assert loose == {}


def test_url_parameters_are_read_through_the_boundary() -> None:
    """Query parameters and route arguments are read by boundary.query_param / query_params / route_arg, which
    turn a bad value into a default or bounded text."""
    pattern = r"query_parameters|router\.page\.params|(?<!route_arg\()self\.router\.url\.path"
    readers = [
        path.name
        for path in (APP / "state").glob("*.py")
        if path.name != "boundary.py" and re.search(pattern, path.read_text())
    ]
    assert readers == []
