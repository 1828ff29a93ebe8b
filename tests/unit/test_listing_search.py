"""Listing search on SQLite (FTS5); the same behaviours run on PostgreSQL in the integration tier."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import Session, SQLModel

from jtbd_app.db import get_engine
from jtbd_app.services.marketplace.listing_search import search_from_params
from tests.support.search_scenarios import ListingSearchContract


class TestListingSearchOnSqlite(ListingSearchContract):
    """Every behaviour of `ListingSearchContract`, on the unit tier's SQLite file."""


def test_dropping_the_tables_drops_the_search_index_too() -> None:
    engine = get_engine()
    assert "listing_fts" in inspect(engine).get_table_names()
    SQLModel.metadata.drop_all(engine)
    assert inspect(engine).get_table_names() == []


def test_the_page_from_url_parameters_drops_bad_ones_with_their_messages() -> None:
    with Session(get_engine()) as session:
        page = search_from_params(session, params={"q": "logo", "category": "nope", "page": "x"})
    assert page.query.text == "logo" and page.query.category == "" and set(page.query.errors) == {"category"}
    assert (page.items, page.total_label, page.page) == ([], "No listings", 1)
