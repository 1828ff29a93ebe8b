"""What members do with private messages: open a listing's thread, write in it, tie it to a contract.

Only the two parties of a thread write in it (an administrator may read it, see messaging.message_view).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jtbd_app.domain import messages as rules
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Bid, Contract, Invitation, Listing, Message, MessageThread, User, utcnow
from jtbd_app.services import live
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.messaging.threads import PRIVATE, find_thread, mark_read
from jtbd_app.services.viewer import Viewer, require_active


def open_listing_thread(session: Session, *, viewer: Viewer | None, listing_id: object, with_username: object) -> int:
    """The thread between a listing's owner and one bidder or invitee, created on first use."""
    actor = require_active(viewer)
    listing = session.get(Listing, parse_id(listing_id, not_found="That listing does not exist."))
    if listing is None or listing.id is None:
        raise NotFound("That listing does not exist.")
    name = with_username.strip().lower() if isinstance(with_username, str) else ""
    if with_username is not None and not isinstance(with_username, str):
        raise NotFound("There is no such member on this listing.")
    if actor.user_id == listing.owner_id:
        if not name:
            raise NotFound("Choose the bidder or invited member to message.")
        if name == actor.username:
            raise PermissionDenied("You cannot message yourself.")
        other = session.exec(select(User).where(User.username == name)).first()
        if other is None or other.id is None or not _takes_part(session, listing.id, other.id):
            raise NotFound("That member has not bid on or been invited to this listing.")
        client_id, provider_id = actor.user_id, other.id
    else:
        owner = session.get(User, listing.owner_id)
        if name and (owner is None or name != owner.username):
            raise PermissionDenied("You can only message the owner of this listing.")
        if not _takes_part(session, listing.id, actor.user_id):
            raise PermissionDenied("Only members who bid on or were invited to this listing can message its owner.")
        client_id, provider_id = listing.owner_id, actor.user_id
    return _thread_id(session, listing_id=listing.id, client_id=client_id, provider_id=provider_id)


def send_message(session: Session, *, viewer: Viewer | None, thread_id: object, body: object) -> None:
    """A party writes in the thread; the other party is notified."""
    actor = require_active(viewer)
    thread = find_thread(session, thread_id)
    if actor.user_id not in (thread.client_id, thread.provider_id):
        raise PermissionDenied(
            "Administrators can read this conversation but not write in it." if actor.is_admin else PRIVATE
        )
    try:
        text = rules.clean_body(body)
    except ValueError as exc:
        raise ValidationFailed({"body": str(exc)}) from exc
    if _sent_recently(session, sender_id=actor.user_id) >= rules.RATE_LIMIT:
        raise ValidationFailed({"body": "You are sending messages too fast. Wait a minute, then try again."})
    assert thread.id is not None
    now = utcnow()
    message = Message(thread_id=thread.id, sender_id=actor.user_id, body=text, created_at=now)
    session.add(message)
    thread.last_message_at = now
    session.add(thread)
    session.flush()
    assert message.id is not None
    mark_read(session, thread_id=thread.id, user_id=actor.user_id, message_id=message.id)
    other = thread.provider_id if actor.user_id == thread.client_id else thread.client_id
    live.touch(session, live.thread_topic(thread.id), live.user_topic(other))
    notify(
        session,
        user_id=other,
        kind="message",
        title=f"New message from {actor.display_name}",
        body=rules.excerpt(text),
        link=f"/messages/{thread.id}",
    )


def thread_for_contract(session: Session, *, contract_id: int) -> int:
    """The contract's thread: the listing thread of the same two members, tied to the contract when its bid was
    accepted (contracts/lifecycle), so that reading it is one statement. A contract made before that gets it here."""
    number = parse_id(contract_id, not_found="That contract does not exist.")
    tied = session.exec(select(MessageThread.id).where(MessageThread.contract_id == number)).first()
    if tied is not None:
        return tied
    contract = session.get(Contract, number)
    if contract is None or contract.id is None:
        raise NotFound("That contract does not exist.")
    thread_id = _thread_id(
        session, listing_id=contract.listing_id, client_id=contract.client_id, provider_id=contract.contractor_id
    )
    thread = session.get(MessageThread, thread_id)
    assert thread is not None
    if thread.contract_id != contract.id:
        thread.contract_id = contract.id
        session.add(thread)
        session.flush()
    return thread_id


# --- helpers -------------------------------------------------------------------------------------


def _takes_part(session: Session, listing_id: int, user_id: int) -> bool:
    """Whether the member has a bid (any status) or an invitation on the listing."""
    bid = session.exec(select(Bid.id).where(Bid.listing_id == listing_id, Bid.bidder_id == user_id)).first()
    if bid is not None:
        return True
    invited = session.exec(
        select(Invitation.id).where(Invitation.listing_id == listing_id, Invitation.contractor_id == user_id)
    ).first()
    return invited is not None


def _thread_id(session: Session, *, listing_id: int, client_id: int, provider_id: int) -> int:
    """Find or create the one thread per (listing, provider); a concurrent creation wins and is reused."""
    query = select(MessageThread.id).where(
        MessageThread.listing_id == listing_id, MessageThread.provider_id == provider_id
    )
    found = session.exec(query).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            thread = MessageThread(listing_id=listing_id, client_id=client_id, provider_id=provider_id)
            session.add(thread)
    except IntegrityError:
        found = session.exec(query).first()
        assert found is not None
        return found
    assert thread.id is not None
    return thread.id


def _sent_recently(session: Session, *, sender_id: int) -> int:
    """How many messages the member sent within the rate window (through their threads, which are indexed)."""
    since = utcnow() - timedelta(seconds=rules.RATE_WINDOW_SECONDS)
    their_threads = select(MessageThread.id).where(
        or_(col(MessageThread.client_id) == sender_id, col(MessageThread.provider_id) == sender_id)
    )
    return session.exec(
        select(func.count(col(Message.id))).where(
            col(Message.thread_id).in_(their_threads),
            Message.sender_id == sender_id,
            col(Message.created_at) >= since,
        )
    ).one()
