"""Members, a listing with a bid, and the viewers the messaging tests act as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from jtbd_app.db import session_scope
from jtbd_app.models import Bid, Invitation, Listing, User
from jtbd_app.services.messaging import messages
from jtbd_app.services.viewer import Viewer
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.viewers import signed_in_viewer


def place_bid(listing: Listing, bidder: User, *, status: str = "pending") -> None:
    assert listing.id is not None and bidder.id is not None
    with session_scope() as s:
        s.add(
            Bid(
                listing_id=listing.id,
                bidder_id=bidder.id,
                status=status,
                amount_minor=40_000,
                currency="USD",
                delivery_days=5,
            )
        )


def invite(listing: Listing, contractor: User) -> None:
    assert listing.id is not None and contractor.id is not None
    with session_scope() as s:
        s.add(Invitation(listing_id=listing.id, client_id=listing.owner_id, contractor_id=contractor.id))


@dataclass
class Deal:
    """A listing owned by `owner` with a pending bid from `bidder`, and their open thread."""

    owner: User
    bidder: User
    listing: Listing
    thread_id: int

    @property
    def owner_viewer(self) -> Viewer:
        return signed_in_viewer(self.owner)

    @property
    def bidder_viewer(self) -> Viewer:
        return signed_in_viewer(self.bidder)


def make_deal(owner_name: str = "olive", bidder_name: str = "bruno", **listing_fields: Any) -> Deal:
    owner, bidder = make_user(owner_name), make_user(bidder_name)
    listing = make_listing(owner, **listing_fields)
    place_bid(listing, bidder)
    with session_scope() as s:
        thread_id = messages.open_listing_thread(
            s, viewer=signed_in_viewer(owner), listing_id=listing.id, with_username=bidder_name
        )
    return Deal(owner, bidder, listing, thread_id)


def send(viewer: Viewer, thread_id: int, body: str) -> None:
    with session_scope() as s:
        messages.send_message(s, viewer=viewer, thread_id=thread_id, body=body)


def count_rows(db: Session, model: type) -> int:
    return int(db.exec(select(func.count()).select_from(model)).one())
