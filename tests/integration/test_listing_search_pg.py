"""Listing search on PostgreSQL (weighted tsvector + GIN): the same behaviours as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from jtbd_app.db import get_engine
from tests.support.search_scenarios import ListingSearchContract

# A fresh database whose tables (and search index) come from metadata.create_all, as in the unit tier.
pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def db() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.rollback()


class TestListingSearchOnPostgres(ListingSearchContract):
    """Every behaviour of `ListingSearchContract`, on a fresh PostgreSQL database."""
