"""One limiter for every worker and host: named policies (`domain/rate_limits`) counted in the database by default,
in Redis when REDIS_URL is set. A refused action raises `RateLimited` before anything is done.

Call it before opening a unit of work: the database store writes in a transaction of its own, which must survive
the caller's rollback and, on SQLite, must not wait for the caller's own write lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from jtbd_app.domain.errors import RateLimited
from jtbd_app.domain.rate_limits import Policy, wait_seconds, wait_words, windows
from jtbd_app.models import RateLimitCounter


class CounterStore(Protocol):
    def hit(self, key: str, *, ends_at: int, now: float) -> int:
        """Count one more in the window `key` (kept until `ends_at`, epoch seconds) and return its count."""
        ...


class DatabaseCounters:
    """Counters in the `ratelimitcounter` table: one upsert per counter; windows that ended are swept as new ones
    begin."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def hit(self, key: str, *, ends_at: int, now: float) -> int:
        table: Any = RateLimitCounter.__table__  # type: ignore[attr-defined]
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(table)
            .values(key=key, hits=1, expires_at=ends_at)
            .on_conflict_do_update(index_elements=["key"], set_={"hits": table.c.hits + 1})
            .returning(table.c.hits)
        )
        with self.engine.begin() as conn:
            hits = int(conn.execute(statement).scalar_one())
            if hits == 1:
                conn.execute(delete(table).where(table.c.expires_at < int(now)))
        return hits


class RedisCounters:
    """Counters in Redis: the key is created with its expiry and incremented in one transaction."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def hit(self, key: str, *, ends_at: int, now: float) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, exat=ends_at + 1, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])


class Limiter:
    def __init__(
        self, store: CounterStore, policies: dict[str, Policy], clock: Callable[[], float] = time.time
    ) -> None:
        self.store, self.policies, self.clock = store, policies, clock

    def check(self, policy_name: str, *, member: str | None, address: str) -> None:
        """Count one action of `policy_name` by `member` (a member id, or what a visitor typed to sign in) from
        `address`; RateLimited, saying how long to wait, when either count is over its limit."""
        policy = self.policies[policy_name]
        now = self.clock()
        counted = [
            (w, self.store.hit(w.key, ends_at=w.ends_at, now=now))
            for w in windows(policy, member=member, address=address, now=now)
        ]
        wait = wait_seconds(counted, now=now)
        if wait:
            raise RateLimited(policy.action, wait_words(wait), wait)
