"""Bids: place, edit, withdraw; the owner shortlists, rejects or accepts; accepting makes a contract."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.models import Bid, Contract, Listing, Notification
from jtbd_app.services.marketplace import bids
from tests.support.factories import OFFER, bid, make_listing, setup_market
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def notes(db: Session, kind: str) -> list[int]:
    return [n.user_id for n in db.exec(select(Notification).where(Notification.kind == kind)).all()]


def test_a_bid_is_placed_counted_and_the_owner_is_told(db: Session) -> None:
    ann, bob, _, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    placed = db.get(Bid, bid_id)
    assert placed and placed.amount_minor == 45_050 and placed.status == "pending" and placed.delivery_days == 7
    assert db.get(Listing, listing_id).bid_count == 1  # type: ignore[union-attr]
    assert notes(db, "bid_received") == [ann.user_id]


def test_nobody_bids_on_their_own_listing_twice_or_on_a_closed_one(db: Session) -> None:
    ann, bob, _, listing_id = setup_market()
    with session_scope() as s, pytest.raises(PermissionDenied):
        bids.place_bid(s, viewer=ann, listing_id=listing_id, values=OFFER)
    bid(bob, listing_id)
    with pytest.raises(ValidationFailed, match="already"):
        bid(bob, listing_id)
    closed = make_listing(make_user("dan"), status="closed")
    with pytest.raises(ValidationFailed) as caught:
        bid(bob, closed.id or 0)
    assert caught.value.fields["form"] == "This listing is not taking bids."
    assert db.get(Listing, listing_id).bid_count == 1  # type: ignore[union-attr]


def test_a_draft_listing_cannot_be_bid_on_or_even_found(db: Session) -> None:
    _, bob, _, _ = setup_market()
    draft = make_listing(make_user("dan"), status="draft")
    with pytest.raises(NotFound):
        bid(bob, draft.id or 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1e12"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"message": ""}, "message"),
        ({"message": "<script>steal()</script> hello there"}, "message"),
        ({"message": "x" * 1_000_000}, "message"),
        ({"delivery_days": "0"}, "delivery_days"),
        ({"delivery_days": "-3"}, "delivery_days"),
        ({"delivery_days": "9999"}, "delivery_days"),
        ({"delivery_days": "2.5"}, "delivery_days"),
    ],
)
def test_bad_bids_are_refused_next_to_their_field(db: Session, changes: dict[str, str], field: str) -> None:
    _, bob, _, listing_id = setup_market()
    with pytest.raises(ValidationFailed) as caught:
        bid(bob, listing_id, **changes)
    assert field in caught.value.fields
    assert db.exec(select(Bid)).all() == []


def test_a_pending_bid_is_edited_or_withdrawn_by_its_bidder_only(db: Session) -> None:
    _, bob, cat, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    with session_scope() as s, pytest.raises(NotFound):
        bids.edit_bid(s, viewer=cat, bid_id=bid_id, values={**OFFER, "amount": "1"})
    with session_scope() as s:
        bids.edit_bid(s, viewer=bob, bid_id=bid_id, values={**OFFER, "amount": "400"})
    with session_scope() as s, pytest.raises(NotFound):
        bids.withdraw_bid(s, viewer=cat, bid_id=bid_id)
    with session_scope() as s:
        bids.withdraw_bid(s, viewer=bob, bid_id=bid_id)
    db.expire_all()
    placed = db.get(Bid, bid_id)
    assert placed and placed.amount_minor == 40_000 and placed.status == "withdrawn"
    assert db.get(Listing, listing_id).bid_count == 0  # type: ignore[union-attr]
    with session_scope() as s, pytest.raises(ValidationFailed):
        bids.edit_bid(s, viewer=bob, bid_id=bid_id, values=OFFER)


def test_a_withdrawn_bid_can_be_placed_again(db: Session) -> None:
    _, bob, _, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    with session_scope() as s:
        bids.withdraw_bid(s, viewer=bob, bid_id=bid_id)
    assert bid(bob, listing_id, amount="300") == bid_id
    db.expire_all()
    assert db.get(Bid, bid_id).status == "pending"  # type: ignore[union-attr]
    assert db.get(Listing, listing_id).bid_count == 1  # type: ignore[union-attr]


def test_only_the_owner_shortlists_or_rejects(db: Session) -> None:
    ann, bob, cat, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    with session_scope() as s, pytest.raises(PermissionDenied):
        bids.shortlist_bid(s, viewer=cat, bid_id=bid_id, shortlisted=True)
    with session_scope() as s, pytest.raises(PermissionDenied):
        bids.reject_bid(s, viewer=bob, bid_id=bid_id)
    with session_scope() as s:
        bids.shortlist_bid(s, viewer=ann, bid_id=bid_id, shortlisted=True)
    db.expire_all()
    assert db.get(Bid, bid_id).shortlisted  # type: ignore[union-attr]
    with session_scope() as s:
        bids.reject_bid(s, viewer=ann, bid_id=bid_id)
    db.expire_all()
    assert db.get(Bid, bid_id).status == "rejected"  # type: ignore[union-attr]
    assert notes(db, "bid_rejected") == [bob.user_id]
    assert db.get(Listing, listing_id).bid_count == 0  # type: ignore[union-attr]


def test_accepting_a_bid_creates_a_contract_declines_the_rest_and_closes_the_listing(db: Session) -> None:
    ann, bob, cat, listing_id = setup_market()
    winner = bid(bob, listing_id)
    loser = bid(cat, listing_id, amount="500")
    with session_scope() as s:
        contract_id = bids.accept_bid(s, viewer=ann, bid_id=winner)
    contract = db.get(Contract, contract_id)
    assert contract and contract.status == "awaiting_acceptance" and contract.amount_minor == 45_050
    assert (contract.client_id, contract.contractor_id) == (ann.user_id, bob.user_id)
    assert (contract.problem_id, contract.micro_task_id) == (7, 3)
    assert db.get(Bid, winner).status == "accepted"  # type: ignore[union-attr]
    assert db.get(Bid, loser).status == "rejected"  # type: ignore[union-attr]
    assert db.get(Listing, listing_id).status == "closed"  # type: ignore[union-attr]
    assert notes(db, "bid_accepted") == [bob.user_id] and notes(db, "bid_rejected") == [cat.user_id]


def test_a_second_accept_on_the_same_listing_is_refused(db: Session) -> None:
    ann, bob, cat, listing_id = setup_market()
    first, second = bid(bob, listing_id), bid(cat, listing_id)
    with session_scope() as s:
        bids.accept_bid(s, viewer=ann, bid_id=first)
    with session_scope() as s, pytest.raises(ValidationFailed):
        bids.accept_bid(s, viewer=ann, bid_id=second)
    assert len(db.exec(select(Contract)).all()) == 1


def test_a_stranger_cannot_accept(db: Session) -> None:
    _, bob, cat, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    with session_scope() as s, pytest.raises(PermissionDenied):
        bids.accept_bid(s, viewer=cat, bid_id=bid_id)
    assert db.exec(select(Contract)).all() == []


@pytest.mark.usefixtures("half_fee")
def test_a_bid_whose_contractor_share_would_round_to_nothing_is_refused_next_to_its_amount(db: Session) -> None:
    # Given a listing priced in yen and a 50% platform fee, where a ¥1 price would leave the contractor ¥0
    bob = viewer_of(make_user("bob"))
    listing = make_listing(make_user("dan"), currency="JPY")

    # When Bob bids ¥1
    with pytest.raises(ValidationFailed) as caught:
        bid(bob, listing.id or 0, amount="1")

    # Then the amount field says the minimum, and nothing is stored
    assert caught.value.fields == {"amount": "Bid at least ¥50, the minimum in JPY at the 50% platform fee."}
    assert db.exec(select(Bid)).all() == []


@pytest.mark.usefixtures("half_fee")
def test_a_bid_is_not_edited_below_the_minimum(db: Session) -> None:
    _, bob, _, listing_id = setup_market()
    bid_id = bid(bob, listing_id)
    with session_scope() as s, pytest.raises(ValidationFailed) as caught:
        bids.edit_bid(s, viewer=bob, bid_id=bid_id, values={**OFFER, "amount": "0.49"})
    assert caught.value.fields == {"amount": "Bid at least $0.50, the minimum in USD at the 50% platform fee."}
    db.expire_all()
    assert db.get(Bid, bid_id).amount_minor == 45_050  # type: ignore[union-attr]


def test_a_bid_placed_below_todays_minimum_cannot_become_a_contract(db: Session) -> None:
    # Given Bob's ¥10 bid on Dan's listing, stored before the minimum existed
    dan, bob = make_user("dan"), viewer_of(make_user("bob"))
    listing = make_listing(dan, currency="JPY")
    bid_id = bid(bob, listing.id or 0, amount="500")
    with session_scope() as s:
        old = s.get(Bid, bid_id)
        assert old is not None
        old.amount_minor = 10
        s.add(old)

    # When Dan accepts it
    with pytest.raises(ValidationFailed) as caught, session_scope() as s:
        bids.accept_bid(s, viewer=viewer_of(dan), bid_id=bid_id)

    # Then no contract is made, the listing stays open and the bid pending, and the client is told why
    assert caught.value.fields["form"] == (
        "This bid of ¥10 is below the minimum of ¥50 at today's 10% platform fee, so it cannot become a contract; "
        "ask the bidder to raise it."
    )
    db.expire_all()
    assert db.exec(select(Contract)).all() == []
    assert db.get(Listing, listing.id).status == "open"  # type: ignore[union-attr]
    assert db.get(Bid, bid_id).status == "pending"  # type: ignore[union-attr]
