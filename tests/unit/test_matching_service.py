"""Matching from the database: who is a candidate, their track record from contracts, exclusions and the order."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from jtbd_app.db import session_scope
from jtbd_app.domain.matching import Need
from jtbd_app.models import User
from jtbd_app.services.problems import matching
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.contracts import make_completed_contract
from tests.support.database import counted_queries
from tests.support.members import make_user

SEO = Need(
    skills=("seo", "google analytics"),
    text="Get 10K legit visitors to my bakery's website",
    budget_minor=60_000,
    duration_days=10,
)


def contractor(username: str, **spec: Any) -> User:
    user = make_user(username, status=spec.pop("status", "active"))
    with session_scope() as session:
        fill_profile(session, user, ContractorProfile(**spec))
    return user


def ranked(db: Session, need: Need = SEO, **options: Any) -> list[str]:
    return [m.username for m in matching.rank(db, need=need, **options)]


def test_contractors_who_know_the_skills_and_have_a_record_come_first(db: Session) -> None:
    contractor("ann", skills=("seo", "google analytics"), rating=(58, 12), rate_minor=2500)
    contractor("ben", skills=("seo",), rating=(9, 2))
    contractor("cal", skills=("figma",), rating=(50, 10))
    contractor("dee", rate_minor=9000)

    assert ranked(db) == ["ann", "ben", "cal", "dee"]


def test_a_match_carries_the_public_facts_and_the_reason(db: Session) -> None:
    ann = contractor(
        "ann", name="Ann Lee", skills=("seo", "google analytics"), rating=(58, 12), rate_minor=2500, location="Lisbon"
    )

    [match] = matching.rank(db, need=SEO)

    assert (match.user_id, match.username, match.display_name) == (ann.id, "ann", "Ann Lee")
    assert match.rating == "4.8 (12)"
    assert (match.hourly_rate, match.location, match.completed) == ("$25.00/hour", "Lisbon", 0)
    assert match.reason.startswith("Knows seo and google analytics · 4.8★ over 12 reviews")
    assert 0 < match.score <= 1


def test_suspended_members_and_bare_accounts_are_not_ranked(db: Session) -> None:
    contractor("ann", skills=("seo",))
    contractor("sam", skills=("seo", "google analytics"), rating=(50, 10), status="suspended")
    make_user("bob")  # no skill, no rate: not in the directory

    assert ranked(db) == ["ann"]


def test_excluded_members_are_left_out(db: Session) -> None:
    ann = contractor("ann", skills=("seo",))
    contractor("ben", skills=("seo",))
    assert ann.id is not None

    assert ranked(db, exclude_user_ids=[ann.id]) == ["ben"]


def test_the_limit_caps_the_list(db: Session) -> None:
    for name in ("ann", "ben", "cal"):
        contractor(name, skills=("seo",))

    assert ranked(db, limit=2) == ["ann", "ben"]


def test_the_record_counts_contracts_completed_as_the_contractor_and_how_many_were_on_time(db: Session) -> None:
    client = make_user("carol")
    ann = contractor("ann", skills=("seo",))
    ben = contractor("ben", skills=("seo",))
    for on_time in (True, True, False, None):
        make_completed_contract(client, ann, on_time=on_time)
    make_completed_contract(ben, client)  # Ben hired someone: not his record as a contractor

    found = {c.username: c for c in matching.candidates(db)}

    assert (found["ann"].completed, found["ann"].on_time_rate) == (4, 2 / 3)
    assert (found["ben"].completed, found["ben"].on_time_rate) == (0, None)
    assert found["ann"].criteria_pass_rate is None
    assert ranked(db) == ["ann", "ben"]


def test_past_work_counts_as_text_relevance(db: Session) -> None:
    client = make_user("carol")
    contractor("ann", rate_minor=3000)
    ben = contractor("ben", rate_minor=3000)
    make_completed_contract(client, ben, title="Grow visitors to a bakery website")
    need = Need(text="More visitors to my bakery website", budget_minor=60_000, duration_days=10)

    assert ranked(db, need=need) == ["ben", "ann"]
    assert "bakery" in matching.rank(db, need=need)[0].reason


def test_a_local_need_puts_members_in_that_city_first(db: Session) -> None:
    contractor("ann", skills=("furniture assembly",), location="Berlin", rating=(100, 20))
    contractor("ben", skills=("furniture assembly",), location="Austin, TX", remote=False)
    need = Need(skills=("furniture assembly",), text="Assemble a wardrobe", local=True, location="Austin")

    first, second = matching.rank(db, need=need)

    assert (first.username, second.username) == ("ben", "ann")
    assert first.reason.startswith("Based in Austin, TX")
    assert second.reason.startswith("Not local to Austin")


def test_ranking_reads_the_same_few_statements_however_many_members_there_are(db: Session) -> None:
    client = make_user("carol")
    for i in range(3):
        make_completed_contract(client, contractor(f"one{i}", skills=("seo",)))
    with counted_queries() as few, session_scope() as session:
        matching.rank(session, need=SEO)
    for i in range(12):
        make_completed_contract(client, contractor(f"two{i}", skills=("seo", "python")))
    with counted_queries() as many, session_scope() as session:
        assert len(matching.rank(session, need=SEO, limit=20)) == 15

    assert len(few) == len(many) <= 5
