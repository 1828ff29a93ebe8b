"""The scorecard's numbers and the curation rule, as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

from jtbd_app.domain.curation import (
    DayCounts,
    Outcomes,
    Rule,
    breaches,
    percent_text,
    rating_text,
    scorecard,
    trend,
    weekly,
)
from jtbd_app.domain.scorecard_chart import WeekRow, layout

RULE = Rule(min_outcomes=5, min_rating=3.0, min_success_percent=60)


def test_rates_are_none_before_anything_is_counted() -> None:
    card = scorecard(offered=0, clicks=0, outcomes=Outcomes())
    assert card.average_rating is None and card.success_rate is None and card.click_rate is None
    assert rating_text(card.average_rating, card.rated) == "No ratings yet" and percent_text(None) == "—"


def test_average_rating_and_success_rate_come_from_the_outcomes() -> None:
    card = scorecard(offered=40, clicks=10, outcomes=Outcomes(reported=4, done=3, rated=3, rating_total=13))
    assert card.average_rating == 13 / 3 and card.success_rate == 0.75 and card.click_rate == 0.25
    assert rating_text(card.average_rating, card.rated) == "4.3 from 3 ratings" and percent_text(0.999) == "99%"


def test_the_rule_waits_for_enough_rated_outcomes() -> None:
    assert breaches(Outcomes(reported=4, done=0, rated=4, rating_total=4), RULE) is None


def test_a_low_average_at_the_threshold_breaches_with_its_reason() -> None:
    reason = breaches(Outcomes(reported=5, done=5, rated=5, rating_total=11), RULE)
    assert reason == "Average rating 2.2 over 5 rated outcomes is below 3.0"


def test_an_average_exactly_at_the_minimum_stays() -> None:
    assert breaches(Outcomes(reported=5, done=5, rated=5, rating_total=15), RULE) is None


def test_an_average_just_below_never_reads_as_the_minimum() -> None:
    reason = breaches(Outcomes(reported=50, done=50, rated=50, rating_total=149), RULE)
    assert reason == "Average rating 2.9 over 50 rated outcomes is below 3.0"


def test_a_low_success_rate_breaches_even_with_good_ratings() -> None:
    reason = breaches(Outcomes(reported=5, done=2, rated=5, rating_total=25), RULE)
    assert reason == "Success rate 40% over 5 reported outcomes is below 60%"
    assert breaches(Outcomes(reported=5, done=3, rated=5, rating_total=25), RULE) is None  # 60% is enough


def test_weeks_are_counted_from_monday_with_quiet_weeks_present() -> None:
    today = date(2026, 12, 4)  # a Friday
    days = [
        DayCounts(date(2026, 12, 1), offered=3, clicks=1, outcomes=Outcomes(1, 1, 1, 5)),
        DayCounts(date(2026, 11, 30), offered=2),
        DayCounts(date(2026, 11, 20), offered=7, clicks=2),
        DayCounts(date(2026, 1, 1), offered=99),  # outside the window
    ]
    weeks = weekly(days, today=today, weeks=3)
    assert [w.week_start for w in weeks] == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert [(w.offered, w.clicks) for w in weeks] == [(7, 2), (0, 0), (5, 1)]
    assert weeks[-1].outcomes == Outcomes(1, 1, 1, 5) and weeks[0].label == "Nov 16"


def _weeks(before: int | None, recent: int | None) -> tuple:  # type: ignore[type-arg]
    def day(week: int, rating: int | None) -> DayCounts:
        outcomes = Outcomes(1, 1, 1, rating) if rating is not None else Outcomes()
        return DayCounts(date(2026, 10, 12) + timedelta(weeks=week), outcomes=outcomes)

    days = [day(i, before) for i in range(4)] + [day(i, recent) for i in range(4, 8)]
    return weekly(days, today=date(2026, 12, 4), weeks=8)


def test_the_trend_compares_the_last_four_weeks_with_the_four_before() -> None:
    assert trend(_weeks(4, 2)) == "worsening"
    assert trend(_weeks(2, 4)) == "improving"
    assert trend(_weeks(4, 4)) == "steady"
    assert trend(_weeks(None, 4)) == "new"


def test_the_chart_draws_each_week_and_says_it_all_in_one_sentence() -> None:
    days = [
        DayCounts(date(2026, 11, 30), offered=10, clicks=5, outcomes=Outcomes(2, 1, 2, 7)),
        DayCounts(date(2026, 11, 23), offered=5),
    ]
    card = scorecard(offered=15, clicks=5, outcomes=Outcomes(2, 1, 2, 7), weeks=weekly(days, today=date(2026, 12, 4)))
    chart = layout("Handy", card)
    assert len(chart.bars) == 16 and len(chart.rows) == 8
    offered_bars = [b for b in chart.bars if "offered" in b.title]
    assert offered_bars[-1].height == 70 and offered_bars[-2].height == 35 and offered_bars[0].height == 0
    assert chart.rating_points.count(",") == 1 and chart.success_points.count(",") == 1  # one week has outcomes
    assert chart.rows[-1] == WeekRow("Nov 30", 10, 5, 2, "3.5", "50%")
    assert chart.summary == (
        "Handy: offered 15 times and followed 5 times in all; 2 outcomes reported, 50% done; "
        "rating 3.5 from 2 ratings; not enough ratings for a trend. The chart shows the last 8 weeks."
    )
    assert chart.labels[0].text == "Offered and clicks (top: 10 a week)"
    quiet = layout(
        "Quiet", scorecard(offered=0, clicks=0, outcomes=Outcomes(), weeks=weekly([], today=date(2026, 12, 4)))
    )
    assert quiet.labels[0].text == "Not offered yet" and quiet.rating_points == ""
