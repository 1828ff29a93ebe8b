"""App containers migrate as they start (`python -m jtbd_app.serve`): several starting together on a fresh PostgreSQL
database all succeed, one migrating while the others wait on its advisory lock (without it, the others fail creating
tables that the first has just created)."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
from alembic.script import ScriptDirectory

from jtbd_app.cli import alembic_config
from tests.support.app_server import ROOT
from tests.support.database import database_env


def test_app_processes_starting_together_migrate_a_fresh_database_once(postgres_url: str) -> None:
    env = {**os.environ, **database_env(postgres_url)}
    starting = [
        subprocess.Popen(
            [sys.executable, "-m", "jtbd_app.cli", "migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for process in starting:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode(errors="replace")[-3000:]
    head = ScriptDirectory.from_config(alembic_config(postgres_url)).get_current_head()
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
