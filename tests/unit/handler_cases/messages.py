"""Messages: only the two parties of a thread open, read or write it; the list shows only one's own."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from jtbd_app.models import Message, MessageThread, Notification, ThreadRead
from jtbd_app.services.messaging import message_view
from jtbd_app.state.messages import MessagesState, OpenThreadState, ThreadState
from tests.support.handlers import call, state_for
from tests.support.messaging import Deal, make_deal, send

SECRET = "The key is under the mat."

PUBLIC = {
    "MessagesState.setvar": "Reflex built-in; display vars only; every load re-reads the cookie and the service",
    "ThreadState.setvar": "Reflex built-in; display vars only; the thread id comes from the route and is re-checked",
    "OpenThreadState.setvar": "Reflex built-in; display vars only; opening re-checks bids and invitations",
}


def _victims() -> Deal:
    """Olive's listing with Bruno's bid, and a private message Bruno has not read yet."""
    deal = make_deal()
    send(deal.owner_viewer, deal.thread_id, SECRET)
    return deal


def _snapshot(db: Session) -> tuple[int, int, int, list[tuple[int, int, int]]]:
    db.expire_all()
    reads = [(r.thread_id, r.user_id, r.last_read_message_id) for r in db.exec(select(ThreadRead)).all()]
    return (
        db.exec(select(func.count()).select_from(MessageThread)).one(),
        db.exec(select(func.count()).select_from(Message)).one(),
        db.exec(select(func.count()).select_from(Notification)).one(),
        sorted(reads),
    )


def _refused(state: Any, caller: str | None, message: str) -> None:
    expected = "Please sign in to continue." if caller is None else None
    assert message, "a refusal must be shown"
    if expected:
        assert message == expected
    assert SECRET not in repr(state.get_delta())


def _load_threads(caller: str | None, db: Session) -> None:
    _victims()
    before = _snapshot(db)
    state = state_for(MessagesState, token=caller, path="/messages")
    call(state, "load_threads")
    assert state.threads == [] and state.total == 0
    if caller is None:
        _refused(state, caller, state.refusal)
    assert SECRET not in repr(state.get_delta()) and _snapshot(db) == before


def _go_to_page(caller: str | None, db: Session) -> None:
    _victims()
    before = _snapshot(db)
    state = state_for(MessagesState, token=caller, path="/messages")
    for page in (1, 2, -1, "1", None):
        call(state, "go_to_page", page)
        assert state.threads == [] and state.total == 0
    if caller is None:
        _refused(state, caller, state.refusal)
    assert SECRET not in repr(state.get_delta()) and _snapshot(db) == before


def _load_thread(caller: str | None, db: Session) -> None:
    deal = _victims()
    before = _snapshot(db)
    state = state_for(ThreadState, token=caller, path=f"/messages/{deal.thread_id}")
    call(state, "load_thread")
    assert state._live_topic == ""  # nothing is watched live for this caller
    assert state.items == [] and state.thread.title == ""
    _refused(state, caller, state.refusal)
    assert _snapshot(db) == before


def _send_message(caller: str | None, db: Session) -> None:
    deal = _victims()
    before = _snapshot(db)
    state = state_for(ThreadState, token=caller, path=f"/messages/{deal.thread_id}")
    state.thread = message_view.ThreadView(id=deal.thread_id, can_send=True)
    call(state, "send_message", {"body": "Send me the money instead."})
    _refused(state, caller, state.errors.get("form", ""))
    assert _snapshot(db) == before


def _load_earlier(caller: str | None, db: Session) -> None:
    deal = _victims()
    before = _snapshot(db)
    state = state_for(ThreadState, token=caller, path=f"/messages/{deal.thread_id}")
    state.items = [message_view.MessageItem(id=10**6)]
    call(state, "load_earlier")
    assert [m.id for m in state.items] == [10**6]
    _refused(state, caller, state.errors.get("form", ""))
    assert _snapshot(db) == before


def _open_thread(caller: str | None, db: Session) -> None:
    deal = _victims()
    before = _snapshot(db)
    for query in (f"listing={deal.listing.id}&with=bruno", f"listing={deal.listing.id}&with=olive", "listing=1"):
        state = state_for(OpenThreadState, token=caller, path=f"/messages/open?{query}")
        assert call(state, "open_thread") is None  # no redirect into the thread
        _refused(state, caller, state.refusal)
    assert _snapshot(db) == before


GUARDED = {
    "MessagesState.load_threads": _load_threads,
    "MessagesState.go_to_page": _go_to_page,
    "ThreadState.load_thread": _load_thread,
    "ThreadState.send_message": _send_message,
    "ThreadState.load_earlier": _load_earlier,
    "OpenThreadState.open_thread": _open_thread,
}
