"""The golden path (post, bid, accept, fund in the sandbox, deliver, approve, review) through Caddy in front of two
app processes of several workers each, on PostgreSQL and Redis: the production profile of docs/DEPLOYMENT.md
started without Docker. The client's browser is served by one app process and the contractor's by the other."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlmodel import select

from jtbd_app.cli import alembic_config
from jtbd_app.db import session_scope
from jtbd_app.models import Contract, User
from jtbd_app.services.ledger import journal
from tests.support.app_server import ROOT
from tests.support.browser import launch, sign_up_new_member
from tests.support.database import use_database
from tests.support.golden_path import walk_the_golden_path
from tests.support.production_profile import UPSTREAM_COOKIE, WORKERS, Profile, production_profile


@pytest.fixture
def profile(tmp_path: Path, postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Profile]:
    with production_profile(workdir=tmp_path, database_url=postgres_url, redis_url=redis_url) as started:
        shared = {k: started.env[k] for k in ("DATABASE_URL", "JTBD_ENV", "SECRET_KEY", "REDIS_URL")}
        with use_database(monkeypatch, shared):
            yield started


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def page_on(browser: Browser, profile: Profile, app_process: int) -> Page:
    """A browser whose every request (pages, websocket, HTTP routes) Caddy sends to app process `app_process`."""
    context = browser.new_context()
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": UPSTREAM_COOKIE, "value": profile.pin_value(app_process), "url": profile.url}])
    page = context.new_page()
    answer = page.goto(f"{profile.url}/login")
    assert answer is not None and answer.headers["x-served-by"] == profile.upstream(app_process)
    return page


def operator(profile: Profile, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m jtbd_app.cli` as an operator runs it beside the app processes, with their settings."""
    command = [sys.executable, "-m", "jtbd_app.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=profile.env, capture_output=True, text=True, timeout=120)


def test_golden_path_through_caddy_on_two_app_processes(profile: Profile, browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "terms.md").write_text("# Terms of service\n\nBe kind, deliver what you promised, pay on time.\n")
    # Both processes migrated the fresh database as they started, together: it is at the head revision, once.
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with session_scope() as session:
        assert session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(head,)]
    # The operator's step on a fresh site (docs/DEPLOYMENT.md): the first terms, without which nobody can sign up.
    assert operator(profile, "publish-terms", "Terms of service", str(tmp_path / "terms.md")).returncode == 0
    again = operator(profile, "publish-terms", "Other terms", str(tmp_path / "terms.md"))
    assert again.returncode == 1 and "administrator publishes new versions on /admin/terms" in again.stderr
    for log in profile.logs[:2]:
        started = re.findall(r"Started worker-\d+", log.read_text(errors="replace"))
        assert len(started) == WORKERS, f"{log.name} runs {WORKERS} workers: {started}"
    assert httpx.get(f"{profile.url}/healthz", timeout=10).json() == {"status": "ok"}

    client, contractor = page_on(browser, profile, 0), page_on(browser, profile, 1)
    walked = walk_the_golden_path(client, contractor, profile.url)
    contractor_name = walked.contractor_name

    # The books: $140 paid in, $126 paid out to the contractor, $14 the platform's fee; nothing left in escrow.
    with session_scope() as session:
        contract_id = walked.contract_id
        contract = session.get(Contract, contract_id)
        assert contract is not None and contract.status == "completed"
        painter = session.exec(select(User).where(User.username == contractor_name)).one()
        assert journal.trial_balance(session) == 0 and journal.cached_balance_mismatches(session) == []
        balances = journal.balances_by_code(session)
    currency = contract.currency
    assert balances[f"escrow:contract:{contract_id}:{currency}"] == 0
    assert balances[f"payable:user:{painter.id}:{currency}"] == 0
    assert balances[f"fee_revenue:{currency}"] == 1400
    assert balances[f"platform_cash:{currency}"] == 1400


HYDRATED = re.compile(r'"is_hydrated_rx_state_"\s*:\s*true')


def hydrated(frame: str | bytes) -> bool:
    """A websocket frame that marks the page hydrated (Reflex sends it after the page's on_load)."""
    return HYDRATED.search(frame if isinstance(frame, str) else frame.decode(errors="replace")) is not None


def test_a_tab_keeps_going_on_the_other_app_process_when_its_own_stops(
    profile: Profile, browser: Browser, tmp_path: Path
) -> None:
    """What rolling an upgrade over the app processes does to an open tab: its websocket comes back through Caddy on
    the process still running, the page rehydrates, and the member carries on from where they were."""
    (tmp_path / "terms.md").write_text("# Terms of service\n\nBe kind.\n")
    assert operator(profile, "publish-terms", "Terms of service", str(tmp_path / "terms.md")).returncode == 0
    page = page_on(browser, profile, 0)
    sign_up_new_member(page, profile.url, "client", "Rolling Client")
    page.goto(f"{profile.url}/post")
    title = f"Tile the bathroom {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("About 6 square metres of wall tiles, grouted.")
    page.get_by_label("Category").select_option(label="Home & repairs")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="2. Skills")).to_be_visible()

    with page.expect_websocket(timeout=60_000) as reconnected:
        profile.stop_app(0)  # the upgrade takes this tab's process down; the tab opens a new websocket
    # A reconnect rehydrates the page (its on_load runs again) and ends by marking it hydrated: wait for that.
    reconnected.value.wait_for_event("framereceived", predicate=hydrated, timeout=60_000)

    page.get_by_role("textbox", name="Skills needed").fill("tiling")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove skill tiling")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="3. Budget and timing")).to_be_visible()
    page.get_by_label("Fixed budget").fill("300")
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="4. Review and publish")).to_be_visible()
    page.get_by_role("button", name="Publish listing").click()
    page.wait_for_url(re.compile(r"/listings/\d+$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert page.request.get(f"{profile.url}/ping").headers["x-served-by"] == profile.upstream(1)
