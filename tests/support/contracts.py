"""Contracts for tests: through the real services (accept a bid and the terms, fund with the sandbox), or as plain
rows in a chosen state for tests of what happens after one (reviews, profiles)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.contract_rules import Split
from jtbd_app.models import Bid, Contract, User, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import deliveries, funding, jobs, lifecycle
from jtbd_app.services.marketplace import bids
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.scheduler import JobHandler
from jtbd_app.services.viewer import Viewer
from tests.support.factories import make_listing
from tests.support.viewers import viewer_of

TEST_CARD = "4242 4242 4242 4242"
T = TypeVar("T")


@dataclass
class Deal:
    contract_id: int
    client: Viewer
    contractor: Viewer

    def load(self) -> Contract:
        with read_scope() as session:
            contract = session.get(Contract, self.contract_id)
            assert contract is not None
            return contract


def hired(
    client: User,
    contractor: User,
    *,
    price: str = "100",
    days: int = 5,
    currency: str = "USD",
    message: str = "I can do it well.",
) -> Deal:
    """The contractor's bid on a new listing of the client's, accepted: a contract neither has accepted yet."""
    listing = make_listing(client, currency=currency)
    c, k = viewer_of(client), viewer_of(contractor)
    with session_scope() as session:
        bid_id = bids.place_bid(
            session,
            viewer=k,
            listing_id=listing.id,
            values={"amount": price, "message": message, "delivery_days": str(days)},
        )
    with session_scope() as session:
        contract_id = bids.accept_bid(session, viewer=c, bid_id=bid_id)
    return Deal(contract_id, c, k)


def agreed_contract(
    client: User, contractor: User, *, price: str = "100", days: int = 5, currency: str = "USD"
) -> Deal:
    """A bid accepted and the contract accepted by both: awaiting funding."""
    deal = hired(client, contractor, price=price, days=days, currency=currency)
    for who in (deal.client, deal.contractor):
        with session_scope() as session:
            lifecycle.accept_terms(session, viewer=who, contract_id=deal.contract_id, version=1)
    return deal


def reprice(deal: Deal, *, amount_minor: int, fee_bps: int) -> None:
    """The contract's price and fee rewritten in its row, as a contract made under older rules may have them (a price
    below today's minimum cannot be bid any more)."""
    with session_scope() as session:
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None
        contract.amount_minor, contract.fee_bps = amount_minor, fee_bps
        session.add(contract)


def run_now(work: Coroutine[Any, Any, T]) -> T:
    """Run a service coroutine to the end, also beside a running event loop (Playwright's sync API keeps one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def fund(deal: Deal, gateway: PaymentGateway | None = None, card: str = TEST_CARD) -> funding.FundingOutcome:
    """The client pays (the sandbox unless another gateway is given) with a test card, as the contract page does."""
    return run_now(
        funding.fund_contract(
            session_factory=session_scope,
            gateway=gateway or SandboxGateway(),
            viewer=deal.client,
            contract_id=deal.contract_id,
            test_card=card,
        )
    )


def run_jobs(gateway: object, *, now: datetime | None = None, handlers: dict[str, JobHandler] | None = None) -> int:
    """The scheduler's worker, once: runs the jobs due by `now` (the contract jobs, unless `handlers` are given) with
    this payment gateway; returns how many ran to completion."""
    return run_now(
        scheduler.run_due_jobs(session_scope, handlers=handlers or jobs.HANDLERS, ports={"gateway": gateway}, now=now)
    )


def deliver(deal: Deal, message: str = "Here is the work.") -> int:
    with session_scope() as session:
        return deliveries.submit_delivery(
            session, viewer=deal.contractor, contract_id=deal.contract_id, message=message
        )


def approve(deal: Deal) -> Split:
    """The client approves the delivery: the escrow is released."""
    with session_scope() as session:
        return deliveries.approve_delivery(session, viewer=deal.client, contract_id=deal.contract_id)


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
