"""`backup` and `restore`: the database and every stored file, to and from a folder with a manifest.

The database is copied first and the files after: a file is stored before the row that names it is committed, so
every file the copied rows name is there when the files are copied (a photo replaced in between is the exception:
its old squares may be gone, see docs/BACKUPS.md). The manifest is written last: a backup cut short has none, and a
restore refuses it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jtbd_app.services.backups import database_copy
from jtbd_app.services.backups.manifest import (
    DATABASE_FILES,
    FILES,
    Manifest,
    ManifestRefused,
    entry_for,
    problems,
    read,
)
from jtbd_app.services.ports import FileStore


class BackupRefused(ValueError):
    """The backup or restore was not done (nothing was changed); the message says why and what to do."""


class RestoreIncomplete(RuntimeError):
    """The restored database does not hold every row of the backup: do not start the app on it."""


def _empty_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupRefused(f"{folder} is not an empty folder: back up into a new one (a date in its name, say).")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


def backup(folder: Path, *, database_url: str, store: FileStore, app_version: str) -> Manifest:
    """Copies the database and every stored file into `folder` (new or empty) and writes the manifest. A backup that
    fails leaves no part of itself: the folder is emptied (and removed when this made it), so it can be tried again."""
    made_folder = not folder.exists()
    _empty_folder(folder)
    try:
        return _fill(folder, database_url=database_url, store=store, app_version=app_version)
    except BaseException:
        for part in list(folder.iterdir()):
            if part.is_dir():
                shutil.rmtree(part)
            else:
                part.unlink()
        if made_folder:
            folder.rmdir()
        raise


def _fill(folder: Path, *, database_url: str, store: FileStore, app_version: str) -> Manifest:
    kind = database_copy.kind_of(database_url)
    copied = database_copy.dump(database_url, folder)
    entries = []
    for key in sorted(store.keys()):
        content = store.read(key)
        if content is None:  # deleted since it was listed (a replaced photo)
            continue
        path = folder / FILES / key
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o600)
        entries.append(entry_for(key, path))
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        app_version=app_version,
        migration_head=copied.revision,
        database_kind=kind,
        database=entry_for(copied.filename, folder / copied.filename),
        storage=store.where,
        tables=copied.tables,
        files=entries,
    )
    manifest.write(folder)
    return manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    files: int


def verified(folder: Path) -> Manifest:
    """The manifest of a whole backup; BackupRefused naming every problem otherwise."""
    try:
        manifest = read(folder)
    except ManifestRefused as exc:
        raise BackupRefused(str(exc)) from None
    found = problems(folder, manifest)
    if found:
        shown = "\n  ".join(found[:20]) + (f"\n  ... and {len(found) - 20} more" if len(found) > 20 else "")
        raise BackupRefused(f"The backup in {folder} does not match its manifest; nothing was restored:\n  {shown}")
    return manifest


def restore(
    folder: Path,
    *,
    database_url: str,
    store: FileStore,
    known_revision: Callable[[str], bool],
    migrate: Callable[[], None],
    replace: bool = False,
) -> Restored:
    """Puts the backup's database and files back, checks every table has its rows again, then migrates. Refused,
    changing nothing, when the backup does not verify, is of another kind of database, or comes from a newer app."""
    manifest = verified(folder)
    kind = database_copy.kind_of(database_url)
    if manifest.database_kind != kind:
        raise BackupRefused(
            f"This backup holds a {manifest.database_kind} database and DATABASE_URL names a {kind} one: restore it "
            f"into a {manifest.database_kind} database."
        )
    unknown = [r for r in manifest.migration_head.split(",") if r and not known_revision(r)]
    if unknown:
        raise BackupRefused(
            f"This backup was made at migration {manifest.migration_head}, which this version of the app does not "
            "know: restore it with the version that made it (or a newer one)."
        )
    try:
        database_copy.load(database_url, folder / DATABASE_FILES[kind], replace=replace)
    except database_copy.DatabaseCopyFailed as exc:
        raise BackupRefused(str(exc)) from None
    for entry in manifest.files:
        store.save(entry.key, (folder / FILES / entry.key).read_bytes())
    counts = database_copy.table_counts(database_url)
    differ = [f"{t}: {counts.get(t)} rows, {n} in the backup" for t, n in manifest.tables.items() if counts.get(t) != n]
    if differ:
        raise RestoreIncomplete("The restored database differs from the backup: " + "; ".join(differ))
    migrate()
    return Restored(manifest, len(manifest.files))
