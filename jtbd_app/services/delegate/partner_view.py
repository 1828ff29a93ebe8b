"""What the public sees of outside partners: the partner tab of /providers, each partner with its public scorecard.

A scorecard is counts only. Members' comments on outcomes are never shown, here or to admins: they are written about
the member's own task (a name, an address, a neighbour) to help them remember, not as a public review, and who reported
what is never shown either. Suspended partners are not listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from jtbd_app.domain.curation import (
    CHART_WEEKS,
    TREND_LABELS,
    Scorecard,
    percent_text,
    rating_text,
    scorecard,
    week_start,
    weekly,
)
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.partner_query import KIND_LABELS, PartnerQuery, parse
from jtbd_app.domain.scorecard_chart import ChartLayout, layout
from jtbd_app.models import Partner, utcnow
from jtbd_app.services.delegate.partners import (
    ACTIVE,
    categories_of,
    daily_counts,
    known,
    outcomes_by_partner,
    totals,
)
from jtbd_app.services.ports import PartnerAdapter

PER_PAGE = 10


@dataclass
class PartnerCard:
    """One partner with its public scorecard, as the partner tab and the admin page show it."""

    key: str = ""
    name: str = ""
    kind: str = ""
    kind_label: str = ""
    categories: list[str] = field(default_factory=list)
    offered: int = 0
    clicks: int = 0
    reported: int = 0
    rating: str = ""  # "4.2 from 12 ratings"
    success: str = ""  # "75%"
    trend: str = ""
    chart: ChartLayout = field(default_factory=ChartLayout)


@dataclass
class PartnerBrowse:
    cards: list[PartnerCard] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    categories: list[str] = field(default_factory=list)  # every category of the listed partners, for the filter
    query: PartnerQuery = field(default_factory=PartnerQuery)
    errors: dict[str, str] = field(default_factory=dict)


def scorecards(session: Session, partners: Sequence[Partner]) -> dict[str, Scorecard]:
    """Each partner's scorecard: all-time totals and the last CHART_WEEKS weeks, in four queries for all of them."""
    keys = [p.key for p in partners]
    today = utcnow().date()
    since = week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    counts = totals(session, keys)
    outcomes = outcomes_by_partner(session, keys)
    days = daily_counts(session, keys, since=since)
    return {
        key: scorecard(
            offered=counts[key][0],
            clicks=counts[key][1],
            outcomes=outcomes[key],
            weeks=weekly(days.get(key, []), today=today),
        )
        for key in keys
    }


def card_of(partner: Partner, card: Scorecard) -> PartnerCard:
    return PartnerCard(
        key=partner.key,
        name=partner.name,
        kind=partner.kind,
        kind_label=KIND_LABELS.get(partner.kind, partner.kind),
        categories=[c.replace("-", " ") for c in categories_of(partner)],
        offered=card.offered,
        clicks=card.clicks,
        reported=card.reported,
        rating=rating_text(card.average_rating, card.rated),
        success=percent_text(card.success_rate),
        trend=TREND_LABELS[card.trend],
        chart=layout(partner.name, card),
    )


def scorecard_of(session: Session, *, key: str, adapters: Mapping[str, PartnerAdapter]) -> PartnerCard:
    """One active partner's public card; NotFound for an unknown or suspended one."""
    partner = next((p for p in known(session, adapters) if p.key == key and p.status == ACTIVE), None)
    if partner is None:
        raise NotFound("There is no such partner.")
    return card_of(partner, scorecards(session, [partner])[key])


def browse(
    session: Session, *, params: Mapping[str, object], adapters: Mapping[str, PartnerAdapter], per_page: int = PER_PAGE
) -> PartnerBrowse:
    """The active partners matching the URL's filters (kind, category, minimum average rating), a page of them, in
    registry order. Bad parameters come back as messages by field; the rest of the filter still applies. Reads only:
    a partner not registered yet is shown as its adapter describes it."""
    query, errors = parse(params)
    active = [p for p in known(session, adapters) if p.status == ACTIVE]
    categories = sorted({c for p in active for c in categories_of(p)})
    if query.category and query.category not in categories:
        errors["category"] = "Choose a category from the list."
        query = PartnerQuery(kind=query.kind, min_rating=query.min_rating, page=query.page)
    cards = scorecards(session, active)
    matching = [
        p
        for p in active
        if (not query.kind or p.kind == query.kind)
        and (not query.category or query.category in categories_of(p))
        and (query.min_rating is None or _rated_at_least(cards[p.key], float(query.min_rating)))
    ]
    pages = max(1, math.ceil(len(matching) / per_page))
    if query.page > pages:
        errors.setdefault("partner_page", "That page does not exist.")
        query = query.on_page(pages)
    shown = matching[(query.page - 1) * per_page : query.page * per_page]
    return PartnerBrowse(
        cards=[card_of(p, cards[p.key]) for p in shown],
        total=len(matching),
        page=query.page,
        pages=pages,
        categories=categories,
        query=query,
        errors=errors,
    )


def _rated_at_least(card: Scorecard, minimum: float) -> bool:
    """A partner with no rating yet does not pass a rating filter."""
    return card.average_rating is not None and card.average_rating >= minimum
