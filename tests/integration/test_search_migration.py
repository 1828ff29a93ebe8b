"""Migrations 0003 (search index) and 0018 (vocabulary for typos) build over listings already there, and come down
cleanly, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect, text
from sqlmodel import Session, create_engine

from alembic import command
from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.domain.listing_query import ListingQuery
from jtbd_app.models import Listing, utcnow
from jtbd_app.services.marketplace.listing_search import search_listings


def _add_listing(engine: Engine, title: str, owner_id: int) -> None:
    """Only the columns the table has at this revision (later migrations add some to the model)."""
    table = Table("listing", MetaData(), autoload_with=engine)
    listing = Listing(owner_id=owner_id, status="open", title=title, published_at=utcnow())
    values = {name: value for name, value in listing.model_dump().items() if name in table.c and name != "id"}
    with engine.begin() as conn:
        conn.execute(table.insert().values(**values))


def _found(engine: Engine, text: str) -> list[str]:
    with Session(engine) as session:
        page = search_listings(session, query=ListingQuery.from_params({"q": text}))
        return [card.title for card in page.items]


def _index_objects(engine: Engine) -> set[str]:
    inspector = inspect(engine)
    if engine.dialect.name == "sqlite":
        return {name for name in inspector.get_table_names() if name.startswith(("listing_fts", "listing_words"))}
    return (
        {c["name"] for c in inspector.get_columns("listing") if c["name"] == "search_vector"}
        | {i["name"] for i in inspector.get_indexes("listing") if i["name"] == "ix_listing_search_vector"}
        | {name for name in inspector.get_table_names() if name == "search_word"}
    )


def _upgrade_with_listings_then_down_and_up(url: str) -> None:
    url = _normalise_db_url(url)
    config = cli.alembic_config(url)
    command.upgrade(config, "0002")
    engine = create_engine(url)
    # Plain SQL: the User and Profile models have columns that later migrations add.
    with engine.begin() as conn:
        owner_id = conn.execute(
            text(
                'INSERT INTO "user" (email, username, role, status, suspended_reason, created_at) '
                "VALUES ('ann@example.com', 'ann', 'user', 'active', '', :now) RETURNING id"
            ),
            {"now": utcnow()},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO profile (user_id, display_name, bio, location, remote, currency, portfolio_links, "
                "rating_total, rating_count, completed_contracts, updated_at) "
                "VALUES (:id, 'Ann', '', '', true, 'USD', '', 0, 0, 0, :now)"
            ),
            {"id": owner_id, "now": utcnow()},
        )
    _add_listing(engine, "Paint a garden fence", owner_id)

    command.upgrade(config, "head")
    assert _found(engine, "fence") == ["Paint a garden fence"]  # listings from before the index
    assert _found(engine, "gardne") == ["Paint a garden fence"]  # and from before the vocabulary
    _add_listing(engine, "Fence repair", owner_id)
    assert sorted(_found(engine, "fence")) == ["Fence repair", "Paint a garden fence"]
    command.check(config)  # the index's own objects are not model differences

    command.downgrade(config, "0002")
    assert _index_objects(engine) == set()
    command.upgrade(config, "head")
    assert _index_objects(engine)
    assert sorted(_found(engine, "fence")) == ["Fence repair", "Paint a garden fence"]
    assert sorted(_found(engine, "fecne")) == ["Fence repair", "Paint a garden fence"]
    engine.dispose()


def test_search_index_migration_on_sqlite(tmp_path: Path) -> None:
    _upgrade_with_listings_then_down_and_up(f"sqlite:///{tmp_path / 'search.db'}")


def test_search_index_migration_on_postgresql(postgres_url: str) -> None:
    _upgrade_with_listings_then_down_and_up(postgres_url)


def _storage_options(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT reloptions FROM pg_class WHERE relname IN ('listing', 'ix_listing_search_vector')")
        ).scalars()
        return {option for options in rows for option in options or []}


def test_migration_0023_sets_the_search_storage_and_takes_it_back_on_postgresql(postgres_url: str) -> None:
    url = _normalise_db_url(postgres_url)
    config = cli.alembic_config(url)
    command.upgrade(config, "0022")
    engine = create_engine(url)
    with engine.begin() as conn:  # a database from before this release: the index with PostgreSQL's defaults
        conn.execute(text("ALTER INDEX ix_listing_search_vector RESET (fastupdate)"))
        conn.execute(text("ALTER TABLE listing RESET (fillfactor)"))
    command.upgrade(config, "0023")
    assert _storage_options(engine) == {"fastupdate=off", "fillfactor=90"}
    command.downgrade(config, "0022")
    assert _storage_options(engine) == set()
    command.upgrade(config, "head")
    assert _storage_options(engine) == {"fastupdate=off", "fillfactor=90"}
    engine.dispose()
