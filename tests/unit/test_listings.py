"""Posting: drafts step by step, pre-filled drafts, publishing, and the owner's edits, closing and cancelling."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Bid, Listing, Notification
from jtbd_app.services.marketplace import bids, listings
from jtbd_app.services.viewer import Viewer
from tests.support.members import make_user
from tests.support.viewers import viewer_of

SOON = (date.today() + timedelta(days=10)).isoformat()
STEP1: dict[str, object] = {
    "title": "Fix my bakery website",
    "description": "The menu page is broken on phones. " * 2,
    "category": "software",
}
STEP2: dict[str, object] = {"skills": ["CSS", "html"]}
STEP3: dict[str, object] = {"budget": "250", "currency": "USD", "deadline": SOON, "remote": True, "location": ""}


def new_draft(owner: Viewer, **prefill: object) -> int:
    with session_scope() as s:
        return listings.start_draft(s, viewer=owner, prefill=prefill or None)


def fill(owner: Viewer, listing_id: int, *steps: dict[str, object]) -> None:
    for number, values in enumerate(steps, start=1):
        with session_scope() as s:
            listings.save_step(s, viewer=owner, listing_id=listing_id, step=number, values=values)


def published(owner: Viewer) -> int:
    draft = new_draft(owner)
    fill(owner, draft, STEP1, STEP2, STEP3)
    with session_scope() as s:
        return listings.publish_listing(s, viewer=owner, listing_id=draft)


def test_a_draft_is_filled_step_by_step_and_resumes_where_it_was_left(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    draft = new_draft(ann)
    fill(ann, draft, STEP1, STEP2)
    with session_scope() as s:
        form = listings.wizard_form(s, viewer=ann, listing_id=draft)
    assert form.step == 3 and form.title == "Fix my bakery website" and form.skills == ["css", "html"]
    assert db.get(Listing, draft).status == "draft"  # type: ignore[union-attr]


def test_publishing_makes_the_listing_open(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    listing_id = published(ann)
    listing = db.get(Listing, listing_id)
    assert listing and listing.status == "open" and listing.budget_minor == 25_000 and listing.published_at
    assert listing.skills_text == "css, html"


def test_publishing_an_incomplete_draft_names_the_step_to_finish(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    draft = new_draft(ann)
    fill(ann, draft, STEP1)
    with session_scope() as s, pytest.raises(ValidationFailed) as caught:
        listings.publish_listing(s, viewer=ann, listing_id=draft)
    assert caught.value.fields["form"] == "Complete step 2, Skills, first."
    assert db.get(Listing, draft).status == "draft"  # type: ignore[union-attr]


def test_a_prefilled_draft_keeps_valid_values_and_drops_invalid_ones(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    draft = new_draft(ann, title="Get 10K legit website visitors", skills=["seo", "ads"], budget="-5", secret="x")
    with session_scope() as s:
        form = listings.wizard_form(s, viewer=ann, listing_id=draft)
    assert form.title == "Get 10K legit website visitors" and form.skills == ["seo", "ads"]
    assert form.budget == "" and form.step == 1


@pytest.mark.parametrize(
    ("step", "values", "field", "message"),
    [
        (1, {**STEP1, "title": ""}, "title", "Title is required."),
        (1, {**STEP1, "title": "<script>alert(1)</script>"}, "title", "Title cannot contain < or >."),
        (1, {**STEP1, "description": "x" * 1_000_000}, "description", "Description must be at most 10,000 characters."),
        (1, {**STEP1, "description": "Nice <img src=x onerror=alert(1)> page here"}, "description", "HTML"),
        (1, {**STEP1, "category": "weapons"}, "category", "Choose a category from the list."),
        (2, {"skills": []}, "skills", "Add at least one skill."),
        (3, {**STEP3, "budget": "-100"}, "budget", "The amount cannot be negative."),
        (3, {**STEP3, "budget": "99999999999"}, "budget", "The budget must be at most 1,000,000 USD."),
        (3, {**STEP3, "budget": "1"}, "budget", "The budget must be at least 5 USD."),
        (3, {**STEP3, "budget": "NaN"}, "budget", "Enter a number"),
        (3, {**STEP3, "deadline": "2001-01-01"}, "deadline", "The deadline cannot be in the past."),
        (3, {**STEP3, "deadline": "tomorrow"}, "deadline", "Enter the deadline as a date"),
        (3, {**STEP3, "currency": "BTC"}, "currency", "Choose a supported currency."),
        (3, {**STEP3, "remote": False, "location": ""}, "location", "Give the location"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_changes_nothing(
    db: Session, step: int, values: dict[str, object], field: str, message: str
) -> None:
    ann = viewer_of(make_user("ann"))
    draft = new_draft(ann)
    fill(ann, draft, *[STEP1, STEP2, STEP3][: step - 1])
    before = db.get(Listing, draft).model_dump()  # type: ignore[union-attr]
    with session_scope() as s, pytest.raises(ValidationFailed) as caught:
        listings.save_step(s, viewer=ann, listing_id=draft, step=step, values=values)
    assert message in caught.value.fields[field]
    db.expire_all()
    assert db.get(Listing, draft).model_dump() == before  # type: ignore[union-attr]


def test_nobody_else_sees_or_changes_a_draft(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    bob = viewer_of(make_user("bob"))
    draft = new_draft(ann)
    with session_scope() as s, pytest.raises(NotFound):
        listings.wizard_form(s, viewer=bob, listing_id=draft)
    with session_scope() as s, pytest.raises(NotFound):
        listings.save_step(s, viewer=bob, listing_id=draft, step=1, values=STEP1)
    with session_scope() as s, pytest.raises(NotSignedIn):
        listings.start_draft(s, viewer=None)
    assert db.get(Listing, draft).title == ""  # type: ignore[union-attr]


def test_only_the_owner_edits_an_open_listing(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    bob = viewer_of(make_user("bob"))
    listing_id = published(ann)
    with session_scope() as s, pytest.raises(PermissionDenied):
        listings.save_step(s, viewer=bob, listing_id=listing_id, step=1, values={**STEP1, "title": "Hacked title"})
    with session_scope() as s:
        listings.save_step(s, viewer=ann, listing_id=listing_id, step=1, values={**STEP1, "title": "Fix my shop site"})
    db.expire_all()
    assert db.get(Listing, listing_id).title == "Fix my shop site"  # type: ignore[union-attr]


@pytest.mark.parametrize("outcome", ["closed", "cancelled"])
def test_ending_a_listing_declines_live_bids_and_tells_the_bidders(db: Session, outcome: str) -> None:
    ann = viewer_of(make_user("ann"))
    bob = viewer_of(make_user("bob"))
    listing_id = published(ann)
    with session_scope() as s:
        bids.place_bid(
            s,
            viewer=bob,
            listing_id=listing_id,
            values={"amount": "200", "message": "I can do it well.", "delivery_days": "5"},
        )
    with session_scope() as s:
        listings.end_listing(s, viewer=ann, listing_id=listing_id, outcome=outcome)
    listing = db.get(Listing, listing_id)
    assert listing and listing.status == outcome and listing.bid_count == 0
    assert db.exec(select(Bid)).one().status == "rejected"
    assert db.exec(select(Notification).where(Notification.kind == "listing_closed")).one().user_id == bob.user_id
    with session_scope() as s, pytest.raises(ValidationFailed):
        listings.save_step(s, viewer=ann, listing_id=listing_id, step=1, values=STEP1)


def test_drafts_can_be_deleted_by_their_owner_only(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    bob = viewer_of(make_user("bob"))
    draft = new_draft(ann)
    with session_scope() as s, pytest.raises(NotFound):
        listings.delete_draft(s, viewer=bob, listing_id=draft)
    with session_scope() as s:
        listings.delete_draft(s, viewer=ann, listing_id=draft)
    assert db.get(Listing, draft) is None


@pytest.mark.parametrize("bad_id", [None, "abc", -1, True, 10**30, "1; DROP TABLE listing", {"id": 1}])
def test_malformed_ids_are_not_found(db: Session, bad_id: object) -> None:
    ann = viewer_of(make_user("ann"))
    with session_scope() as s, pytest.raises(NotFound):
        listings.wizard_form(s, viewer=ann, listing_id=bad_id)


def test_a_suspended_member_cannot_post(db: Session) -> None:
    mallory = viewer_of(make_user("mallory", status="suspended"))
    with session_scope() as s, pytest.raises(PermissionDenied):
        listings.start_draft(s, viewer=mallory)


def test_the_wizard_opens_a_draft_or_a_prefilled_first_screen_for_active_members_only(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    draft = new_draft(ann)
    fill(ann, draft, STEP1)
    with session_scope() as s:
        assert listings.open_wizard(s, viewer=ann, draft_id=str(draft)).title == "Fix my bakery website"
        fresh = listings.open_wizard(s, viewer=ann, prefill={"title": "Paint my fence", "budget": "-3"})
    assert (fresh.id, fresh.title, fresh.budget) == (0, "Paint my fence", "")
    with session_scope() as s, pytest.raises(NotFound):
        listings.open_wizard(s, viewer=ann, draft_id="")
    for outsider, error in ((None, NotSignedIn), (viewer_of(make_user("mal", status="suspended")), PermissionDenied)):
        with session_scope() as s, pytest.raises(error):
            listings.open_wizard(s, viewer=outsider)


def test_the_first_wizard_step_creates_the_draft_unless_it_is_refused(db: Session) -> None:
    ann = viewer_of(make_user("ann"))
    with pytest.raises(ValidationFailed), session_scope() as s:  # the refusal rolls the new draft back
        listings.save_wizard_step(s, viewer=ann, listing_id=0, step=1, values={"title": "x"})
    assert db.exec(select(Listing)).all() == []
    with session_scope() as s:
        form = listings.save_wizard_step(s, viewer=ann, listing_id=0, step=1, values=STEP1, source="delegate")
    assert form.id and form.step == 2 and form.source == "delegate"
    with session_scope() as s:
        again = listings.save_wizard_step(s, viewer=ann, listing_id=form.id, step=2, values=STEP2)
    assert again.id == form.id and len(db.exec(select(Listing)).all()) == 1
