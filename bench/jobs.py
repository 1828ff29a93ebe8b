"""The scheduler's cost (services/scheduler.py): jobs scheduled one per unit of work, as the app schedules them, then
run by one worker's polling loop. The numbers ADR 0009 compares with procrastinate, huey and SAQ.

Each job costs one INSERT when scheduled and, when run, a share of the due-jobs SELECT, the claim (a conditional
UPDATE), its handler's own unit of work and the finish (another conditional UPDATE).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from jtbd_app import cli
from jtbd_app.db import make_engine
from jtbd_app.models import utcnow
from jtbd_app.services import scheduler


@dataclass(frozen=True)
class JobRates:
    scheduled_per_s: float
    run_per_s: float


async def _nothing(_context: scheduler.JobContext) -> str:
    return "nothing to do"


def bench(url: str, *, jobs: int) -> JobRates:
    cli.migrate(url)
    engine = make_engine(url)

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session
            session.commit()

    now = utcnow()
    start = time.perf_counter()
    for i in range(jobs):
        with unit_of_work() as session:
            scheduler.schedule(session, key=f"bench:{i}", kind="bench", run_at=now)
    scheduled = time.perf_counter()

    async def drain() -> None:
        done = 0
        while done < jobs:
            done += await scheduler.run_due_jobs(
                unit_of_work, handlers={"bench": _nothing}, ports={}, now=now + timedelta(seconds=1)
            )

    asyncio.run(drain())
    finished = time.perf_counter()
    engine.dispose()
    return JobRates(jobs / (scheduled - start), jobs / (finished - scheduled))
