"""Reading submitted forms. A handler's form is a TypedDict whose fields the boundary (state/boundary.py) has
already checked by type; these helpers still read any object safely (a form that is not a dict reads as empty).

The values are passed on as they are; the services validate them.
"""

from __future__ import annotations

from typing import Any


def values(form: object) -> dict[str, Any]:
    """The whole form, for a service that reads many fields; empty when it is not a form at all."""
    return form if isinstance(form, dict) else {}


def field(form: object, name: str, default: object = None) -> Any:
    """One value of a submitted form, or `default` when it is missing."""
    return form.get(name, default) if isinstance(form, dict) else default


def fields(form: object, *names: str) -> tuple[Any, ...]:
    """Several values of a submitted form, in the order named (None for a missing one)."""
    return tuple(field(form, name) for name in names)


def text(form: object, name: str) -> str:
    """One value of a submitted form as text: "" when it is missing or not a string."""
    value = field(form, name)
    return value if isinstance(value, str) else ""
