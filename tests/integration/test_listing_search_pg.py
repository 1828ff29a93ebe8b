"""Listing search on PostgreSQL (weighted tsvector + GIN): the same behaviours as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import Session

from jtbd_app.db import get_engine, session_scope
from jtbd_app.models.search_index import PG_INDEX, PG_LISTING_FILLFACTOR
from tests.support.factories import make_listing
from tests.support.search_scenarios import ListingSearchContract, member, search, titles

# A fresh database whose tables (and search index) come from metadata.create_all, as in the unit tier.
pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def db() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.rollback()


class TestListingSearchOnPostgres(ListingSearchContract):
    """Every behaviour of `ListingSearchContract`, on a fresh PostgreSQL database."""


def test_a_changed_listing_goes_straight_into_the_index_and_pages_keep_room_for_a_bids_count(db: Session) -> None:
    """No pending list for searches to read through (a full one tripled their p95 on the load seed), and listing
    pages that leave space for a bid's count to be written in place."""
    listing = make_listing(member("ann"), title="Paint a garden fence")
    with session_scope() as session:
        # A new title changes the vector: new index entries, which a GIN index with fastupdate keeps pending.
        session.execute(
            text("UPDATE listing SET title = 'Mend a garden gate', bid_count = bid_count + 1 WHERE id = :id"),
            {"id": listing.id},
        )
    with session_scope() as session:
        pending = session.execute(text(f"SELECT gin_clean_pending_list('{PG_INDEX}'::regclass)")).scalar_one()
        options = session.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'listing'")).scalar_one()
    assert pending == 0
    assert f"fillfactor={PG_LISTING_FILLFACTOR}" in (options or [])
    assert titles(search(db, q="gate")) == ["Mend a garden gate"]
