"""A partner's scorecard and the curation rule, without I/O.

The scorecard is counts: how often the menu offered the partner and how often members followed its link (per day,
`PartnerDaily`), and the outcomes members reported for tasks sent there (`RoutingDecision`: done or not, a rating).
The rule suspends a partner once it has enough rated outcomes to judge and either its average rating or its share of
outcomes reported done is below the deployment's threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Trend = Literal["new", "improving", "worsening", "steady"]
TREND_WEEKS = 4  # the trend compares the last four weeks' outcomes with the four weeks before
TREND_MARGIN = 0.25  # stars; smaller moves are "steady"
CHART_WEEKS = 8


@dataclass(frozen=True)
class Outcomes:
    """Reported outcomes: `reported` of them (done or not), `done` reported done, `rated` with a rating adding up to
    `rating_total`."""

    reported: int = 0
    done: int = 0
    rated: int = 0
    rating_total: int = 0

    @property
    def average_rating(self) -> float | None:
        return self.rating_total / self.rated if self.rated else None

    @property
    def success_rate(self) -> float | None:
        """The share of reported outcomes that were done (0..1), None before any."""
        return self.done / self.reported if self.reported else None

    def __add__(self, other: Outcomes) -> Outcomes:
        return Outcomes(
            self.reported + other.reported,
            self.done + other.done,
            self.rated + other.rated,
            self.rating_total + other.rating_total,
        )


@dataclass(frozen=True)
class DayCounts:
    """One day of a partner: offered in a menu, clicked, and the outcomes reported that day."""

    day: date
    offered: int = 0
    clicks: int = 0
    outcomes: Outcomes = Outcomes()


@dataclass(frozen=True)
class WeekPoint:
    """One week (starting on `week_start`, a Monday) of a partner's scorecard."""

    week_start: date
    offered: int
    clicks: int
    outcomes: Outcomes

    @property
    def label(self) -> str:
        return self.week_start.strftime("%b %d").replace(" 0", " ")


@dataclass(frozen=True)
class Scorecard:
    """A partner's public numbers: all time totals and the last weeks, oldest first."""

    offered: int
    clicks: int
    outcomes: Outcomes
    weeks: tuple[WeekPoint, ...] = ()

    @property
    def reported(self) -> int:
        return self.outcomes.reported

    @property
    def rated(self) -> int:
        return self.outcomes.rated

    @property
    def average_rating(self) -> float | None:
        return self.outcomes.average_rating

    @property
    def success_rate(self) -> float | None:
        return self.outcomes.success_rate

    @property
    def click_rate(self) -> float | None:
        """Clicks per offer (0..1; more than 1 when members came back to a link), None before any offer."""
        return self.clicks / self.offered if self.offered else None

    @property
    def trend(self) -> Trend:
        return trend(self.weeks)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(days: Iterable[DayCounts], *, today: date, weeks: int = CHART_WEEKS) -> tuple[WeekPoint, ...]:
    """The last `weeks` weeks up to the one holding `today`, oldest first, every week present (zeros when quiet);
    days outside the window are ignored."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    offered = dict.fromkeys(starts, 0)
    clicks = dict.fromkeys(starts, 0)
    outcomes = dict.fromkeys(starts, Outcomes())
    for counts in days:
        start = week_start(counts.day)
        if start not in offered:
            continue
        offered[start] += counts.offered
        clicks[start] += counts.clicks
        outcomes[start] = outcomes[start] + counts.outcomes
    return tuple(WeekPoint(s, offered[s], clicks[s], outcomes[s]) for s in starts)


def scorecard(*, offered: int, clicks: int, outcomes: Outcomes, weeks: tuple[WeekPoint, ...] = ()) -> Scorecard:
    return Scorecard(offered=max(offered, 0), clicks=max(clicks, 0), outcomes=outcomes, weeks=weeks)


def trend(weeks: tuple[WeekPoint, ...]) -> Trend:
    """How the rating moves: the average of the last TREND_WEEKS weeks against the TREND_WEEKS before ("new" when
    either has no rated outcome)."""
    if len(weeks) < 2 * TREND_WEEKS:
        return "new"
    before = sum((w.outcomes for w in weeks[-2 * TREND_WEEKS : -TREND_WEEKS]), Outcomes()).average_rating
    recent = sum((w.outcomes for w in weeks[-TREND_WEEKS:]), Outcomes()).average_rating
    if before is None or recent is None:
        return "new"
    if recent - before >= TREND_MARGIN:
        return "improving"
    if before - recent >= TREND_MARGIN:
        return "worsening"
    return "steady"


TREND_LABELS: dict[Trend, str] = {
    "new": "Not enough ratings for a trend",
    "improving": "Ratings improving",
    "worsening": "Ratings falling",
    "steady": "Ratings steady",
}


@dataclass(frozen=True)
class Rule:
    """The curation rule: once a partner has `min_outcomes` rated outcomes from at least `min_reporters` different
    members, its average rating must be at least `min_rating` and its share of reported outcomes done at least
    `min_success_percent`. (One member alone, however many tasks they report on, cannot suspend a partner for
    everyone unless the deployment says so with `min_reporters=1`.)"""

    min_outcomes: int
    min_rating: float
    min_success_percent: int
    min_reporters: int = 1


def breaches(card: Scorecard | Outcomes, rule: Rule, *, reporters: int | None = None) -> str | None:
    """Why the rule suspends this partner, in one sentence, or None while it may stay. `reporters`: how many
    different members rated those outcomes (None: not counted, as for a scorecard shown alone)."""
    outcomes = card.outcomes if isinstance(card, Scorecard) else card
    if outcomes.rated < rule.min_outcomes:
        return None
    if reporters is not None and reporters < rule.min_reporters:
        return None
    if outcomes.rating_total < rule.min_rating * outcomes.rated:
        average = math.floor(outcomes.rating_total * 10 / outcomes.rated) / 10  # 2.96 reads 2.9, never "3.0 < 3.0"
        return f"Average rating {average:.1f} over {outcomes.rated} rated outcomes is below {rule.min_rating:.1f}"
    if outcomes.reported and outcomes.done * 100 < rule.min_success_percent * outcomes.reported:
        percent = outcomes.done * 100 // outcomes.reported
        return (
            f"Success rate {percent}% over {outcomes.reported} reported outcomes is below {rule.min_success_percent}%"
        )
    return None


def rating_text(average: float | None, rated: int) -> str:
    """ "4.2 from 12 ratings", "No ratings yet"."""
    if average is None or not rated:
        return "No ratings yet"
    return f"{average:.1f} from {rated} rating{'s' if rated != 1 else ''}"


def percent_text(rate: float | None) -> str:
    """ "75%", or "—" before anything was counted (rounded down, so 99.9% never reads 100%)."""
    return "—" if rate is None else f"{int(rate * 100)}%"
