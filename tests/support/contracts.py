"""Contracts as rows, for tests of what happens after one: a listing, its accepted bid and the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jtbd_app.db import session_scope
from jtbd_app.models import Bid, Contract, User, utcnow
from tests.support.factories import make_listing


def make_contract(client: User, contractor: User, *, title: str = "Build a landing page", **fields: Any) -> Contract:
    """A contract between `client` (the listing's owner) and `contractor` (whose bid was accepted)."""
    assert contractor.id is not None and client.id is not None
    listing = make_listing(client, title=title, status="closed")
    assert listing.id is not None
    with session_scope() as session:
        bid = Bid(
            listing_id=listing.id,
            bidder_id=contractor.id,
            status="accepted",
            amount_minor=40_000,
            currency="USD",
            message="Happy to help.",
            delivery_days=5,
            decided_at=utcnow(),
        )
        session.add(bid)
        session.flush()
        assert bid.id is not None
        values: dict[str, Any] = {"status": "funded", "amount_minor": 40_000, "currency": "USD", "delivery_days": 5}
        values.update(fields)
        contract = Contract(
            listing_id=listing.id, bid_id=bid.id, client_id=client.id, contractor_id=contractor.id, **values
        )
        session.add(contract)
        session.flush()
        return contract


def make_completed_contract(
    client: User,
    contractor: User,
    *,
    completed_at: datetime | None = None,
    on_time: bool | None = True,
    title: str = "Build a landing page",
) -> Contract:
    """A contract in status "completed" (as approval or auto-release leaves it), without the money."""
    done = completed_at or utcnow()
    return make_contract(
        client, contractor, title=title, status="completed", completed_at=done, delivered_at=done, on_time=on_time
    )
