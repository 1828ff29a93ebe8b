"""Scheduler claims between workers: each claim is timed by the real clock when it is made, is only taken over
after `CLAIM_FOR` of real time, and only the worker holding the latest claim records the job's result. Two workers
are two threads, each with its own event loop and sessions, on the unit tier's SQLite file."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import ScheduledJob, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.scheduler import JobContext, JobHandler

CLAIM_FOR = timedelta(seconds=2)  # short, so the tests can wait for a claim to really expire; long enough for a poll
WAIT = 10.0  # seconds a test waits for another thread at most


@dataclass
class HeldJob:
    """A handler that records which worker ran it, says it started, and holds until released (or raises then)."""

    runs: list[str] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    fail_when_released: bool = False

    def handler(self, worker: str) -> JobHandler:
        async def run(context: JobContext) -> str:
            self.runs.append(worker)
            self.started.set()
            if worker == "A":  # the first worker holds the job until the test releases it
                await asyncio.to_thread(self.release.wait, WAIT)
                if self.fail_when_released:
                    raise RuntimeError("the first worker failed late")
            return f"run by {worker}"

        return run


class Worker(threading.Thread):
    """One backend worker's polling round, in a thread of its own: its own event loop, its own sessions."""

    def __init__(self, handlers: dict[str, JobHandler], now: datetime | None = None) -> None:
        super().__init__(daemon=True)
        self.handlers, self.now, self.done = handlers, now, -1

    def run(self) -> None:
        self.done = asyncio.run(poll(self.handlers, self.now))


async def poll(handlers: dict[str, JobHandler], now: datetime | None = None) -> int:
    return await scheduler.run_due_jobs(session_scope, handlers=handlers, ports={}, now=now)


def add_job(key: str, kind: str, run_at: datetime) -> None:
    with session_scope() as session:
        assert scheduler.schedule(session, key=key, kind=kind, run_at=run_at)


def job(db: Session, key: str) -> ScheduledJob:
    db.expire_all()
    return db.exec(select(ScheduledJob).where(ScheduledJob.key == key)).one()


@pytest.fixture(autouse=True)
def short_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "CLAIM_FOR", CLAIM_FOR)


@pytest.fixture
def held() -> Iterator[HeldJob]:
    held = HeldJob()
    yield held
    held.release.set()  # never leave a worker thread waiting


def test_a_job_claimed_late_in_a_long_polling_round_is_not_run_by_a_second_worker(db: Session, held: HeldJob) -> None:
    # Given two due jobs: the first takes longer than a claim lasts, the second is held by its handler
    async def slow(context: JobContext) -> str:
        await asyncio.sleep(CLAIM_FOR.total_seconds() * 1.3)
        return "slow"

    add_job("slow:1", "slow", utcnow() - timedelta(minutes=2))
    add_job("held:1", "held", utcnow() - timedelta(minutes=1))
    first = Worker({"slow": slow, "held": held.handler("A")})
    first.start()
    assert held.started.wait(WAIT)  # the first worker claimed the second job at the end of its long round

    # When a second worker polls while the first still runs that job
    ran = asyncio.run(poll({"slow": slow, "held": held.handler("B")}))

    # Then the second worker runs nothing: the claim was timed from when it was made, not from the round's start
    assert ran == 0
    held.release.set()
    first.join(WAIT)
    assert held.runs == ["A"]
    assert first.done == 2
    assert job(db, "held:1").status == "done"


def test_a_claim_holds_against_a_worker_whose_clock_is_moved_ahead_until_it_really_expired(
    db: Session, held: HeldJob
) -> None:
    # Given a job claimed by a first worker whose business clock is a week ahead (as tests move time forward)
    add_job("held:1", "held", utcnow())
    first = Worker({"held": held.handler("A")}, now=utcnow() + timedelta(days=7))
    first.start()
    assert held.started.wait(WAIT)

    # When a second worker polls with its clock a day further on, while the claim has not really expired
    ran_early = asyncio.run(poll({"held": held.handler("B")}, now=utcnow() + timedelta(days=8)))

    # Then it leaves the job alone; only after CLAIM_FOR of real time may it take the job over
    assert ran_early == 0
    assert held.runs == ["A"]
    time.sleep(CLAIM_FOR.total_seconds() * 1.2)
    ran_late = asyncio.run(poll({"held": held.handler("B")}, now=utcnow() + timedelta(days=8)))
    assert ran_late == 1
    assert held.runs == ["A", "B"]
    held.release.set()
    first.join(WAIT)


def test_a_worker_whose_claim_was_taken_over_cannot_overwrite_the_result(db: Session, held: HeldJob) -> None:
    # Given a job whose first worker outlived its claim, so a second worker took the job over and finished it
    add_job("held:1", "held", utcnow())
    held.fail_when_released = True
    first = Worker({"held": held.handler("A")})
    first.start()
    assert held.started.wait(WAIT)
    time.sleep(CLAIM_FOR.total_seconds() * 1.2)
    assert asyncio.run(poll({"held": held.handler("B")})) == 1
    finished = job(db, "held:1")
    assert (finished.status, finished.attempts, finished.last_error) == ("done", 2, "")

    # When the first worker's handler ends late, with an error
    held.release.set()
    first.join(WAIT)

    # Then the second worker's result stands: done, no error, no retry planned, and the first counts nothing done
    after = job(db, "held:1")
    assert (after.status, after.attempts, after.last_error) == ("done", 2, "")
    assert (after.run_at, after.finished_at) == (finished.run_at, finished.finished_at)
    assert first.done == 0


def test_each_handler_sees_the_business_clock_it_was_given(db: Session) -> None:
    seen: list[datetime] = []

    async def record(context: JobContext) -> str:
        seen.append(context.now)
        return "seen"

    later = utcnow() + timedelta(days=3)
    add_job("record:1", "record", later - timedelta(minutes=1))
    assert asyncio.run(poll({"record": record}, now=later)) == 1
    assert seen == [later]
    assert job(db, "record:1").finished_at == later
