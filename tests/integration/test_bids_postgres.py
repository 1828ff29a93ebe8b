"""Bids on PostgreSQL: two accepts racing on one listing (two workers) make exactly one contract."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jtbd_app.domain.errors import DomainError
from jtbd_app.models import Bid, Contract, Listing, Notification
from jtbd_app.services.marketplace import bids
from tests.support.database import migrated_engine
from tests.support.viewers import viewer_named


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    with migrated_engine(postgres_url, demo_data=True, pool_size=5) as engine:
        yield engine


def test_two_simultaneous_accepts_make_one_contract(engine: Engine) -> None:
    with Session(engine) as session:
        listing = session.exec(select(Listing).where(Listing.title == "Get 10K legit website visitors")).one()
        owner = viewer_named("carla", session)
        bid_ids = [b.id for b in session.exec(select(Bid).where(Bid.listing_id == listing.id)).all()]
    assert len(bid_ids) == 2
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(bid_id: object) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                bids.accept_bid(session, viewer=owner, bid_id=bid_id)
                session.commit()
                outcomes.append("accepted")
            except DomainError as exc:
                session.rollback()
                outcomes.append(exc.message)

    threads = [threading.Thread(target=accept, args=(bid_id,)) for bid_id in bid_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["This listing is no longer open.", "accepted"]
    with Session(engine) as session:
        contracts = session.exec(select(Contract).where(Contract.listing_id == listing.id)).all()
        assert len(contracts) == 1
        statuses = sorted(b.status for b in session.exec(select(Bid).where(Bid.listing_id == listing.id)).all())
        assert statuses == ["accepted", "rejected"]
        assert session.get(Listing, listing.id).status == "closed"  # type: ignore[union-attr]
        # Only this listing's notifications: the demo data's own contracts notified their bidders too.
        about = (f"/listings/{listing.id}", f"/contracts/{contracts[0].id}")
        kinds = sorted(n.kind for n in session.exec(select(Notification)).all() if n.link in about)
        assert kinds.count("bid_accepted") == 1 and kinds.count("bid_rejected") == 1
