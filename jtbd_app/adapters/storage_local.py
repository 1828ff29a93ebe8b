"""Uploaded files in a local folder (the default: `PRIVATE_FILES_DIR`, else data/private), outside anything served
statically. Each file is owner-only (0600); a key's parts are folders ("photos/<key>-64.jpg")."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from jtbd_app.services.file_storage import is_key, valid_key

PIECE = 256 * 1024  # bytes read at a time for a download


def _pieces(path: Path, start: int, end: int) -> Iterator[bytes]:
    if end < start:
        return
    with path.open("rb") as file:
        file.seek(start)
        left = end - start + 1
        while left > 0:
            piece = file.read(min(PIECE, left))
            if not piece:
                return
            left -= len(piece)
            yield piece


class LocalFolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def where(self) -> str:
        return f"folder {self.root}"

    def _path(self, key: str) -> Path:
        return self.root / valid_key(key)

    def save(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside it and renamed into place: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def size(self, key: str) -> int | None:
        path = self._path(key)
        return path.stat().st_size if path.is_file() else None

    def chunks(self, key: str, start: int, end: int) -> Iterator[bytes]:
        return _pieces(self._path(key), start, end)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and is_key(key) and not path.name.startswith(".upload-"):
                yield key
