"""Lookups the messaging commands and reads share: an id from untrusted input, a thread by id, the read mark.

Kept apart so that services.messages (writes) and services.message_reading (reads) need not import each other.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from jtbd_app.domain.errors import NotFound
from jtbd_app.models import MessageThread, ThreadRead

MAX_ID = 2**62
PRIVATE = "This conversation is private to the two members in it."


def record_id(value: object, message: str) -> int:
    """A database id from untrusted input (a crafted websocket message may send anything)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < MAX_ID:
        raise NotFound(message)
    return value


def find_thread(session: Session, thread_id: object) -> MessageThread:
    thread = session.get(MessageThread, record_id(thread_id, "That conversation does not exist."))
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
            return
        except IntegrityError:
            row = session.get(ThreadRead, (thread_id, user_id))
            assert row is not None
    if row.last_read_message_id < message_id:
        row.last_read_message_id = message_id
        session.add(row)
        session.flush()
