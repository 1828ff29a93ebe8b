"""The vocabulary of open listings, per database, for correcting typed words: built by migration 0017 and by
`metadata.create_all`, kept current by triggers (so bulk inserts and every service path are covered).

Words are as written (lowercased, not stemmed), each with the number of open listings that contain it; a word
of a draft or hidden listing is never in it, so a correction never reveals text nobody may see.
SQLite: a contentless FTS5 table over open listings (no positions, so it is small) read through `fts5vocab`.
PostgreSQL: a table of words and counts kept by statement triggers (transition tables, one upsert per statement
in word order, so concurrent writers lock words in the same order); `to_tsvector('simple')` splits the words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from jtbd_app.models.marketplace import Listing

WORDS_TABLE = "listing_words"  # SQLite; read through listing_words_vocab (term, doc): doc = open listings with it
PG_WORDS_TABLE = "search_word"  # PostgreSQL: (word, listings)

# Plain literals (no user input ever reaches this DDL).
_SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS listing_words USING fts5(title, description, skills_text, content='', "
    "detail='none', columnsize=0, tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS listing_words_vocab USING fts5vocab(listing_words, 'row')",
    "CREATE TRIGGER IF NOT EXISTS listing_words_ai AFTER INSERT ON listing WHEN new.status = 'open' BEGIN "
    "INSERT INTO listing_words(rowid, title, description, skills_text) "
    "VALUES (new.id, new.title, new.description, new.skills_text); END",
    "CREATE TRIGGER IF NOT EXISTS listing_words_ad AFTER DELETE ON listing WHEN old.status = 'open' BEGIN "
    "INSERT INTO listing_words(listing_words, rowid, title, description, skills_text) "
    "VALUES ('delete', old.id, old.title, old.description, old.skills_text); END",
    "CREATE TRIGGER IF NOT EXISTS listing_words_au AFTER UPDATE OF title, description, skills_text, status "
    "ON listing BEGIN "
    "INSERT INTO listing_words(listing_words, rowid, title, description, skills_text) "
    "SELECT 'delete', old.id, old.title, old.description, old.skills_text WHERE old.status = 'open'; "
    "INSERT INTO listing_words(rowid, title, description, skills_text) "
    "SELECT new.id, new.title, new.description, new.skills_text WHERE new.status = 'open'; END",
]
_SQLITE_FILL = (
    "INSERT INTO listing_words(rowid, title, description, skills_text) "
    "SELECT id, title, description, skills_text FROM listing WHERE status = 'open'"
)
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS listing_words_ai",
    "DROP TRIGGER IF EXISTS listing_words_ad",
    "DROP TRIGGER IF EXISTS listing_words_au",
    "DROP TABLE IF EXISTS listing_words_vocab",
    "DROP TABLE IF EXISTS listing_words",
]

# Each function counts the words of the open rows of a trigger's transition tables, +1 or -1 each, in one upsert in
# word order; an update counts only rows whose words or openness changed (a bid count must not rewrite words).
_PG_INSERTED = """CREATE OR REPLACE FUNCTION search_word_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_word (word, listings)
  SELECT word, sum(delta) FROM (
    SELECT w AS word, 1 AS delta FROM new_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open'
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
    WHERE r.status = 'open'
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
    WHERE r.status = 'open'
      AND NOT EXISTS (SELECT 1 FROM new_rows AS o WHERE o.id = r.id AND o.status = r.status AND o.title = r.title AND o.description = r.description AND o.skills_text = r.skills_text)
    UNION ALL
    SELECT w AS word, 1 AS delta FROM new_rows AS r, unnest(tsvector_to_array(to_tsvector('simple'::regconfig,
      coalesce(r.title, '') || ' ' || coalesce(r.skills_text, '') || ' ' || coalesce(r.description, '')))) AS w
    WHERE r.status = 'open'
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
    WHERE r.status = 'open') AS words GROUP BY word ORDER BY word
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


def drop_search_words(connection: Connection) -> None:
    statements = {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(connection.dialect.name, [])
    for statement in statements:
        connection.execute(text(statement))


def is_words_table(name: str) -> bool:
    return name in UNMODELLED_TABLES or name == WORDS_TABLE or name.startswith(WORDS_TABLE + "_")


def _after_create(target: Any, connection: Connection, **_kw: Any) -> None:
    create_search_words(connection)


def _before_drop(target: Any, connection: Connection, **_kw: Any) -> None:
    drop_search_words(connection)


_LISTING_TABLE: Any = Listing.__table__  # type: ignore[attr-defined]
event.listen(_LISTING_TABLE, "after_create", _after_create)
event.listen(_LISTING_TABLE, "before_drop", _before_drop)
