"""The admin overview's numbers from plain rows: the last weeks (Monday weeks, oldest first), running escrow balances,
and frozen contracts by how long they have waited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

WEEKS = 12
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("Under 1 day", timedelta(days=1)),
    ("1 to 3 days", timedelta(days=3)),
    ("3 to 7 days", timedelta(days=7)),
    ("Over 7 days", None),
)


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks up to the one holding `today`, oldest first."""
    this_week = today - timedelta(days=today.weekday())
    return [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def by_week(rows: Iterable[tuple[datetime, int]], starts: list[date]) -> list[int]:
    """The sum of `amount` per week of `starts` (moments outside them are left out)."""
    totals = dict.fromkeys(starts, 0)
    for moment, amount in rows:
        day = moment.date()
        start = day - timedelta(days=day.weekday())
        if start in totals:
            totals[start] += amount
    return [totals[s] for s in starts]


def running(opening: int, deltas: list[int]) -> list[int]:
    """The balance at the end of each week: the opening balance plus each week's movements so far."""
    out, balance = [], opening
    for delta in deltas:
        balance += delta
        out.append(balance)
    return out


def age_bucket(age: timedelta) -> str:
    for label, limit in AGE_BUCKETS:
        if limit is None or age < limit:
            return label
    return AGE_BUCKETS[-1][0]


def ages(moments: Iterable[datetime], now: datetime) -> list[int]:
    """How many of `moments` fall in each of AGE_BUCKETS, measured back from `now`."""
    counts = dict.fromkeys((label for label, _ in AGE_BUCKETS), 0)
    for moment in moments:
        counts[age_bucket(now - moment)] += 1
    return list(counts.values())
