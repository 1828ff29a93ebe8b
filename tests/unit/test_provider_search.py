"""The provider directory: who is listed, each filter, each sort, pages, and hostile search text."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.display import rating_label
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.provider_query import ProviderQuery
from jtbd_app.services.marketplace.providers import (
    ProviderPage,
    headline,
    search_from_form,
    search_from_url,
    search_providers,
)
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.database import counted_queries
from tests.support.members import make_user


def contractor(username: str, **spec: Any) -> None:
    status = spec.pop("status", "active")
    user = make_user(username, status=status)
    with session_scope() as session:
        fill_profile(session, user, ContractorProfile(**spec))


def search(db: Session, **params: str) -> ProviderPage:
    return search_providers(db, query=ProviderQuery.from_params(params))


def names(result: ProviderPage) -> list[str]:
    return [card.username for card in result.cards]


def test_active_members_with_a_skill_or_a_rate_are_listed_others_are_not(db: Session) -> None:
    contractor("ann", skills=("python",))
    contractor("ben", rate_minor=5000)
    contractor("cid", skills=("python",), status="suspended")
    make_user("dan")  # a bare account: no skill, no rate

    assert names(search(db)) == ["ann", "ben"]


def test_a_card_carries_public_facts_and_no_email(db: Session) -> None:
    contractor(
        "ann",
        name="Ann Lee",
        skills=("python", "sql"),
        rate_minor=8550,
        currency="EUR",
        rating=(58, 12),
        completed=7,
        remote=False,
        location="Lisbon",
        bio="Data engineer.\n\nI also <b>teach</b>.",
    )

    card = search(db).cards[0]

    assert card.display_name == "Ann Lee" and card.username == "ann"
    assert card.skills == ["python", "sql"]
    assert card.hourly_rate == "€85.50/hour"
    assert card.rating == "4.8 (12)"
    assert card.completed_contracts == 7
    assert (card.remote, card.location) == (False, "Lisbon")
    assert card.headline == "Data engineer. I also <b>teach</b>."  # plain text, shown escaped
    assert card.member_since
    assert "@example.com" not in repr(card)


def test_rating_label_and_headline_excerpt() -> None:
    assert rating_label(0, 0) == "No reviews yet"
    assert rating_label(9, 2) == "4.5 (2)"
    assert rating_label(14, 3) == "4.7 (3)"
    long_bio = "word " * 60
    cut = headline(long_bio)
    assert len(cut) <= 140 and cut.endswith("word…")


def test_text_search_matches_name_username_bio_and_skills_ignoring_case(db: Session) -> None:
    contractor("ann", name="Annabel Stone", skills=("figma",))
    contractor("ben", skills=("PostgreSQL",), bio="")
    contractor("cid", skills=("go",), bio="I love POSTGRES tuning.")
    contractor("dan", skills=("go",))

    assert names(search(db, q="annabel")) == ["ann"]
    assert names(search(db, q="BEN")) == ["ben"]
    assert names(search(db, q="postgres")) == ["ben", "cid"]  # the skill hit ranks above the bio hit
    assert names(search(db, q="go postgres")) == ["cid"]  # every word must match somewhere


@pytest.mark.parametrize("hostile", ["%", "_", "\\", "'", '"', "%' OR 1=1 --", "<script>alert(1)</script>", "\\%_"])
def test_hostile_search_text_matches_literally_and_never_breaks(db: Session, hostile: str) -> None:
    contractor("ann", skills=("python",), bio="Plain bio.")
    contractor("ben", skills=("python",), bio=f"Odd bio with {hostile} inside.")

    assert names(search(db, q=hostile)) == ["ben"]
    assert names(search(db, location=hostile)) == []


def test_skills_filter_requires_every_listed_skill(db: Session) -> None:
    contractor("ann", skills=("python", "sql"))
    contractor("ben", skills=("python",))
    contractor("cid", skills=("sql", "excel"))

    assert names(search(db, skills="python")) == ["ann", "ben"]
    assert names(search(db, skills="SQL, python")) == ["ann"]
    assert names(search(db, skills="python,rust")) == []


def test_minimum_rating_uses_the_average_and_leaves_out_the_unreviewed(db: Session) -> None:
    contractor("ann", skills=("x",), rating=(9, 2))  # 4.5
    contractor("ben", skills=("x",), rating=(44, 10))  # 4.4
    contractor("cid", skills=("x",))

    assert names(search(db, min_rating="4.5")) == ["ann"]
    assert names(search(db, min_rating="4")) == ["ann", "ben"]


def test_rate_range_compares_minor_units_in_the_chosen_currency_only(db: Session) -> None:
    contractor("ann", rate_minor=4000, currency="USD")
    contractor("ben", rate_minor=6000, currency="USD")
    contractor("cid", rate_minor=5000, currency="EUR")
    contractor("dan", skills=("x",))  # no rate

    assert names(search(db, min_rate="40", max_rate="50")) == ["ann"]
    assert names(search(db, min_rate="40.01")) == ["ben"]
    assert names(search(db, max_rate="100", currency="EUR")) == ["cid"]


def test_remote_location_and_completed_contracts_filters(db: Session) -> None:
    contractor("ann", skills=("x",), remote=True, location="Berlin", completed=5)
    contractor("ben", skills=("x",), remote=False, location="London", completed=0)
    contractor("cid", skills=("x",), remote=True, location="", completed=2)

    assert names(search(db, remote="remote")) == ["ann", "cid"]
    assert names(search(db, remote="local")) == ["ben"]
    assert names(search(db, location="LOND")) == ["ben"]
    assert names(search(db, min_completed="2")) == ["ann", "cid"]


def test_best_match_ranks_text_hits_then_rating_then_completed_contracts(db: Session) -> None:
    contractor("ann", skills=("design",), rating=(8, 2), completed=1)
    contractor("ben", skills=("design",), rating=(10, 2), completed=1)
    contractor("cid", skills=("design",), rating=(10, 2), completed=9)
    contractor("dan", skills=("web",), bio="I design sites", rating=(50, 10), completed=50)

    assert names(search(db)) == ["dan", "cid", "ben", "ann"]  # without text: rating, then completed
    assert names(search(db, q="design")) == ["cid", "ben", "ann", "dan"]  # a skill hit beats a bio hit


def test_sort_by_rating(db: Session) -> None:
    contractor("ann", skills=("x",), rating=(8, 2))
    contractor("ben", skills=("x",), rating=(5, 1))
    contractor("cid", skills=("x",))

    assert names(search(db, sort="rating")) == ["ben", "ann", "cid"]


def test_price_sorts_order_the_chosen_currency_first_and_missing_rates_last(db: Session) -> None:
    contractor("ann", rate_minor=9000, currency="USD")
    contractor("ben", rate_minor=3000, currency="USD")
    contractor("cid", rate_minor=1000, currency="EUR")
    contractor("dan", skills=("x",))

    assert names(search(db, sort="price_low")) == ["ben", "ann", "cid", "dan"]
    assert names(search(db, sort="price_high")) == ["ann", "ben", "cid", "dan"]
    assert names(search(db, sort="price_low", currency="EUR")) == ["cid", "ben", "ann", "dan"]


def test_results_come_twenty_to_a_page(db: Session) -> None:
    for i in range(45):
        contractor(f"user{i:02d}", skills=("x",))

    first, third, beyond = search(db), search(db, page="3"), search(db, page="4")

    assert (first.total, first.pages, len(first.cards)) == (45, 3, 20)
    assert first.has_next and not first.has_previous
    assert names(first)[0] == "user00" and names(third) == [f"user{i}" for i in range(40, 45)]
    assert third.has_previous and not third.has_next
    assert beyond.cards == [] and beyond.total == 45


def test_a_page_costs_three_queries_however_many_cards_it_has(db: Session) -> None:
    for i in range(25):
        contractor(f"user{i:02d}", skills=("x", "y", "z"))

    with Session(get_engine()) as session, counted_queries() as statements:
        result = search_providers(session, query=ProviderQuery(q="user", skills=("x",)))

    assert len(result.cards) == 20 and all(card.skills == ["x", "y", "z"] for card in result.cards)
    assert len(statements) == 3


def test_a_search_from_the_url_ignores_bad_values_and_one_from_the_form_refuses_them(db: Session) -> None:
    contractor("ann", skills=("python",))
    contractor("ben", skills=("rust",))
    found = search_from_url(db, params={"skills": "python", "min_rating": "9", "sort": "nope"})
    assert names(found.result) == ["ann"] and set(found.errors) == {"min_rating", "sort"}
    assert found.query == ProviderQuery(skills=("python",))
    ok = search_from_form(db, params={"skills": "rust", "sort": "rating"})
    assert names(ok.result) == ["ben"] and ok.errors == {} and ok.query.sort == "rating"
    with pytest.raises(ValidationFailed) as refused:
        search_from_form(db, params={"skills": "python", "min_rating": "9"})
    assert set(refused.value.fields) == {"min_rating"}
