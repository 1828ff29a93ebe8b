"""A partner's scorecard over the weeks, laid out on the server as SVG shapes (like the plan graph): offers and clicks as
bars on top, the average rating and the success rate as lines below. The page draws the shapes and puts the same
numbers in a table beside them, which is what screen readers read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jtbd_app.domain.curation import TREND_LABELS, Scorecard, WeekPoint, percent_text, rating_text

WIDTH = 360
BAR_TOP, BAR_HEIGHT = 24, 70  # offers and clicks
LINE_TOP, LINE_HEIGHT = 130, 60  # rating (1-5) and success (0-100%)
HEIGHT = LINE_TOP + LINE_HEIGHT + 22
LEFT, RIGHT = 8, 8
OFFERED_COLOUR = "#94a3b8"
CLICKS_COLOUR = "#2563eb"
RATING_COLOUR = "#d97706"
SUCCESS_COLOUR = "#16a34a"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class WeekRow:
    """One row of the table beside the chart."""

    week: str
    offered: int
    clicks: int
    reported: int
    rating: str
    success: str


@dataclass(frozen=True)
class ChartLayout:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    rating_points: str = ""  # an SVG polyline's points
    success_points: str = ""
    dots: list[Bar] = field(default_factory=list)  # a small square per week that has a rating or a success rate
    labels: list[Label] = field(default_factory=list)
    rows: list[WeekRow] = field(default_factory=list)
    summary: str = ""


def _week_row(week: WeekPoint) -> WeekRow:
    o = week.outcomes
    rating = f"{o.average_rating:.1f}" if o.average_rating is not None else "—"
    return WeekRow(week.label, week.offered, week.clicks, o.reported, rating, percent_text(o.success_rate))


def summary(name: str, card: Scorecard) -> str:
    """One sentence of the whole scorecard: the chart's accessible name."""
    weeks = len(card.weeks)
    return (
        f"{name}: offered {card.offered} times and followed {card.clicks} times in all; "
        f"{card.reported} outcomes reported, {percent_text(card.success_rate)} done; "
        f"rating {rating_text(card.average_rating, card.rated)}; {TREND_LABELS[card.trend].lower()}"
        + (f". The chart shows the last {weeks} weeks." if weeks else ".")
    )


def layout(name: str, card: Scorecard) -> ChartLayout:
    weeks = card.weeks
    if not weeks:
        return ChartLayout(summary=summary(name, card))
    slot = (WIDTH - LEFT - RIGHT) / len(weeks)
    bar_w = max(slot * 0.35, 2.0)
    top = max([max(w.offered, w.clicks) for w in weeks] + [1])
    bars: list[Bar] = []
    dots: list[Bar] = []
    rating_pts: list[str] = []
    success_pts: list[str] = []
    labels = [
        Label(LEFT, BAR_TOP - 8, f"Offered and clicks (top: {top} a week)"),
        Label(LEFT, LINE_TOP - 8, "Rating (1-5) and share done (0-100%)"),
    ]
    for i, week in enumerate(weeks):
        x = LEFT + i * slot + (slot - 2 * bar_w) / 2
        for offset, value, colour, what in (
            (0.0, week.offered, OFFERED_COLOUR, "offered"),
            (bar_w, week.clicks, CLICKS_COLOUR, "clicks"),
        ):
            h = BAR_HEIGHT * value / top
            bars.append(
                Bar(
                    round(x + offset),
                    round(BAR_TOP + BAR_HEIGHT - h),
                    max(round(bar_w), 1),
                    round(h),
                    colour,
                    f"Week of {week.label}: {value} {what}",
                )
            )
        centre = round(LEFT + i * slot + slot / 2)
        o = week.outcomes
        if o.average_rating is not None:
            y = round(LINE_TOP + LINE_HEIGHT * (5 - o.average_rating) / 4)
            rating_pts.append(f"{centre},{y}")
            dots.append(
                Bar(centre - 2, y - 2, 5, 5, RATING_COLOUR, f"Week of {week.label}: rating {o.average_rating:.1f}")
            )
        if o.success_rate is not None:
            y = round(LINE_TOP + LINE_HEIGHT * (1 - o.success_rate))
            success_pts.append(f"{centre},{y}")
            dots.append(
                Bar(
                    centre - 2,
                    y - 2,
                    5,
                    5,
                    SUCCESS_COLOUR,
                    f"Week of {week.label}: {percent_text(o.success_rate)} done",
                )
            )
        if i % 2 == 0 or len(weeks) <= 4:
            labels.append(Label(round(LEFT + i * slot + 1), HEIGHT - 6, week.label))
    return ChartLayout(
        bars=bars,
        rating_points=" ".join(rating_pts),
        success_points=" ".join(success_pts),
        dots=dots,
        labels=labels,
        rows=[_week_row(w) for w in weeks],
        summary=summary(name, card),
    )
