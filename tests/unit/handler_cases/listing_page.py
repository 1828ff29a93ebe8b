"""The listing page's handlers: bidders act on their own bids only, owners alone decide, drafts stay private."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Bid, Contract, Listing, Question
from jtbd_app.services.marketplace import bids
from jtbd_app.state.listings import ListingState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.viewers import viewer_of
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "ListingState.setvar": "Reflex built-in; display vars only; every action re-checks the viewer on the server",
    "ListingState.load_listing": "listings are public; the service hides drafts and other people's bids",
    "ListingState.start_edit_bid": UI_ONLY,
    "ListingState.cancel_edit_bid": UI_ONLY,
}
OFFER = {"amount": "100", "message": "I would love to do this.", "delivery_days": "3"}


def _market() -> tuple[int, int]:
    """The victim's open listing with a pending bid from a third member."""
    owner, bidder = make_user("victim"), make_user("bidder")
    listing = make_listing(owner)
    assert listing.id is not None
    with session_scope() as s:
        bid_id = bids.place_bid(s, viewer=viewer_of(bidder), listing_id=listing.id, values=OFFER)
    return listing.id, bid_id


def _state(caller: str | None, listing_id: int) -> ListingState:
    state: ListingState = state_for(ListingState, token=caller, path=f"/listings/{listing_id}")
    return state


def _bid_row(db: Session, bid_id: int) -> Bid:
    db.expire_all()
    found = db.get(Bid, bid_id)
    assert found is not None
    return found


def _place_bid(caller: str | None, db: Session) -> None:
    draft = make_listing(make_user("victim"), status="draft")
    state = _state(caller, draft.id or 0)
    call(state, "place_bid", OFFER)
    assert state.errors and db.exec(select(Bid)).all() == []


def _save_bid(caller: str | None, db: Session) -> None:
    listing_id, bid_id = _market()
    state = _state(caller, listing_id)
    call(state, "load_listing")
    assert all(b.id != bid_id for b in state.listing.bids), "another member's bid must not be loaded"
    state.listing.bids = [type(state.my_bid)(id=bid_id, status="pending")]  # a forged var
    call(state, "save_bid", {**OFFER, "amount": "1"})
    assert state.errors and _bid_row(db, bid_id).amount_minor == 10_000


def _withdraw_bid(caller: str | None, db: Session) -> None:
    listing_id, bid_id = _market()
    state = _state(caller, listing_id)
    call(state, "withdraw_bid", bid_id)
    assert state.errors and _bid_row(db, bid_id).status == "pending"


def _shortlist(caller: str | None, db: Session) -> None:
    listing_id, bid_id = _market()
    state = _state(caller, listing_id)
    call(state, "shortlist", bid_id, True)
    assert state.errors and not _bid_row(db, bid_id).shortlisted


def _reject_bid(caller: str | None, db: Session) -> None:
    listing_id, bid_id = _market()
    state = _state(caller, listing_id)
    call(state, "reject_bid", bid_id)
    assert state.errors and _bid_row(db, bid_id).status == "pending"


def _accept_bid(caller: str | None, db: Session) -> None:
    listing_id, bid_id = _market()
    state = _state(caller, listing_id)
    call(state, "accept_bid", bid_id)
    assert state.errors and _bid_row(db, bid_id).status == "pending"
    assert db.exec(select(Contract)).all() == []


def _ask_question(caller: str | None, db: Session) -> None:
    draft = make_listing(make_user("victim"), status="draft")
    state = _state(caller, draft.id or 0)
    call(state, "ask_question", {"question": "What is this secret draft?"})
    assert state.errors and db.exec(select(Question)).all() == []


def _answer_question(caller: str | None, db: Session) -> None:
    listing_id, _ = _market()
    with session_scope() as s:
        s.add(Question(listing_id=listing_id, asker_id=1, body="Is it big?"))
    question = db.exec(select(Question)).one()
    state = _state(caller, listing_id)
    call(state, "answer_question", {"question_id": str(question.id), "answer": "Forged answer"})
    db.expire_all()
    assert state.errors and db.get(Question, question.id).answer == ""  # type: ignore[union-attr]


def _end_listing(caller: str | None, db: Session) -> None:
    listing_id, _ = _market()
    state = _state(caller, listing_id)
    call(state, "end_listing", "cancelled")
    db.expire_all()
    assert state.errors and db.get(Listing, listing_id).status == "open"  # type: ignore[union-attr]


GUARDED = {
    "ListingState.place_bid": _place_bid,
    "ListingState.save_bid": _save_bid,
    "ListingState.withdraw_bid": _withdraw_bid,
    "ListingState.shortlist": _shortlist,
    "ListingState.reject_bid": _reject_bid,
    "ListingState.accept_bid": _accept_bid,
    "ListingState.ask_question": _ask_question,
    "ListingState.answer_question": _answer_question,
    "ListingState.end_listing": _end_listing,
}
