"""Listing search on SQLite (FTS5); the same behaviours run on PostgreSQL in the integration tier."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

from jtbd_app.db import get_engine
from tests.support.search_scenarios import ListingSearchContract


class TestListingSearchOnSqlite(ListingSearchContract):
    """Every behaviour of `ListingSearchContract`, on the unit tier's SQLite file."""


def test_dropping_the_tables_drops_the_search_index_too() -> None:
    engine = get_engine()
    assert "listing_fts" in inspect(engine).get_table_names()
    SQLModel.metadata.drop_all(engine)
    assert inspect(engine).get_table_names() == []
