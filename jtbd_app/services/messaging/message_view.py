"""What a member reads of their private messages: a thread page, new messages, their inbox and unread counts.

Split from messaging.messages (the commands) so each side stays small; reading as a party moves the read mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from jtbd_app.domain import messages as rules
from jtbd_app.domain.errors import PermissionDenied
from jtbd_app.domain.ids import id_or_none, parse_id
from jtbd_app.domain.moderation import HIDDEN_MESSAGE
from jtbd_app.models import Listing, Message, MessageThread, Profile, ThreadRead, User
from jtbd_app.services import audit
from jtbd_app.services.messaging.threads import PRIVATE, find_thread, mark_read
from jtbd_app.services.viewer import Viewer, require_viewer


@dataclass
class MessageItem:
    id: int = 0
    sender_name: str = ""
    mine: bool = False
    body: str = ""
    sent_at: str = ""
    hidden: bool = False  # hidden by the moderators: `body` is the placeholder


@dataclass
class ThreadView:
    """One page of a thread as its reader sees it (oldest to newest)."""

    id: int = 0
    title: str = ""
    other_name: str = ""
    other_username: str = ""
    listing_title: str = ""
    listing_link: str = ""
    contract_link: str = ""
    messages: list[MessageItem] = field(default_factory=list)
    has_earlier: bool = False
    read_only: bool = False  # an administrator reading someone else's thread
    can_send: bool = False


@dataclass
class ThreadSummary:
    id: int = 0
    other_name: str = ""
    other_username: str = ""
    listing_title: str = ""
    excerpt: str = ""
    last_at: str = ""
    unread: int = 0


@dataclass
class ThreadPage:
    threads: list[ThreadSummary] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int = 0


@dataclass
class OpenedThread:
    """A thread as it opens, with the reader's unread messages once this page is read."""

    view: ThreadView = field(default_factory=ThreadView)
    unread: int = 0


@dataclass
class NewMessages:
    """Messages since the last one shown, with the reader's unread messages once these are read."""

    items: list[MessageItem] = field(default_factory=list)
    unread: int = 0


def opened_thread(session: Session, *, viewer: Viewer | None, thread_id: object) -> OpenedThread:
    """The newest page of the thread for a party (marked read) or an administrator (read-only), and the nav badge."""
    view = thread_view(session, viewer=viewer, thread_id=thread_id)
    return OpenedThread(view=view, unread=unread_total(session, user_id=require_viewer(viewer).user_id))


def new_messages(session: Session, *, viewer: Viewer | None, thread_id: object, after_id: object) -> NewMessages:
    """The open thread's poll: messages newer than `after_id` (a party's reading marks them read), and the badge."""
    items = messages_since(session, viewer=viewer, thread_id=thread_id, after_id=after_id)
    return NewMessages(items=items, unread=unread_total(session, user_id=require_viewer(viewer).user_id))


def thread_view(
    session: Session, *, viewer: Viewer | None, thread_id: object, before_id: object = None, limit: int = 50
) -> ThreadView:
    """A page of the thread (newest page first, shown oldest to newest); a party's reading marks it read."""
    actor = require_viewer(viewer)
    thread = _readable_thread(session, actor, thread_id)
    assert thread.id is not None
    limit = max(1, min(int(limit), 100))
    query = select(Message).where(Message.thread_id == thread.id)
    if before_id is not None:
        query = query.where(col(Message.id) < parse_id(before_id, not_found="That message does not exist."))
    rows = list(session.exec(query.order_by(col(Message.id).desc()).limit(limit + 1)).all())
    has_earlier = len(rows) > limit
    rows = rows[:limit][::-1]
    names = _names(session, thread.client_id, thread.provider_id)
    party = actor.user_id in (thread.client_id, thread.provider_id)
    if party and rows and before_id is None:
        assert rows[-1].id is not None
        mark_read(session, thread_id=thread.id, user_id=actor.user_id, message_id=rows[-1].id)
    if not party and before_id is None:  # an administrator reading a private conversation: on the record
        audit.record(
            session,
            actor_id=actor.user_id,
            action="admin.read_thread",
            subject=f"thread:{thread.id}",
            detail={"contract": thread.contract_id, "listing": thread.listing_id, "messages_shown": len(rows)},
        )
    listing = session.get(Listing, thread.listing_id) if thread.listing_id else None
    other_id = thread.provider_id if actor.user_id == thread.client_id else thread.client_id
    client, provider = names[thread.client_id], names[thread.provider_id]
    return ThreadView(
        id=thread.id,
        title=f"Conversation with {names[other_id][0]}"
        if party
        else f"Conversation between {client[0]} (client) and {provider[0]}",
        other_name=names[other_id][0] if party else "",
        other_username=names[other_id][1] if party else "",
        listing_title=listing.title if listing else "",
        listing_link=f"/listings/{listing.id}" if listing else "",
        contract_link=f"/contracts/{thread.contract_id}" if thread.contract_id else "",
        messages=[_item(m, names, actor.user_id) for m in rows],
        has_earlier=has_earlier,
        read_only=not party,
        can_send=party and actor.status == "active",
    )


def messages_since(
    session: Session, *, viewer: Viewer | None, thread_id: object, after_id: object, limit: int = 50
) -> list[MessageItem]:
    """Messages newer than the last one shown (for the open thread's poll); a party's reading marks them read."""
    actor = require_viewer(viewer)
    thread = _readable_thread(session, actor, thread_id)
    assert thread.id is not None
    after = id_or_none(after_id) or 0
    rows = session.exec(
        select(Message)
        .where(Message.thread_id == thread.id, col(Message.id) > after)
        .order_by(col(Message.id))
        .limit(max(1, min(int(limit), 100)))
    ).all()
    if not rows:
        return []
    if actor.user_id in (thread.client_id, thread.provider_id):
        assert rows[-1].id is not None
        mark_read(session, thread_id=thread.id, user_id=actor.user_id, message_id=rows[-1].id)
    names = _names(session, thread.client_id, thread.provider_id)
    return [_item(m, names, actor.user_id) for m in rows]


def list_threads(session: Session, *, viewer: Viewer | None, page: object = 1, per_page: int = 20) -> ThreadPage:
    """The viewer's conversations that have messages, newest activity first, with unread counts."""
    actor = require_viewer(viewer)
    me = actor.user_id
    per_page = max(1, min(int(per_page), 100))
    mine = or_(col(MessageThread.client_id) == me, col(MessageThread.provider_id) == me)
    has_messages = select(Message.id).where(Message.thread_id == MessageThread.id).exists()
    total = session.exec(select(func.count(col(MessageThread.id))).where(mine, has_messages)).one()
    pages = max(1, -(-total // per_page))
    number = page if isinstance(page, int) and not isinstance(page, bool) else 1
    number = max(1, min(number, pages))
    other_id = case((col(MessageThread.client_id) == me, col(MessageThread.provider_id)), else_=MessageThread.client_id)
    rows = session.exec(
        select(MessageThread, Listing.title, User.username, Profile.display_name)
        .join(Listing, Listing.id == MessageThread.listing_id, isouter=True)  # type: ignore[arg-type]
        .join(User, User.id == other_id)  # type: ignore[arg-type]
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(mine, has_messages)
        .order_by(col(MessageThread.last_message_at).desc(), col(MessageThread.id).desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [t.id for t, *_ in rows if t.id is not None]
    unread = _unread_by_thread(session, user_id=me, thread_ids=ids)
    last = _last_messages(session, thread_ids=ids)
    threads = [
        ThreadSummary(
            id=t.id or 0,
            other_name=name,
            other_username=username,
            listing_title=title or "",
            excerpt=_excerpt_of(last.get(t.id or 0), me),
            last_at=_when(t.last_message_at),
            unread=unread.get(t.id or 0, 0),
        )
        for t, title, username, name in rows
    ]
    return ThreadPage(threads=threads, page=number, pages=pages, total=total)


def unread_total(session: Session, *, user_id: int) -> int:
    """Messages from the other party the member has not read yet, across all their threads (the nav badge)."""
    return int(session.exec(select(unread_total_of(user_id))).one())


def unread_total_of(user_id: Any) -> Any:
    """`unread_total` as a scalar subquery (`user_id`: a value or a column), for a statement that reads more."""
    return _unread(select(func.count(col(Message.id))), user_id).scalar_subquery()


def _unread(query: Any, user_id: Any) -> Any:
    """`query` over the messages from the other party after the member's read mark, in any of their threads."""
    return (
        query.select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)  # type: ignore[arg-type]
        .join(
            ThreadRead,
            and_(col(ThreadRead.thread_id) == Message.thread_id, col(ThreadRead.user_id) == user_id),
            isouter=True,
        )
        .where(
            or_(col(MessageThread.client_id) == user_id, col(MessageThread.provider_id) == user_id),
            col(Message.sender_id) != user_id,
            col(Message.id) > func.coalesce(ThreadRead.last_read_message_id, 0),
        )
    )


# --- helpers -------------------------------------------------------------------------------------


def _readable_thread(session: Session, actor: Viewer, thread_id: object) -> MessageThread:
    thread = find_thread(session, thread_id)
    if actor.user_id not in (thread.client_id, thread.provider_id) and not actor.is_admin:
        raise PermissionDenied(PRIVATE)
    return thread


def _unread_by_thread(session: Session, *, user_id: int, thread_ids: list[int] | None) -> dict[int, int]:
    """Unread messages per thread in one grouped query: those from the other party after the read mark."""
    if thread_ids == []:
        return {}
    query = _unread(select(Message.thread_id, func.count(col(Message.id))), user_id).group_by(col(Message.thread_id))
    if thread_ids is not None:
        query = query.where(col(Message.thread_id).in_(thread_ids))
    return {thread_id: count for thread_id, count in session.exec(query).all()}


def _last_messages(session: Session, *, thread_ids: list[int]) -> dict[int, Message]:
    """The newest message of each thread, in one query."""
    if not thread_ids:
        return {}
    newest = (
        select(func.max(col(Message.id))).where(col(Message.thread_id).in_(thread_ids)).group_by(col(Message.thread_id))
    )
    return {m.thread_id: m for m in session.exec(select(Message).where(col(Message.id).in_(newest))).all()}


def _excerpt_of(message: Message | None, viewer_id: int) -> str:
    if message is None:
        return ""
    text = HIDDEN_MESSAGE if message.hidden_at is not None else rules.excerpt(message.body, 120)
    return f"You: {text}" if message.sender_id == viewer_id else text


def _names(session: Session, *user_ids: int) -> dict[int, tuple[str, str]]:
    """Display name and username of each member."""
    rows = session.exec(
        select(User.id, Profile.display_name, User.username)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(col(User.id).in_(user_ids))
    ).all()
    return {uid: (name, username) for uid, name, username in rows if uid is not None}


def _item(message: Message, names: dict[int, tuple[str, str]], viewer_id: int) -> MessageItem:
    return MessageItem(
        id=message.id or 0,
        sender_name=names.get(message.sender_id, ("A former member", ""))[0],
        mine=message.sender_id == viewer_id,
        body=HIDDEN_MESSAGE if message.hidden_at is not None else message.body,
        hidden=message.hidden_at is not None,
        sent_at=_when(message.created_at),
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC")
