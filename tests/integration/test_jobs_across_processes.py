"""Several app processes (on one host or on several) poll the same PostgreSQL database for due jobs and queued mail.
Here two OS processes start their rounds at the same moment over the same rows: every job runs exactly once, every
mail reaches the SMTP server exactly once, and both processes took a share (so they really met on the rows)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import OutgoingMail, ScheduledJob, utcnow
from jtbd_app.services import mail, scheduler
from tests.support.app_server import ROOT, free_port
from tests.support.database import database_env
from tests.support.job_racer import JOB_KIND
from tests.support.smtp_server import LocalSmtpServer

JOBS = 120
MAILS = 60
PROCESSES = 2


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def database_settings(postgres_url: str, smtp_port: int) -> dict[str, str]:
    return database_env(
        postgres_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_SECURITY="none",
        SMTP_FROM="JTBD Marketplace <no-reply@jtbd.example>",
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        SMTP_TIMEOUT="5",
    )


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer(smtp_port).start()
    yield server
    server.stop()


def race(settings: dict[str, str]) -> list[dict[str, object]]:
    """Start the processes together (they wait for the same moment), and collect what each did."""
    start = time.time() + 3  # past every process's imports
    env = {**os.environ, **settings}
    command = [sys.executable, "-m", "tests.support.job_racer", str(start)]
    racers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(PROCESSES)
    ]
    outputs = []
    for racer in racers:
        out, err = racer.communicate(timeout=180)
        assert racer.returncode == 0, err.decode(errors="replace")[-3000:]
        outputs.append(json.loads(out.decode().strip().splitlines()[-1]))
    return outputs


def test_two_processes_racing_for_due_jobs_and_mail_run_each_once(
    database: str, database_settings: dict[str, str], smtp_server: LocalSmtpServer
) -> None:
    keys = [f"race:{n}" for n in range(JOBS)]
    with session_scope() as session:
        for key in keys:
            scheduler.schedule(session, key=key, kind=JOB_KIND, run_at=utcnow() - timedelta(minutes=1))
        for n in range(MAILS):
            mail.queue_mail(session, to=f"member{n}@example.com", subject=f"Mail {n}", body="Hello.")

    outputs = race(database_settings)

    runs = Counter(key for output in outputs for key in output["jobs"])  # type: ignore[attr-defined]
    assert sorted(runs) == sorted(keys) and set(runs.values()) == {1}, runs.most_common(3)
    assert all(output["jobs"] for output in outputs), "each process ran some of the jobs: they raced for them"
    subjects = Counter(str(got.message["Subject"]) for got in smtp_server.received)
    assert sorted(subjects) == sorted(f"Mail {n}" for n in range(MAILS)) and set(subjects.values()) == {1}
    assert sum(int(output["mails_sent"]) for output in outputs) == MAILS  # type: ignore[call-overload]
    assert all(output["mails_sent"] for output in outputs), "each process sent some of the mail"
    with session_scope() as session:
        jobs = session.exec(select(ScheduledJob)).all()
        mails = session.exec(select(OutgoingMail)).all()
    assert {(j.status, j.attempts) for j in jobs} == {("done", 1)}, "no claim was taken twice or lost"
    assert {(m.status, m.attempts) for m in mails} == {("sent", 1)}
