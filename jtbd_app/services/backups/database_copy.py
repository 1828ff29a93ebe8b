"""The database into and out of a backup folder: SQLite through its online backup API (a consistent copy while the
app runs), PostgreSQL through pg_dump in its custom format, and pg_restore's script run by psql in one transaction. The rows of every table are counted in
the same snapshot the copy is taken from, so a restore can prove it brought every row back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import Connection, make_url

from jtbd_app.db import make_engine
from jtbd_app.services.backups.manifest import DATABASE_FILES

# libpq's environment variables for the parts of a PostgreSQL URL (the password never shows in a process list).
LIBPQ_QUERY = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}


class DatabaseCopyFailed(RuntimeError):
    """pg_dump or pg_restore failed, or the database is not one a backup can hold; the message says why."""


@dataclass(frozen=True)
class Copied:
    filename: str
    tables: dict[str, int]
    revision: str


def kind_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in DATABASE_FILES:
        raise DatabaseCopyFailed(f"Backups handle SQLite and PostgreSQL, not {backend}.")
    return backend


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DatabaseCopyFailed("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def libpq_env(url: str) -> dict[str, str]:
    """The environment pg_dump and pg_restore need to reach the database at `url`."""
    parts = make_url(url)
    env = {**os.environ, "PGDATABASE": parts.database or ""}
    for name, value in (("PGHOST", parts.host), ("PGPORT", parts.port), ("PGUSER", parts.username)):
        if value:
            env[name] = str(value)
    if parts.password:
        env["PGPASSWORD"] = str(parts.password)
    for key, name in LIBPQ_QUERY.items():
        given = parts.query.get(key)
        if given:
            env[name] = given if isinstance(given, str) else given[0]
    return env


def _counts(conn: Connection) -> dict[str, int]:
    return {
        name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
        for name in sorted(inspect(conn).get_table_names())
    }


def _revision(conn: Connection) -> str:
    if "alembic_version" not in inspect(conn).get_table_names():
        return ""
    return ",".join(sorted(str(r) for r in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _counts(conn)
    finally:
        engine.dispose()


def _run(command: list[str], url: str) -> None:
    # The programs are fixed and every argument is ours (a file name, a snapshot id, the database's name).
    try:
        done = subprocess.run(command, env=libpq_env(url), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise DatabaseCopyFailed(
            f"{command[0]} is not installed here: install PostgreSQL's client programs of the server's major version "
            "(Debian: postgresql-client), then try again."
        ) from None
    if done.returncode != 0:
        raise DatabaseCopyFailed(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def dump(url: str, folder: Path) -> Copied:
    """The database's copy in `folder`, with its tables' rows and its migration, all from one snapshot."""
    kind = kind_of(url)
    target = folder / DATABASE_FILES[kind]
    if kind == "sqlite":
        with closing(sqlite3.connect(_sqlite_path(url))) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        engine = make_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as conn:
                copied = Copied(target.name, _counts(conn), _revision(conn))
        finally:
            engine.dispose()
    else:
        engine = make_engine(url)
        try:
            with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
                copied = Copied(target.name, _counts(conn), _revision(conn))
                # pg_dump reads the very snapshot the rows were counted in, while this transaction holds it open.
                _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], url)
        finally:
            engine.dispose()
    target.chmod(0o600)
    return copied


def is_empty(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    finally:
        engine.dispose()


def load(url: str, copy: Path, *, replace: bool) -> None:
    """The database at `url` becomes the copy, in one step: a failure leaves it as it was. Without `replace` it must
    be empty (a new one, say)."""
    kind = kind_of(url)
    if kind == "sqlite":
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
    if not replace and not is_empty(url):
        raise DatabaseCopyFailed(
            "The database already has tables: restore into an empty one, or pass --replace to overwrite it."
        )
    if kind == "sqlite":
        with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(_sqlite_path(url))) as into:
            source.backup(into)  # every page of the target replaced, in one step
        return
    with tempfile.TemporaryDirectory(prefix="jtbd-restore-") as scratch:
        script = Path(scratch) / "restore.sql"
        _run(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(copy)], url)
        # The old schema dropped and the copy loaded in one transaction of psql's: all of it, or nothing.
        clear = ["-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public"] if replace else []
        _run(["psql", "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", *clear, "-f", str(script)], url)
