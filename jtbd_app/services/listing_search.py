"""Full-text search of open listings with filters, sorts and pages, on SQLite (FTS5) and PostgreSQL (tsvector).

Anyone may search (open listings are public). Counting stops at COUNT_CAP matches ("1,000+ listings"), as
counting every match of a broad search is most of its cost; pages stop there too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, column, exists, func, literal_column, select, table, text
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from jtbd_app.domain.listing_query import COUNT_CAP, PAGE_SIZE, ListingQuery
from jtbd_app.domain.search_text import fts5_match, pg_tsquery, search_terms
from jtbd_app.models import Listing, ListingSkill, Skill, utcnow
from jtbd_app.models.search_index import FTS_TABLE, PG_VECTOR
from jtbd_app.services.listing_cards import CARD_COLUMNS, ListingCard, build_cards

_FTS = table(FTS_TABLE, column("rowid"), column("rank"))


@dataclass
class SearchPage:
    items: list[ListingCard] = field(default_factory=list)
    total: int = 0  # at most COUNT_CAP; `more` says there are more matches than that
    more: bool = False
    page: int = 1
    pages: int = 1
    query: ListingQuery = field(default_factory=ListingQuery)

    @property
    def total_label(self) -> str:
        if self.total == 0:
            return "No listings"
        if self.more:
            return f"{self.total:,}+ listings"
        return "1 listing" if self.total == 1 else f"{self.total:,} listings"


def search_listings(session: Session, *, query: ListingQuery, now: datetime | None = None) -> SearchPage:
    """One page of open listings matching the query, best first (or in the chosen order)."""
    clean = ListingQuery.from_params(query.to_params())  # re-checks a query built in code, not from a URL
    clean = dataclasses.replace(clean, errors={**query.errors, **clean.errors})
    now = now or utcnow()
    conditions = _filters(session, clean, now)
    if conditions is None:  # a skill nobody has: nothing can match
        return SearchPage(query=clean)
    terms = search_terms(clean.text)
    dialect = session.get_bind().dialect.name
    base, rank = _matching(dialect, terms, conditions)

    counted = session.execute(select(func.count()).select_from(base.limit(COUNT_CAP + 1).subquery())).scalar_one()
    total, more = min(counted, COUNT_CAP), counted > COUNT_CAP
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(clean.page, pages)
    rows = session.execute(
        base.with_only_columns(*CARD_COLUMNS)
        .order_by(*_order(clean, rank))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return SearchPage(
        items=build_cards(session, rows, now=now),
        total=total,
        more=more,
        page=page,
        pages=pages,
        query=dataclasses.replace(clean, page=page),
    )


def _filters(session: Session, query: ListingQuery, now: datetime) -> list[ColumnElement[bool]] | None:
    conditions: list[ColumnElement[bool]] = [col(Listing.status) == "open"]
    if query.category:
        conditions.append(col(Listing.category) == query.category)
    if query.skills:
        ids = session.execute(select(col(Skill.id)).where(col(Skill.name).in_(query.skills))).scalars().all()
        if len(ids) < len(query.skills):
            return None
        for skill_id in ids:
            conditions.append(
                exists().where(col(ListingSkill.listing_id) == col(Listing.id), col(ListingSkill.skill_id) == skill_id)
            )
    if query.has_budget:
        conditions += [col(Listing.currency) == query.currency, col(Listing.budget_minor).is_not(None)]
        if query.min_minor is not None:
            conditions.append(col(Listing.budget_minor) >= query.min_minor)
        if query.max_minor is not None:
            conditions.append(col(Listing.budget_minor) <= query.max_minor)
    if query.remote != "any":
        conditions.append(col(Listing.remote).is_(query.remote == "remote"))
    if query.location:
        needle = query.location.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(col(Listing.location)).like(f"%{needle}%", escape="\\"))
    if query.due != "any":
        today = now.date()
        conditions.append(col(Listing.deadline).between(today, today + timedelta(days=int(query.due))))
    return conditions


def _matching(dialect: str, terms: list[str], conditions: list[ColumnElement[bool]]) -> tuple[Select[Any], Any]:
    """The matching listings (ids only; the caller picks columns) and the rank expression for a text search."""
    base = select(col(Listing.id)).select_from(Listing)
    if not terms:
        return base.where(*conditions), None
    if dialect == "sqlite":
        match = text(f"{FTS_TABLE} MATCH :match").bindparams(match=fts5_match(terms))
        joined = base.join(_FTS, _FTS.c.rowid == col(Listing.id))
        return joined.where(match, *conditions), _FTS.c.rank  # bm25 with column weights; lower is better
    vector: Any = literal_column(f"listing.{PG_VECTOR}")  # PostgreSQL
    tsquery = func.to_tsquery(literal_column("'english'::regconfig"), pg_tsquery(terms))
    return base.where(vector.op("@@")(tsquery), *conditions), -func.ts_rank(vector, tsquery)


def _order(query: ListingQuery, rank: Any) -> list[Any]:
    newest = [col(Listing.published_at).desc(), col(Listing.id).desc()]
    if query.sort == "budget_high":
        return [col(Listing.budget_minor).desc().nulls_last(), col(Listing.id).desc()]
    if query.sort == "budget_low":
        return [col(Listing.budget_minor).asc().nulls_last(), col(Listing.id).desc()]
    if query.sort == "deadline":
        return [col(Listing.deadline).asc().nulls_last(), col(Listing.id).desc()]
    if query.sort == "relevance" and rank is not None:
        return [rank, *newest]
    return newest
