"""Change stamps on PostgreSQL: the upsert counts every touch when many units of work touch the same topics at once,
in any order, and none of them fails or deadlocks."""

from __future__ import annotations

import random
import threading

from psycopg.pq import TransactionStatus
from sqlalchemy import text

from jtbd_app.db import read_scope, session_scope, single_read
from jtbd_app.services import live

TOPICS = ["contract:1", "user:1", "user:2", "thread:1"]


def _versions(*topics: str) -> dict[str, int]:
    with read_scope() as session:
        return live.versions(session, topics)


def test_a_touch_moves_the_version_once_the_unit_of_work_commits(database: str) -> None:
    with session_scope() as session:
        live.touch(session, "contract:7", "user:3")
    with session_scope() as session:
        live.touch(session, "contract:7")

    assert _versions("contract:7", "user:3", "user:4") == {"contract:7": 2, "user:3": 1, "user:4": 0}


def test_many_units_of_work_touching_the_same_topics_in_any_order_all_count(database: str) -> None:
    workers, start, errors = 12, threading.Barrier(12), []

    def touch_some(seed: int) -> None:
        order = TOPICS[:]
        random.Random(seed).shuffle(order)
        try:
            with session_scope() as session:
                for topic in order:
                    live.touch(session, topic)
                session.execute(text("SELECT 1"))  # a transaction open on its own connection
                start.wait()  # all commit at once
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=touch_some, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _versions(*TOPICS) == dict.fromkeys(TOPICS, workers)


def _in_transaction(session: object) -> bool:
    """Whether the session's PostgreSQL connection is inside a transaction block after what it ran."""
    dbapi = session.connection().connection.dbapi_connection  # type: ignore[attr-defined]
    return dbapi.info.transaction_status == TransactionStatus.INTRANS


def test_a_single_read_runs_outside_a_transaction_and_leaves_the_pool_as_it_was(database: str) -> None:
    """The session guard and the live tick read one statement each: no BEGIN or ROLLBACK round trip. The connection
    goes back to the pool in its usual mode: a unit of work after it is a transaction, and rolls back whole."""
    with session_scope() as session:
        live.touch(session, "contract:9")
    for _ in range(3):  # the pooled connection that serves these serves the scopes below
        with single_read() as session:
            assert live.versions(session, ["contract:9"]) == {"contract:9": 1}
            assert not _in_transaction(session)
    with read_scope() as session:
        live.versions(session, ["contract:9"])
        assert _in_transaction(session)
    try:
        with session_scope() as session:
            live.touch(session, "contract:9")
            raise RuntimeError("the unit of work fails after its write")
    except RuntimeError:
        pass
    assert _versions("contract:9") == {"contract:9": 1}  # rolled back: not committed statement by statement
