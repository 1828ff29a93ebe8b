"""One production build of the app on its own database, seeded with demo data and the hostile world, and one run of
the hostile websocket battery shared by the checks (database unchanged, nothing private received, exceptions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jtbd_app.db import get_engine
from jtbd_app.state.session import SessionState
from tests.support import db_snapshot
from tests.support.app_server import AppServer
from tests.support.database import use_database
from tests.support.hostile_battery import plan
from tests.support.hostile_runner import IdentityRun, run_all
from tests.support.hostile_world import World, seed_world


@pytest.fixture(scope="session")
def world(app_server: AppServer) -> Iterator[World]:
    """The victims, the stranger and the secrets, seeded on the app's database, which this process then reads."""
    with pytest.MonkeyPatch.context() as mp, use_database(mp, app_server.database_env()):
        yield seed_world()


@dataclass
class BatteryRun:
    runs: list[IdentityRun]
    before: db_snapshot.Snapshot
    middle: db_snapshot.Snapshot  # after the anonymous visitor, before the stranger
    after: db_snapshot.Snapshot


def _write_report(runs: list[IdentityRun], path: Path) -> None:
    """Every call that raised or logged an error, for whoever fixes them (the test's message is a summary)."""
    rows = [
        {
            "identity": run.identity,
            "handler": o.call.handler,
            "argument": o.call.argument,
            "error": o.exception_summary(),
        }
        for run in runs
        for o in run.outcomes
        if o.log_errors
    ]
    path.write_text(json.dumps(rows, indent=1))


@pytest.fixture(scope="session")
def battery(app_server: AppServer, world: World, tmp_path_factory: pytest.TempPathFactory) -> BatteryRun:
    """Every handler's hostile calls, as an anonymous visitor and then as the signed-in stranger."""
    calls, session_state = plan(world), SessionState.get_full_name()
    before = db_snapshot.take(get_engine())
    anonymous = run_all(app_server.url, app_server.log_path, {"anonymous": None}, calls, session_state)
    middle = db_snapshot.take(get_engine())
    stranger = run_all(app_server.url, app_server.log_path, {"stranger": world.stranger_cookie}, calls, session_state)
    runs = [*anonymous, *stranger]
    _write_report(runs, tmp_path_factory.getbasetemp() / "hostile-exceptions.json")
    return BatteryRun(runs, before, middle, db_snapshot.take(get_engine()))
