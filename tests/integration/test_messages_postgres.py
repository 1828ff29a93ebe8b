"""Messages on PostgreSQL: the grouped unread queries, and two members opening one thread at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jtbd_app.models import Bid, Listing, MessageThread
from jtbd_app.services.messaging import message_view, messages
from jtbd_app.services.viewer import Viewer
from tests.support.database import migrated_engine
from tests.support.viewers import viewer_named


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    with migrated_engine(postgres_url, demo_data=True) as engine:
        yield engine


def _listing_with_bid(session: Session, owner: Viewer, bidder: Viewer) -> int:
    listing = Listing(owner_id=owner.user_id, status="open", title="Tidy a garden")
    session.add(listing)
    session.flush()
    assert listing.id is not None
    session.add(
        Bid(listing_id=listing.id, bidder_id=bidder.user_id, amount_minor=9_000, currency="USD", delivery_days=2)
    )
    session.commit()
    return listing.id


def test_messages_unread_counts_and_the_list_on_postgresql(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        alice, bob = viewer_named("alice", session), viewer_named("bob", session)
        listing_id = _listing_with_bid(session, alice, bob)
        thread_id = messages.open_listing_thread(session, viewer=alice, listing_id=listing_id, with_username="bob")
        for sender, body in ((alice, "Hello Bob"), (bob, "Hi"), (alice, "Free on Friday?"), (alice, "Or Saturday?")):
            messages.send_message(session, viewer=sender, thread_id=thread_id, body=body)
        session.commit()

        listed = message_view.list_threads(session, viewer=bob)
        assert [(t.other_username, t.unread, t.excerpt) for t in listed.threads] == [("alice", 2, "Or Saturday?")]
        assert message_view.list_threads(session, viewer=alice).threads[0].excerpt == "You: Or Saturday?"
        assert message_view.unread_total(session, user_id=alice.user_id) == 0  # she wrote after Bob's reply
        assert len(message_view.thread_view(session, viewer=bob, thread_id=thread_id).messages) == 4
        assert message_view.unread_total(session, user_id=bob.user_id) == 0


def test_two_members_opening_the_same_thread_at_once_get_one_thread(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        alice, bob = viewer_named("alice", setup), viewer_named("bob", setup)
        listing_id = _listing_with_bid(setup, alice, bob)
    found: dict[str, int] = {}

    def bob_opens() -> None:
        with Session(engine) as session:
            found["bob"] = messages.open_listing_thread(session, viewer=bob, listing_id=listing_id, with_username=None)
            session.commit()

    with Session(engine) as first:
        found["alice"] = messages.open_listing_thread(first, viewer=alice, listing_id=listing_id, with_username="bob")
        other = threading.Thread(target=bob_opens)
        other.start()
        time.sleep(0.5)  # Bob's insert now waits on the unique index behind Alice's open transaction
        first.commit()
        other.join(timeout=10)

    assert found["bob"] == found["alice"]
    with Session(engine) as check:
        # (the demo data's contracts have threads of their own: each tied when its bid was accepted)
        assert len(check.exec(select(MessageThread).where(MessageThread.listing_id == listing_id)).all()) == 1
