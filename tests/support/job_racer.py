"""One app process's share of the background work, run as its own OS process by the tests that race several of them
on one PostgreSQL database: from the moment given (so that all start together) it runs the real scheduler and mail
queue rounds until nothing is left to claim, then prints as JSON the jobs it ran and how many mails it sent.

    python -m tests.support.job_racer <start, seconds since the epoch>   (settings from the environment)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from sqlmodel import col, func, select

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import OutgoingMail, ScheduledJob
from jtbd_app.services import mail, scheduler
from jtbd_app.services.scheduler import JobContext

JOB_KIND = "race_record"
ROUND = 10  # rows a round takes at most: several rounds each, so the processes keep meeting on the same rows
GIVE_UP_AFTER = 120.0


def left_to_do() -> int:
    with read_scope() as session:
        jobs = session.exec(select(func.count()).where(col(ScheduledJob.status) == "pending")).one()
        mails = session.exec(select(func.count()).where(col(OutgoingMail.status).in_(["pending", "sending"]))).one()
    return int(jobs) + int(mails)


async def race(start: float) -> dict[str, object]:
    ran: list[str] = []

    async def record(context: JobContext) -> str:
        ran.append(context.key)
        await asyncio.sleep(0.01)  # a job takes a moment: the other process meets it claimed
        return "recorded"

    mailer = bootstrap.mailer(get_settings())
    assert mailer is not None, "SMTP_HOST must be set"
    sent = 0
    await asyncio.sleep(max(0.0, start - time.time()))
    deadline = time.monotonic() + GIVE_UP_AFTER
    while left_to_do() and time.monotonic() < deadline:
        await scheduler.run_due_jobs(session_scope, handlers={JOB_KIND: record}, ports={}, limit=ROUND)
        sent += mail.deliver_pending_mail(session_scope, mailer=mailer, limit=ROUND).sent
    return {"jobs": ran, "mails_sent": sent}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(race(float(sys.argv[1])))))
