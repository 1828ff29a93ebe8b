"""Reading submitted forms: the browser may send anything, so a form that is not a dict reads as empty.

The values are passed on unchecked; the services validate them.
"""

from __future__ import annotations

from typing import Any


def field(form: object, name: str, default: object = None) -> Any:
    """One value of a submitted form, or `default` when it is missing."""
    return form.get(name, default) if isinstance(form, dict) else default


def fields(form: object, *names: str) -> tuple[Any, ...]:
    """Several values of a submitted form, in the order named (None for a missing one)."""
    return tuple(field(form, name) for name in names)
