"""Who is uploading, per browser tab, while its upload request is in flight.

Reflex runs an upload's handler from the event queue with the tab's stored state, which carries the session of the
tab's websocket, not of the upload request. The request guard holds the upload request's own session key here
(keyed by the tab's client token) for exactly as long as the request runs; upload handlers read it and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_held: dict[str, str] = {}


class TabBusy(Exception):
    """Another upload for this tab, from another session, is in flight."""


@contextmanager
def hold(client_token: str, key: str) -> Iterator[None]:
    """Mark `key` as the session uploading for `client_token` until the block ends."""
    current = _held.get(client_token)
    if current is not None and current != key:
        raise TabBusy()
    _held[client_token] = key
    try:
        yield
    finally:
        if current is None:
            _held.pop(client_token, None)


def uploading_key(client_token: str) -> str | None:
    """The session key of the upload request running for this tab, or None (then the caller is anonymous)."""
    return _held.get(client_token)
