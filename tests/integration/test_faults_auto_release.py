"""Faults: the app is killed (SIGKILL to its scheduler's process, as a crash or a hard restart) while it runs the
scheduled auto-release of a delivered contract whose review window passed, and then started again.

Killed inside the release's unit of work (it waits on the contract's row, held by the test): nothing of the release
is kept, and the restarted worker releases once when the dead worker's claim expires. Killed while Stripe makes the
contractor's transfer (its answer held back by a proxy): the restarted worker asks again with the same key and
Stripe's replay pays the contractor once. After each, the books balance, the escrow was released once, one transfer
was made, and each party was told once.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.db import get_engine, session_scope
from jtbd_app.models import Contract, Notification, ScheduledJob, utcnow
from jtbd_app.services.contracts import payouts
from tests.support.app_server import ROOT
from tests.support.contracts import Deal, deliver
from tests.support.faults import books
from tests.support.faulty_proxy import FaultyProxy
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.support.processes import stop_process_group
from tests.support.stripe_contracts import a_contract_awaiting_funding, fund_with_card, stripe_env

PRICE, PAYEE = 10_000, 9_000  # the fee is 10%
CLAIM_SECONDS = 3  # how long a dead worker's claim holds the job (five minutes in the app)


@pytest.fixture
def database_settings(postgres_url: str, stripe_server: LocalStripe) -> dict[str, str]:
    stripe_server.reset()
    return stripe_env(postgres_url, stripe_server.url)


@pytest.fixture
def gateway(stripe_server: LocalStripe) -> StripeGateway:
    return StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe_server.url)


@contextlib.contextmanager
def app_scheduler(database: str, stripe_api: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The app's scheduler in a process of its own (see `tests/support/scheduler_worker.py`), polling twice a
    second, with Stripe at `stripe_api`; stopped at the end if the test did not kill it."""
    env = {**stripe_env(database, stripe_api), "JOB_POLL_SECONDS": "0.5", "PATH": str(Path(sys.executable).parent)}
    command = [sys.executable, "-m", "tests.support.scheduler_worker", "--claim-seconds", str(CLAIM_SECONDS)]
    with log.open("ab") as out:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield worker
    finally:
        stop_process_group(worker, grace=5)


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL, as a crash: no clean-up runs."""
    stop_process_group(worker, grace=0)


def wait_for(what: str, condition: Callable[[], bool], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{what} did not happen within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.2)


def delivered_past_its_window(deal: Deal, gateway: StripeGateway) -> None:
    """Funded, delivered, the contractor able to take payouts, and the review window passed: the auto-release is due
    (the contract's delivery and its job moved back eight days, as the clock would have moved them)."""
    fund_with_card(deal, gateway)
    deliver(deal)
    link = asyncio.run(
        payouts.start_onboarding(
            session_factory=session_scope,
            gateway=gateway,
            viewer=deal.contractor,
            refresh_url="http://app.test/wallet?again=1",
            return_url="http://app.test/wallet",
        )
    )
    assert httpx.get(link, follow_redirects=False).status_code == 302
    asyncio.run(payouts.refresh_account_status(session_factory=session_scope, gateway=gateway, viewer=deal.contractor))
    past = utcnow() - timedelta(days=8)
    with session_scope() as session:
        session.exec(update(Contract).where(col(Contract.id) == deal.contract_id).values(delivered_at=past))  # type: ignore[call-overload]
        session.exec(update(ScheduledJob).where(col(ScheduledJob.kind) == "auto_release").values(run_at=past))  # type: ignore[call-overload]


def job(kind: str) -> ScheduledJob:
    with Session(get_engine()) as session:
        return session.exec(select(ScheduledJob).where(col(ScheduledJob.kind) == kind)).one()


def told(deal: Deal, title: str) -> list[int]:
    """Who was told `title`, once per notification."""
    with Session(get_engine()) as session:
        rows = session.exec(select(Notification.user_id).where(col(Notification.title) == title)).all()
    return sorted(rows)


def checked_once(deal: Deal, stripe_server: LocalStripe) -> None:
    """Released once, one transfer of the contractor's part, each party told once; the books balance."""
    read = books()
    assert read.held(deal.contract_id) == 0 and read.cash("USD") == PRICE - PAYEE
    assert [(p.status, p.amount_minor) for p in read.payouts] == [("paid", PAYEE)]
    assert [t["amount"] for t in stripe_server.get("/v1/transfers")["data"]] == [PAYEE]
    assert told(deal, "Contract completed") == sorted([deal.client.user_id, deal.contractor.user_id])


def test_killed_inside_the_release_the_restarted_app_releases_the_escrow_once(
    database: str, stripe_server: LocalStripe, gateway: StripeGateway, tmp_path: Path
) -> None:
    deal = a_contract_awaiting_funding()
    delivered_past_its_window(deal, gateway)
    log = tmp_path / "scheduler.log"

    with psycopg.connect(database) as holder:
        holder.execute("SELECT id FROM contract WHERE id = %s FOR UPDATE", (deal.contract_id,))
        with app_scheduler(database, stripe_server.url, log) as worker:
            wait_for("the worker waiting on the contract inside the release", lambda: waiting_on_a_lock(holder), log)
            kill(worker)
        holder.rollback()  # the contract's row is free again

    assert deal.load().status == "delivered"  # nothing of the release was kept
    assert books().held(deal.contract_id) == PRICE
    assert (job("auto_release").status, job("auto_release").attempts) == ("pending", 1)  # claimed by the dead one

    with app_scheduler(database, stripe_server.url, log):
        wait_for("the release and the payout", lambda: [p.status for p in books().payouts] == ["paid"], log)

    assert deal.load().status == "completed"
    assert (job("auto_release").status, job("auto_release").attempts) == ("done", 2)
    checked_once(deal, stripe_server)


def test_killed_while_stripe_makes_the_transfer_the_restarted_app_pays_the_contractor_once(
    database: str, stripe_server: LocalStripe, gateway: StripeGateway, tmp_path: Path
) -> None:
    deal = a_contract_awaiting_funding()
    delivered_past_its_window(deal, gateway)
    log = tmp_path / "scheduler.log"

    with FaultyProxy(stripe_server.url, held_for=60) as proxy:
        proxy.lose_answers("/v1/transfers", count=1)
        with app_scheduler(database, proxy.url, log) as worker:
            wait_for("Stripe making the transfer", lambda: bool(stripe_server.get("/v1/transfers")["data"]), log)
            kill(worker)  # its answer still held back by the proxy

    assert deal.load().status == "completed"  # the release was committed before the payout began
    assert [p.status for p in books().payouts] == ["pending"]  # the transfer's answer never reached the app

    with app_scheduler(database, stripe_server.url, log):
        wait_for("the payout", lambda: [p.status for p in books().payouts] == ["paid"], log)

    checked_once(deal, stripe_server)


def waiting_on_a_lock(holder: psycopg.Connection[tuple[object, ...]]) -> bool:
    """Another session of this database waits for a row lock (the worker, on the contract the test holds)."""
    with psycopg.connect(holder.info.dsn, autocommit=True) as watcher:
        found = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(found and found[0])
