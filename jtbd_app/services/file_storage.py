"""The process's file store (the `FileStore` port): installed once by the bootstrap, asked for by the services that
keep uploaded files. Asking before it is installed is a programming error, never a silent fallback to a local folder
(on several hosts that would scatter files across them)."""

from __future__ import annotations

import re
from collections.abc import Callable

from jtbd_app.services.ports import FileStore

_provider: list[Callable[[], FileStore]] = []
KEY = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")  # no "..", no leading "/", no empty part


def install(provider: Callable[[], FileStore]) -> None:
    """`provider` answers the store for the current settings (the bootstrap keeps one store per configuration)."""
    _provider[:] = [provider]


def file_store() -> FileStore:
    if not _provider:
        raise RuntimeError("No file store is installed: call jtbd_app.bootstrap.install_file_store() at start-up.")
    return _provider[0]()


def is_key(key: object) -> bool:
    return isinstance(key, str) and len(key) <= 300 and KEY.fullmatch(key) is not None


def valid_key(key: object) -> str:
    """`key` if the services could have made it; ValueError for anything else (a path that climbs out, say)."""
    if not is_key(key):
        raise ValueError(f"Not a file key: {key!r}")
    return str(key)
