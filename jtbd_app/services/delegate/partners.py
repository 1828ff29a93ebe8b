"""The outside partners as this deployment knows them: a `Partner` row for each adapter of the registry (its status and
the admins' link settings), which of them the menu may offer, and the counts their scorecards are made of.

Rows are registered on first use with `INSERT ... ON CONFLICT DO NOTHING`, so two workers opening the first menu at
once both succeed; counters move by upserts that add one in SQL, so no click is lost to a race.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from jtbd_app.domain.curation import DayCounts, Outcomes
from jtbd_app.domain.task_routing import PartnerInfo
from jtbd_app.models import Partner, PartnerDaily, RoutingDecision, utcnow
from jtbd_app.services.ports import PartnerAdapter

ACTIVE = "active"
SUSPENDED = "suspended"


@dataclass(frozen=True)
class PartnerLinks:
    """The link settings the menu uses for a partner: the admins' template and affiliate parameters, else the
    adapter's defaults."""

    template: str
    affiliate_params: str


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def register(session: Session, adapters: Mapping[str, PartnerAdapter]) -> None:
    """A Partner row for every adapter that has none yet (its name, kind and categories from the adapter; links left
    empty, meaning the adapter's defaults); rows already there are left as the admins made them."""
    if not adapters:
        return
    known = set(session.exec(select(Partner.key).where(col(Partner.key).in_(list(adapters)))).all())
    missing = [adapter for key, adapter in adapters.items() if key not in known]
    if not missing:
        return
    table: Any = Partner.__table__  # type: ignore[attr-defined]
    now = utcnow()
    rows = [
        {
            "key": a.key,
            "name": a.name[:60],
            "kind": a.kind,
            "categories": ",".join(a.categories)[:400],
            "link_template": "",
            "affiliate_params": "",
            "status": ACTIVE,
            "suspended_by": "",
            "suspended_reason": "",
            "created_at": now,
            "updated_at": now,
        }
        for a in missing
    ]
    session.execute(_insert(session)(table).values(rows).on_conflict_do_nothing(index_elements=[table.c.key]))


def _described(adapter: PartnerAdapter) -> Partner:
    """A partner as its adapter describes it, before its row is registered (not added to the session)."""
    return Partner(
        key=adapter.key, name=adapter.name[:60], kind=adapter.kind, categories=",".join(adapter.categories)[:400]
    )


def known(session: Session, adapters: Mapping[str, PartnerAdapter]) -> list[Partner]:
    """The partners of the registry's adapters, in registry order, without writing anything: a partner with no row
    yet is described by its adapter (active, default links). For public reads, which must not change the database."""
    rows = {p.key: p for p in session.exec(select(Partner).where(col(Partner.key).in_(list(adapters)))).all()}
    return [_current(rows[key], adapter) if key in rows else _described(adapter) for key, adapter in adapters.items()]


def _current(partner: Partner, adapter: PartnerAdapter) -> Partner:
    """The row as the code describes the partner today: its name, kind and categories come from its adapter (they
    may have changed since the row was registered); a changed one is a copy, never added to the session."""
    described = _described(adapter)
    if (partner.name, partner.kind, partner.categories) == (described.name, described.kind, described.categories):
        return partner
    return Partner.model_validate(
        {**partner.model_dump(), "name": described.name, "kind": described.kind, "categories": described.categories}
    )


def registered(session: Session, adapters: Mapping[str, PartnerAdapter]) -> list[Partner]:
    """The partners of the registry's adapters, in registry order, registering any that are missing; name, kind and
    categories as their adapters say today (`_current`)."""
    register(session, adapters)
    rows = {p.key: p for p in session.exec(select(Partner).where(col(Partner.key).in_(list(adapters)))).all()}
    return [_current(rows[key], adapter) for key, adapter in adapters.items() if key in rows]


def outcomes_by_partner(session: Session, keys: Iterable[str], *, since: datetime | None = None) -> dict[str, Outcomes]:
    """Each partner's reported outcomes (those reported at or after `since`, when given), in one grouped query."""
    wanted = list(keys)
    if not wanted:
        return {}
    reported_at = col(RoutingDecision.reported_at)
    query = (
        sql_select(
            col(RoutingDecision.partner_key),
            func.count(),
            func.sum(case((col(RoutingDecision.outcome) == "done", 1), else_=0)),
            func.count(col(RoutingDecision.rating)),
            func.coalesce(func.sum(col(RoutingDecision.rating)), 0),
        )
        .where(col(RoutingDecision.partner_key).in_(wanted), reported_at.is_not(None))
        .group_by(col(RoutingDecision.partner_key))
    )
    if since is not None:
        query = query.where(reported_at >= since)
    found = {
        key: Outcomes(int(n), int(done or 0), int(rated), int(total))
        for key, n, done, rated, total in session.execute(query).all()
    }
    return {key: found.get(key, Outcomes()) for key in wanted}


def rating_members(session: Session, key: str, *, since: datetime | None = None) -> int:
    """How many different members rated the partner's outcomes (those reported at or after `since`, when given)."""
    reported_at = col(RoutingDecision.reported_at)
    query = sql_select(func.count(func.distinct(col(RoutingDecision.owner_id)))).where(
        col(RoutingDecision.partner_key) == key, reported_at.is_not(None), col(RoutingDecision.rating).is_not(None)
    )
    if since is not None:
        query = query.where(reported_at >= since)
    return int(session.execute(query).scalar_one())


def offered(session: Session, adapters: Mapping[str, PartnerAdapter]) -> list[PartnerInfo]:
    """What the menu may offer: the active partners of the registry, in registry order, with their scorecard so far.
    Suspended partners are never among them."""
    active = [p for p in registered(session, adapters) if p.status == ACTIVE]
    outcomes = outcomes_by_partner(session, [p.key for p in active])
    return [_info(p, outcomes[p.key]) for p in active]


def _info(partner: Partner, outcomes: Outcomes) -> PartnerInfo:
    return PartnerInfo(
        key=partner.key,
        name=partner.name,
        kind=cast(Any, partner.kind),
        categories=categories_of(partner),
        rated=outcomes.rated,
        average_rating=outcomes.average_rating,
        success_rate=outcomes.success_rate,
    )


def categories_of(partner: Partner) -> tuple[str, ...]:
    return tuple(c for c in (part.strip() for part in partner.categories.split(",")) if c)


def links(partner: Partner | None, adapter: PartnerAdapter) -> PartnerLinks:
    """The template and affiliate parameters to build this partner's links with (the admins', else the adapter's)."""
    template = partner.link_template if partner is not None and partner.link_template else adapter.default_template
    params = (
        partner.affiliate_params
        if partner is not None and partner.affiliate_params
        else adapter.default_affiliate_params
    )
    return PartnerLinks(template=template, affiliate_params=params)


def links_by_key(session: Session, adapters: Mapping[str, PartnerAdapter]) -> dict[str, PartnerLinks]:
    """`links` for every partner of the registry (registering missing rows)."""
    rows = {p.key: p for p in registered(session, adapters)}
    return {key: links(rows.get(key), adapter) for key, adapter in adapters.items()}


def _bump(session: Session, keys: list[str], column: str) -> None:
    if not keys:
        return
    table: Any = PartnerDaily.__table__  # type: ignore[attr-defined]
    today = utcnow().date()
    statement = _insert(session)(table).values(
        [{"partner_key": key[:24], "day": today, "offered": 0, "clicks": 0, column: 1} for key in sorted(set(keys))]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.partner_key, table.c.day], set_={column: table.c[column] + 1}
        )
    )


def record_offered(session: Session, partner_keys: Iterable[str]) -> None:
    """Count one offer today for each partner a menu showed (each once per menu)."""
    _bump(session, [k for k in partner_keys if k], "offered")


def record_click(session: Session, partner_key: str) -> None:
    """Count one click today on a link to this partner."""
    _bump(session, [partner_key] if partner_key else [], "clicks")


def daily_counts(session: Session, keys: Iterable[str], *, since: date) -> dict[str, list[DayCounts]]:
    """Each partner's days since `since`: offers and clicks (`PartnerDaily`) and the outcomes reported that day."""
    wanted = list(keys)
    days: dict[str, dict[date, DayCounts]] = {key: {} for key in wanted}
    if not wanted:
        return {}
    for row in session.exec(
        select(PartnerDaily).where(col(PartnerDaily.partner_key).in_(wanted), PartnerDaily.day >= since)
    ):
        days[row.partner_key][row.day] = DayCounts(row.day, row.offered, row.clicks)
    start = datetime(since.year, since.month, since.day, tzinfo=utcnow().tzinfo)
    reported = session.exec(
        select(
            RoutingDecision.partner_key, RoutingDecision.reported_at, RoutingDecision.outcome, RoutingDecision.rating
        ).where(col(RoutingDecision.partner_key).in_(wanted), col(RoutingDecision.reported_at) >= start)
    )
    for key, at, outcome, rating in reported:
        if at is None:
            continue
        day = at.date()
        before = days[key].get(day, DayCounts(day))
        add = Outcomes(1, 1 if outcome == "done" else 0, 1 if rating is not None else 0, rating or 0)
        days[key][day] = DayCounts(day, before.offered, before.clicks, before.outcomes + add)
    return {key: sorted(found.values(), key=lambda d: d.day) for key, found in days.items()}


def totals(session: Session, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Each partner's offers and clicks of all time."""
    wanted = list(keys)
    found = {
        key: (int(o or 0), int(c or 0))
        for key, o, c in session.exec(
            select(PartnerDaily.partner_key, func.sum(PartnerDaily.offered), func.sum(PartnerDaily.clicks))
            .where(col(PartnerDaily.partner_key).in_(wanted))
            .group_by(col(PartnerDaily.partner_key))
        )
    }
    return {key: found.get(key, (0, 0)) for key in wanted}
