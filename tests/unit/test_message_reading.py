"""Reading threads: the view and its pages, read marks, the thread list, unread counts, contract threads."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied
from jtbd_app.models import Bid, Contract, MessageThread, ThreadRead, User
from jtbd_app.services.messaging import message_view, messages
from jtbd_app.services.viewer import Viewer
from tests.support.database import counted_queries
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.messaging import Deal, make_deal, place_bid, send
from tests.support.viewers import signed_in_viewer, viewer_named


def view(viewer: Viewer | None, thread_id: object, **kw: Any) -> message_view.ThreadView:
    with session_scope() as s:
        return message_view.thread_view(s, viewer=viewer, thread_id=thread_id, **kw)


def unread(user_id: int | None) -> int:
    assert user_id is not None
    with session_scope() as s:
        return message_view.unread_total(s, user_id=user_id)


def threads(viewer: Viewer | None, page: object = 1, per_page: int = 20) -> message_view.ThreadPage:
    with session_scope() as s:
        return message_view.list_threads(s, viewer=viewer, page=page, per_page=per_page)


# --- the thread view -------------------------------------------------------------------------------


def test_a_party_sees_the_messages_oldest_first_with_sender_names_and_the_listing(db: Session) -> None:
    deal = make_deal(title="Bake a cake")
    send(deal.owner_viewer, deal.thread_id, "Hello")
    send(deal.bidder_viewer, deal.thread_id, "Hi!")

    seen = view(deal.bidder_viewer, deal.thread_id)

    assert [(m.sender_name, m.body, m.mine) for m in seen.messages] == [
        ("Olive", "Hello", False),
        ("Bruno", "Hi!", True),
    ]
    assert seen.title == "Conversation with Olive" and seen.other_username == "olive"
    assert seen.listing_title == "Bake a cake" and seen.listing_link == f"/listings/{deal.listing.id}"
    assert seen.can_send and not seen.read_only and not seen.has_earlier
    assert seen.messages[0].sent_at.endswith("UTC")


def test_an_empty_thread_shows_no_messages(db: Session) -> None:
    deal = make_deal()

    seen = view(deal.owner_viewer, deal.thread_id)

    assert seen.messages == [] and seen.title == "Conversation with Bruno" and seen.can_send


def test_the_newest_page_comes_first_and_earlier_pages_follow(db: Session) -> None:
    deal = make_deal()
    for n in range(7):
        send(deal.owner_viewer, deal.thread_id, f"m{n}")

    newest = view(deal.bidder_viewer, deal.thread_id, limit=3)
    earlier = view(deal.bidder_viewer, deal.thread_id, limit=3, before_id=newest.messages[0].id)
    first = view(deal.bidder_viewer, deal.thread_id, limit=3, before_id=earlier.messages[0].id)

    assert [m.body for m in newest.messages] == ["m4", "m5", "m6"] and newest.has_earlier
    assert [m.body for m in earlier.messages] == ["m1", "m2", "m3"] and earlier.has_earlier
    assert [m.body for m in first.messages] == ["m0"] and not first.has_earlier


def test_reading_the_thread_clears_the_readers_unread_count_only(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "one")
    send(deal.owner_viewer, deal.thread_id, "two")
    assert unread(deal.bidder.id) == 2 and unread(deal.owner.id) == 0

    view(deal.bidder_viewer, deal.thread_id)

    assert unread(deal.bidder.id) == 0
    send(deal.owner_viewer, deal.thread_id, "three")
    assert unread(deal.bidder.id) == 1


def test_loading_earlier_messages_does_not_move_the_read_mark_back(db: Session) -> None:
    deal = make_deal()
    for n in range(4):
        send(deal.owner_viewer, deal.thread_id, f"m{n}")
    newest = view(deal.bidder_viewer, deal.thread_id, limit=2)

    view(deal.bidder_viewer, deal.thread_id, limit=2, before_id=newest.messages[0].id)

    assert unread(deal.bidder.id) == 0


def test_a_third_member_and_anonymous_visitors_cannot_read_a_thread(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "private")

    with pytest.raises(PermissionDenied, match="private"):
        view(signed_in_viewer(make_user("mallory")), deal.thread_id)
    with pytest.raises(NotSignedIn):
        view(None, deal.thread_id)
    eve = signed_in_viewer(make_user("eve"))
    with pytest.raises(PermissionDenied), session_scope() as s:
        message_view.messages_since(s, viewer=eve, thread_id=deal.thread_id, after_id=0)


@pytest.mark.parametrize("thread_id", [None, "x", -1, 0, True, 2**70, 777, [1]])
def test_unknown_or_malformed_thread_ids_are_not_found_when_reading(db: Session, thread_id: object) -> None:
    deal = make_deal()

    with pytest.raises(NotFound):
        view(deal.owner_viewer, thread_id)


@pytest.mark.parametrize("before_id", ["x", -1, True, 2**70])
def test_malformed_before_ids_are_not_found(db: Session, before_id: object) -> None:
    deal = make_deal()

    with pytest.raises(NotFound):
        view(deal.owner_viewer, deal.thread_id, before_id=before_id)


def test_an_admin_reads_any_thread_read_only_without_marking_it_read(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "for the record")
    admin = signed_in_viewer(make_user("boss", role="admin"))

    seen = view(admin, deal.thread_id)
    with session_scope() as s:
        polled = message_view.messages_since(s, viewer=admin, thread_id=deal.thread_id, after_id=0)

    assert seen.read_only and not seen.can_send
    assert seen.title == "Conversation between Olive (client) and Bruno"
    assert [m.body for m in seen.messages] == ["for the record"] and not seen.messages[0].mine
    assert [m.body for m in polled] == ["for the record"]
    assert unread(deal.bidder.id) == 1
    assert db.exec(select(ThreadRead).where(ThreadRead.user_id == admin.user_id)).first() is None


def test_a_suspended_party_can_still_read_but_not_send(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "hello")
    with session_scope() as s:
        bidder = s.get(type(deal.bidder), deal.bidder.id)
        assert bidder is not None
        bidder.status = "suspended"

    seen = view(signed_in_viewer(deal.bidder), deal.thread_id)

    assert [m.body for m in seen.messages] == ["hello"] and not seen.can_send and not seen.read_only


def test_messages_since_returns_only_newer_messages_and_marks_them_read(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "old")
    shown = view(deal.bidder_viewer, deal.thread_id).messages[-1].id
    send(deal.owner_viewer, deal.thread_id, "new")
    bidder = deal.bidder_viewer

    with session_scope() as s:
        fresh = message_view.messages_since(s, viewer=bidder, thread_id=deal.thread_id, after_id=shown)
        nothing = message_view.messages_since(s, viewer=bidder, thread_id=deal.thread_id, after_id=10**6)

    assert [m.body for m in fresh] == ["new"] and nothing == []
    assert unread(deal.bidder.id) == 0


# --- the thread list and unread counts -------------------------------------------------------------


def _second_deal(owner_viewer: Viewer, title: str, bidder_name: str) -> int:
    with session_scope() as s:
        owner = s.get(User, owner_viewer.user_id)
    assert owner is not None
    listing = make_listing(owner, title=title)
    place_bid(listing, make_user(bidder_name))
    with session_scope() as s:
        return messages.open_listing_thread(s, viewer=owner_viewer, listing_id=listing.id, with_username=bidder_name)


def test_the_list_shows_threads_newest_activity_first_with_unread_counts_and_excerpts(db: Session) -> None:
    deal = make_deal(title="Bake a cake")
    other = _second_deal(deal.owner_viewer, "Paint a fence", "pia")
    send(deal.bidder_viewer, deal.thread_id, "First question")
    send(deal.bidder_viewer, deal.thread_id, "Second question")
    send(viewer_named("pia"), other, "Fence " * 60)

    listed = threads(deal.owner_viewer)

    assert [(t.id, t.other_name, t.listing_title, t.unread) for t in listed.threads] == [
        (other, "Pia", "Paint a fence", 1),
        (deal.thread_id, "Bruno", "Bake a cake", 2),
    ]
    assert listed.threads[1].excerpt == "Second question" and len(listed.threads[0].excerpt) <= 120
    assert listed.total == 2 and listed.pages == 1 and listed.page == 1
    assert unread(deal.owner.id) == 3
    assert threads(deal.bidder_viewer).threads[0].excerpt == "You: Second question"


def test_threads_without_messages_are_not_listed_and_others_threads_never_are(db: Session) -> None:
    deal = make_deal()
    make_deal("oscar", "bella")
    send(viewer_named("oscar"), 2, "not yours")

    assert threads(deal.owner_viewer).threads == []
    assert threads(deal.bidder_viewer).total == 0
    assert threads(signed_in_viewer(make_user("nobody"))).threads == []


def test_the_list_paginates_and_clamps_hostile_page_numbers(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "a")
    for n in range(4):
        tid = _second_deal(deal.owner_viewer, f"Job {n}", f"bidder{n}")
        send(deal.owner_viewer, tid, f"to {n}")

    first, second, last = (threads(deal.owner_viewer, page=p, per_page=2) for p in (1, 2, 3))

    assert [len(p.threads) for p in (first, second, last)] == [2, 2, 1] and first.pages == 3
    assert len({t.id for p in (first, second, last) for t in p.threads}) == 5
    for hostile in (-3, 0, "2", None, True, 10**9):
        assert threads(deal.owner_viewer, page=hostile, per_page=2).page in (1, 3)


def test_listing_unread_counts_uses_a_fixed_number_of_queries(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "a")
    for n in range(5):
        tid = _second_deal(deal.owner_viewer, f"Job {n}", f"bidder{n}")
        send(viewer_named(f"bidder{n}"), tid, f"from {n}")
    owner = deal.owner_viewer
    with counted_queries() as statements:
        listed = threads(owner)

    assert len(listed.threads) == 6 and all(t.unread == 1 for t in listed.threads)
    assert len(statements) <= 4  # total, page, unread counts (grouped), last messages


def test_anonymous_visitors_have_no_thread_list(db: Session) -> None:
    with pytest.raises(NotSignedIn):
        threads(None)


# --- contracts -------------------------------------------------------------------------------------


def _contract(deal: Deal) -> int:
    with session_scope() as s:
        bid = s.exec(select(Bid).where(Bid.listing_id == deal.listing.id)).one()
        assert bid.id is not None and deal.listing.id is not None
        contract = Contract(
            listing_id=deal.listing.id,
            bid_id=bid.id,
            client_id=deal.listing.owner_id,
            contractor_id=bid.bidder_id,
            amount_minor=bid.amount_minor,
            currency=bid.currency,
            delivery_days=bid.delivery_days,
        )
        s.add(contract)
        s.flush()
        assert contract.id is not None
        return contract.id


def test_a_contract_reuses_the_listing_thread_of_the_same_two_members(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "before the contract")
    contract_id = _contract(deal)

    with session_scope() as s:
        tied = messages.thread_for_contract(s, contract_id=contract_id)

    assert tied == deal.thread_id
    thread = db.get(MessageThread, tied)
    assert thread is not None and thread.contract_id == contract_id
    assert view(deal.owner_viewer, tied).contract_link == f"/contracts/{contract_id}"


def test_a_contract_without_a_listing_thread_gets_a_new_one(db: Session) -> None:
    owner, bidder = make_user("olive"), make_user("bruno")
    listing = make_listing(owner)
    place_bid(listing, bidder)
    contract_id = _contract(Deal(owner, bidder, listing, 0))

    with session_scope() as s:
        tied = messages.thread_for_contract(s, contract_id=contract_id)
        again = messages.thread_for_contract(s, contract_id=contract_id)

    thread = db.get(MessageThread, tied)
    assert tied == again and thread is not None
    assert (thread.client_id, thread.provider_id, thread.contract_id) == (owner.id, bidder.id, contract_id)


def test_an_unknown_contract_has_no_thread(db: Session) -> None:
    with session_scope() as s, pytest.raises(NotFound):
        messages.thread_for_contract(s, contract_id=404)


def test_replying_counts_as_having_read_what_came_before(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "one")
    send(deal.owner_viewer, deal.thread_id, "two")

    send(deal.bidder_viewer, deal.thread_id, "got both")

    assert unread(deal.bidder.id) == 0 and unread(deal.owner.id) == 1


def test_opening_a_thread_and_polling_it_also_give_the_readers_unread_count(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "One")
    send(deal.owner_viewer, deal.thread_id, "Two")
    assert unread(deal.bidder_viewer.user_id) == 2
    with session_scope() as s:
        opened = message_view.opened_thread(s, viewer=deal.bidder_viewer, thread_id=deal.thread_id)
    assert [m.body for m in opened.view.messages] == ["One", "Two"] and opened.unread == 0
    send(deal.owner_viewer, deal.thread_id, "Three")
    with session_scope() as s:
        fresh = message_view.new_messages(
            s, viewer=deal.bidder_viewer, thread_id=deal.thread_id, after_id=opened.view.messages[-1].id
        )
    assert [m.body for m in fresh.items] == ["Three"] and fresh.unread == 0
    with session_scope() as s, pytest.raises(NotSignedIn):
        message_view.opened_thread(s, viewer=None, thread_id=deal.thread_id)
    with session_scope() as s, pytest.raises(NotSignedIn):
        message_view.new_messages(s, viewer=None, thread_id=deal.thread_id, after_id=0)
