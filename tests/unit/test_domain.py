"""Pure rules: money parsing and formatting, text and skill normalisation."""

from __future__ import annotations

import pytest

from jtbd_app.domain import text
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import MAX_ID, id_or_none, parse_id
from jtbd_app.domain.money import Money, parse_amount
from jtbd_app.domain.skills import normalise_skill, normalise_skills


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [("45", "USD", 4500), ("45.5", "USD", 4550), ("1,200.00", "EUR", 120000), ("6000", "JPY", 6000), ("0", "USD", 0)],
)
def test_amounts_parse_to_integer_minor_units(typed: str, currency: str, minor: int) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize("typed", ["", "-1", "abc", "NaN", "Infinity", "1.001", "9" * 30])
def test_bad_amounts_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(typed, "USD")


def test_money_formats_with_symbol_and_grouping() -> None:
    assert Money(123456, "USD").format() == "$1,234.56"
    assert Money(6000, "JPY").format() == "¥6,000"
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]


def test_skills_are_lowercased_single_spaced_and_deduplicated() -> None:
    assert normalise_skills([" Python", "python ", "Data   Analysis", "C++", "C#"]) == [
        "python",
        "data analysis",
        "c++",
        "c#",
    ]
    for bad in ("", "<b>", "x" * 41):
        with pytest.raises(ValueError):
            normalise_skill(bad)


def test_urls_must_be_http_or_https() -> None:
    assert text.clean_url("https://example.com/a") == "https://example.com/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x.org", "https://", "https://a.com/<x>"):
        with pytest.raises(ValueError):
            text.clean_url(bad)


def test_lines_strip_control_characters_and_refuse_markup() -> None:
    assert text.clean_line(" Ann\x00 ", label="Name", max_len=10) == "Ann"
    with pytest.raises(ValueError, match="cannot contain"):
        text.clean_line("<b>", label="Name", max_len=10)


@pytest.mark.parametrize(
    ("value", "is_html"),
    [
        ("<script>alert(1)</script>", True),
        ("nice <img src=x onerror=alert(1)> page", True),
        ("<!-- hidden -->", True),
        ("</b>", True),
        ("a < b and c > d", False),
        ("I <3 this", False),
        ("5 < 6", False),
    ],
)
def test_one_rule_says_what_reads_as_html(value: str, is_html: bool) -> None:
    assert text.has_html(value) is is_html


@pytest.mark.parametrize(
    ("value", "number"), [(7, 7), ("42", 42), (" 42 ", 42), (MAX_ID, MAX_ID), (str(MAX_ID), MAX_ID)]
)
def test_ids_from_untrusted_input_are_positive_integers(value: object, number: int) -> None:
    assert id_or_none(value) == number
    assert parse_id(value, not_found="There is no such listing.") == number


@pytest.mark.parametrize(
    "value",
    [0, -1, True, 1.0, "1.0", "²", "٣", "", " ", "0", MAX_ID + 1, str(MAX_ID + 1), "9" * 400, None, [1], {"id": 1}],
)
def test_anything_that_cannot_be_an_id_is_simply_not_found(value: object) -> None:
    assert id_or_none(value) is None
    with pytest.raises(NotFound, match="no such listing"):
        parse_id(value, not_found="There is no such listing.")
