"""The limiter's counters on the real PostgreSQL (schema from the migrations) and the real Redis: every worker and
host sees one count, concurrent hits are each counted once, and a window's counter goes when the window ends."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import select

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.domain.errors import RateLimited
from jtbd_app.domain.rate_limits import Limit, Policy
from jtbd_app.models import RateLimitCounter
from jtbd_app.services.rate_limits import CounterStore, DatabaseCounters, Limiter, RedisCounters
from tests.support.database import database_env, migrated_engine, use_database

POLICY = Policy("bid", "bids", member=Limit(40, 3600), address=None)


@pytest.fixture(params=["postgresql", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[CounterStore]:
    if request.param == "postgresql":
        with migrated_engine(request.getfixturevalue("postgres_url")) as engine:
            yield DatabaseCounters(engine)
    else:
        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        yield RedisCounters(client)
        for key in client.scan_iter("rl:bid:*"):
            client.delete(key)


def _attempt(limiter: Limiter, member: str) -> bool:
    try:
        limiter.check("bid", member=member, address="")
    except RateLimited:
        return False
    return True


def test_two_workers_hitting_at_once_share_one_count(store: CounterStore) -> None:
    member = secrets.token_hex(8)
    workers = [Limiter(store, {"bid": POLICY}), Limiter(store, {"bid": POLICY})]

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(lambda n: _attempt(workers[n % 2], member), range(100)))

    assert allowed.count(True) == 40


def test_a_new_window_counts_from_zero(store: CounterStore) -> None:
    member, now = secrets.token_hex(8), time.time()
    clock = [now]
    limiter = Limiter(store, {"bid": Policy("bid", "bids", member=Limit(2, 60), address=None)}, lambda: clock[0])
    assert [_attempt(limiter, member) for _ in range(3)] == [True, True, False]

    clock[0] = now + 60

    assert _attempt(limiter, member)


def test_redis_counters_expire_with_their_window(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    key = f"rl:bid:member:{secrets.token_hex(8)}:60:1"
    try:
        RedisCounters(client).hit(key, ends_at=int(time.time()) + 60, now=time.time())
        ttl: int = client.ttl(key)  # type: ignore[assignment]
        assert 0 < ttl <= 61
    finally:
        client.delete(key)


def test_postgres_counters_of_ended_windows_are_swept(postgres_url: str) -> None:
    with migrated_engine(postgres_url) as engine:
        counters, now = DatabaseCounters(engine), time.time()
        counters.hit("rl:bid:member:old:60:1", ends_at=int(now) - 1, now=now)
        counters.hit("rl:bid:member:new:60:2", ends_at=int(now) + 60, now=now)
        with engine.connect() as conn:
            keys = set(conn.execute(select(RateLimitCounter.key)).scalars())  # type: ignore[call-overload]
    assert keys == {"rl:bid:member:new:60:2"}


def test_the_app_counts_in_redis_when_redis_url_is_set_and_in_the_database_otherwise(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str, redis_url: str
) -> None:
    with use_database(monkeypatch, database_env(postgres_url, REDIS_URL=redis_url)):
        assert isinstance(bootstrap.limiter(get_settings()).store, RedisCounters)
    with use_database(monkeypatch, database_env(postgres_url)):
        assert isinstance(bootstrap.limiter(get_settings()).store, DatabaseCounters)
