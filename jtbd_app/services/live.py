"""Live updates: a service `touch`es the topics a change concerns ("contract:42", "user:7") inside its own unit of
work; an open page reads the versions of the topics it shows (`versions`, one indexed query) and reloads its data,
through the services that check who is asking, when one moved. A stamp says only that something changed.

Touches are collected on the session and written once, as it commits, in one upsert in topic order: no unit of work
waits for a stamp while it holds another (two cannot deadlock on stamps), the stamp rows stay locked only for the
commit, two units of work touching one topic both succeed (the second adds one after the first), and a unit of work
that rolls back moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from jtbd_app.models import ChangeStamp, utcnow
from jtbd_app.models.live import TOPIC_MAX

PENDING = "live_topics"  # key of the topics touched so far, in `session.info`


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


@event.listens_for(OrmSession, "before_commit")
def _write_stamps(session: OrmSession) -> None:
    """Just before the unit of work commits (not when a savepoint is released): write what it touched."""
    if session.in_nested_transaction() or not session.info.get(PENDING):
        return
    topics = sorted(session.info.pop(PENDING))
    session.execute(_upsert(session.get_bind().dialect.name, topics))


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_stamps(session: OrmSession, transaction: Any) -> None:
    """The unit of work ended (committed, or rolled back: then it changed nothing); a savepoint's end is not its end."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
