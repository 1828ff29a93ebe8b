"""A backup's manifest (manifest.json): when it was made, by which version of the app at which migration, the
database copy and every file with its size and SHA-256, and the rows of every table. `problems` checks a backup
folder against it; a restore refuses a backup with any."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jtbd_app.services.file_storage import is_key

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}  # the copy's name, by kind


@dataclass(frozen=True)
class Entry:
    """One file of the backup: a stored file's key (under files/), or the database copy's name."""

    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    app_version: str
    migration_head: str
    database_kind: str  # "sqlite" or "postgresql"
    database: Entry
    storage: str  # where the files were ("folder ...", "bucket s3://...")
    tables: dict[str, int] = field(default_factory=dict)
    files: list[Entry] = field(default_factory=list)
    format: int = FORMAT

    @property
    def file_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def write(self, folder: Path) -> None:
        path = folder / MANIFEST
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        path.chmod(0o600)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry_for(key: str, path: Path) -> Entry:
    return Entry(key, path.stat().st_size, sha256_of(path))


class ManifestRefused(ValueError):
    """The folder holds no backup this app can read; the message says why."""


def read(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`; ManifestRefused when there is none or it is not one of ours."""
    try:
        raw = json.loads((folder / MANIFEST).read_text())
        if raw.get("format") != FORMAT:
            raise ManifestRefused(f"{folder / MANIFEST} is of format {raw.get('format')!r}; this app reads {FORMAT}.")
        return Manifest(
            created_at=str(raw["created_at"]),
            app_version=str(raw["app_version"]),
            migration_head=str(raw["migration_head"]),
            database_kind=str(raw["database_kind"]),
            database=Entry(**raw["database"]),
            storage=str(raw["storage"]),
            tables={str(name): int(count) for name, count in raw["tables"].items()},
            files=[Entry(**item) for item in raw["files"]],
        )
    except FileNotFoundError:
        raise ManifestRefused(f"No backup in {folder}: it has no {MANIFEST} (an unfinished backup has none).") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, ManifestRefused):
            raise
        raise ManifestRefused(f"{folder / MANIFEST} cannot be read: {exc}") from None


def problems(folder: Path, manifest: Manifest) -> list[str]:
    """Every way the folder differs from its manifest: a missing file, another size, another checksum, a key that
    is not one the app makes. Empty when the backup is whole."""
    found: list[str] = []
    if DATABASE_FILES.get(manifest.database_kind) != manifest.database.key:
        return [f"the database copy {manifest.database.key!r} of kind {manifest.database_kind!r} is not one we make"]
    expected = [(manifest.database, folder / manifest.database.key)]
    for entry in manifest.files:
        if not is_key(entry.key):
            found.append(f"{entry.key!r} is not a file key this app makes")
            continue
        expected.append((entry, folder / FILES / entry.key))
    for entry, path in expected:
        if not path.is_file():
            found.append(f"{path} is missing")
        elif path.stat().st_size != entry.size:
            found.append(f"{path} has {path.stat().st_size} bytes, the manifest says {entry.size}")
        elif sha256_of(path) != entry.sha256:
            found.append(f"{path} does not match its SHA-256 in the manifest")
    return found
