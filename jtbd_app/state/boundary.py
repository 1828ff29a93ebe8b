"""The one gate every browser-supplied value passes: event handler arguments and URL query parameters are checked
against their type hints (pydantic) before any handler code runs, and a bad value becomes a message, never an
exception.

Any browser can call any handler over the websocket with any JSON (wrong types, unknown keyword arguments), so
`BoundaryMixin` wraps every handler of every app state when Reflex creates the class (a new handler is covered the
day it is written, without a decorator to forget). The wrapper binds the call against the handler's signature and
validates each argument strictly against its annotation; on a mismatch it logs the refusal (never the values) and
returns a toast instead of calling the handler. Exceptions raised by the handler itself are not caught: a real
bug still surfaces as one.
"""

from __future__ import annotations

import functools
import inspect
import logging
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import reflex as rx
from annotated_types import Ge, Le, MaxLen
from pydantic import ConfigDict, PydanticUserError, TypeAdapter, ValidationError
from reflex.event import EventHandler, EventSpec
from reflex.state import EventHandlerSetVar

from jtbd_app.domain.ids import MAX_ID
from jtbd_app.domain.url_params import MAX_QUERY_TEXT, cut_params

log = logging.getLogger(__name__)

INVALID_REQUEST = "That request was not valid. Reload the page and try again."
CHECK_ATTR = "__boundary_check__"  # set on every wrapped handler function; the architecture test looks for it

MAX_PAGE = 1_000_000  # far beyond any list here; keeps OFFSET arithmetic small
MAX_ROUTE_ARG = 200  # longer than any id or username
MAX_SAFE_INT = 2**53 - 1  # the largest whole number a browser holds exactly

# Parameter types for handlers and URL parameters: a bare `int` would let 10**30 through to the database.
RecordId = Annotated[int, Ge(1), Le(MAX_ID)]
PageNumber = Annotated[int, Ge(1), Le(MAX_PAGE)]
Count = Annotated[int, Ge(0), Le(MAX_SAFE_INT)]
QueryText = Annotated[str, MaxLen(MAX_QUERY_TEXT)]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
_LOOSE_TYPES_CONFIG = ConfigDict(arbitrary_types_allowed=True)  # e.g. list[rx.UploadFile]: checked by isinstance


REFUSAL: EventSpec = rx.toast.error(INVALID_REQUEST)
"""What the browser gets instead of a handler run with arguments it could not have sent honestly (one immutable
event, so that a test can tell a refusal by identity)."""


def refusal() -> EventSpec:
    return REFUSAL


def _adapter(hint: Any) -> TypeAdapter[Any]:
    """One pydantic validator per annotation, built once where the annotation is hashable (they all are here:
    Annotated takes annotated_types constraints)."""
    try:
        return _cached_adapter(hint)
    except TypeError:  # unhashable metadata: build it each time
        return _new_adapter(hint)


@functools.lru_cache(maxsize=512)
def _cached_adapter(hint: Any) -> TypeAdapter[Any]:
    return _new_adapter(hint)


def _new_adapter(hint: Any) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(hint, config=_LOOSE_TYPES_CONFIG)
    except PydanticUserError as exc:
        if exc.code != "type-adapter-config-unused":
            raise
        return TypeAdapter(hint)  # a TypedDict, model or dataclass carries its own config


class HandlerCheck:
    """A handler's signature with one validator per parameter, built when the state class is created, so that an
    annotation pydantic cannot check fails at import rather than on the first hostile call."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.name = getattr(fn, "__qualname__", repr(fn))
        self.signature = inspect.signature(fn)
        hints = typing.get_type_hints(fn, include_extras=True)
        self.adapters: dict[str, TypeAdapter[Any]] = {}
        for index, (name, param) in enumerate(self.signature.parameters.items()):
            if index == 0:
                continue  # the state
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name not in hints:
                raise TypeError(f"{self.name}: every handler parameter needs a name and a type ({name})")
            self.adapters[name] = _adapter(hints[name])

    def bind(self, state: object, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> inspect.BoundArguments | None:
        """The call with every argument validated (and converted as its type says), or None when it is refused."""
        try:
            bound = self.signature.bind(state, *args, **kwargs)
        except TypeError:
            log.warning("Refused %s: the arguments do not match its signature", self.name)
            return None
        for name, value in list(bound.arguments.items())[1:]:
            try:
                bound.arguments[name] = self.adapters[name].validate_python(value, strict=True)
            except ValidationError as exc:
                problems = [(".".join(map(str, e["loc"])), e["type"]) for e in exc.errors(include_input=False)][:5]
                log.warning("Refused %s: argument %s is not valid %s", self.name, name, problems)
                return None
        return bound


def validated(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` behind the boundary: same signature, name and kind (function, coroutine, generator or async
    generator, as Reflex tells them apart), refusing a call whose arguments do not fit its type hints."""
    if hasattr(fn, CHECK_ATTR):
        return fn
    check = HandlerCheck(fn)
    handler: Callable[..., Any]
    if inspect.isasyncgenfunction(fn):

        async def handler(state: Any, *args: Any, **kwargs: Any) -> Any:
            if (call := check.bind(state, args, kwargs)) is None:
                yield refusal()
                return
            async for step in fn(*call.args, **call.kwargs):
                yield step

    elif inspect.iscoroutinefunction(fn):

        async def handler(state: Any, *args: Any, **kwargs: Any) -> Any:
            if (call := check.bind(state, args, kwargs)) is None:
                return refusal()
            return await fn(*call.args, **call.kwargs)

    elif inspect.isgeneratorfunction(fn):

        def handler(state: Any, *args: Any, **kwargs: Any) -> Any:
            if (call := check.bind(state, args, kwargs)) is None:
                yield refusal()
                return None
            return (yield from fn(*call.args, **call.kwargs))

    else:

        def handler(state: Any, *args: Any, **kwargs: Any) -> Any:
            if (call := check.bind(state, args, kwargs)) is None:
                return refusal()
            return fn(*call.args, **call.kwargs)

    handler = functools.wraps(fn)(handler)
    setattr(handler, CHECK_ATTR, check)
    return handler


def is_validated(fn: object) -> bool:
    return hasattr(fn, CHECK_ATTR)


def setvar(state: Any, var_name: Annotated[str, MaxLen(100)], value: object) -> Any:
    """Reflex's built-in setvar calls `set_<var_name>`. Here only an app handler of that name may be reached, and it
    checks `value` against its own type; anything else (Reflex's own setters, unknown names) is refused."""
    setter = getattr(type(state), f"set_{var_name}", None)
    fn = setter.fn if isinstance(setter, EventHandler) else None
    plain = fn is not None and not any(
        test(fn) for test in (inspect.iscoroutinefunction, inspect.isgeneratorfunction, inspect.isasyncgenfunction)
    )
    if fn is None or not plain or not is_validated(fn):
        log.warning("Refused setvar of %r on %s", var_name[:40], type(state).__name__)
        return refusal()
    return fn(state, value)


class _CheckedSetVar(EventHandlerSetVar):
    """Reflex's setvar handler (kept for its compile-time checks) with a validated function behind it."""

    # Registered under its function's name, as Reflex's own: the browser's "<state>.setvar" must find it.
    setvar = validated(setvar)  # type: ignore[assignment]


def _overrides_reflex(fn: F) -> F:
    """Reflex's own mark for a state method that deliberately replaces one of BaseState's."""
    fn.__override_base_method__ = True  # type: ignore[attr-defined]
    return fn


class BoundaryMixin(rx.State, mixin=True):
    """Put every handler of the state classes that inherit this behind `validated`, setvar included. Reflex
    creates each handler through these two class methods while it builds the class, before it registers them."""

    @classmethod
    @_overrides_reflex
    def _create_event_handler(cls, fn: Any, event_handler_cls: type[EventHandler] = EventHandler) -> Any:
        return super()._create_event_handler(validated(fn), event_handler_cls)  # type: ignore[misc]

    @classmethod
    @_overrides_reflex
    def _create_setvar(cls) -> None:
        cls.setvar = cls.event_handlers["setvar"] = _CheckedSetVar(state_cls=cls)  # type: ignore[assignment]


def route_arg(path: object, *, suffix: str = "") -> str:
    """The dynamic part of the page's path (`/contracts/[id]`: the id; `/tasks/[id]/delegate` with
    suffix="/delegate"), as bounded text; the service that takes it parses it (an id through domain.ids.parse_id, so
    that anything else is simply not found). The computed var passes `self.router.url.path` itself, so that Reflex
    sees it depends on the route."""
    text = str(path).rstrip("/")
    return text.removesuffix(suffix).rsplit("/", 1)[-1][:MAX_ROUTE_ARG]


def query_params(state: rx.State) -> dict[str, str]:
    """The page's URL query parameters as text (each cut at MAX_QUERY_TEXT), for a page whose own parser (a
    ListingQuery, a ProviderQuery) checks every field and says what was wrong with it."""
    return cut_params(state.router.url.query_parameters)


def query_param(state: rx.State, name: str, kind: Any, default: T) -> T:
    """One URL query parameter read as `kind` (text is converted, as URLs carry only text); a missing or bad value
    is `default`, never an exception."""
    raw = state.router.url.query_parameters.get(name)
    if raw is None:
        return default
    try:
        return typing.cast(T, _adapter(kind).validate_python(raw))
    except ValidationError:
        log.info("Ignored URL parameter %r: not a valid %s", name, getattr(kind, "__name__", kind))
        return default
