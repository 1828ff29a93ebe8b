"""The listing page's state and bid form: the minimum price comes from the service and sits beside the price field."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

import jtbd_app.routes  # noqa: F401  (every page, and so every state class, as the app has them)
from jtbd_app.api.listing_page import summary_for
from jtbd_app.components import listing_bids
from jtbd_app.models import Bid
from jtbd_app.state.listings import ListingState
from tests.support.factories import OFFER, make_listing
from tests.support.handlers import call, forget_sent, sent_vars, state_for
from tests.support.members import make_user, session_token


def _listing_page(token: str, listing_id: int) -> ListingState:
    state: ListingState = state_for(ListingState, token=token, path=f"/listings/{listing_id}")
    call(state, "load_listing")
    return state


@pytest.mark.usefixtures("half_fee")
def test_a_bidder_reads_the_minimum_and_a_bid_below_it_is_refused_on_the_amount_field(db: Session) -> None:
    # Given a yen listing at a 50% platform fee, opened by a member who may bid
    listing = make_listing(make_user("ann"), currency="JPY")
    state = _listing_page(session_token(make_user("bob")), listing.id or 0)
    assert state.listing.can_bid
    assert state.listing.bid_minimum == "Minimum ¥50 at the 50% platform fee"

    # When they bid ¥1
    call(state, "place_bid", {**OFFER, "amount": "1"})

    # Then the message sits on the amount field and no bid is stored
    assert state.errors == {"amount": "Bid at least ¥50, the minimum in JPY at the 50% platform fee."}
    assert state.notice == "" and db.exec(select(Bid)).all() == []

    # And a bid at exactly the minimum goes in
    call(state, "place_bid", {**OFFER, "amount": "50"})
    assert state.errors == {} and db.exec(select(Bid)).one().amount_minor == 50


@pytest.mark.parametrize("form", [listing_bids._bid_form, listing_bids._my_bid])
def test_the_price_field_is_described_by_the_minimum_from_the_listing_state(form: object) -> None:
    rendered = str(form())  # type: ignore[operator]
    assert '"aria-describedby":"amount-hint amount-error"' in rendered
    # the hint element's text is the state's bid_minimum, not text made up in the page
    assert re.search(r'id:"amount-hint"[^}]*\},[^)]*\["bid_minimum"\]', rendered)


def test_a_listing_opened_again_unchanged_sends_nothing_again_and_a_change_sends_it(db: Session) -> None:
    listing = make_listing(make_user("ann"))
    state = _listing_page(session_token(make_user("bob")), listing.id or 0)
    assert {"listing", "loaded", "signed_in"} <= sent_vars(state)
    forget_sent(state)

    call(state, "load_listing")  # opened again (back, or a link to it)
    assert sent_vars(state) == set()

    call(state, "place_bid", OFFER)
    assert {"listing", "notice"} <= sent_vars(state) and len(state.listing.bids) == 1


def test_the_description_reaches_the_browser_once_in_the_summary_as_the_served_page_has_it(db: Session) -> None:
    listing = make_listing(make_user("ann"), description="Paint **two** rooms.")
    state = _listing_page(session_token(make_user("bob")), listing.id or 0)
    assert state.listing.description == state.listing.description_html == ""
    assert "<p>Paint <strong>two</strong> rooms.</p>" in state.summary_html
    assert state.summary_html == summary_for(f"/listings/{listing.id}")
    assert state.listing.title == "Build a landing page" and state.listing.can_bid
