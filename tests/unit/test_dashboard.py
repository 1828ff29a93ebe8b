"""The dashboard: my listings with bid counts, drafts, my bids and their states, my contracts, paginated."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.db import session_scope
from jtbd_app.services.marketplace import bids, dashboard_view
from tests.support.factories import OFFER, make_listing
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def test_a_member_sees_their_listings_drafts_bids_and_contracts(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann, title="Logo for a cafe")
    make_listing(ann, title="", status="draft")
    other = make_listing(bob, title="Translate a menu")
    with session_scope() as s:
        bid_id = bids.place_bid(s, viewer=viewer_of(bob), listing_id=listing.id, values=OFFER)
        bids.place_bid(s, viewer=viewer_of(ann), listing_id=other.id, values=OFFER)
    with session_scope() as s:
        board = dashboard_view.dashboard(s, viewer=viewer_of(ann))
    assert [(r.title, r.bid_count) for r in board.listings] == [("Logo for a cafe", 1)]
    assert [r.title for r in board.drafts] == ["Untitled draft"] and board.bids_received == 1
    assert [(r.listing_title, r.status, r.amount) for r in board.bids] == [("Translate a menu", "pending", "$450.50")]
    with session_scope() as s:
        bids.accept_bid(s, viewer=viewer_of(ann), bid_id=bid_id)
    with session_scope() as s:
        board = dashboard_view.dashboard(s, viewer=viewer_of(bob))
    assert [(c.role, c.other_party, c.status) for c in board.contracts] == [
        ("contractor", "Ann", "awaiting acceptance")
    ]
    assert [r.status for r in board.bids] == ["accepted"]


def test_long_lists_are_paginated_and_bad_pages_are_clamped(db: Session) -> None:
    ann = make_user("ann")
    for n in range(23):
        make_listing(ann, title=f"Job number {n}")
    with session_scope() as s:
        last = dashboard_view.dashboard(s, viewer=viewer_of(ann), listings_page=3)
        clamped = dashboard_view.dashboard(s, viewer=viewer_of(ann), listings_page=10**9)
        hostile = dashboard_view.dashboard(s, viewer=viewer_of(ann), listings_page="1; drop")
    assert (last.listings_page.pages, last.listings_page.total, len(last.listings)) == (3, 23, 3)
    assert clamped.listings_page.page == 3 and hostile.listings_page.page == 1


def test_invitations_and_unread_messages_reach_the_dashboard(db: Session) -> None:
    from jtbd_app.services.marketplace import invitations
    from jtbd_app.services.messaging import messages

    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann, title="Logo for a cafe")
    with session_scope() as s:
        invitations.invite(s, viewer=viewer_of(ann), listing_id=listing.id, contractor_username="bob")
    with session_scope() as s:
        thread = messages.open_listing_thread(s, viewer=viewer_of(ann), listing_id=listing.id, with_username="bob")
        messages.send_message(s, viewer=viewer_of(ann), thread_id=thread, body="Hello Bob, are you free?")
    with session_scope() as s:
        board = dashboard_view.dashboard(s, viewer=viewer_of(bob))
    assert [i.listing_title for i in board.invitations] == ["Logo for a cafe"] and board.unread_messages == 1
