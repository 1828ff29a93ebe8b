"""The full-text index of listings, per database: built by migration 0003 and by `metadata.create_all`.

SQLite: an FTS5 table over listing (title, description, skills, and the category to narrow a filtered search) kept
current by triggers.
PostgreSQL: a stored, weighted tsvector column (title A, skills B, description C) with a GIN index. The
stored column (rather than an index on the expression) lets ranking read the vector instead of re-parsing
every matching description: 40 µs a row, 200 ms for a broad search on 100,000 listings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from jtbd_app.models.marketplace import Listing
from jtbd_app.models.search_words import is_words_table

FTS_TABLE = "listing_fts"
PG_VECTOR = "search_vector"
PG_INDEX = "ix_listing_search_vector"
SQLITE_FILTER_INDEX = "ix_listing_search_filters"
# Objects the index adds that the models do not describe; alembic's comparison skips them.
UNMODELLED_NAMES = frozenset({PG_VECTOR, PG_INDEX, SQLITE_FILTER_INDEX})

PG_VECTOR_SQL = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, skills_text), 'B') || "
    "setweight(to_tsvector('english'::regconfig, description), 'C')"
)
# The text columns of the SQLite index and their bm25 weights, in column order: title counts most, then skills, then
# the description. The category is in the index only to narrow a filtered search: the text index drops the other
# categories' matches before each match is checked against the listing's filters (a tenth to a third of a category
# filter's time; docs/PERFORMANCE.md, "Events, seventh round"). Typed words never match it (search_text.fts5_query).
FTS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("title", 10.0),
    ("description", 1.0),
    ("skills_text", 4.0),
    ("category", 0.0),
)
# What migration 0024 replaced (its downgrade builds this again).
FTS_COLUMNS_0003: tuple[tuple[str, float], ...] = FTS_COLUMNS[:3]
# Each text match is checked against the filters by id: this index answers without reading the (wide) listing row,
# which halves the time of a broad search.
_SQLITE_FILTER_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {SQLITE_FILTER_INDEX} ON listing "
    "(id, status, category, currency, budget_minor, remote, deadline, published_at, location)"
)


def _sqlite_create(columns: tuple[tuple[str, float], ...]) -> list[str]:
    """The FTS5 table over `columns` of listing, its ranking and the triggers keeping it current. Plain literals (no
    user input ever reaches this DDL)."""
    names = ", ".join(name for name, _ in columns)
    new = ", ".join(f"new.{name}" for name, _ in columns)
    old = ", ".join(f"old.{name}" for name, _ in columns)
    weights = ", ".join(f"{weight:.1f}" for _, weight in columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({names}, "
        "content='listing', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25({weights})')",  # noqa: S608
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON listing BEGIN "  # noqa: S608
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON listing BEGIN "  # noqa: S608
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {names} ON listing BEGIN "  # noqa: S608
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        _SQLITE_FILTER_INDEX_SQL,
    ]


_SQLITE_DROP_TEXT = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS_TABLE}"
]
_SQLITE_DROP = [*_SQLITE_DROP_TEXT, f"DROP INDEX IF EXISTS {SQLITE_FILTER_INDEX}"]
_PG_CREATE = [
    f"ALTER TABLE listing ADD COLUMN IF NOT EXISTS {PG_VECTOR} tsvector GENERATED ALWAYS AS ({PG_VECTOR_SQL}) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON listing USING gin ({PG_VECTOR})",
]
# How the table and the index store their rows (migration 0023; docs/PERFORMANCE.md, "Load, fourth round"):
# - the GIN index writes each change into its tree at once (fastupdate off). With PostgreSQL's default, changed rows
#   wait in a pending list that every search reads through until a vacuum or 4 MB flushes it; with it full, the
#   searches of the load seed went from p95 19 ms to 50-57 ms. A changed row's vector costs about 0.2 ms more.
# - listing pages keep a tenth free (fillfactor 90), so a bid's count and stamp are written in place (a HOT update:
#   no new entry in any of the table's ten indexes) rather than as a new row version elsewhere.
PG_INDEX_FASTUPDATE = "off"
PG_LISTING_FILLFACTOR = 90
_PG_STORAGE = [
    f"ALTER INDEX {PG_INDEX} SET (fastupdate = {PG_INDEX_FASTUPDATE})",
    # ALTER INDEX leaves what is already pending in the list: it moves into the tree now.
    f"SELECT gin_clean_pending_list('{PG_INDEX}'::regclass)",
    f"ALTER TABLE listing SET (fillfactor = {PG_LISTING_FILLFACTOR})",
]
_PG_STORAGE_RESET = [f"ALTER INDEX {PG_INDEX} RESET (fastupdate)", "ALTER TABLE listing RESET (fillfactor)"]
_PG_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE listing DROP COLUMN IF EXISTS {PG_VECTOR}"]


def create_search_index(connection: Connection, *, fts_columns: tuple[tuple[str, float], ...] = FTS_COLUMNS) -> None:
    """Create the index and fill it from the listings already there (SQLite: over `fts_columns`)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in _sqlite_create(fts_columns):
            connection.execute(text(statement))
        rebuild_search_index(connection)
    elif dialect == "postgresql":
        for statement in _PG_CREATE:  # a generated column is computed for existing rows as it is added
            connection.execute(text(statement))
        tune_search_storage(connection)


def tune_search_storage(connection: Connection) -> None:
    """PostgreSQL: the index's and the table's storage settings above (SQLite's FTS5 has no such list)."""
    if connection.dialect.name == "postgresql":
        for statement in _PG_STORAGE:
            connection.execute(text(statement))


def reset_search_storage(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for statement in _PG_STORAGE_RESET:
            connection.execute(text(statement))


def rebuild_search_index(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO listing_fts(listing_fts) VALUES ('rebuild')"))


def rebuild_text_index(connection: Connection, *, fts_columns: tuple[tuple[str, float], ...]) -> None:
    """SQLite: the FTS5 table and its triggers made again over `fts_columns`, indexing every listing (about 1.5 s for
    100,000); nothing to do on PostgreSQL, whose vector does not index the category (its target is met without)."""
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_DROP_TEXT:
            connection.execute(text(statement))
        create_search_index(connection, fts_columns=fts_columns)


def drop_search_index(connection: Connection) -> None:
    statements = {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(connection.dialect.name, [])
    for statement in statements:
        connection.execute(text(statement))


def is_unmodelled(name: str | None, type_: str) -> bool:
    """True for the index's own tables, columns and indexes, which alembic's model comparison must skip."""
    if not name:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(FTS_TABLE + "_") or is_words_table(name)
    return name in UNMODELLED_NAMES


def _after_create(target: Any, connection: Connection, **_kw: Any) -> None:
    create_search_index(connection)


def _before_drop(target: Any, connection: Connection, **_kw: Any) -> None:
    drop_search_index(connection)


_LISTING_TABLE: Any = Listing.__table__  # type: ignore[attr-defined]
event.listen(_LISTING_TABLE, "after_create", _after_create)
event.listen(_LISTING_TABLE, "before_drop", _before_drop)
