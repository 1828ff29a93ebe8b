"""Database engine and sessions, created on first use (never at import time).

On SQLite every unit of work is one real transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`,
SQLAlchemy's documented recipe for the pysqlite driver): what it read is still true when it writes, a savepoint is a
savepoint and not a commit, and a second writer waits for the first (busy_timeout) instead of failing half-way.
Readers are not blocked (WAL). On PostgreSQL the row locks (`SELECT ... FOR UPDATE`) do the same per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from jtbd_app.config import get_settings

READ_ONLY = "jtbd_read_only"
T = TypeVar("T")


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url` with this app's connection setup (`options` go to `create_engine`)."""
    if not url.startswith("sqlite"):
        return create_engine(url, **{"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10, **options})
    engine = create_engine(url, **{"connect_args": {"check_same_thread": False, "timeout": 30}, **options})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        dbapi_conn.isolation_level = None  # the driver begins nothing itself ...

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        # ... every transaction begins here: a unit of work holding the write lock, a read (`read_scope`) without it
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().resolved_database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


@contextmanager
def read_scope() -> Iterator[Session]:
    """A consistent read that writes nothing: on SQLite it does not take the write lock, so it may run while a unit
    of work of the same thread is open (a unit of work inside another one would wait for itself)."""
    with Session(_reading(get_engine()), expire_on_commit=False) as session:
        yield session  # closing it ends the transaction (a rollback) and keeps what was read


class NeedsWrite(Exception):
    """A read of `read_or_write` was about to write: it is done again as a unit of work."""


def _refuse_writes(_conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
    """Listens only on `_attempting`'s engine: no other statement of the app pays for it."""
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        raise NeedsWrite


def read_or_write(work: Callable[[Session], T]) -> T:
    """`work` as a read (`read_scope`: on SQLite without the write lock); should it be about to write (a row it makes
    on first sight, for data older than that row; a case it catches up), nothing is written and it runs again as a
    unit of work, which keeps what it writes. For pages whose reads write only now and then: a view no longer takes
    SQLite's write lock each time."""
    try:
        with Session(_attempting(get_engine()), expire_on_commit=False) as session:
            return work(session)
    except NeedsWrite:
        pass
    with session_scope() as session:
        return work(session)


@contextmanager
def single_read() -> Iterator[Session]:
    """A read of one statement (the session guard's lookup, the page frame's counts), which is consistent by itself:
    on PostgreSQL it runs outside a transaction (autocommit), saving `read_scope`'s BEGIN and ROLLBACK, two of the
    four round trips such a read cost on every event. Elsewhere it is `read_scope`."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        with read_scope() as session:
            yield session
        return
    with Session(_autocommit(engine), expire_on_commit=False) as session:
        yield session


# The engine with a read's options, made once per engine: every event reads, and making one cost 50 µs. Each shares
# its engine's pool, the current one after a `dispose()` too.
@lru_cache(maxsize=8)
def _reading(engine: Engine) -> Engine:
    return engine.execution_options(**{READ_ONLY: True})


@lru_cache(maxsize=8)
def _attempting(engine: Engine) -> Engine:
    attempt = engine.execution_options(**{READ_ONLY: True})
    event.listen(attempt, "before_cursor_execute", _refuse_writes)  # this engine's connections only
    return attempt


@lru_cache(maxsize=8)
def _autocommit(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")
