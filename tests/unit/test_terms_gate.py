"""A new version of the terms holds back a member's next post, bid and payment until they accept it; accepting lets
each through. Nothing is stored by a refused action."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import TermsNotAccepted, field_errors
from jtbd_app.models import Bid, Listing, Payment, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.marketplace import bids, listings
from tests.support.contracts import agreed_contract, fund
from tests.support.factories import make_listing
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.problem_money import fund as fund_problem
from tests.support.problem_money import planned
from tests.support.viewers import viewer_of
from tests.unit.test_listings import STEP1, STEP2, STEP3, fill, new_draft

OFFER = {"amount": "120", "message": "I can do it well.", "delivery_days": "4"}


def new_version() -> None:
    with session_scope() as s:
        terms.publish_terms(s, title="Terms", body="Version two.", summary="Clearer refunds.")


def accept(user: User) -> None:
    """The member accepts version 2 at /terms."""
    with session_scope() as s:
        terms.accept_terms(s, viewer=viewer_of(user), version=2)


def test_the_refusal_says_to_accept_and_links_the_terms() -> None:
    errors = field_errors(TermsNotAccepted())
    assert errors == {"form": "Accept the updated terms to continue.", "terms": "/terms"}


def test_publishing_a_listing_waits_for_the_new_terms(db: Session) -> None:
    ann = make_user("ann")
    owner = viewer_of(ann)
    draft = new_draft(owner)
    fill(owner, draft, STEP1, STEP2, STEP3)
    new_version()
    with pytest.raises(TermsNotAccepted), session_scope() as s:
        listings.publish_listing(s, viewer=owner, listing_id=draft)
    assert db.get(Listing, draft).status == "draft"  # type: ignore[union-attr]
    accept(ann)
    with session_scope() as s:
        listings.publish_listing(s, viewer=owner, listing_id=draft)
    db.expire_all()
    assert db.get(Listing, draft).status == "open"  # type: ignore[union-attr]


def test_a_bid_waits_for_the_new_terms(db: Session) -> None:
    listing = make_listing(make_user("ann"))
    bob = make_user("bob")
    new_version()
    with pytest.raises(TermsNotAccepted), session_scope() as s:
        bids.place_bid(s, viewer=viewer_of(bob), listing_id=listing.id, values=OFFER)
    assert db.exec(select(Bid)).all() == []
    accept(bob)
    with session_scope() as s:
        bids.place_bid(s, viewer=viewer_of(bob), listing_id=listing.id, values=OFFER)
    assert len(db.exec(select(Bid)).all()) == 1


def test_funding_a_contract_waits_for_the_new_terms(db: Session) -> None:
    carol = make_user("carol")
    deal = agreed_contract(carol, make_user("ken"))
    new_version()
    with pytest.raises(TermsNotAccepted):
        fund(deal)
    assert db.exec(select(Payment)).all() == [] and deal.load().status == "awaiting_funding"
    accept(carol)
    assert fund(deal).status == "funded"


def test_funding_a_problem_waits_for_the_new_terms(db: Session) -> None:
    carol = make_user("carol")
    deal = planned(carol)
    gateway = ScriptedGateway()
    new_version()
    with pytest.raises(TermsNotAccepted):
        fund_problem(deal, gateway)
    assert deal.payments() == [] and deal.load().status == "planned"
    accept(carol)
    assert fund_problem(deal, gateway).status == "funded"
    assert {t.status for t in deal.tasks().values()} == {"open"}  # its tasks posted as listings


def test_nothing_is_required_of_a_member_who_accepted_the_current_version(db: Session) -> None:
    listing = make_listing(make_user("ann"))
    with session_scope() as s:  # signed up with version 1, the current one
        bids.place_bid(s, viewer=viewer_of(make_user("bob")), listing_id=listing.id, values=OFFER)
    assert len(db.exec(select(Bid)).all()) == 1
