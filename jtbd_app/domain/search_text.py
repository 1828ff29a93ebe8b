"""Typed search text turned into safe full-text queries: words only, so no input can break the query syntax."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

MAX_TERMS = 8
MIN_PREFIX_LEN = 3  # shorter prefixes match most of the index and only slow the search down
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's English stop words: dropped on both databases so that both match the same listings.
_STOP_WORDS_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def search_terms(text: str) -> list[str]:
    """The words of the text, lowercased, without stop words or repeats; punctuation and operators are dropped."""
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and word not in terms:
            terms.append(word[:40])
        if len(terms) == MAX_TERMS:
            break
    return terms


def prefix_last(terms: list[str]) -> bool:
    """Whether the last word is searched as a prefix (the person may still be typing it)."""
    return bool(terms) and len(terms[-1]) >= MIN_PREFIX_LEN and not terms[-1].isdigit()


def fts5_match(
    terms: list[str], alternatives: Mapping[str, Sequence[str]] | None = None, *, replace: bool = False
) -> str:
    """An FTS5 MATCH expression: every term quoted (so NEAR, AND, * or - are plain words), the last a prefix.

    A term with alternatives (corrections of a typo) matches the term or any of them; with `replace`, any of them
    only (the alternatives stand for the term)."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    if prefix_last(terms):
        quoted[-1] += "*"
    for i, term in enumerate(terms):
        if alternatives and alternatives.get(term):
            others = ['"' + word.replace('"', '""') + '"' for word in alternatives[term]]
            quoted[i] = "(" + " OR ".join(others if replace else [quoted[i], *others]) + ")"
    return (" AND " if alternatives else " ").join(quoted)  # FTS5 needs AND after a bracketed group


def pg_tsquery(
    terms: list[str], alternatives: Mapping[str, Sequence[str]] | None = None, *, replace: bool = False
) -> str:
    """A to_tsquery('english', ...) string: quoted lexemes joined by AND, the last a prefix; alternatives by OR (in
    place of the term, with `replace`)."""
    quoted = ["'" + term.replace("'", "''") + "'" for term in terms]
    if prefix_last(terms):
        quoted[-1] += ":*"
    for i, term in enumerate(terms):
        if alternatives and alternatives.get(term):
            others = ["'" + word.replace("'", "''") + "'" for word in alternatives[term]]
            quoted[i] = "(" + " | ".join(others if replace else [quoted[i], *others]) + ")"
    return " & ".join(quoted)


# The index's columns typed words are looked for in (models/search_index.FTS_COLUMNS: the category column is there
# only to narrow a category filter, so "design" finds the listings that say it, not every listing filed under it).
FTS5_TEXT_COLUMNS = "{title description skills_text}"


def fts5_query(match: str, *, skills: Sequence[str] = (), category: str = "") -> str:
    """`match` (typed words) in the text columns, narrowed to listings whose skills column has each skill's name as a
    phrase and whose category column has the category: what a listing with those skills (its skills text lists their
    names) in that category has, so the text index drops the others before the exact filters read them. FTS5
    tokenizes each name as it tokenized the column; a name without a letter or digit has no token (an empty phrase
    matches nothing), so it is left to the exact filter."""
    phrases = [f'skills_text : "{name.replace(chr(34), chr(34) * 2)}"' for name in skills if _has_token(name)]
    if _has_token(category):
        phrases.append(f'category : "{category.replace(chr(34), chr(34) * 2)}"')
    return " AND ".join([f"{FTS5_TEXT_COLUMNS} : ({match})", *phrases])


def _has_token(name: str) -> bool:
    return any(char.isalnum() for char in name)
