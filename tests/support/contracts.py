"""Contracts in a chosen state, made through the real services (accept a bid, accept terms, fund with the sandbox)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.models import Contract, User
from jtbd_app.services import bids, contract_funding, contracts, deliveries
from jtbd_app.services.viewer import Viewer
from tests.support.factories import make_listing

TEST_CARD = "4242 4242 4242 4242"


def viewer_of(user: User) -> Viewer:
    assert user.id is not None
    return Viewer(user.id, user.username, user.username.title(), user.role, user.status)


@dataclass
class Deal:
    contract_id: int
    client: Viewer
    contractor: Viewer

    def load(self) -> Contract:
        with session_scope() as session:
            contract = session.get(Contract, self.contract_id)
            assert contract is not None
            return contract


def agreed_contract(
    client: User, contractor: User, *, price: str = "100", days: int = 5, currency: str = "USD"
) -> Deal:
    """A bid accepted and the contract accepted by both: awaiting funding."""
    listing = make_listing(client, currency=currency)
    c, k = viewer_of(client), viewer_of(contractor)
    with session_scope() as session:
        bid_id = bids.place_bid(
            session,
            viewer=k,
            listing_id=listing.id,
            values={"amount": price, "message": "I can do it well.", "delivery_days": str(days)},
        )
    with session_scope() as session:
        contract_id = bids.accept_bid(session, viewer=c, bid_id=bid_id)
    for who in (c, k):
        with session_scope() as session:
            contracts.accept_terms(session, viewer=who, contract_id=contract_id, version=1)
    return Deal(contract_id, c, k)


def fund(deal: Deal, gateway: SandboxGateway | None = None, card: str = TEST_CARD) -> None:
    asyncio.run(
        contract_funding.fund_contract(
            session_factory=session_scope,
            gateway=gateway or SandboxGateway(),
            viewer=deal.client,
            contract_id=deal.contract_id,
            test_card=card,
        )
    )


def deliver(deal: Deal, message: str = "Here is the work.") -> int:
    with session_scope() as session:
        return deliveries.submit_delivery(
            session, viewer=deal.contractor, contract_id=deal.contract_id, message=message
        )
