"""The database a test runs on: the app's settings (and so `get_engine` and `session_scope`) pointed at it for the
test, or an engine of the test's own on a migrated database."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url, get_settings
from jtbd_app.db import get_engine, make_engine
from jtbd_app.services.demo import seed
from tests.support.app_server import TEST_SECRET


def database_env(database_url: str, **settings: str) -> dict[str, str]:
    """The settings, as environment variables, of the app under test on `database_url`: test mode, the tests' secret
    key and no Redis; `settings` adds more."""
    return {
        "DATABASE_URL": _normalise_db_url(database_url),
        "JTBD_ENV": "test",
        "SECRET_KEY": TEST_SECRET,
        "REDIS_URL": "",
        **settings,
    }


@contextlib.contextmanager
def use_database(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *, create_tables: bool = False
) -> Iterator[None]:
    """This process's settings from `env` (see `database_env`) until the block ends, on the database it names, with
    the tables created from the models' metadata if asked; then the engine is let go and the settings forgotten."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        if create_tables:
            SQLModel.metadata.create_all(get_engine())
        yield
    finally:
        get_engine().dispose()
        get_settings.cache_clear()


@contextlib.contextmanager
def migrated_engine(database_url: str, *, demo_data: bool = False, **options: Any) -> Iterator[Engine]:
    """An engine of the test's own (`options` go to `create_engine`) on `database_url`, its schema built by the
    migrations, with the demo data if asked; disposed of after."""
    url = _normalise_db_url(database_url)
    cli.migrate(url)
    engine = make_engine(url, **options)
    try:
        if demo_data:
            with Session(engine) as session:
                seed.seed(session)
                session.commit()
        yield engine
    finally:
        engine.dispose()


@contextlib.contextmanager
def counted_queries(engine: Engine | None = None) -> Iterator[list[str]]:
    """The statements `engine` (the app's, by default) runs in the block, without the BEGIN each transaction
    starts with (on SQLite the app begins its own, see `jtbd_app.db`)."""
    statements: list[str] = []
    target = engine or get_engine()

    def record(*args: Any) -> None:
        if not str(args[2]).startswith("BEGIN"):
            statements.append(str(args[2]))

    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)
