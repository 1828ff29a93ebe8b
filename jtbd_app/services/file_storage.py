"""The process's file store (the `FileStore` port): installed once by the bootstrap, asked for by the services that
keep uploaded files. Asking before it is installed is a programming error, never a silent fallback to a local folder
(on several hosts that would scatter files across them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from jtbd_app.domain.errors import NotFound
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


@dataclass(frozen=True)
class StoredBytes:
    """A stored file to send: its size, and its bytes read from the store as the download takes them."""

    key: str
    size: int

    def chunks(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes `start` to `end` (inclusive; the last byte when None)."""
        return file_store().chunks(self.key, start, self.size - 1 if end is None else end)


def stored_bytes(key: str, *, not_found: str) -> StoredBytes:
    """The file under `key`, to send (ask outside any database transaction: the store may be across the network);
    NotFound with `not_found` when it is gone."""
    size = file_store().size(key)
    if size is None:
        raise NotFound(not_found)
    return StoredBytes(key, size)
