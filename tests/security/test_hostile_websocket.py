"""Every event handler of the app, called over the real websocket with hostile arguments by an anonymous visitor and
by a signed-in stranger who owns nothing: nothing changes in the database but the stranger's own rows, nothing
private reaches them, the server keeps serving others, and no handler raises."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict

import httpx
from reflex_base.environment import environment

from jtbd_app.models import ChangeStamp, LoginThrottle, Notification, RateLimitCounter
from jtbd_app.state.marketplace import MarketplaceState
from tests.security.conftest import BatteryRun
from tests.support import db_snapshot
from tests.support.app_server import AppServer
from tests.support.hostile_battery import every_handler
from tests.support.hostile_runner import IdentityRun, Outcome
from tests.support.hostile_world import World
from tests.support.reflex_client import ReflexClient

# Tables any call may write, and why. Everything else must be exactly as it was.
WRITTEN_ON_ANY_CALL = {
    str(LoginThrottle.__tablename__): "a refused sign-in counts against the identifier and address (the throttle)",
    str(RateLimitCounter.__tablename__): "sign-in, sign-up, posts, bids, messages and model calls are counted",
}


# A change stamp holds no data: it moves with a change of another table, which is checked row by row (the stranger's
# question on a victim's listing moves the victim's bell). The anonymous visitor may not move one either.
MOVES_WITH_A_CHECKED_CHANGE = str(ChangeStamp.__tablename__)

LOGS_BY_DESIGN = "FrontendEventExceptionState.handle_frontend_exception"


def _run(battery: BatteryRun, identity: str) -> IdentityRun:
    return next(run for run in battery.runs if run.identity == identity)


def test_every_handler_the_app_registers_is_called_by_both_identities(battery: BatteryRun) -> None:
    for run in battery.runs:
        assert run.connected is not None and run.connected.answered, f"{run.identity} could not hydrate"
        assert {o.call.handler for o in run.outcomes} == every_handler()
        assert len(run.outcomes) > 10 * len(every_handler())


def test_the_stranger_was_signed_in_for_the_whole_battery(battery: BatteryRun) -> None:
    """Else the "signed-in stranger" half would have tested an anonymous visitor twice."""
    assert _run(battery, "stranger").still_signed_in is True
    assert _run(battery, "anonymous").still_signed_in is False


def _oversized(outcome: Outcome) -> bool:
    """A frame over the socket's limit makes engine.io close the connection (Reflex's own size limit; the frontend
    reconnects): not the app's doing."""
    limit = environment.REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE.get()
    return len(json.dumps(outcome.call.payload)) > limit


def test_the_server_answers_every_call_without_dropping_the_connection(battery: BatteryRun) -> None:
    bad = [
        f"{run.identity}: {o.call}"
        for run in battery.runs
        for o in run.outcomes
        if (not o.answered or o.dropped) and not _oversized(o)
    ]
    assert not bad, f"{len(bad)} calls unanswered or dropped:\n" + "\n".join(bad[:40])


def _tells_of_the_stranger(snap: db_snapshot.Snapshot, table: str, key: db_snapshot.Key, change: object) -> bool:
    """A notification added to another member that tells them what the stranger did (asked about their listing):
    the stranger's own action, not a change to the other member's data."""
    if table != str(Notification.__tablename__) or key not in getattr(change, "added", []):
        return False
    row = dict(zip(snap.columns[table], snap.tables[table][key], strict=True))
    return str(row["title"]).startswith(repr("Stranger ")[:-1])


def test_the_database_is_unchanged_but_for_the_strangers_own_rows(battery: BatteryRun, world: World) -> None:
    snaps = (battery.middle, battery.after)
    foreign = []
    for table, change in db_snapshot.diff(*snaps).items():
        if table in WRITTEN_ON_ANY_CALL or table == MOVES_WITH_A_CHECKED_CHANGE:
            continue
        for key in change.rows():
            owned = db_snapshot.belongs_to(snaps, table, key, world.stranger_id)
            if not owned and not _tells_of_the_stranger(battery.after, table, key, change):
                kind = "added" if key in change.added else "removed" if key in change.removed else "changed"
                foreign.append(f"{table} {kind} {key}")
    assert not foreign, "Rows that are not the stranger's changed:\n" + "\n".join(foreign[:60])


def test_the_anonymous_visitor_changes_nothing(battery: BatteryRun) -> None:
    """Checked on its own snapshot pair: the anonymous half ran first, before the stranger's."""
    changed = {
        table: change.rows()[:5]
        for table, change in db_snapshot.diff(battery.before, battery.middle).items()
        if table not in WRITTEN_ON_ANY_CALL
    }
    assert not changed, f"The anonymous visitor changed: {changed}"


def test_nothing_private_reaches_the_client(battery: BatteryRun, world: World) -> None:
    leaks = []
    for run in battery.runs:
        assert run.connected is not None
        streams = [("hydrate", run.connected.text), *((str(o.call), o.text) for o in run.outcomes)]
        for where, text in streams:
            leaks += [f"{run.identity} {where}: {label}" for label, secret in world.private.items() if secret in text]
    assert len(world.private) > 20  # emails, hashes, tokens, messages, a balance
    assert not leaks, f"{len(leaks)} private strings reached the client:\n" + "\n".join(leaks[:40])


def test_the_server_keeps_serving_others(battery: BatteryRun, app_server: AppServer) -> None:
    async def visit() -> bool:
        client = ReflexClient(app_server.url)
        hydrated = await client.connect("/marketplace")
        await client.close()
        name = MarketplaceState.get_full_name()
        return hydrated.answered and any(name in d for d in hydrated.deltas())

    assert asyncio.run(visit())
    page = httpx.get(f"{app_server.url}/marketplace", timeout=30, follow_redirects=True)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert httpx.get(f"{app_server.url}/ping", timeout=10).status_code == 200


def _raising(outcomes: list[Outcome]) -> dict[str, list[str]]:
    by_handler: dict[str, list[str]] = defaultdict(list)
    for o in outcomes:
        if o.log_errors:
            by_handler[o.call.handler].append(f"{o.call.argument} -> {o.exception_summary()}")
    return by_handler


def test_no_handler_raises_on_hostile_arguments(battery: BatteryRun) -> None:
    """A bad argument becomes a message, never an exception: no traceback or ERROR line in the server's log, for the
    app's handlers and Reflex's own alike. One is excused: the frontend's error report, which exists to log what it
    is given as an error."""
    report = []
    for run in battery.runs:
        for handler, failures in sorted(_raising(run.outcomes).items()):
            if handler == LOGS_BY_DESIGN:
                continue
            kinds = sorted({f.split(" -> ", 1)[1] for f in failures})
            report.append(f"{run.identity} {handler}: {len(failures)} calls raise {kinds}; e.g. {failures[0]}")
    assert not report, f"{len(report)} handler/identity pairs raise:\n" + "\n".join(report)
