"""The vocabulary of open listings, for correcting typed words: built by migration 0018 and by
`metadata.create_all`, kept current by triggers (so bulk inserts, core updates and every service path are covered).

One table on both databases, `search_word (word, listings)`: words as written (lowercased, not stemmed), each with
the number of open listings that contain it; a word only a draft or hidden listing has is counted 0 and never
suggested, so a correction never reveals text nobody may see.
SQLite: row triggers split a row's text in SQL (below) and upsert each distinct word.
PostgreSQL: statement triggers (transition tables) split with `to_tsvector('simple')` and upsert every word of
the statement once, in word order, so concurrent writers lock words in the same order.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from jtbd_app.models.marketplace import Listing

PG_WORDS_TABLE = "search_word"
# Only words a correction can reach are counted: typed words of 4-20 letters, one or two edits away (so 3 to 22
# letters). Shorter words are the hottest rows ("a", "to") and never needed; longer ones are links or noise.
MIN_WORD_LEN = 3
MAX_WORD_LEN = 22

# SQLite triggers cannot call a tokenizer (nor use WITH), so a row's words are split in SQL: the usual separators
# become spaces (a dozen nested replace() calls; SQLite's parser allows little more), json_quote turns the lowercased
# text into a safe JSON string whose spaces become the separators of a JSON array for json_each, and trim() takes
# any other punctuation off each word's ends. Diacritics stay, as with PostgreSQL's 'simple' configuration.
_SEPARATORS = "\t\n\r-'./@:,;&+_"
_PUNCTUATION = "'" + string.punctuation.replace("'", "''") + "'"


def _sql_literal(char: str) -> str:
    if char in "\t\n\r":
        return f"char({ord(char)})"
    return "'" + char.replace("'", "''") + "'"


def _sqlite_each(row: str) -> str:
    """json_each over the words of a listing row (`new` or `old` in a trigger, `listing` in a fill), as `value`."""
    text = f"lower({row}.title || ' ' || {row}.skills_text || ' ' || {row}.description)"
    for char in _SEPARATORS:
        text = f"replace({text}, {_sql_literal(char)}, ' ')"
    return f"""json_each('[' || replace(json_quote({text}), ' ', '","') || ']')"""


def _sqlite_words(row: str) -> str:
    """A subquery of the distinct words (`word`) of a trigger's `new` or `old` row."""
    return f"(SELECT DISTINCT trim(value, {_PUNCTUATION}) AS word FROM {_sqlite_each(row)})"  # noqa: S608


_SQLITE_WORD = f"length(word) BETWEEN {MIN_WORD_LEN} AND {MAX_WORD_LEN}"


def _sqlite_count(row: str, delta: str) -> str:
    # Only literals and column names are formatted in (no user input ever reaches this DDL).
    insert = f"INSERT INTO search_word (word, listings) SELECT word, {delta} FROM {_sqlite_words(row)} "  # noqa: S608
    return insert + f"WHERE {_SQLITE_WORD} ON CONFLICT (word) DO UPDATE SET listings = listings + {delta}; "


_SQLITE_CREATE = [
    "CREATE TABLE IF NOT EXISTS search_word (word TEXT PRIMARY KEY, listings INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS search_word_ai AFTER INSERT ON listing WHEN new.status = 'open' BEGIN "
    + _sqlite_count("new", "1")
    + "END",
    "CREATE TRIGGER IF NOT EXISTS search_word_ad AFTER DELETE ON listing WHEN old.status = 'open' BEGIN "
    + _sqlite_count("old", "-1")
    + "END",
    # Only when the words or openness change (an update of the bid count is not counted).
    "CREATE TRIGGER IF NOT EXISTS search_word_au AFTER UPDATE OF title, description, skills_text, status ON listing "
    "WHEN (old.status = 'open' OR new.status = 'open') AND (old.status IS NOT new.status OR old.title IS NOT "
    "new.title OR old.description IS NOT new.description OR old.skills_text IS NOT new.skills_text) BEGIN "
    + _sqlite_count("old", "-(old.status = 'open')")
    + _sqlite_count("new", "(new.status = 'open')")
    + "END",
]
_SQLITE_FILL = (
    f"INSERT INTO search_word (word, listings) SELECT word, count(DISTINCT id) FROM (SELECT listing.id AS id, "  # noqa: S608
    f"trim(value, {_PUNCTUATION}) AS word FROM listing, {_sqlite_each('listing')} WHERE listing.status = 'open') "
    f"WHERE {_SQLITE_WORD} GROUP BY word ON CONFLICT (word) DO NOTHING"
)
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_word_ai",
    "DROP TRIGGER IF EXISTS search_word_ad",
    "DROP TRIGGER IF EXISTS search_word_au",
    "DROP TABLE IF EXISTS search_word",
]

# Each function counts the words of the open rows of a trigger's transition tables, +1 or -1 each, in one upsert in
# word order; an update counts only rows whose words or openness changed (a bid count must not rewrite words).
_PG_INSERTED = """CREATE OR REPLACE FUNCTION search_word_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_word (word, listings)
  SELECT word, sum(delta) FROM (
    SELECT w AS word, 1 AS delta FROM new_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open' AND length(w) BETWEEN 3 AND 22
  ) AS changes
  GROUP BY word HAVING sum(delta) <> 0 ORDER BY word
  ON CONFLICT (word) DO UPDATE SET listings = search_word.listings + excluded.listings;
  RETURN NULL;
END $$"""
_PG_DELETED = """CREATE OR REPLACE FUNCTION search_word_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_word (word, listings)
  SELECT word, sum(delta) FROM (
    SELECT w AS word, -1 AS delta FROM old_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open' AND length(w) BETWEEN 3 AND 22
  ) AS changes
  GROUP BY word HAVING sum(delta) <> 0 ORDER BY word
  ON CONFLICT (word) DO UPDATE SET listings = search_word.listings + excluded.listings;
  RETURN NULL;
END $$"""
_PG_UPDATED = """CREATE OR REPLACE FUNCTION search_word_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_word (word, listings)
  SELECT word, sum(delta) FROM (
    SELECT w AS word, -1 AS delta FROM old_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open' AND length(w) BETWEEN 3 AND 22
      AND NOT EXISTS (SELECT 1 FROM new_rows AS o WHERE o.id = r.id AND o.status = r.status AND o.title = r.title AND o.description = r.description AND o.skills_text = r.skills_text)
    UNION ALL
    SELECT w AS word, 1 AS delta FROM new_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open' AND length(w) BETWEEN 3 AND 22
      AND NOT EXISTS (SELECT 1 FROM old_rows AS o WHERE o.id = r.id AND o.status = r.status AND o.title = r.title AND o.description = r.description AND o.skills_text = r.skills_text)
  ) AS changes
  GROUP BY word HAVING sum(delta) <> 0 ORDER BY word
  ON CONFLICT (word) DO UPDATE SET listings = search_word.listings + excluded.listings;
  RETURN NULL;
END $$"""
_PG_CREATE = [
    'CREATE TABLE IF NOT EXISTS search_word (word text COLLATE "C" PRIMARY KEY, listings integer NOT NULL)',
    _PG_INSERTED,
    _PG_DELETED,
    _PG_UPDATED,
    "CREATE OR REPLACE TRIGGER search_word_insert AFTER INSERT ON listing REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_inserted()",
    "CREATE OR REPLACE TRIGGER search_word_delete AFTER DELETE ON listing REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_deleted()",
    "CREATE OR REPLACE TRIGGER search_word_update AFTER UPDATE ON listing "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_word_updated()",
]
_PG_FILL = """INSERT INTO search_word (word, listings)
SELECT word, count(*) FROM (SELECT w AS word, 1 AS delta FROM listing AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open' AND length(w) BETWEEN 3 AND 22) AS words GROUP BY word ORDER BY word
ON CONFLICT (word) DO NOTHING"""
_PG_DROP = [
    "DROP TRIGGER IF EXISTS search_word_insert ON listing",
    "DROP TRIGGER IF EXISTS search_word_delete ON listing",
    "DROP TRIGGER IF EXISTS search_word_update ON listing",
    "DROP FUNCTION IF EXISTS search_word_inserted()",
    "DROP FUNCTION IF EXISTS search_word_deleted()",
    "DROP FUNCTION IF EXISTS search_word_updated()",
    "DROP TABLE IF EXISTS search_word",
]
UNMODELLED_TABLES = frozenset({PG_WORDS_TABLE})


def create_search_words(connection: Connection) -> None:
    """Create the vocabulary and fill it from the open listings already there."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_CREATE:
            connection.execute(text(statement))
        connection.execute(text(_SQLITE_FILL))
    elif dialect == "postgresql":
        for statement in _PG_CREATE:
            connection.execute(text(statement))
        connection.execute(text(_PG_FILL))


@contextmanager
def counted_after(connection: Connection) -> Iterator[None]:
    """For a bulk load of listings in one transaction: count the words once at the end, not row by row.

    Row by row, every listing updates the rows of its common words again; within one transaction PostgreSQL
    keeps each of those versions, so 100,000 listings took over 15 minutes (3 ms a row and growing)."""
    drop_search_words(connection)
    yield
    create_search_words(connection)


def drop_search_words(connection: Connection) -> None:
    statements = {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(connection.dialect.name, [])
    for statement in statements:
        connection.execute(text(statement))


def is_words_table(name: str) -> bool:
    return name in UNMODELLED_TABLES


def _after_create(target: Any, connection: Connection, **_kw: Any) -> None:
    create_search_words(connection)


def _before_drop(target: Any, connection: Connection, **_kw: Any) -> None:
    drop_search_words(connection)


_LISTING_TABLE: Any = Listing.__table__  # type: ignore[attr-defined]
event.listen(_LISTING_TABLE, "after_create", _after_create)
event.listen(_LISTING_TABLE, "before_drop", _before_drop)
