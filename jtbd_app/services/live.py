"""Live updates: a service `touch`es the topics a change concerns ("contract:42", "user:7") inside its own unit of
work; an open page reads the versions of the topics it shows (`versions`, one indexed query) and reloads its data,
through the services that check who is asking, when one moved. A stamp says only that something changed.

Touches are collected on the session and written once, as it commits, in one upsert in topic order: no unit of work
waits for a stamp while it holds another (two cannot deadlock on stamps), the stamp rows stay locked only for the
commit, two units of work touching one topic both succeed (the second adds one after the first), and a unit of work
that rolls back moves nothing.

One topic is moved without any service asking: MARKETPLACE, what every visitor sees alike (open listings' cards and
pages, their skills and Q&A, their posters' names and ratings). Whatever a unit of work writes to those rows, through
the ORM or an UPDATE/DELETE statement on the session, touches it (`_public_rows_*` below), so no write path can forget
it; the public caches (services/marketplace/public_cache) are keyed by its version. One write is left out on purpose:
a listing's bid count, which every bid moves (services/marketplace/bids, a Core statement). The caches' readers read
the counts as they show them (listing_cards.with_bid_counts, listing_view.public_listing), so a bid does not empty
every worker's caches. Every other listing write moves it, so it is kept as MARKETPLACE_SHARDS rows, each unit of work
moving one chosen at random, and its version is their sum (`marketplace_version`): two writers rarely wait on one stamp
row, and the sum still grows with every change.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, func, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from jtbd_app.models import ChangeStamp, utcnow
from jtbd_app.models.live import TOPIC_MAX

PENDING = "live_topics"  # key of the topics touched so far, in `session.info`
MARKETPLACE = "marketplace"  # what every visitor sees alike (see the module's doc)
MARKETPLACE_SHARDS = 8
_MARKETPLACE_TOPICS = tuple(f"{MARKETPLACE}:{shard}" for shard in range(MARKETPLACE_SHARDS))
# Rows whose every change is public, and the public columns of the others (a sign-in's bookkeeping is not).
_PUBLIC_TABLES = frozenset({"listing", "listingskill", "question"})
_PUBLIC_COLUMNS = {
    "user": ("username", "status", "created_at"),
    "profile": ("display_name", "rating_total", "rating_count", "completed_contracts"),
}


def contract_topic(contract_id: int | str) -> str:
    return f"contract:{contract_id}"


def user_topic(user_id: int | str) -> str:
    """What the member's bell and Messages link count: notifications and unread messages."""
    return f"user:{user_id}"


def thread_topic(thread_id: int | str) -> str:
    return f"thread:{thread_id}"


def listing_topic(listing_id: int | str) -> str:
    return f"listing:{listing_id}"


def problem_topic(problem_id: int | str) -> str:
    return f"problem:{problem_id}"


def tasks_topic(user_id: int | str) -> str:
    """What the member's task list shows of their own tasks: added, edited, done, deleted, delegated."""
    return f"tasks:{user_id}"


def wallet_topic(user_id: int | str) -> str:
    """What the member's wallet shows: money owed to them, held for their contracts and problems, paid out."""
    return f"wallet:{user_id}"


def touch(session: Session, *topics: str) -> None:
    """Mark the topics changed by this unit of work; their versions move when it commits."""
    pending: set[str] = session.info.setdefault(PENDING, set())
    pending.update(topic[:TOPIC_MAX] for topic in topics)


# Every visitor's marketplace page reads it first: a Core statement built once (building the ORM query each time cost
# more than running it: 4.5 -> 3.4 ms for a member's listing page on SQLite, in-process).
_STAMP: Any = ChangeStamp.__table__.c  # type: ignore[attr-defined]
_MARKETPLACE_VERSION = select(func.coalesce(func.sum(_STAMP.version), 0)).where(
    _STAMP.topic.in_((MARKETPLACE, *_MARKETPLACE_TOPICS))
)


def marketplace_version(session: Session) -> int:
    """MARKETPLACE's version: the sum of its shards' (one query by primary key); it grows with every change. The
    single row it was before the shards (it no longer moves) is counted too, so the version never goes back."""
    return int(session.connection().execute(_MARKETPLACE_VERSION).scalar_one())


def _touch_marketplace(session: Any) -> None:
    """One shard per unit of work, chosen at random: however many public rows it writes, it locks one stamp row."""
    pending: set[str] = session.info.get(PENDING, set())
    if not pending.intersection(_MARKETPLACE_TOPICS):
        touch(session, random.choice(_MARKETPLACE_TOPICS))  # noqa: S311 (spreading writers, not a secret)


def version_of(topic: Any) -> Any:
    """The version of `topic` (a bound value or a SQL expression) as a scalar subquery: 0 for one never touched."""
    stamp: Any = ChangeStamp.__table__.c  # type: ignore[attr-defined]
    return func.coalesce(select(stamp.version).where(stamp.topic == topic).scalar_subquery(), 0)


def versions(session: Session, topics: Iterable[str]) -> dict[str, int]:
    """Each topic's version (0 for one never touched), in one query by primary key."""
    wanted = sorted({topic[:TOPIC_MAX] for topic in topics})
    if not wanted:
        return {}
    rows = session.exec(select(ChangeStamp.topic, ChangeStamp.version).where(col(ChangeStamp.topic).in_(wanted)))
    found = {topic: version for topic, version in rows}
    return {topic: found.get(topic, 0) for topic in wanted}


def _upsert(dialect: str, topics: list[str]) -> Any:
    """INSERT ... ON CONFLICT (topic) DO UPDATE SET version = version + 1, on PostgreSQL and SQLite alike."""
    table: Any = ChangeStamp.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(table).values([{"topic": topic, "version": 1, "changed_at": now} for topic in topics])
    return statement.on_conflict_do_update(
        index_elements=[table.c.topic],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at},
    )


def _public_change(row: Any, *, new: bool) -> bool:
    table = getattr(row, "__tablename__", None)
    if table in _PUBLIC_TABLES:
        return True
    columns = _PUBLIC_COLUMNS.get(str(table))
    if columns is None or new:  # a new member or profile shows nowhere until they post
        return False
    state = inspect(row)
    return state.deleted or any(state.attrs[name].history.has_changes() for name in columns)


@event.listens_for(OrmSession, "after_flush")
def _public_rows_flushed(session: OrmSession, _context: Any) -> None:
    """Rows the ORM wrote (the session still lists them, with their changes) that a visitor sees."""
    rows = chain(((row, True) for row in session.new), ((row, False) for row in chain(session.dirty, session.deleted)))
    if any(_public_change(row, new=new) for row, new in rows):
        _touch_marketplace(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _public_rows_updated(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement run through the session on rows that a visitor sees."""
    if not (state.is_update or state.is_delete or state.is_insert) or state.bind_mapper is None:
        return
    table = getattr(state.bind_mapper.local_table, "name", "")
    if table in _PUBLIC_TABLES or table in _PUBLIC_COLUMNS:
        _touch_marketplace(state.session)


@event.listens_for(OrmSession, "before_commit")
def _write_stamps(session: OrmSession) -> None:
    """Just before the unit of work commits (not when a savepoint is released): write what it touched. Its last
    changes are flushed first (a commit flushes only after this event), so what they touch is written too."""
    if session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    if not session.info.get(PENDING):
        return
    topics = sorted(session.info.pop(PENDING))
    session.execute(_upsert(session.get_bind().dialect.name, topics))


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_stamps(session: OrmSession, transaction: Any) -> None:
    """The unit of work ended (committed, or rolled back: then it changed nothing); a savepoint's end is not its end."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
