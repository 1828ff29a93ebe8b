"""Who is uploading, per browser tab, while its upload request is in flight.

Reflex runs an upload's handler from the event queue with the tab's stored state, which carries the session of the
tab's websocket, not of the upload request. The request guard holds the upload request's own session key here
(keyed by the tab's client token) for exactly as long as the request runs; upload handlers read it and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_held: dict[str, tuple[str, int]] = {}  # client token -> (session key, uploads of that session in flight)


class TabBusy(Exception):
    """Another upload for this tab, from another session, is in flight."""


@contextmanager
def hold(client_token: str, key: str) -> Iterator[None]:
    """Mark `key` as the session uploading for `client_token` until the block ends (the same session may run
    several uploads for the tab at once; the key stays until the last one ends)."""
    current, running = _held.get(client_token, (key, 0))
    if current != key:
        raise TabBusy()
    _held[client_token] = (key, running + 1)
    try:
        yield
    finally:
        current, running = _held[client_token]
        if running > 1:
            _held[client_token] = (current, running - 1)
        else:
            del _held[client_token]


def uploading_key(client_token: str) -> str | None:
    """The session key of the upload request running for this tab, or None (then the caller is anonymous)."""
    held = _held.get(client_token)
    return held[0] if held else None
