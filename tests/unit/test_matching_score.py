"""The matching score: each term moves it the right way, the reason line, local work, and the ranking's order."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jtbd_app.domain.matching import WEIGHTS, Candidate, Need, idf_of, rank, score, tokens

SEO = Need(
    skills=("seo", "google analytics"),
    text="Get 10K legit visitors to my bakery's website with SEO",
    budget_minor=60_000,
    duration_days=10,
)


def someone(user_id: int = 1, **fields: object) -> Candidate:
    return Candidate(user_id=user_id, username=f"member{user_id}", **fields)  # type: ignore[arg-type]


def changed(c: Candidate, **fields: object) -> Candidate:
    return dataclasses.replace(c, **fields)  # type: ignore[arg-type]


BASE = someone(skills=frozenset({"copywriting"}), rating_avg=4.5, rating_count=10, completed=5, on_time_rate=0.8)


def test_knowing_more_of_the_needed_skills_scores_higher() -> None:
    none, one, both = (
        changed(BASE, skills=frozenset(s)) for s in ({"copywriting"}, {"seo"}, {"seo", "google analytics"})
    )

    assert score(SEO, none).score < score(SEO, one).score < score(SEO, both).score


def test_a_skill_only_named_in_the_profile_counts_half() -> None:
    listed = score(SEO, changed(BASE, skills=frozenset({"seo"})))
    mentioned = score(SEO, changed(BASE, profile_text="I do seo for small shops"))

    assert listed.parts["skills"] == 0.5
    assert mentioned.parts["skills"] == 0.25


def test_a_profile_and_past_work_about_the_need_score_higher_than_unrelated_text() -> None:
    unrelated = changed(BASE, profile_text="I paint houses and fix fences.")
    related = changed(BASE, profile_text="I grew traffic for a bakery website.")
    with_past_work = changed(related, past_work="Organic visitors for a local bakery")

    assert score(SEO, unrelated).score < score(SEO, related).score < score(SEO, with_past_work).score


def test_rare_words_of_the_need_count_more_than_common_ones() -> None:
    pool = [someone(i, profile_text="website work") for i in range(20)]
    idf = idf_of(SEO, pool)
    common = changed(BASE, profile_text="website")
    rare = changed(BASE, profile_text="bakery")

    assert idf["bakery"] > idf["website"]
    assert score(SEO, common, idf=idf).score < score(SEO, rare, idf=idf).score


def test_a_higher_rating_over_the_same_reviews_scores_higher() -> None:
    low, high = (changed(BASE, rating_avg=stars, rating_count=20) for stars in (3.9, 4.9))

    assert score(SEO, low).score < score(SEO, high).score


def test_one_five_star_review_does_not_beat_forty_reviews_of_four_point_eight() -> None:
    lucky = changed(BASE, rating_avg=5.0, rating_count=1)
    proven = changed(BASE, rating_avg=4.8, rating_count=40)

    assert score(SEO, lucky).parts["rating"] < score(SEO, proven).parts["rating"]
    assert score(SEO, lucky).score < score(SEO, proven).score


def test_more_completed_contracts_score_higher_with_diminishing_returns() -> None:
    parts = [score(SEO, changed(BASE, completed=n, on_time_rate=None)).parts["completed"] for n in (0, 1, 10, 20, 500)]

    assert parts[0] == 0 and parts[0] < parts[1] < parts[2] < parts[3] < parts[4] == 1
    assert parts[1] - parts[0] > parts[3] - parts[2]


def test_delivering_on_time_more_often_scores_higher_and_counts_more_over_more_contracts() -> None:
    late, prompt = (changed(BASE, completed=10, on_time_rate=rate) for rate in (0.5, 1.0))
    one_prompt = changed(BASE, completed=1, on_time_rate=1.0)

    assert score(SEO, late).score < score(SEO, prompt).score
    assert score(SEO, one_prompt).parts["on_time"] < score(SEO, prompt).parts["on_time"]


def test_an_unknown_criteria_pass_rate_is_neutral_between_a_poor_and_a_good_one() -> None:
    poor, unknown, good = (changed(BASE, criteria_pass_rate=rate) for rate in (0.3, None, 1.0))

    assert score(SEO, poor).score < score(SEO, unknown).score < score(SEO, good).score


def test_a_rate_the_budget_pays_fits_and_a_dearer_one_fits_less() -> None:
    # 10 days of a micro-task are 20 hours: $600.00 pays up to $30.00 an hour.
    cheap, exact, dear = (changed(BASE, hourly_rate_minor=r) for r in (2_000, 3_000, 6_000))

    assert score(SEO, cheap).parts["price"] == score(SEO, exact).parts["price"] == 1.0
    assert score(SEO, dear).parts["price"] == 0.5
    assert score(SEO, dear).score < score(SEO, exact).score


def test_no_rate_or_another_currency_is_neutral_on_price() -> None:
    no_rate = changed(BASE, hourly_rate_minor=None)
    euros = changed(BASE, hourly_rate_minor=100, currency="EUR")

    assert score(SEO, no_rate).parts["price"] == score(SEO, euros).parts["price"] == 0.5


AUSTIN = Need(skills=("furniture assembly",), text="Assemble an IKEA wardrobe", local=True, location="Austin, TX")


def test_a_local_need_prefers_someone_in_the_same_city_even_with_a_weaker_record() -> None:
    local = someone(1, skills=frozenset({"furniture assembly"}), location="Austin, Texas")
    far = someone(2, skills=frozenset({"furniture assembly"}), location="Berlin", rating_avg=5.0, rating_count=50)

    near_match, far_match = score(AUSTIN, local), score(AUSTIN, far)

    assert far_match.score < near_match.score / 2
    assert near_match.reason.startswith("Based in Austin, Texas")
    assert far_match.reason.startswith("Not local to Austin")


def test_a_remote_need_ignores_where_people_are() -> None:
    here, there = (changed(BASE, location=place) for place in ("Austin", "Lisbon"))

    assert "location" not in score(SEO, here).parts
    assert score(SEO, here).score == score(SEO, there).score


def test_the_reason_names_the_matched_skills_the_rating_and_the_record() -> None:
    star = someone(
        skills=frozenset({"seo", "google analytics", "copywriting"}),
        rating_avg=4.8,
        rating_count=12,
        completed=9,
        on_time_rate=1.0,
    )

    assert score(SEO, star).reason == "Knows seo and google analytics · 4.8★ over 12 reviews · 9 contracts, all on time"


def test_a_newcomer_with_nothing_in_common_is_told_as_new() -> None:
    assert score(SEO, someone()).reason == "New here: no reviews or contracts yet"


def test_ranking_returns_the_best_first_and_at_most_the_limit() -> None:
    pool = [someone(i, skills=frozenset({"seo"} if i % 2 else {"figma"}), completed=i) for i in range(1, 30)]

    ranked = rank(SEO, pool, limit=5)

    assert len(ranked) == 5
    assert all("seo" in c.skills for c, _m in ranked)
    scores = [m.score for _c, m in ranked]
    assert scores == sorted(scores, reverse=True)


def test_equal_scores_go_to_the_lower_user_id_whatever_order_the_candidates_come_in() -> None:
    twins = [someone(i, skills=frozenset({"seo"}), rating_avg=4.0, rating_count=3) for i in (7, 3, 5)]

    assert [c.user_id for c, _m in rank(SEO, twins, limit=3)] == [3, 5, 7]
    assert [c.user_id for c, _m in rank(SEO, twins[::-1], limit=3)] == [3, 5, 7]


def test_ranking_scores_are_the_scores_of_each_candidate_against_the_pool() -> None:
    pool = [
        someone(i, skills=frozenset({"seo"}), profile_text="bakery website" if i % 3 else "", hourly_rate_minor=i * 500)
        for i in range(1, 12)
    ]
    idf = idf_of(SEO, pool)

    for c, m in rank(SEO, pool, limit=11):
        assert m == score(SEO, c, idf=idf)


def test_the_score_is_the_weighted_average_of_its_parts() -> None:
    m = score(SEO, changed(BASE, hourly_rate_minor=4_500, profile_text="bakery"))

    expected = sum(WEIGHTS[k] * v for k, v in m.parts.items()) / sum(WEIGHTS[k] for k in m.parts)
    assert m.score == pytest.approx(expected)


def test_tokens_drop_stop_words_and_fold_plurals() -> None:
    assert tokens("The websites of bakeries, and a CAFE's menu") == {"website", "bakerie", "cafe", "menu"}


skill_names = st.sampled_from(["seo", "google analytics", "copywriting", "python", "figma", "plumbing"])
candidates = st.builds(
    Candidate,
    user_id=st.integers(1, 10_000),
    username=st.just("member"),
    skills=st.frozensets(skill_names, max_size=4),
    profile_text=st.text(max_size=80),
    rating_avg=st.none() | st.floats(),
    rating_count=st.integers(-3, 500),
    completed=st.integers(-3, 500),
    on_time_rate=st.none() | st.floats(),
    criteria_pass_rate=st.none() | st.floats(),
    hourly_rate_minor=st.none() | st.integers(-100, 10**9),
    currency=st.sampled_from(["USD", "EUR"]),
    location=st.sampled_from(["", "Austin", "Austin, TX", "Berlin"]),
)
needs = st.builds(
    Need,
    skills=st.lists(skill_names, max_size=3).map(tuple),
    text=st.text(max_size=80),
    budget_minor=st.integers(-10, 10**9),
    local=st.booleans(),
    location=st.sampled_from(["", "Austin", "Berlin, DE"]),
    duration_days=st.integers(-2, 400),
)


@given(need=needs, candidate=candidates)
def test_the_score_is_always_between_zero_and_one(need: Need, candidate: Candidate) -> None:
    assert 0.0 <= score(need, candidate).score <= 1.0


@given(need=needs, candidate=candidates, pick=st.integers(0, 10))
def test_knowing_one_more_of_the_needed_skills_never_lowers_the_score(
    need: Need, candidate: Candidate, pick: int
) -> None:
    if not need.skills:
        return
    more = changed(candidate, skills=candidate.skills | {need.skills[pick % len(need.skills)]})

    assert score(need, more).score >= score(need, candidate).score
