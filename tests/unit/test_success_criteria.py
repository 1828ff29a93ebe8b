"""Success criteria suggested while the client types the problem: measurable, in the problem's own numbers."""

from __future__ import annotations

from jtbd_app.domain.success_criteria import suggest


def test_a_traffic_goal_suggests_the_number_the_window_and_how_it_is_counted() -> None:
    lines = suggest("Get 10K legit website visitors to my bakery's site in 60 days")
    assert (
        lines[0]
        == "At least 10,000 website visitors to the bakery's site within 60 days, as counted by Google Analytics"
    )
    assert any("real people" in line for line in lines)


def test_without_a_stated_duration_the_criteria_say_by_the_deadline() -> None:
    lines = suggest("Write twelve blog posts for example.com")
    assert lines[0] == "12 blog posts published on example.com by the deadline"


def test_a_percentage_becomes_a_before_and_after_criterion() -> None:
    assert suggest("Increase my shop's sales by 20% more orders")[0].startswith("20% more orders than the baseline")


def test_each_kind_of_problem_gets_its_own_criteria() -> None:
    assert suggest("Organise a launch party for 80 guests in Berlin")[0].startswith("80 guests confirmed")
    translation = suggest("Translate our manual into Spanish, German and Japanese")
    assert translation[0] == "The Spanish, German and Japanese translations each reviewed by a second native linguist"


def test_no_number_is_invented_when_the_text_gives_none() -> None:
    assert not any("2,000" in line for line in suggest("Translate our manual into Spanish"))
    assert any("2,000 words" in line for line in suggest("Translate our 2,000 words manual into Spanish"))


def test_too_little_text_suggests_nothing() -> None:
    assert suggest("") == [] and suggest("help") == []


def test_at_most_four_suggestions() -> None:
    assert len(suggest("Grow 20% more sales, 10% fewer returns, 5% more visitors and 3,000 subscribers")) <= 4
