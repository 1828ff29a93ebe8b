"""Provider search parameters: untrusted URL text becomes a validated query, or a message per field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.provider_query import ProviderQuery


def test_no_parameters_mean_every_provider_best_match_first_on_page_one() -> None:
    query = ProviderQuery.from_params({})
    assert query == ProviderQuery()
    assert query.to_params() == {}


def test_every_filter_is_read_and_written_back_to_the_same_parameters() -> None:
    params = {
        "q": "data  engineer",
        "skills": "Python, SQL ,python",
        "min_rating": "4.5",
        "min_rate": "40",
        "max_rate": "90.5",
        "currency": "EUR",
        "remote": "local",
        "location": "Berlin",
        "min_completed": "3",
        "sort": "price_high",
        "page": "2",
    }
    query = ProviderQuery.from_params(params)

    assert query.q == "data engineer" and query.terms == ["data", "engineer"]
    assert query.skills == ("python", "sql")
    assert query.min_rating == Decimal("4.5")
    assert (query.min_rate_minor, query.max_rate_minor, query.currency) == (4000, 9050, "EUR")
    assert (query.remote, query.location, query.min_completed, query.sort, query.page) == (
        "local",
        "Berlin",
        3,
        "price_high",
        2,
    )
    assert query.to_params() == {
        **params,
        "q": "data engineer",
        "skills": "python,sql",
        "min_rate": "40.00",
        "max_rate": "90.50",
    }
    assert ProviderQuery.from_params(query.to_params()) == query


def test_a_rate_in_yen_has_no_decimal_places() -> None:
    query = ProviderQuery.from_params({"min_rate": "6000", "currency": "JPY"})
    assert query.min_rate_minor == 6000 and query.to_params()["min_rate"] == "6000"


BAD = [
    ("q", "x" * 101, "at most 100 characters"),
    ("q", "a" * 1_000_000, "at most 100 characters"),
    ("skills", "<script>", "characters a skill cannot have"),
    ("skills", ",".join(f"s{i}" for i in range(11)), "at most 10 skills"),
    ("min_rating", "6", "from 0 to 5"),
    ("min_rating", "-1", "from 0 to 5"),
    ("min_rating", "4.55", "from 0 to 5"),
    ("min_rating", "NaN", "from 0 to 5"),
    ("min_rating", "four", "from 0 to 5"),
    ("min_rate", "-5", "cannot be negative"),
    ("min_rate", "1e9", "beyond what we accept"),
    ("max_rate", "12.345", "at most 2 decimal places"),
    ("currency", "XYZ", "supported currency"),
    ("remote", "mars", "any, remote or on site"),
    ("location", "x" * 121, "at most 120 characters"),
    ("min_completed", "-1", "whole number"),
    ("min_completed", "1.5", "whole number"),
    ("min_completed", "\uff19", "whole number"),  # a full-width digit
    ("sort", "id desc; drop table user", "sort order"),
    ("page", "0", "whole number from 1"),
    ("page", "99999999999", "whole number from 1"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{n}={v[:12]}" for n, v, _ in BAD])
def test_a_bad_parameter_is_refused_with_a_message_for_its_field(name: str, value: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ProviderQuery.from_params({name: value})
    assert set(refused.value.fields) == {name}
    assert message in refused.value.fields[name]


def test_a_highest_rate_below_the_lowest_is_refused_on_the_highest() -> None:
    with pytest.raises(ValidationFailed) as refused:
        ProviderQuery.from_params({"min_rate": "90", "max_rate": "40"})
    assert refused.value.fields == {"max_rate": "The highest rate must be at least the lowest."}


def test_parse_keeps_the_valid_filters_and_reports_the_bad_ones() -> None:
    query, errors = ProviderQuery.parse({"skills": "python", "min_rating": "9", "sort": "nope", "page": "2"})
    assert query == ProviderQuery(skills=("python",), page=2)
    assert set(errors) == {"min_rating", "sort"}


@pytest.mark.parametrize("params", [None, 42, ["q"]])
def test_parameters_that_are_not_a_mapping_mean_the_default_query(params: object) -> None:
    assert ProviderQuery.parse(params) == (ProviderQuery(), {})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [42, ["a"], {"x": 1}, True])
def test_a_value_that_is_not_text_is_refused_for_its_field(value: object) -> None:
    query, errors = ProviderQuery.parse({"q": value, "page": value, "skills": "python"})
    assert query == ProviderQuery(skills=("python",))
    assert errors == {"q": "That value is not valid.", "page": "That value is not valid."}


def test_unknown_parameters_are_ignored_and_zero_rating_means_no_rating_filter() -> None:
    assert ProviderQuery.from_params({"utm_source": "mail", "min_rating": "0"}) == ProviderQuery()
