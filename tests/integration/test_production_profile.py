"""DATABASE_URL and REDIS_URL switch the real app to PostgreSQL and Redis with several workers."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.app_server import HEALTHZ_TOKEN, AppServer, start_app, stop_app
from tests.support.browser import launch, sign_in


@pytest.fixture
def production_app(tmp_path: Path, postgres_url: str, redis_url: str) -> Iterator[AppServer]:
    server = start_app(workdir=tmp_path, database_url=postgres_url, extra_env={"REDIS_URL": redis_url})
    yield server
    stop_app(server)


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        context.set_default_timeout(20_000)
        yield context.new_page()
        browser.close()


def test_app_runs_on_postgresql_and_redis_with_several_workers(
    production_app: AppServer, page: Page, redis_url: str
) -> None:
    details = {"Authorization": f"Bearer {HEALTHZ_TOKEN}"}
    health = httpx.get(f"{production_app.url}/healthz", headers=details, timeout=10).json()
    assert health["database"] == {"backend": "postgresql", "status": "ok"}
    assert health["redis"] == {"status": "ok"}
    assert production_app.process is not None
    in_session = subprocess.run(
        ["pgrep", "-a", "-s", str(production_app.process.pid)], capture_output=True, text=True
    ).stdout
    workers = in_session.splitlines()[1:]  # the first is the launcher; the rest serve requests
    assert len(workers) >= 2, f"with Redis, Reflex runs several backend workers:\n{in_session}"

    # State lives in Redis: a whole signed-in flow works whichever worker takes each event.
    sign_in(page, production_app.url, "alice", "demo-password")
    page.goto(f"{production_app.url}/u/alice")
    page.get_by_role("button", name="Edit profile").click()
    page.get_by_label("Display name").fill("Alice on Postgres")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="Alice on Postgres")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Alice on Postgres")).to_be_visible()

    # What Redis keeps of the tabs' states holds no session cookie, only what the page shows.
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "jtbd_session")
    store = redis.Redis.from_url(redis_url)
    strings = [key for key in store.scan_iter(count=1000) if store.type(key) == b"string"]
    stored = b"".join(v for key in strings if isinstance(v := store.get(key), bytes))
    assert b"Alice on Postgres" in stored, "the signed-in tab's states were found in Redis"
    assert cookie.encode() not in stored and b"jtbd_session" not in stored
