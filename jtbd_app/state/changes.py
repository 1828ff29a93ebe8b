"""Setting vars so that only what changed goes to the browser: Reflex sends every var a handler set, equal or not,
and checks its type on the way; a page opened again with the same data (back from a listing to the same search)
then sends next to nothing."""

from __future__ import annotations

from typing import Any


def assign_changed(state: Any, **values: Any) -> None:
    """Set each of `values` on `state` whose value differs from the one it holds; leave equal ones alone."""
    for name, value in values.items():
        if getattr(state, name) != value:
            setattr(state, name, value)
