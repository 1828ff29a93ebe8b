"""Corrections of typed words against the vocabulary of open listings (models/search_words.py), on both databases.

The common case costs one indexed lookup: every word typed is found in the vocabulary (the last one as a prefix,
as the search treats it) and nothing is corrected. A word that is missing, or in so few listings that it is
likely a typo there too, is looked up again among its one-edit neighbours (a few hundred exact lookups in one
statement, the words in one parameter) and, for long words, among words of the same first two letters two edits away.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from jtbd_app.domain.search_text import prefix_last
from jtbd_app.domain.spelling import (
    MAX_CORRECTED_WORDS,
    RARE_LISTINGS,
    Correction,
    best_words,
    max_edits,
    single_edits,
    two_edit_prefixes,
)

# Plain literals (the words typed are bound parameters); the same table on both databases (models/search_words.py).
# The few hundred neighbours of a word go as ONE parameter (a JSON array, a text[]): expanding them into as many
# bound parameters cost SQLAlchemy 5 ms a search, four times the lookups themselves.
_IN = {
    "sqlite": "SELECT word, listings FROM search_word WHERE word IN (SELECT value FROM json_each(:words)) "
    "AND listings > 0",
    # A join, not `word = ANY(...)`: on a small vocabulary the planner scans it and compares every word with every
    # neighbour (475 x 470 comparisons, 7 ms); joined, it hashes or probes the primary key.
    "postgresql": "SELECT word, listings FROM unnest(CAST(:words AS text[])) AS typed(w) "
    "JOIN search_word ON word = typed.w WHERE listings > 0",
}
_PREFIX = "SELECT word, listings FROM search_word WHERE word >= :low AND word < :high AND listings > 0 LIMIT 1"
_RANGE = (
    "SELECT word, listings FROM search_word WHERE word >= :low AND word < :high AND listings > 0 "
    "AND length(word) BETWEEN :shortest AND :longest"
)


def correct_terms(session: Session, terms: list[str]) -> dict[str, Correction]:
    """Corrections for the typed words that need one (by typed word); words that cannot be corrected are left out."""
    correctable = [term for term in terms if max_edits(term)]
    if not correctable:
        return {}
    prefix = terms[-1] if prefix_last(terms) and terms[-1] in correctable else ""
    known = _known(session, correctable, prefix)
    doubtful = [t for t in correctable if known.get(t, 0) <= RARE_LISTINGS and not (t == prefix and t in known)]
    doubtful = doubtful[:MAX_CORRECTED_WORDS]
    if not doubtful:
        return {}
    neighbours = {term: single_edits(term) for term in doubtful}
    found = _in_vocabulary(session, sorted(set().union(*neighbours.values())))
    corrections: dict[str, Correction] = {}
    for term in doubtful:
        candidates = [(word, found[word]) for word in neighbours[term] if word in found]
        if not candidates and max_edits(term) > 1:
            candidates = _two_edit_candidates(session, term)
        words = best_words(term, candidates, known_listings=known.get(term, 0))
        if words:
            corrections[term] = Correction(term, words, typed_listings=known.get(term, 0))
    return corrections


def _known(session: Session, terms: list[str], prefix: str) -> dict[str, int]:
    """Listings per typed word found in the vocabulary; the prefix counts as found when some word starts with it."""
    known = _in_vocabulary(session, terms)
    if prefix and prefix not in known and _rows(session, _PREFIX, low=prefix, high=_after_prefix(prefix)):
        known[prefix] = RARE_LISTINGS + 1
    return known


def _two_edit_candidates(session: Session, term: str) -> list[tuple[str, int]]:
    candidates: list[tuple[str, int]] = []
    for prefix in two_edit_prefixes(term):
        bounds = {"low": prefix, "high": _after_prefix(prefix), "shortest": len(term) - 2, "longest": len(term) + 2}
        candidates += _rows(session, _RANGE, **bounds).items()
    return candidates


def _in_vocabulary(session: Session, words: list[str]) -> dict[str, int]:
    """Listings per word, for the words found (other databases than these two have no vocabulary)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _IN:
        return {}
    return _rows(session, _IN[dialect], words=json.dumps(words) if dialect == "sqlite" else words)


def _rows(session: Session, statement: str, **params: Any) -> dict[str, int]:
    return {word: count for word, count in session.connection().execute(text(statement), params).all()}


def _after_prefix(prefix: str) -> str:
    """The first string after every string that starts with the prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
