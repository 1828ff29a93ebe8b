"""Work the platform owes at a later time, kept as rows so it survives restarts and runs once across workers.

Each worker polls for due jobs; a job is claimed with a conditional UPDATE (so two workers never run it at the
same time), run in its own unit of work, and marked done. A failing job is retried with back-off and, after
`MAX_ATTEMPTS`, left as failed with its error for an admin to see. A claim that outlives its worker expires.

Two clocks: `now` is the business clock (when a job is due, what its handler sees; tests move it forward), while a
claim is timed by the wall clock when it is made, so it expires only after `CLAIM_FOR` of real time, however long
the polling round or however far a caller moved `now`. Each claim bumps `attempts`, which is its number: only the
worker holding the latest claim may record the job's result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from jtbd_app.models import ScheduledJob, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)
SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class JobContext:
    job_id: int
    kind: str
    key: str
    contract_id: int | None
    now: datetime
    session_factory: SessionFactory
    ports: dict[str, Any]  # e.g. {"gateway": PaymentGateway}


JobHandler = Callable[[JobContext], Awaitable[str]]


def schedule(session: Session, *, key: str, kind: str, run_at: datetime, contract_id: int | None = None) -> bool:
    """Schedule once per key; returns False when a job with that key exists already. One statement: an insert that
    the key's unique index turns into nothing when a job has it (made by another unit of work too, which it waits
    for), with no savepoint to set and release."""
    session.flush()  # the contract the job refers to may be new in this unit of work
    job = ScheduledJob(key=key, kind=kind, run_at=run_at, contract_id=contract_id).model_dump(exclude={"id"})
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    added = session.connection().execute(
        insert(ScheduledJob).values(**job).on_conflict_do_nothing(index_elements=["key"])
    )
    return added.rowcount == 1


def cancel_pending(session: Session, *, contract_id: int, kinds: Iterable[str]) -> None:
    session.exec(  # type: ignore[call-overload]
        update(ScheduledJob)
        .where(
            col(ScheduledJob.contract_id) == contract_id,
            col(ScheduledJob.kind).in_(list(kinds)),
            col(ScheduledJob.status) == "pending",
        )
        .values(status="cancelled", finished_at=utcnow())
    )


def _claimable(wall: datetime) -> ColumnElement[bool]:
    return or_(col(ScheduledJob.claimed_until).is_(None), col(ScheduledJob.claimed_until) < wall)


def _claim(session_factory: SessionFactory, job_id: int) -> ScheduledJob | None:
    """Claims a due job until `CLAIM_FOR` of real time from now; the claim's number is the job's new `attempts`."""
    with session_factory() as session:
        wall = utcnow()
        claimed = session.exec(  # type: ignore[call-overload]
            update(ScheduledJob)
            .where(col(ScheduledJob.id) == job_id, col(ScheduledJob.status) == "pending", _claimable(wall))
            .values(claimed_until=wall + CLAIM_FOR, attempts=ScheduledJob.attempts + 1)  # type: ignore[operator]
        )
        if claimed.rowcount != 1:
            return None
        return session.get(ScheduledJob, job_id)


def _finish(session_factory: SessionFactory, job_id: int, *, claim: int, now: datetime, error: str = "") -> bool:
    """Records the outcome of claim number `claim` in one conditional UPDATE; False, and nothing written, when the
    claim expired and another worker claimed the job since: that worker's result stands."""
    if not error:
        outcome: dict[str, Any] = {"status": "done", "finished_at": now, "last_error": ""}
    elif claim >= MAX_ATTEMPTS:
        outcome = {"status": "failed", "finished_at": now, "last_error": error[:2000]}
    else:
        outcome = {"run_at": now + timedelta(minutes=2 ** min(claim, 10)), "last_error": error[:2000]}
    with session_factory() as session:
        finished = session.exec(  # type: ignore[call-overload]
            update(ScheduledJob)
            .where(col(ScheduledJob.id) == job_id, col(ScheduledJob.attempts) == claim)
            .values(claimed_until=None, **outcome)
        )
    if finished.rowcount != 1:
        log.warning(
            "scheduled job %s: claim %s expired and another worker took the job; its result stands", job_id, claim
        )
        return False
    return True


async def run_due_jobs(
    session_factory: SessionFactory,
    *,
    handlers: dict[str, JobHandler],
    ports: dict[str, Any],
    now: datetime | None = None,
    limit: int = 50,
) -> int:
    """Run the jobs due by `now` (the business clock: the wall clock unless a caller moves it); returns how many ran
    to completion. Claims go by the wall clock whatever `now` says."""
    with session_factory() as session:
        due = session.exec(
            select(ScheduledJob.id)
            .where(
                ScheduledJob.status == "pending", col(ScheduledJob.run_at) <= (now or utcnow()), _claimable(utcnow())
            )
            .order_by(col(ScheduledJob.run_at), col(ScheduledJob.id))
            .limit(limit)
        ).all()
    done = 0
    for job_id in due:
        assert job_id is not None
        job = _claim(session_factory, job_id)
        if job is None:
            continue
        handler = handlers.get(job.kind)
        if handler is None:
            error = f"no handler for job kind {job.kind!r}"
            _finish(session_factory, job_id, claim=job.attempts, now=now or utcnow(), error=error)
            continue
        context = JobContext(job_id, job.kind, job.key, job.contract_id, now or utcnow(), session_factory, ports)
        try:
            outcome = await handler(context)
        except Exception as exc:  # a job's failure must not stop the others; it is retried with back-off
            log.exception("scheduled job %s failed", job.key)
            error = f"{type(exc).__name__}: {exc}"
            _finish(session_factory, job_id, claim=job.attempts, now=now or utcnow(), error=error)
            continue
        log.info("scheduled job %s: %s", job.key, outcome)
        if _finish(session_factory, job_id, claim=job.attempts, now=now or utcnow()):
            done += 1
    return done


async def run_scheduler(
    session_factory: SessionFactory, *, handlers: dict[str, JobHandler], ports: dict[str, Any], poll_seconds: float
) -> None:
    """The lifespan task every backend worker runs; claims keep workers from running a job twice."""
    while True:
        try:
            await run_due_jobs(session_factory, handlers=handlers, ports=ports)
        except Exception:  # the database may be briefly away; try again next round
            log.exception("scheduler round failed")
        await asyncio.sleep(poll_seconds)
