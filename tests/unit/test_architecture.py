"""The layout rules import-linter cannot see: thin handlers, and services found by their area's name.

(The import rules themselves, layers, no Reflex below state, adapters only from bootstrap, are import-linter
contracts in pyproject.toml, run by `make lint`.)"""

from __future__ import annotations

import ast
from pathlib import Path

import jtbd_app

APP = Path(jtbd_app.__file__).parent
HANDLER_MAX_LINES = 15
SHARED_SERVICES = {"health", "mail", "ports", "scheduler", "tokens", "viewer"}


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
