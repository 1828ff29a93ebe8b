"""Faults: Redis (a private redis-server of the test's own) stops while the app runs on REDIS_URL with several
workers, and starts again.

A member adds a task over the app's websocket, as the to-do page does. While Redis is away the event cannot be
handled: the member is told what happened and what to do, and nothing is stored. Once Redis is back (empty: the
tabs' states it held are gone) the page, opened again, works, and the task added again is stored once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from jtbd_app.services.outages import SESSIONS_AWAY
from tests.support.app_server import AppServer, start_app, stop_app
from tests.support.database import database_env, use_database
from tests.support.private_services import PrivateRedis, private_redis
from tests.support.reflex_client import ReflexClient
from tests.support.todo_tab import ADDED, add_task, cookie_of, tasks_titled


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def app_on_redis(
    tmp_path: Path, postgres_url: str, redis_server: PrivateRedis, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppServer]:
    """The production build on PostgreSQL (with the demo data) and the private Redis; this process's settings on
    the same database."""
    server = start_app(
        workdir=tmp_path,
        database_url=postgres_url,
        extra_env={"REDIS_URL": redis_server.url, "REFLEX_WEB_WORKDIR": str(tmp_path / ".web")},
    )
    try:
        with use_database(monkeypatch, database_env(postgres_url)):
            yield server
    finally:
        stop_app(server)


def test_while_redis_is_away_an_event_says_so_and_stores_nothing_and_once_back_the_page_works_again(
    app_on_redis: AppServer, redis_server: PrivateRedis
) -> None:
    cookie = cookie_of("alice")

    async def journey() -> tuple[str, str, str]:
        tab = ReflexClient(app_on_redis.url, cookie=cookie)
        await tab.connect("/tasks")
        before = await add_task(tab, "Water the plants", answer=ADDED)
        redis_server.stop()
        during = await add_task(tab, "Fix the sink", answer=SESSIONS_AWAY)
        await tab.close()
        redis_server.start()
        reopened = ReflexClient(app_on_redis.url, cookie=cookie)  # the member reloads the page
        await reopened.connect("/tasks")
        after = await add_task(reopened, "Fix the sink", answer=ADDED)
        await reopened.close()
        return before, during, after

    before, during, after = asyncio.run(journey())

    assert ADDED in before
    assert SESSIONS_AWAY in during and ADDED not in during, during[-2000:]
    assert ADDED in after
    assert (tasks_titled("Water the plants"), tasks_titled("Fix the sink")) == (1, 1)
