"""Listing search on PostgreSQL (weighted tsvector + GIN): the same behaviours as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, SQLModel

from jtbd_app.config import _normalise_db_url, get_settings
from jtbd_app.db import get_engine
from tests.support.app_server import TEST_SECRET
from tests.support.search_scenarios import ListingSearchContract


@pytest.fixture(autouse=True)
def database(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh database whose tables (and search index) come from metadata.create_all, as in the unit tier."""
    monkeypatch.setenv("DATABASE_URL", _normalise_db_url(postgres_url))
    monkeypatch.setenv("JTBD_ENV", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    SQLModel.metadata.create_all(get_engine())
    yield
    get_engine().dispose()
    get_settings.cache_clear()


@pytest.fixture
def db() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.rollback()


class TestListingSearchOnPostgres(ListingSearchContract):
    """Every behaviour of `ListingSearchContract`, on a fresh PostgreSQL database."""
