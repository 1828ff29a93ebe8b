"""Pure rules: money parsing and formatting, the minimum price, text and skill normalisation."""

from __future__ import annotations

import pytest

from jtbd_app.domain import text
from jtbd_app.domain.contract_rules import MAX_FEE_BPS, minimum_price, minimum_price_hint, split_release
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import MAX_ID, id_or_none, parse_id
from jtbd_app.domain.listing_fields import clean_bid_amount
from jtbd_app.domain.money import CURRENCIES, MIN_CHARGE_MINOR, Money, parse_amount
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


def test_every_currency_we_accept_has_its_minimum_charge_at_stripe() -> None:
    assert MIN_CHARGE_MINOR == {"USD": 50, "EUR": 50, "GBP": 30, "CAD": 50, "AUD": 50, "JPY": 50}
    assert set(MIN_CHARGE_MINOR) == set(CURRENCIES)


@pytest.mark.parametrize(
    ("currency", "fee_bps", "lowest"),
    [
        ("USD", 1000, 50),  # the 10% default: Stripe's $0.50 is the binding floor
        ("USD", 0, 50),  # no fee: still Stripe's minimum, never a cent
        ("JPY", 5000, 50),  # ¥1 at 50% would pay the contractor nothing; ¥50 is Stripe's minimum
        ("JPY", 0, 50),
        ("GBP", 5000, 30),
        ("EUR", 1250, 50),
    ],
)
def test_the_minimum_price_is_stripes_minimum_charge_at_the_fees_we_allow(
    currency: str, fee_bps: int, lowest: int
) -> None:
    assert minimum_price(currency, fee_bps) == lowest
    assert split_release(lowest, fee_bps).payee_minor >= 1


@pytest.mark.parametrize("fee_bps", [0, 1, 1000, 4999, 5000, 5001, 6667, 9000, 9950, 9999])
def test_the_minimum_price_leaves_the_contractor_a_minor_unit_at_any_fee(fee_bps: int) -> None:
    least_paying = next(a for a in range(1, 20_000) if split_release(a, fee_bps).payee_minor >= 1)
    assert minimum_price("USD", fee_bps) == max(MIN_CHARGE_MINOR["USD"], least_paying)
    assert all(split_release(a, fee_bps).payee_minor >= 1 for a in range(least_paying, least_paying + 500))


def test_beyond_the_fees_we_allow_the_contractors_share_sets_the_minimum() -> None:
    assert minimum_price("USD", 9950) == 101  # $1.01 at 99.5%: the fee is $1.00 and a cent is left


def test_there_is_no_minimum_price_when_the_fee_takes_everything() -> None:
    with pytest.raises(ValueError):
        minimum_price("USD", 10_000)


def test_a_price_field_says_its_minimum_at_the_fee() -> None:
    assert minimum_price_hint("USD", 1000) == "Minimum $0.50 at the 10% platform fee"
    assert minimum_price_hint("JPY", MAX_FEE_BPS) == "Minimum ¥50 at the 50% platform fee"
    assert minimum_price_hint("GBP", 0) == "Minimum £0.30 at the 0% platform fee"


def test_a_bid_below_the_minimum_is_refused_and_one_at_it_accepted() -> None:
    with pytest.raises(ValueError, match="Bid at least ¥50, the minimum in JPY at the 50% platform fee"):
        clean_bid_amount("1", "JPY", fee_bps=5000)
    assert clean_bid_amount("50", "JPY", fee_bps=5000) == 50
    assert clean_bid_amount("0.50", "USD", fee_bps=1000) == 50
    with pytest.raises(ValueError, match=r"Bid at least \$0\.50"):
        clean_bid_amount("0.49", "USD", fee_bps=0)


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
