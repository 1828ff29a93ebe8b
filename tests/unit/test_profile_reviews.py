"""A member's track record on their profile: rating, reviews, completed contracts, on-time rate, published reviews."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from jtbd_app.db import session_scope
from jtbd_app.domain.display import day_label, percent_label
from jtbd_app.domain.errors import NotFound
from jtbd_app.models import Contract, Listing, Profile, Review, User, utcnow
from jtbd_app.services.accounts import profiles
from jtbd_app.services.contracts import review_view
from jtbd_app.services.marketplace import profile_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.profiles import ProfileState
from tests.support.contracts import make_completed_contract
from tests.support.handlers import call, state_for
from tests.support.members import make_user

START = datetime(2025, 1, 1, 9, 0, tzinfo=utcnow().tzinfo)


def published_review(author: User, subject: User, *, day: int, rating: int = 5, client: bool = True) -> Review:
    """A review already published on START + `day` days (of a contract where `client` says who hired whom)."""
    hirer, hired = (author, subject) if client else (subject, author)
    contract = make_completed_contract(hirer, hired, title=f"Job {day}")
    assert author.id is not None and subject.id is not None and contract.id is not None
    with session_scope() as s:
        row = Review(
            contract_id=contract.id,
            author_id=author.id,
            subject_id=subject.id,
            rating=rating,
            body=f"Review {day}",
            published_at=START + timedelta(days=day),
        )
        s.add(row)
        return row


def set_record(user: User, **counts: int) -> None:
    with session_scope() as s:
        profile = s.get(Profile, user.id)
        assert profile is not None
        for name, value in counts.items():
            setattr(profile, name, value)
        s.add(profile)


def test_the_profile_shows_average_rating_reviews_completed_contracts_and_on_time_rate(db: Session) -> None:
    bob, ann = make_user("bob"), make_user("ann")
    for on_time in (True, True, True, False):
        make_completed_contract(ann, bob, on_time=on_time)
    for _ in range(2):
        make_completed_contract(bob, ann)  # hiring others does not count towards bob's on-time rate
    set_record(bob, rating_total=43, rating_count=9, completed_contracts=6, on_time_contracts=3)
    shown = profiles.public_profile(db, username="bob")
    assert (shown.rating, shown.review_count, shown.completed_contracts, shown.on_time_rate) == (
        "4.8 (9)",
        9,
        6,
        "75%",
    )


def test_a_new_member_has_no_rating_and_no_on_time_rate(db: Session) -> None:
    make_user("newbie")
    shown = profiles.public_profile(db, username="newbie")
    assert (shown.rating, shown.review_count, shown.completed_contracts, shown.on_time_rate) == (
        "Not rated yet",
        0,
        0,
        "—",
    )


@pytest.mark.parametrize(
    ("part", "whole", "label"),
    [(0, 0, "—"), (0, 3, "0%"), (1, 3, "33%"), (2, 3, "67%"), (1, 200, "1%"), (5, 5, "100%")],
)
def test_the_on_time_rate_is_a_whole_percent_rounded_half_up(part: int, whole: int, label: str) -> None:
    assert percent_label(part, whole) == label


def test_a_day_reads_as_day_month_year() -> None:
    assert day_label(date(2025, 12, 7)) == "7 Dec 2025"
    assert day_label(datetime(2025, 3, 14, 23, 59, tzinfo=START.tzinfo)) == "14 Mar 2025"


def test_published_reviews_about_a_member_are_listed_newest_first_ten_a_page(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    for day in range(12):
        published_review(ann, bob, day=day, rating=1 + day % 5)
    first, total = review_view.profile_reviews(db, username="bob", page=1)
    assert total == 12 and len(first) == 10
    assert [i.body for i in first[:2]] == ["Review 11", "Review 10"]
    newest = first[0]
    assert (newest.author_name, newest.author_username, newest.listing_title, newest.role) == (
        "Ann",
        "ann",
        "Job 11",
        "as contractor",
    )
    assert (newest.rating, newest.stars, newest.stars_label, newest.written) == (
        2,
        "★★☆☆☆",
        "2 out of 5 stars",
        "12 Jan 2025",
    )
    second, _ = review_view.profile_reviews(db, username="bob", page=2)
    assert [i.body for i in second] == ["Review 1", "Review 0"]


@pytest.mark.parametrize(("page", "shown"), [(99, 2), ("2", 1), (0, 1), (True, 1), (None, 1), (-3, 1)])
def test_an_odd_page_number_shows_the_first_or_last_page(db: Session, page: Any, shown: int) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    for day in range(11):
        published_review(ann, bob, day=day)
    items, total = review_view.profile_reviews(db, username="bob", page=page)
    assert total == 11 and review_view.clamp_page(page, total) == shown
    assert len(items) == (1 if shown == 2 else 10)


def test_only_published_reviews_about_the_member_are_listed(db: Session) -> None:
    ann, bob, carl = make_user("ann"), make_user("bob"), make_user("carl")
    published_review(ann, bob, day=1)
    published_review(bob, carl, day=2)  # by Bob, not about him
    contract = make_completed_contract(carl, bob)
    with session_scope() as s:  # about Bob, still hidden
        s.add(Review(contract_id=contract.id or 0, author_id=carl.id or 0, subject_id=bob.id or 0, rating=1))
    items, total = review_view.profile_reviews(db, username="bob", page=1)
    assert total == 1 and [i.author_name for i in items] == ["Ann"]


def test_a_review_as_client_says_so_and_a_hidden_listing_keeps_its_title_private(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    review = published_review(bob, ann, day=1, client=False)  # Bob worked for Ann and reviewed her
    with session_scope() as s:
        contract = s.get(Contract, review.contract_id)
        assert contract is not None
        listing = s.get(Listing, contract.listing_id)
        assert listing is not None
        listing.status = "hidden"
    (item,), _ = review_view.profile_reviews(db, username="ann", page=1)
    assert item.role == "as client" and item.listing_title == "A listing no longer shown"


def test_reviews_of_an_unknown_member_are_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        review_view.profile_reviews(db, username="ghost", page=1)


def test_the_profile_page_shows_the_first_page_of_reviews_and_pages_on(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    for day in range(13):
        published_review(ann, bob, day=day)
    state: Any = state_for(ProfileState, path="/u/bob")
    call(state, "load_profile")
    assert state.found and state.reviews_total == 13 and state.reviews_pages == 2 and state.reviews_page == 1
    assert len(state.reviews) == 10 and state.reviews[0].body == "Review 12"
    call(state, "show_reviews_page", 2)
    assert state.reviews_page == 2 and [r.body for r in state.reviews] == ["Review 2", "Review 1", "Review 0"]
    assert call(state, "show_reviews_page", "nonsense") is REFUSAL
    assert state.reviews_page == 2 and len(state.reviews) == 3


def test_a_profile_without_reviews_shows_none(db: Session) -> None:
    make_user("newbie")
    state: Any = state_for(ProfileState, path="/u/newbie")
    call(state, "load_profile")
    assert state.reviews == [] and state.reviews_total == 0 and state.reviews_pages == 1
    state = state_for(ProfileState, path="/u/ghost")
    call(state, "load_profile")
    assert not state.found and state.reviews == []


def test_the_profile_page_view_reads_the_profile_ownership_and_the_first_reviews(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    for day in range(11):
        published_review(ann, bob, day=day)
    as_bob, as_ann = (Viewer(u.id or 0, u.username, "", "user", "active") for u in (bob, ann))
    page = profile_view.profile_page(db, viewer=as_bob, username="Bob")
    assert page.profile.username == "bob" and page.is_owner
    assert (page.reviews.total, page.reviews.page, page.reviews.pages, len(page.reviews.items)) == (11, 1, 2, 10)
    assert not profile_view.profile_page(db, viewer=as_ann, username="bob").is_owner
    assert not profile_view.profile_page(db, viewer=None, username="bob").is_owner
    with pytest.raises(NotFound):
        profile_view.profile_page(db, viewer=None, username="ghost")
    last = profile_view.reviews_page(db, username="bob", page=99)
    assert (last.page, [r.body for r in last.items]) == (2, ["Review 0"])
    assert profile_view.reviews_page(db, username="ghost", page=3) == profile_view.ReviewsPage()
