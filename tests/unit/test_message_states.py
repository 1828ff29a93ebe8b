"""The message pages' states as a browser drives them: open, read, send, page back, list (new messages arriving:
test_live_states)."""

from __future__ import annotations

from typing import Any

import pytest
from reflex.event import EventSpec
from sqlmodel import Session, func, select

from jtbd_app.models import Message
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.messages import MessagesState, OpenThreadState, ThreadState
from jtbd_app.state.session import SessionState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.messaging import make_deal, send


def _thread_state(token: str, thread_id: int) -> Any:
    return state_for(ThreadState, token=token, path=f"/messages/{thread_id}")


def test_opening_from_the_listing_redirects_the_owner_into_the_thread(db: Session) -> None:
    deal = make_deal()
    state = state_for(
        OpenThreadState,
        token=session_token(deal.owner),
        path=f"/messages/open?listing={deal.listing.id}&with=bruno",
    )

    result = call(state, "open_thread")

    assert isinstance(result, EventSpec) and f"/messages/{deal.thread_id}" in str(result.args)
    assert state.refusal == ""


def test_opening_without_a_listing_shows_why(db: Session) -> None:
    deal = make_deal()
    state = state_for(OpenThreadState, token=session_token(deal.owner), path="/messages/open?with=bruno")

    assert call(state, "open_thread") is None
    assert state.refusal == "That listing does not exist." and state.loaded


def test_loading_a_thread_shows_its_messages_clears_the_badge_and_is_watched_live(db: Session) -> None:
    deal = make_deal(title="Bake a cake")
    send(deal.owner_viewer, deal.thread_id, "Hello Bruno")
    state = _thread_state(session_token(deal.bidder), deal.thread_id)

    call(state, "load_thread")

    assert [m.body for m in state.items] == ["Hello Bruno"] and state.thread.listing_title == "Bake a cake"
    assert state.thread.can_send and state.refusal == "" and state.unread_messages == 0
    assert state.parent_state._live_page == ThreadState.get_full_name()  # new messages come by the live tick


def test_sending_shows_the_message_and_clears_the_form(db: Session) -> None:
    deal = make_deal()
    state = _thread_state(session_token(deal.owner), deal.thread_id)
    call(state, "load_thread")
    key = state.form_key

    call(state, "send_message", {"body": "When can you start?"})

    assert [(m.body, m.mine) for m in state.items] == [("When can you start?", True)]
    assert state.errors == {} and state.form_key == key + 1


@pytest.mark.parametrize("body", ["<script>alert(1)</script>", "", "x" * 1_000_000])
def test_hostile_bodies_show_a_message_by_the_field_and_store_nothing(db: Session, body: str) -> None:
    deal = make_deal()
    state = _thread_state(session_token(deal.owner), deal.thread_id)
    call(state, "load_thread")

    call(state, "send_message", {"body": body})

    assert set(state.errors) == {"body"} and state.items == []
    assert db.exec(select(func.count()).select_from(Message)).one() == 0


@pytest.mark.parametrize("form", [{"body": 5}, {}, None, "body", []])
def test_a_message_that_is_not_a_form_is_refused_and_stores_nothing(db: Session, form: Any) -> None:
    deal = make_deal()
    state = _thread_state(session_token(deal.owner), deal.thread_id)
    call(state, "load_thread")

    assert call(state, "send_message", form) is REFUSAL

    assert state.errors == {} and state.items == []
    assert db.exec(select(func.count()).select_from(Message)).one() == 0


def test_load_earlier_prepends_the_previous_page(db: Session) -> None:
    deal = make_deal()
    owner, bidder = deal.owner_viewer, deal.bidder_viewer
    for n in range(55):  # alternating senders stay under the rate limit
        send(owner if n % 2 else bidder, deal.thread_id, f"m{n}")
    state = _thread_state(session_token(deal.bidder), deal.thread_id)
    call(state, "load_thread")
    assert len(state.items) == 50 and state.has_earlier

    call(state, "load_earlier")

    assert [m.body for m in state.items] == [f"m{n}" for n in range(55)] and not state.has_earlier


def test_the_list_shows_the_viewers_threads_and_pages(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "Hi Olive")
    state = state_for(MessagesState, token=session_token(deal.owner), path="/messages")

    call(state, "load_threads")
    call(state, "go_to_page", 7)

    assert [(t.other_name, t.unread, t.excerpt) for t in state.threads] == [("Bruno", 1, "Hi Olive")]
    assert state.page == 1 and state.pages == 1 and state.refusal == ""


def test_the_navbar_count_is_the_viewers_unread_messages(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "one")
    send(deal.owner_viewer, deal.thread_id, "two")
    bidder = state_for(SessionState, token=session_token(deal.bidder))
    owner = state_for(SessionState, token=session_token(deal.owner))
    anonymous = state_for(SessionState)

    for state in (bidder, owner, anonymous):
        call(state, "load_session")

    assert (bidder.unread_messages, owner.unread_messages, anonymous.unread_messages) == (2, 0, 0)


def test_an_admin_sees_the_thread_read_only_and_cannot_send(db: Session) -> None:
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, "evidence")
    state = _thread_state(session_token(make_user("boss", role="admin")), deal.thread_id)

    call(state, "load_thread")
    call(state, "send_message", {"body": "I am the admin"})

    assert state.thread.read_only and not state.thread.can_send
    assert [m.body for m in state.items] == ["evidence"]
    assert "not write" in state.errors["form"]
