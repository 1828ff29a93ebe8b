"""Opening a listing thread and sending messages: who may, what is accepted, and what follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain import messages as rules
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Message, MessageThread, Notification, ThreadRead
from jtbd_app.services.messaging import messages
from jtbd_app.services.viewer import Viewer
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.messaging import count_rows, invite, make_deal, place_bid, send
from tests.support.viewers import signed_in_viewer


def open_thread(viewer: Viewer | None, listing_id: object, with_username: object) -> int:
    with session_scope() as s:
        return messages.open_listing_thread(s, viewer=viewer, listing_id=listing_id, with_username=with_username)


# --- opening a thread ------------------------------------------------------------------------------


def test_owner_opens_a_thread_with_a_bidder_and_gets_the_same_one_again(db: Session) -> None:
    deal = make_deal()

    again = open_thread(deal.owner_viewer, deal.listing.id, "Bruno ")

    assert again == deal.thread_id
    thread = db.exec(select(MessageThread)).one()
    assert (thread.client_id, thread.provider_id, thread.listing_id) == (deal.owner.id, deal.bidder.id, deal.listing.id)


def test_bidder_opens_the_same_thread_with_or_without_naming_the_owner(db: Session) -> None:
    deal = make_deal()

    assert open_thread(deal.bidder_viewer, deal.listing.id, None) == deal.thread_id
    assert open_thread(deal.bidder_viewer, str(deal.listing.id), "olive") == deal.thread_id
    assert count_rows(db, MessageThread) == 1


@pytest.mark.parametrize("status", ["accepted", "rejected", "withdrawn"])
def test_a_bid_of_any_status_lets_the_two_talk(db: Session, status: str) -> None:
    owner, bidder = make_user("olive"), make_user("bruno")
    listing = make_listing(owner)
    place_bid(listing, bidder, status=status)

    assert open_thread(signed_in_viewer(bidder), listing.id, None) > 0


def test_an_invitee_without_a_bid_can_talk_with_the_owner(db: Session) -> None:
    owner, guest = make_user("olive"), make_user("ivy")
    listing = make_listing(owner)
    invite(listing, guest)

    from_owner = open_thread(signed_in_viewer(owner), listing.id, "ivy")

    assert open_thread(signed_in_viewer(guest), listing.id, None) == from_owner


def test_owner_cannot_open_a_thread_with_a_member_who_has_no_bid_or_invitation(db: Session) -> None:
    owner = make_user("olive")
    make_user("stranger")
    listing = make_listing(owner)

    with pytest.raises(NotFound):
        open_thread(signed_in_viewer(owner), listing.id, "stranger")
    with pytest.raises(NotFound):
        open_thread(signed_in_viewer(owner), listing.id, "nobody-here")
    with pytest.raises(NotFound):
        open_thread(signed_in_viewer(owner), listing.id, None)
    assert count_rows(db, MessageThread) == 0


def test_a_member_without_a_bid_or_invitation_cannot_open_a_thread(db: Session) -> None:
    deal = make_deal()
    third = signed_in_viewer(make_user("mallory"))

    with pytest.raises(PermissionDenied):
        open_thread(third, deal.listing.id, None)
    with pytest.raises(PermissionDenied):
        open_thread(third, deal.listing.id, "olive")
    with pytest.raises(PermissionDenied):  # naming the bidder does not help
        open_thread(third, deal.listing.id, "bruno")
    assert count_rows(db, MessageThread) == 1


def test_a_bidder_can_only_message_the_owner_not_another_bidder(db: Session) -> None:
    deal = make_deal()
    rival = make_user("rita")
    place_bid(deal.listing, rival)

    with pytest.raises(PermissionDenied):
        open_thread(deal.bidder_viewer, deal.listing.id, "rita")
    assert count_rows(db, MessageThread) == 1


def test_nobody_threads_with_themselves(db: Session) -> None:
    owner = make_user("olive")
    listing = make_listing(owner)
    place_bid(listing, owner)  # even if a bid of the owner existed

    with pytest.raises(PermissionDenied, match="yourself"):
        open_thread(signed_in_viewer(owner), listing.id, "olive")
    assert count_rows(db, MessageThread) == 0


def test_anonymous_and_suspended_members_cannot_open_a_thread(db: Session) -> None:
    owner, bidder = make_user("olive"), make_user("bruno", status="suspended")
    listing = make_listing(owner)
    place_bid(listing, bidder)

    with pytest.raises(NotSignedIn):
        open_thread(None, listing.id, "bruno")
    with pytest.raises(PermissionDenied, match="suspended"):
        open_thread(signed_in_viewer(bidder), listing.id, None)
    assert count_rows(db, MessageThread) == 0


@pytest.mark.parametrize("listing_id", [None, "abc", -1, 0, True, 2**70, 999_999, 1.5, ["1"], {"id": 1}])
def test_unknown_or_malformed_listing_ids_are_not_found(db: Session, listing_id: object) -> None:
    deal = make_deal()

    with pytest.raises(NotFound):
        open_thread(deal.owner_viewer, listing_id, "bruno")


@pytest.mark.parametrize("with_username", [42, ["bruno"], {"u": "bruno"}])
def test_malformed_usernames_are_not_found(db: Session, with_username: object) -> None:
    deal = make_deal()

    with pytest.raises(NotFound):
        open_thread(deal.owner_viewer, deal.listing.id, with_username)


# --- sending ---------------------------------------------------------------------------------------


def test_sending_stores_the_message_marks_it_read_for_the_sender_and_notifies_the_other(db: Session) -> None:
    deal = make_deal()

    send(deal.owner_viewer, deal.thread_id, "  Hello Bruno,\nwhen can you start?  ")

    message = db.exec(select(Message)).one()
    assert message.body == "Hello Bruno,\nwhen can you start?" and message.sender_id == deal.owner.id
    thread = db.get(MessageThread, deal.thread_id)
    assert thread is not None and thread.last_message_at == message.created_at
    read = db.get(ThreadRead, (deal.thread_id, deal.owner.id))
    assert read is not None and read.last_read_message_id == message.id
    note = db.exec(select(Notification)).one()
    assert note.user_id == deal.bidder.id and note.kind == "message"
    assert note.title == "New message from Olive"
    assert note.body == "Hello Bruno, when can you start?"
    assert note.link == f"/messages/{deal.thread_id}"


def test_the_notification_carries_only_the_start_of_a_long_message(db: Session) -> None:
    deal = make_deal()

    send(deal.bidder_viewer, deal.thread_id, "word " * 900)

    note = db.exec(select(Notification)).one()
    assert note.user_id == deal.owner.id and len(note.body) <= 200


def test_control_characters_are_stripped_and_line_breaks_kept(db: Session) -> None:
    deal = make_deal()

    send(deal.owner_viewer, deal.thread_id, "a\x00b\x07c\r\nd\te\x1b")

    assert db.exec(select(Message)).one().body == "abc\r\nd\te"


def test_plain_text_with_angle_brackets_that_is_not_a_tag_is_accepted(db: Session) -> None:
    deal = make_deal()

    send(deal.owner_viewer, deal.thread_id, "Budget < 500 and quality > speed <3")

    assert db.exec(select(Message)).one().body == "Budget < 500 and quality > speed <3"


HOSTILE_BODIES = [
    ("", "Write a message first."),
    ("   \n\t ", "Write a message first."),
    ("\x00\x01", "Write a message first."),
    (None, "Write a message first."),
    (42, "Write a message first."),
    (["hi"], "Write a message first."),
    ({"body": "hi"}, "Write a message first."),
    ("x" * 5001, "at most 5000 characters"),
    ("x" * 1_000_000, "at most 5000 characters"),
    ("<script>alert(1)</script>", "plain text"),
    ("Hi <b>there</b>", "plain text"),
    ('<img src=x onerror="alert(1)">', "plain text"),
    ("<!-- hidden -->", "plain text"),
    ("< a href='javascript:alert(1)'>x</a>", "plain text"),
]


@pytest.mark.parametrize(("body", "message"), HOSTILE_BODIES, ids=[repr(b)[:30] for b, _ in HOSTILE_BODIES])
def test_bad_bodies_are_refused_with_a_message_on_the_body_field_and_nothing_changes(
    db: Session, body: object, message: str
) -> None:
    deal = make_deal()

    with pytest.raises(ValidationFailed) as caught:
        send(deal.owner_viewer, deal.thread_id, body)  # type: ignore[arg-type]

    assert set(caught.value.fields) == {"body"} and message in caught.value.fields["body"]
    assert count_rows(db, Message) == 0 and count_rows(db, Notification) == 0


def test_exactly_5000_characters_are_accepted(db: Session) -> None:
    deal = make_deal()

    send(deal.owner_viewer, deal.thread_id, "y" * rules.MAX_BODY)

    assert len(db.exec(select(Message)).one().body) == rules.MAX_BODY


def test_a_third_member_cannot_send_in_a_thread(db: Session) -> None:
    deal = make_deal()

    with pytest.raises(PermissionDenied):
        send(signed_in_viewer(make_user("mallory")), deal.thread_id, "Hi there")
    assert count_rows(db, Message) == 0


def test_anonymous_and_suspended_parties_cannot_send(db: Session) -> None:
    deal = make_deal()
    with session_scope() as s:
        bidder = s.get(type(deal.bidder), deal.bidder.id)
        assert bidder is not None
        bidder.status = "suspended"
    with pytest.raises(NotSignedIn):
        send(None, deal.thread_id, "Hi")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="suspended"):
        send(signed_in_viewer(deal.bidder), deal.thread_id, "Hi")
    assert count_rows(db, Message) == 0


def test_an_admin_who_is_not_a_party_cannot_send(db: Session) -> None:
    deal = make_deal()

    with pytest.raises(PermissionDenied, match="not write"):
        send(signed_in_viewer(make_user("boss", role="admin")), deal.thread_id, "Hi")
    assert count_rows(db, Message) == 0


@pytest.mark.parametrize("thread_id", [None, "x", -5, 0, True, 2**70, 12345, 2.0])
def test_unknown_or_malformed_thread_ids_are_refused_when_sending(db: Session, thread_id: object) -> None:
    deal = make_deal()

    with pytest.raises(NotFound):
        send(deal.owner_viewer, thread_id, "Hi")  # type: ignore[arg-type]


def test_more_than_30_messages_a_minute_are_refused_and_older_ones_do_not_count(db: Session) -> None:
    deal = make_deal()
    sender = deal.owner_viewer
    for n in range(rules.RATE_LIMIT):
        send(sender, deal.thread_id, f"message {n}")

    with pytest.raises(ValidationFailed, match="too fast"):
        send(sender, deal.thread_id, "one too many")
    send(deal.bidder_viewer, deal.thread_id, "the other party is not limited by it")

    with session_scope() as s:
        for m in s.exec(select(Message).where(Message.sender_id == deal.owner.id)).all():
            m.created_at = m.created_at - timedelta(seconds=rules.RATE_WINDOW_SECONDS + 1)
            s.add(m)
    send(sender, deal.thread_id, "a minute later")
    assert count_rows(db, Message) == rules.RATE_LIMIT + 2
