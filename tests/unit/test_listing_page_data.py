"""What the listing page shows to whom, and its public questions and answers."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.models import Notification, Profile, Question, User, utcnow
from jtbd_app.services.accounts.profiles import set_skills
from jtbd_app.services.marketplace import listing_view, questions
from tests.support import photos
from tests.support.factories import bid, make_listing, setup_market
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def detail(viewer: object, listing_id: object) -> listing_view.ListingDetail:
    with session_scope() as s:
        return listing_view.listing_detail(s, viewer=viewer, listing_id=listing_id)  # type: ignore[arg-type]


def test_the_owner_sees_every_bid_with_rating_and_skills_match(db: Session) -> None:
    ann, bob, cat, listing_id = setup_market()
    with session_scope() as s:
        set_skills(s, user_id=bob.user_id, names=["python", "sql"])
        profile = s.get(Profile, bob.user_id)
        assert profile is not None
        profile.rating_total, profile.rating_count = 14, 3
    bid(bob, listing_id)
    bid(cat, listing_id, amount="300")
    page = detail(ann, listing_id)
    assert page.is_owner and not page.can_bid
    assert [b.bidder_username for b in page.bids] == ["cat", "bob"]  # cheapest first
    assert page.bids[1].skills_match == "1 of 1 skills" and page.bids[1].bidder_rating == "4.7 (3)"


def test_a_bidder_sees_only_their_own_bid_and_a_visitor_none(db: Session) -> None:
    _, bob, cat, listing_id = setup_market()
    bid(bob, listing_id)
    bid(cat, listing_id)
    page = detail(bob, listing_id)
    assert [b.bidder_username for b in page.bids] == ["bob"] and not page.can_bid and page.bid_count == 2
    anonymous = detail(None, listing_id)
    assert anonymous.bids == [] and not anonymous.can_bid and anonymous.poster.username == "ann"
    assert detail(viewer_of(make_user("dan")), listing_id).can_bid


def test_the_description_comes_as_sanitized_html_for_everyone(db: Session) -> None:
    """The page shows it without a markdown parser in the browser; a stored tag stays words."""
    listing = make_listing(make_user("ann"), description="Paint **two** rooms. <script>alert(1)</script>")
    page = detail(None, listing.id)
    assert page.description_html == "<p>Paint <strong>two</strong> rooms. &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


@pytest.mark.parametrize(
    ("currency", "percent", "hint"),
    [("USD", "10", "Minimum $0.50 at the 10% platform fee"), ("JPY", "50", "Minimum ¥50 at the 50% platform fee")],
)
def test_the_bid_form_says_the_minimum_price_in_the_listings_currency_at_todays_fee(
    currency: str, percent: str, hint: str, monkeypatch: pytest.MonkeyPatch, db: Session
) -> None:
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", percent)
    get_settings.cache_clear()
    listing = make_listing(make_user("ann"), currency=currency)
    assert detail(viewer_of(make_user("bob")), listing.id).bid_minimum == hint


def test_drafts_are_invisible_to_everyone_but_their_owner(db: Session) -> None:
    owner = make_user("ann")
    draft = make_listing(owner, status="draft")
    assert detail(viewer_of(owner), draft.id).status == "draft"
    with pytest.raises(NotFound):
        detail(viewer_of(make_user("bob")), draft.id)
    with pytest.raises(NotFound):
        detail(None, draft.id)


def test_a_question_is_asked_answered_and_both_sides_told(db: Session) -> None:
    ann, bob, _, listing_id = setup_market()
    with session_scope() as s:
        questions.ask_question(s, viewer=bob, listing_id=listing_id, body="Is hosting included?")
    question = db.exec(select(Question)).one()
    with session_scope() as s, pytest.raises(PermissionDenied):
        questions.answer_question(s, viewer=bob, question_id=question.id, answer="Yes, free hosting!")
    with session_scope() as s:
        questions.answer_question(s, viewer=ann, question_id=question.id, answer="No, I host it myself.")
    page = detail(None, listing_id)
    assert [(q.asker, q.body, q.answer) for q in page.questions] == [
        ("Bob", "Is hosting included?", "No, I host it myself.")
    ]
    kinds = {(n.kind, n.user_id) for n in db.exec(select(Notification)).all()}
    assert kinds == {("question", ann.user_id), ("question_answered", bob.user_id)}


@pytest.mark.parametrize("body", ["", "hi", "<b>bold</b> question here?", "x" * 1_000_000, None, 42])
def test_bad_questions_are_refused(db: Session, body: object) -> None:
    _, bob, _, listing_id = setup_market()
    with session_scope() as s, pytest.raises(ValidationFailed) as caught:
        questions.ask_question(s, viewer=bob, listing_id=listing_id, body=body)
    assert "question" in caught.value.fields
    assert db.exec(select(Question)).all() == []


def test_the_owner_does_not_ask_on_their_own_listing(db: Session) -> None:
    ann, _, _, listing_id = setup_market()
    with session_scope() as s, pytest.raises(PermissionDenied):
        questions.ask_question(s, viewer=ann, listing_id=listing_id, body="Talking to myself?")


def test_invitations_show_to_the_owner_and_the_invitee_only(db: Session) -> None:
    from jtbd_app.services.marketplace import invitations

    ann, bob, cat, listing_id = setup_market()
    with session_scope() as s:
        invitations.invite(s, viewer=ann, listing_id=listing_id, contractor_username="bob", message="You'd be great.")
    assert [i.contractor_username for i in detail(ann, listing_id).invitations] == ["bob"]
    assert [i.contractor_username for i in detail(bob, listing_id).invitations] == ["bob"]
    assert detail(cat, listing_id).invitations == [] and detail(None, listing_id).invitations == []


def test_the_owners_view_costs_the_same_queries_for_two_bids_or_ten(db: Session) -> None:
    from sqlalchemy import event

    from jtbd_app.db import get_engine

    def queries_for_owner_view(bidders: int) -> int:
        owner = make_user(f"own{bidders}")
        listing = make_listing(owner)
        for n in range(bidders):
            bid(viewer_of(make_user(f"b{bidders}x{n}")), listing.id or 0)
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(get_engine(), "before_cursor_execute", record)
        try:
            detail(viewer_of(owner), listing.id)
        finally:
            event.remove(get_engine(), "before_cursor_execute", record)
        return len(statements)

    assert queries_for_owner_view(2) == queries_for_owner_view(10)


def test_a_bid_card_shows_the_bidders_photo_unless_the_moderators_hid_their_profile(db: Session) -> None:
    owner, bob, cat, listing_id = setup_market()
    bid(bob, listing_id)
    bid(cat, listing_id)
    with session_scope() as s:
        bob_user, cat_user = s.get(User, bob.user_id), s.get(User, cat.user_id)
    assert bob_user is not None and cat_user is not None
    small = photos.give_photo(bob_user).small
    photos.give_photo(cat_user)
    with session_scope() as s:
        profile = s.get(Profile, cat.user_id)
        assert profile is not None
        profile.hidden_at = utcnow()
        s.add(profile)

    with session_scope() as s:
        shown = listing_view.listing_detail(s, viewer=owner, listing_id=listing_id).bids

    assert {b.bidder_username: b.bidder_photo for b in shown} == {"bob": small, "cat": ""}
