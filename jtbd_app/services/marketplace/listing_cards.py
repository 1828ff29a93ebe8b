"""Search result cards: what a browser needs to show a listing, built from one page of rows without N+1."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from jtbd_app.domain.display import ago_label, due_label, rating_label
from jtbd_app.domain.marketplace import category_label
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Listing, Profile, User

EXCERPT_LEN = 200
_MARKUP = re.compile(r"[#*_`>\[\]|~]+")

# The columns a card needs; the description is cut in the database so a long one costs nothing.
CARD_COLUMNS: tuple[Any, ...] = (
    col(Listing.id),
    col(Listing.title),
    func.substr(col(Listing.description), 1, 3 * EXCERPT_LEN),
    col(Listing.category),
    col(Listing.skills_text),
    col(Listing.budget_minor),
    col(Listing.currency),
    col(Listing.deadline),
    col(Listing.remote),
    col(Listing.location),
    col(Listing.bid_count),
    col(Listing.owner_id),
    col(Listing.published_at),
    col(Listing.problem_id),
)


@dataclass
class ListingCard:
    id: int = 0
    href: str = ""
    title: str = ""
    excerpt: str = ""
    category: str = ""
    category_label: str = ""
    skills: list[str] = field(default_factory=list)
    budget: str = ""
    currency: str = ""
    deadline: str = ""  # ISO date, or "" when there is none
    due: str = ""  # "Due in 5 days"
    remote: bool = True
    location: str = ""
    bid_count: int = 0
    bids: str = ""  # "3 bids"
    poster_username: str = ""
    poster_name: str = ""
    poster_rating: str = ""  # "4.8 (12)" or "No reviews yet"
    published: str = ""  # "3 days ago"
    part_of_problem: bool = False  # one micro-task of a client's larger problem (its budget is already in escrow)


@dataclass(frozen=True)
class Poster:
    username: str
    display_name: str
    rating: str


def excerpt(description: str, limit: int = EXCERPT_LEN) -> str:
    """Plain text from the start of a description, cut at a word boundary."""
    plain = " ".join(_MARKUP.sub(" ", description).split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0] or plain[:limit]
    return cut.rstrip(",.;:-") + "…"


_POSTED_BY: tuple[Any, ...] = (
    col(User.username),
    col(Profile.display_name),
    col(Profile.rating_total),
    col(Profile.rating_count),
)
# One page of cards with their posters, in one statement built once (bound by the page's ids): the posters were a
# second round trip, half a millisecond on PostgreSQL.
_CARD_ROWS = (
    select(*CARD_COLUMNS, *_POSTED_BY)
    .select_from(Listing)
    .outerjoin(User, col(User.id) == col(Listing.owner_id))
    .outerjoin(Profile, col(Profile.user_id) == col(Listing.owner_id))
    .where(col(Listing.id).in_(bindparam("ids", expanding=True)))
)


# Bid counts move with every bid, so the public caches do not keep them (services/live): they are read at each view.
_BID_COUNTS: Any = select(col(Listing.id), col(Listing.bid_count)).where(
    col(Listing.id).in_(bindparam("ids", expanding=True))
)


def bid_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Each listing's bid count now (one statement by primary key)."""
    if not ids:
        return {}
    rows = session.connection().execute(_BID_COUNTS, {"ids": list(ids)}).all()
    return {row[0]: row[1] for row in rows}


def bids_label(count: int) -> str:
    return "1 bid" if count == 1 else f"{count} bids"


def with_bid_counts(session: Session, cards: Sequence[ListingCard]) -> list[ListingCard]:
    """The cards (shared, from a cache) with their bid counts as they are now: a changed card is a copy."""
    counts = bid_counts(session, [card.id for card in cards])
    return [
        card
        if counts.get(card.id, card.bid_count) == card.bid_count
        else replace(card, bid_count=counts[card.id], bids=bids_label(counts[card.id]))
        for card in cards
    ]


def card_rows(session: Session, ids: Sequence[int]) -> list[Any]:
    """The rows `build_cards` takes for these listings, in the order of `ids`."""
    if not ids:
        return []
    position = {listing_id: i for i, listing_id in enumerate(ids)}
    rows = session.connection().execute(_CARD_ROWS, {"ids": list(ids)}).all()
    return sorted(rows, key=lambda row: position[row[0]])


def _budget(minor: int | None, currency: str) -> str:
    if minor is None or currency not in CURRENCIES:
        return "Budget not set"
    return Money(minor, currency).format()


def build_cards(rows: Sequence[Any], *, now: datetime) -> list[ListingCard]:
    """Cards for rows from `card_rows` (CARD_COLUMNS, then the poster's)."""
    today: date = now.date()
    cards = []
    for row in rows:
        (lid, title, description, category, skills_text, budget, currency, deadline, remote, location) = row[:10]
        bid_count, _owner_id, published_at, problem_id = row[10:14]
        username, display_name, rating_total, rating_count = row[14:18]
        if username is None or display_name is None:  # no profile (never the case for a member who can post)
            poster = Poster("", "A member", "No reviews yet")
        else:
            poster = Poster(username, display_name, rating_label(rating_total, rating_count))
        cards.append(
            ListingCard(
                id=lid,
                href=f"/listings/{lid}",
                title=title,
                excerpt=excerpt(description or ""),
                category=category,
                category_label=category_label(category) or "Other",
                skills=[s.strip() for s in skills_text.split(",") if s.strip()],
                budget=_budget(budget, currency),
                currency=currency,
                deadline=deadline.isoformat() if deadline else "",
                due=due_label(deadline, today),
                remote=bool(remote),
                location=location,
                bid_count=bid_count,
                bids=bids_label(bid_count),
                poster_username=poster.username,
                poster_name=poster.display_name,
                poster_rating=poster.rating,
                published=ago_label(published_at, now),
                part_of_problem=problem_id is not None,
            )
        )
    return cards
