"""The admin home: the platform's health at a glance. The member counts and sign-ups come from
`accounts/admin_view`; here are the last twelve weeks of contracts and money funded, the money held in escrow at the
end of each week (from the ledger), frozen contracts waiting for an administrator by age, and the outside partners'
health. Every number is read from the database as it is now; charts and tables show the same numbers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import platform_health as health
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, ContractEvent, JournalEntry, LedgerAccount, Posting, Report, utcnow
from jtbd_app.services.accounts import admin_view
from jtbd_app.services.delegate import partners as partner_rows
from jtbd_app.services.ports import PartnerAdapter
from jtbd_app.services.viewer import Viewer, require_admin

ESCROW_KINDS = ("escrow", "problem_escrow")
FUND_KINDS = ("fund", "fund_problem")  # money arriving from a payer; money moved between escrows is not counted


@dataclass
class WeekRow:
    week: str = ""  # "12-01", the Monday
    contracts: int = 0
    funded: int = 0  # whole units of the main currency, for the chart
    funded_text: str = ""  # exact: "$1,250.00"
    escrow: int = 0
    escrow_text: str = ""
    reports: int = 0  # reports members filed that week
    reports_closed: int = 0  # reports an administrator closed that week


@dataclass
class AgeRow:
    age: str = ""
    contracts: int = 0


@dataclass
class PartnerHealthRow:
    name: str = ""
    status: str = ""  # active | suspended
    rating: float = 0.0  # 0 while no rated outcome
    rating_text: str = ""  # "4.2 (12 rated)" or "No ratings yet"


@dataclass
class AdminHome:
    basics: admin_view.AdminOverview
    currency: str = "USD"
    weeks: list[WeekRow] = field(default_factory=list)
    other_currencies: str = ""  # "EUR: €300.00 funded" for the currencies the charts leave out
    ages: list[AgeRow] = field(default_factory=list)
    frozen_total: int = 0
    reports_open: int = 0
    partners: list[PartnerHealthRow] = field(default_factory=list)
    partners_active: int = 0
    partners_suspended: int = 0
    average_rating: str = ""  # over every rated outcome: "4.1 from 25 ratings"
    summaries: dict[str, str] = field(default_factory=dict)  # each chart's one-sentence summary (its aria-label)


def admin_home(session: Session, *, viewer: Viewer | None, adapters: Mapping[str, PartnerAdapter]) -> AdminHome:
    require_admin(viewer)
    home = AdminHome(basics=admin_view.overview(session, viewer=viewer))
    _money_and_volume(session, home)
    _frozen_by_age(session, home)
    _reports(session, home)
    _partner_health(session, home, adapters)
    return home


def _whole(amount_minor: int, currency: str) -> int:
    return round(amount_minor / 10 ** CURRENCIES[currency])


def _money_and_volume(session: Session, home: AdminHome) -> None:
    starts = health.week_starts(utcnow().date())
    since = datetime.combine(starts[0], time.min, tzinfo=UTC)
    contracts = session.exec(select(Contract.created_at).where(col(Contract.created_at) >= since)).all()
    funded_rows = session.exec(
        select(JournalEntry.created_at, JournalEntry.currency, Posting.amount_minor)
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .where(
            col(JournalEntry.kind).in_(FUND_KINDS),
            col(LedgerAccount.kind).in_(ESCROW_KINDS),
            col(JournalEntry.created_at) >= since,
        )
    ).all()
    funded: dict[str, list[tuple[object, int]]] = defaultdict(list)
    for at, currency, amount in funded_rows:
        funded[currency].append((at, -amount))  # escrow is credited: a credit is negative
    totals = {c: sum(a for _, a in rows) for c, rows in funded.items()}
    home.currency = max(totals, key=lambda c: totals[c]) if totals else "USD"
    home.other_currencies = ", ".join(
        f"{c}: {Money(t, c).format()} funded" for c, t in sorted(totals.items()) if c != home.currency
    )
    cur = home.currency
    escrow_posts = (
        select(JournalEntry.created_at, Posting.amount_minor)
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .where(col(LedgerAccount.kind).in_(ESCROW_KINDS), LedgerAccount.currency == cur)
    )
    opening = -int(
        session.exec(
            select(func.coalesce(func.sum(Posting.amount_minor), 0))
            .join(JournalEntry, col(Posting.entry_id) == col(JournalEntry.id))
            .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
            .where(
                col(LedgerAccount.kind).in_(ESCROW_KINDS),
                LedgerAccount.currency == cur,
                col(JournalEntry.created_at) < since,
            )
        ).one()
    )
    moves = [(at, -amount) for at, amount in session.exec(escrow_posts.where(col(JournalEntry.created_at) >= since))]
    created = health.by_week(((at, 1) for at in contracts), starts)
    money = health.by_week(funded.get(cur, []), starts)  # type: ignore[arg-type]
    held = health.running(opening, health.by_week(moves, starts))
    home.weeks = [
        WeekRow(
            week=start.strftime("%m-%d"),
            contracts=created[i],
            funded=_whole(money[i], cur),
            funded_text=Money(money[i], cur).format(),
            escrow=_whole(held[i], cur),
            escrow_text=Money(held[i], cur).format(),
        )
        for i, start in enumerate(starts)
    ]
    home.summaries["volume"] = (
        f"Contracts created and money funded in {cur} per week over the last {health.WEEKS} weeks: "
        f"{sum(created)} contracts, {Money(sum(money), cur).format()} funded; this week {created[-1]} contracts and "
        f"{Money(money[-1], cur).format()}."
    )
    home.summaries["escrow"] = (
        f"Money held in escrow in {cur} at the end of each of the last {health.WEEKS} weeks: "
        f"{Money(held[0], cur).format()} twelve weeks ago, {Money(held[-1], cur).format()} now."
    )


def _frozen_by_age(session: Session, home: AdminHome) -> None:
    """Contracts waiting for an administrator (release frozen), by the time since they were frozen."""
    frozen = session.exec(select(Contract.id, Contract.updated_at).where(col(Contract.release_frozen).is_(True))).all()
    since: dict[int, object] = {cid: updated for cid, updated in frozen if cid is not None}
    if since:
        for cid, at in session.exec(
            select(ContractEvent.contract_id, func.max(ContractEvent.created_at))
            .where(col(ContractEvent.contract_id).in_(list(since)), ContractEvent.kind == "frozen")
            .group_by(col(ContractEvent.contract_id))
        ).all():
            since[cid] = at
    counts = health.ages(since.values(), utcnow())  # type: ignore[arg-type]
    home.ages = [AgeRow(age=label, contracts=n) for (label, _), n in zip(health.AGE_BUCKETS, counts, strict=True)]
    home.frozen_total = len(since)
    parts = ", ".join(f"{n} {label.lower()}" for (label, _), n in zip(health.AGE_BUCKETS, counts, strict=True))
    home.summaries["disputes"] = f"Open disputes and frozen contracts by age: {len(since)} in all; {parts}."


def _reports(session: Session, home: AdminHome) -> None:
    """Reports filed and closed per week (the weeks `_money_and_volume` laid out), and how many are open now."""
    starts = health.week_starts(utcnow().date())
    since = datetime.combine(starts[0], time.min, tzinfo=UTC)
    filed = session.exec(select(Report.created_at).where(col(Report.created_at) >= since)).all()
    closed = session.exec(
        select(Report.resolved_at).where(col(Report.resolved_at).is_not(None), col(Report.resolved_at) >= since)
    ).all()
    per_week_filed = health.by_week(((at, 1) for at in filed), starts)
    per_week_closed = health.by_week(((at, 1) for at in closed if at is not None), starts)
    for row, n_filed, n_closed in zip(home.weeks, per_week_filed, per_week_closed, strict=True):
        row.reports, row.reports_closed = n_filed, n_closed
    home.reports_open = int(session.exec(select(func.count()).select_from(Report).where(Report.status == "open")).one())
    home.summaries["reports"] = (
        f"Reports filed and closed per week over the last {health.WEEKS} weeks: {sum(per_week_filed)} filed, "
        f"{sum(per_week_closed)} closed; {home.reports_open} open now."
    )


def _partner_health(session: Session, home: AdminHome, adapters: Mapping[str, PartnerAdapter]) -> None:
    rows = partner_rows.registered(session, adapters)
    outcomes = partner_rows.outcomes_by_partner(session, [p.key for p in rows])
    rated = total = 0
    for partner in rows:
        found = outcomes.get(partner.key)
        n, stars = (found.rated, found.rating_total) if found else (0, 0)
        rated, total = rated + n, total + stars
        home.partners.append(
            PartnerHealthRow(
                name=partner.name,
                status=partner.status,
                rating=round(stars / n, 1) if n else 0.0,
                rating_text=f"{stars / n:.1f} ({n} rated)" if n else "No ratings yet",
            )
        )
    home.partners_active = sum(1 for p in rows if p.status == partner_rows.ACTIVE)
    home.partners_suspended = sum(1 for p in rows if p.status == partner_rows.SUSPENDED)
    home.average_rating = f"{total / rated:.1f} from {rated} ratings" if rated else "no ratings yet"
    home.summaries["partners"] = (
        f"Average rating of each outside partner: {home.partners_active} active, {home.partners_suspended} "
        f"suspended; {home.average_rating} overall."
    )
