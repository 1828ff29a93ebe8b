"""Search parameters from URLs, safe full-text terms, and the labels on result cards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jtbd_app.domain.display import ago_label, due_label, rating_label
from jtbd_app.domain.listing_query import MAX_PAGE, ListingQuery
from jtbd_app.domain.search_text import fts5_match, fts5_query, pg_tsquery, search_terms
from jtbd_app.services.marketplace.listing_cards import excerpt
from jtbd_app.services.marketplace.listing_search import SearchPage


def test_url_parameters_become_a_clean_query() -> None:
    query = ListingQuery.from_params(
        {
            "q": "  logo   design ",
            "category": "design",
            "skills": "Figma, branding,,figma",
            "min": "100",
            "max": "1,250.50",
            "currency": "eur",
            "remote": "local",
            "location": " Lisbon ",
            "due": "14",
            "sort": "budget_low",
            "page": "2",
        }
    )
    assert query.errors == {}
    assert (query.text, query.category, query.skills) == ("logo design", "design", ("figma", "branding"))
    assert (query.currency, query.min_minor, query.max_minor) == ("EUR", 10_000, 125_050)
    assert (query.remote, query.location, query.due, query.sort, query.page) == (
        "local",
        "Lisbon",
        "14",
        "budget_low",
        2,
    )


def test_a_query_round_trips_through_its_url_parameters() -> None:
    query = ListingQuery.from_params({"q": "sofa", "skills": "python,sql", "min": "45.5", "max": "100", "page": "3"})
    params = query.to_params()
    assert params == {"q": "sofa", "skills": "python,sql", "min": "45.50", "max": "100", "currency": "USD", "page": "3"}
    assert ListingQuery.from_params(params) == query


def test_defaults_are_left_out_of_the_url() -> None:
    assert ListingQuery.from_params({}).to_params() == {}
    assert not ListingQuery.from_params({"sort": "newest", "page": "4"}).has_filters


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 201}, "q"),
        ({"category": "weapons"}, "category"),
        ({"skills": "python,<script>"}, "skills"),
        ({"skills": ",".join(f"s{i}" for i in range(21))}, "skills"),
        ({"currency": "BTC"}, "currency"),
        ({"min": "-1"}, "min"),
        ({"min": "abc"}, "min"),
        ({"max": "1e30"}, "max"),
        ({"min": "10", "max": "5"}, "max"),
        ({"remote": "mars"}, "remote"),
        ({"location": "x" * 121}, "location"),
        ({"due": "365"}, "due"),
        ({"sort": "id; DROP TABLE listing"}, "sort"),
    ],
)
def test_a_bad_parameter_is_dropped_with_a_message_for_its_field(params: dict[str, str], field: str) -> None:
    query = ListingQuery.from_params(params)
    assert field in query.errors
    assert ListingQuery.from_params(query.to_params()).errors == {}  # what is kept is valid


@pytest.mark.parametrize("page", ["0", "-2", "abc", "1.5", "", "99999999999999"])
def test_odd_page_numbers_fall_back_to_the_first_page(page: str) -> None:
    assert ListingQuery.from_params({"page": page}).page == 1


def test_pages_stop_where_counting_stops() -> None:
    assert ListingQuery.from_params({"page": "999"}).page == MAX_PAGE


@pytest.mark.parametrize("params", [None, 42, "q=x", ["q"], {"q": 5, "skills": ["python"], "min": {"a": 1}}])
def test_parameters_of_the_wrong_type_are_ignored(params: object) -> None:
    assert ListingQuery.from_params(params).to_params() == {}


def test_search_terms_keep_words_only() -> None:
    assert search_terms('The "logo" NEAR(design*) -cafe & bakery\'s_menu') == [
        "logo",
        "near",
        "design",
        "cafe",
        "bakery",
        "menu",
    ]
    assert search_terms("a the of") == []
    assert len(search_terms(" ".join(f"word{i}" for i in range(50)))) == 8


def test_full_text_expressions_quote_every_term_and_prefix_the_last() -> None:
    assert fts5_match(["logo", "design"]) == '"logo" "design"*'
    assert fts5_match(["logo", "ab"]) == '"logo" "ab"'
    assert pg_tsquery(["logo", "design"]) == "'logo' & 'design':*"
    assert pg_tsquery(["2024"]) == "'2024'"


def test_deadline_labels() -> None:
    today = date(2026, 3, 10)
    assert due_label(None, today) == "No deadline"
    assert due_label(today, today) == "Due today"
    assert due_label(today + timedelta(days=1), today) == "Due tomorrow"
    assert due_label(today + timedelta(days=5), today) == "Due in 5 days"
    assert due_label(today - timedelta(days=1), today) == "Was due 1 day ago"


def test_published_labels() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert ago_label(now - timedelta(seconds=5), now) == "just now"
    assert ago_label(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago_label(now - timedelta(hours=5), now) == "5 hours ago"
    assert ago_label(now - timedelta(days=3), now) == "3 days ago"
    assert ago_label(now - timedelta(days=40), now) == "on 29 Jan 2026"


def test_excerpts_are_plain_and_cut_at_a_word() -> None:
    assert excerpt("## Hello *world*") == "Hello world"
    cut = excerpt("word " * 100)
    assert cut.endswith("word…") and len(cut) <= 201


def test_ratings_show_the_average_to_one_decimal_and_the_count() -> None:
    assert rating_label(0, 0) == "No reviews yet"
    assert rating_label(5, 1) == "5.0 (1)"
    assert rating_label(14, 3) == "4.7 (3)"  # 4.666…
    assert rating_label(9, 2) == "4.5 (2)"


def test_the_filter_count_leaves_out_the_words_and_the_order() -> None:
    assert ListingQuery.from_params({"q": "logo", "sort": "newest"}).filter_count == 0
    busy = {"category": "design", "skills": "figma", "min": "10", "remote": "local", "location": "Lisbon", "due": "7"}
    assert ListingQuery.from_params(busy).filter_count == 6


@pytest.mark.parametrize(
    ("page", "pages", "window"),
    [(1, 1, [1]), (1, 20, [1, 2, 3, 4, 5, 6, 7]), (10, 20, [7, 8, 9, 10, 11, 12, 13]), (20, 20, list(range(14, 21)))],
)
def test_the_pager_shows_at_most_seven_pages_around_the_current_one(page: int, pages: int, window: list[int]) -> None:
    assert list(SearchPage(page=page, pages=pages).page_window()) == window


def test_the_fts5_query_looks_for_typed_words_in_the_text_and_narrows_by_skills_and_category() -> None:
    words = fts5_match(["logo", "design"])
    assert fts5_query(words) == '{title description skills_text} : ("logo" "design"*)'
    assert fts5_query(words, skills=["node.js", "c++", "+"], category="home-repairs") == (
        '{title description skills_text} : ("logo" "design"*) AND skills_text : "node.js" AND skills_text : "c++" '
        'AND category : "home-repairs"'
    )  # "+" has no token: it is left to the exact filter
    assert fts5_query(words, category='x" OR "y') == (
        '{title description skills_text} : ("logo" "design"*) AND category : "x"" OR ""y"'
    )
