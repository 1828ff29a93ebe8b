"""Full-text search of open listings with filters, sorts and pages, on SQLite (FTS5) and PostgreSQL (tsvector).

Anyone may search (open listings are public). Counting stops at COUNT_CAP matches ("1,000+ listings"), as
counting every match of a broad search is most of its cost; pages stop there too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from jtbd_app.domain.listing_query import COUNT_CAP, PAGE_SIZE, ListingQuery
from jtbd_app.domain.search_text import fts5_match, fts5_query, pg_tsquery, search_terms
from jtbd_app.domain.spelling import Correction, corrected_text
from jtbd_app.models import Listing, ListingSkill, Skill, utcnow
from jtbd_app.models.search_index import FTS_TABLE, PG_VECTOR
from jtbd_app.services.marketplace.listing_cards import ListingCard, build_cards, card_rows, with_bid_counts
from jtbd_app.services.marketplace.public_cache import VersionedCache
from jtbd_app.services.marketplace.search_spelling import correct_terms

_FTS = table(FTS_TABLE, column("rowid"), column("rank"))
_LISTING: Any = Listing.__table__  # type: ignore[attr-defined]
_LISTING_SKILL: Any = ListingSkill.__table__  # type: ignore[attr-defined]


@dataclass
class SearchPage:
    items: list[ListingCard] = field(default_factory=list)
    total: int = 0  # at most COUNT_CAP; `more` says there are more matches than that
    more: bool = False
    page: int = 1
    pages: int = 1
    query: ListingQuery = field(default_factory=ListingQuery)
    corrected: str = ""  # the words searched in place of typos ("python" for "pyhton"), when that found something
    exact_found: bool = True  # whether the words as typed found listings too (they come first)

    @property
    def spelling_note(self) -> str:
        if not self.corrected:
            return ""
        return f"{'Also showing' if self.exact_found else 'Showing'} results for “{self.corrected}”."

    @property
    def total_label(self) -> str:
        if self.total == 0:
            return "No listings"
        if self.more:
            return f"{self.total:,}+ listings"
        return "1 listing" if self.total == 1 else f"{self.total:,} listings"

    def page_window(self, width: int = 7) -> range:
        """Page numbers around the current page for the pager, at most `width` of them."""
        start = max(1, min(self.page - width // 2, self.pages - width + 1))
        return range(start, min(self.pages, start + width - 1) + 1)


# Pages of search results by URL parameters: every visitor's bare /marketplace, popular searches, their pages.
SEARCHES: VersionedCache[SearchPage] = VersionedCache(size=512)
# The matches of corrected searches (up to COUNT_CAP + 1 ids each): every misspelling of a popular search shares one.
CORRECTED: VersionedCache[list[int]] = VersionedCache(size=256)


def search_from_params(session: Session, *, params: Mapping[str, object]) -> SearchPage:
    """Public: the marketplace page from its URL; bad parameters are dropped, with messages in `query.errors`. The
    same URL gives everyone the same page: it is computed once per change of the marketplace (public_cache), and
    its cards' bid counts, which a bid moves without changing the marketplace, are read as it is shown."""
    page, computed = SEARCHES.lookup(
        session,
        _page_key(params),
        lambda: search_listings(session, query=ListingQuery.from_params(params), cache=CORRECTED),
    )
    # The list is the caller's (the cards are shared); a page computed now has just read its counts.
    return dataclasses.replace(page, items=list(page.items) if computed else with_bid_counts(session, page.items))


def probably_kept(params: Mapping[str, object]) -> bool:
    """Whether `search_from_params` would find its page kept, reading nothing (public_cache.VersionedCache.holds): a
    page can then say "searching…" only when there is a search to wait for, without a unit of work of its own."""
    return SEARCHES.holds(_page_key(params))


def _page_key(params: Mapping[str, object]) -> tuple[Any, ...]:
    """A page's key in SEARCHES: its URL's parameters, and the day (the due-date filter counts from it)."""
    return (tuple(sorted((str(name), str(value)) for name, value in params.items())), utcnow().date())


def search_listings(
    session: Session,
    *,
    query: ListingQuery,
    now: datetime | None = None,
    cache: VersionedCache[list[int]] | None = None,
) -> SearchPage:
    """One page of open listings matching the query, best first (or in the chosen order); the matches of a
    corrected search are kept in `cache` when one is given (the public marketplace's)."""
    clean = ListingQuery.from_params(query.to_params())  # re-checks a query built in code, not from a URL
    clean = dataclasses.replace(clean, errors={**query.errors, **clean.errors})
    now = now or utcnow()
    conditions = _filters(session, clean, now)
    if conditions is None:  # a skill nobody has: nothing can match
        return SearchPage(query=clean)
    terms = search_terms(clean.text)
    ids, exact_count, corrections = _forgiving_ids(session, clean, terms, conditions, cache)
    total, more = min(len(ids), COUNT_CAP), len(ids) > COUNT_CAP
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(clean.page, pages)
    page_ids = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = card_rows(session, page_ids)
    return SearchPage(
        items=build_cards(rows, now=now),
        total=total,
        more=more,
        page=page,
        pages=pages,
        query=dataclasses.replace(clean, page=page),
        corrected=corrected_text(terms, corrections) if corrections and ids else "",
        exact_found=exact_count > 0,
    )


def _forgiving_ids(
    session: Session,
    query: ListingQuery,
    terms: list[str],
    conditions: list[ColumnElement[bool]],
    cache: VersionedCache[list[int]] | None = None,
) -> tuple[list[int], int, dict[str, Correction]]:
    """Ids in display order, how many match the words as typed, and the corrections used (see search_spelling).

    By best match, listings with the words as typed come first, then those found only through a correction; in
    another order both are mixed, as the order asks."""
    corrections = correct_terms(session, terms) if terms else {}
    if not corrections:
        ids = _ordered_ids(session, query, terms, conditions)
        return ids, len(ids), {}
    if query.sort != "relevance":
        alternatives = {term: correction.words for term, correction in corrections.items()}
        ids = _ordered_ids(session, query, terms, conditions, alternatives)
        return ids, 0, corrections  # the note then says the results are for the corrected words
    exact = _ordered_ids(session, query, terms, conditions)
    if len(exact) > COUNT_CAP:
        return exact, len(exact), {}
    seen = set(exact)
    fuzzy = [i for i in _corrected_ids(session, query, terms, conditions, corrections, cache) if i not in seen]
    return (exact + fuzzy)[: COUNT_CAP + 1], len(exact), corrections if fuzzy else {}


def _corrected_ids(
    session: Session,
    query: ListingQuery,
    terms: list[str],
    conditions: list[ColumnElement[bool]],
    corrections: dict[str, Correction],
    cache: VersionedCache[list[int]] | None,
) -> list[int]:
    """The matches of the corrected search, best first: each corrected word stands for its corrections (and for
    itself only when a listing has it: a listing with the typed words is the exact search's anyway). So every typo
    of a word makes the same corrected search, which `cache` keeps like a page (public_cache), shared by all."""
    groups = {term: correction.group() for term, correction in corrections.items()}
    if cache is None:
        return _ordered_ids(session, query, terms, conditions, groups, replace=True)
    filters = dataclasses.replace(query, text="", page=1).to_params()
    key = (pg_tsquery(terms, groups, replace=True), tuple(sorted(filters.items())), utcnow().date())
    return cache.get(session, key, lambda: _ordered_ids(session, query, terms, conditions, groups, replace=True))


def _ordered_ids(
    session: Session,
    query: ListingQuery,
    terms: list[str],
    conditions: list[ColumnElement[bool]],
    alternatives: dict[str, tuple[str, ...]] | None = None,
    *,
    replace: bool = False,
) -> list[int]:
    """Ids of up to COUNT_CAP + 1 matches in display order: one query both counts and orders (alternatives: see
    search_text.pg_tsquery).

    Relevance ranks the newest COUNT_CAP + 1 matches that pass the filters (all of them when fewer match):
    ranking every match of a broad word costs a microsecond per match, and nobody pages past 1,000.
    """
    limit = COUNT_CAP + 1
    listing_id = _LISTING.c.id
    if not terms:
        stmt = select(listing_id).where(*conditions).order_by(*_order(query.sort)).limit(limit)
        return _ids(session, stmt)
    if session.get_bind().dialect.name == "sqlite":
        words = fts5_match(terms, alternatives, replace=replace)
        expression = fts5_query(words, skills=query.skills, category=query.category)
        match = text(f"{FTS_TABLE} MATCH :match").bindparams(match=expression)
        matching = select(listing_id).join(_FTS, _FTS.c.rowid == listing_id).where(match, *conditions)
        if query.sort != "relevance":
            return _ids(session, matching.order_by(*_order(query.sort)).limit(limit))
        # bm25 with column weights (see models/search_index.py); lower is better.
        newest = matching.add_columns(_FTS.c.rank.label("score")).order_by(_FTS.c.rowid.desc()).limit(limit)
        ranked = newest.subquery()
        return _ids(session, select(ranked.c.id).order_by(ranked.c.score, ranked.c.id.desc()))
    return _ordered_ids_postgres(session, query, pg_tsquery(terms, alternatives, replace=replace), conditions)


def _ordered_ids_postgres(
    session: Session, query: ListingQuery, tsquery_text: str, conditions: list[ColumnElement[bool]]
) -> list[int]:
    """Matches come from the GIN index first (a materialized CTE): left to itself, the planner may walk a
    sort index and test the text on every row, which is 100 ms when it underestimates a prefix search.

    Chosen skills narrow the index's matches too: a listing with a skill has the skill's words in its vector (its
    skills text lists the names), so the index keeps only listings with the words and those skills' words, and the
    exact skill filter reads a few rows instead of every match of the words (30 ms to 5 for a common word). Ranking
    reads the typed words only. A name of stop words alone makes an empty query, which `&&` ignores."""
    vector: Any = literal_column(f"listing.{PG_VECTOR}")
    english: Any = literal_column("'english'::regconfig")
    tsquery = func.to_tsquery(english, tsquery_text)
    narrowed: ColumnElement[Any] = tsquery
    for name in query.skills:
        narrowed = narrowed.op("&&")(func.plainto_tsquery(english, name))
    listing = _LISTING.c
    matches = (
        select(listing.id, listing.published_at, listing.budget_minor, listing.deadline)
        .where(vector.op("@@")(narrowed), *conditions)
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    limit = COUNT_CAP + 1
    if query.sort != "relevance":
        stmt = select(matches.c.id).order_by(*_order(query.sort, matches.c)).limit(limit)
        return _ids(session, stmt)
    newest = select(matches.c.id).order_by(matches.c.id.desc()).limit(limit).subquery()
    ranked = (
        select(listing.id)
        .join(newest, newest.c.id == listing.id)
        .order_by(func.ts_rank(vector, tsquery).desc(), listing.id.desc())
    )
    return _ids(session, ranked)


def _core(session: Session) -> Connection:
    """Plain SQL results: these reads need no ORM objects, and skipping the ORM layer saves Python time."""
    return session.connection()


def _ids(session: Session, stmt: Any) -> list[int]:
    # all() fetches the up to 1,001 ids in one call; iterating fetched them one by one (a fifth of a search's time)
    return list(_core(session).execute(stmt).scalars().all())


_SKILL_IDS = select(col(Skill.id)).where(col(Skill.name).in_(bindparam("names", expanding=True)))


def _filters(session: Session, query: ListingQuery, now: datetime) -> list[ColumnElement[bool]] | None:
    """The query's filters on listing's own columns (Core columns: building them through the ORM's attributes cost
    a tenth of a computed search)."""
    listing = _LISTING.c
    conditions: list[ColumnElement[bool]] = [listing.status == "open"]
    if query.category:
        conditions.append(listing.category == query.category)
    if query.skills:
        ids = _core(session).execute(_SKILL_IDS, {"names": list(query.skills)}).scalars().all()
        if len(ids) < len(query.skills):
            return None
        for skill_id in ids:
            having = select(_LISTING_SKILL.c.listing_id).where(_LISTING_SKILL.c.skill_id == skill_id)
            conditions.append(listing.id.in_(having))
    if query.has_budget:
        conditions += [listing.currency == query.currency, listing.budget_minor.is_not(None)]
        if query.min_minor is not None:
            conditions.append(listing.budget_minor >= query.min_minor)
        if query.max_minor is not None:
            conditions.append(listing.budget_minor <= query.max_minor)
    if query.remote != "any":
        conditions.append(listing.remote.is_(query.remote == "remote"))
    if query.location:
        needle = query.location.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(listing.location).like(f"%{needle}%", escape="\\"))
    if query.due != "any":
        today = now.date()
        conditions.append(listing.deadline.between(today, today + timedelta(days=int(query.due))))
    return conditions


def _order(sort: str, columns: Any = None) -> list[Any]:
    """Order by listing columns (or the same columns of a subquery)."""
    c = _LISTING.c if columns is None else columns
    if sort == "budget_high":
        return [c.budget_minor.desc().nulls_last(), c.id.desc()]
    if sort == "budget_low":
        return [c.budget_minor.asc().nulls_last(), c.id.desc()]
    if sort == "deadline":
        return [c.deadline.asc().nulls_last(), c.id.desc()]
    return [c.published_at.desc(), c.id.desc()]  # newest; also best match when there are no words
