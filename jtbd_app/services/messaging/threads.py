"""Lookups the messaging commands and reads share: a thread by id, the read mark.

Kept apart so that messaging.messages (writes) and messaging.message_view (reads) need not import each other.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import MessageThread, ThreadRead
from jtbd_app.services import live

PRIVATE = "This conversation is private to the two members in it."


def find_thread(session: Session, thread_id: object) -> MessageThread:
    thread = session.get(MessageThread, parse_id(thread_id, not_found="That conversation does not exist."))
    if thread is None:
        raise NotFound("That conversation does not exist.")
    return thread


def mark_read(session: Session, *, thread_id: int, user_id: int, message_id: int) -> None:
    """Move the member's read mark forward (never back)."""
    row = session.get(ThreadRead, (thread_id, user_id))
    if row is None:
        try:
            with session.begin_nested():
                session.add(ThreadRead(thread_id=thread_id, user_id=user_id, last_read_message_id=message_id))
            live.touch(session, live.user_topic(user_id))  # their unread count
            return
        except IntegrityError:
            row = session.get(ThreadRead, (thread_id, user_id))
            assert row is not None
    if row.last_read_message_id < message_id:
        row.last_read_message_id = message_id
        session.add(row)
        live.touch(session, live.user_topic(user_id))
        session.flush()
