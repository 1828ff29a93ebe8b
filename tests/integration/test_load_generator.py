"""`make load` against the real production build: members sign in through the app's own flow, then every action is
driven over Reflex's websocket protocol and measured, floors and ratios included. No timing is asserted here
(targets live in bench/ and docs/PERFORMANCE.md): only that everything was done without an error and measured."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import Session, create_engine, select

from bench.load.__main__ import world_of
from bench.load.engine import Config, run
from bench.load.limits import LOAD_RATE_LIMITS
from bench.load.members import ACTIONS
from bench.load.seed import SeedSize, seed
from jtbd_app.models import Bid, Contract, Message
from tests.support.app_server import AppServer, start_app, stop_app

SIZE = SeedSize(listings=400, members=40, funders=4, contracts=6)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    workdir = tmp_path_factory.mktemp("load")
    seed(f"sqlite:///{workdir / 'app.db'}", SIZE)  # before the app starts: its `prepare` leaves a seeded database be
    server = start_app(workdir=workdir, extra_env={"RATE_LIMITS": LOAD_RATE_LIMITS})  # as a load run is served
    yield server
    stop_app(server)


def test_seed_makes_members_who_can_sign_in_and_contracts_to_fund(seeded_app: AppServer) -> None:
    world = world_of(seeded_app.env["DATABASE_URL"])

    assert world.listings == SIZE.listings + SIZE.funders * SIZE.contracts
    assert sorted(world.contracts) == list(range(1, SIZE.funders + 1))
    assert all(len(ids) == SIZE.contracts for ids in world.contracts.values())


async def test_every_action_is_measured_without_errors_with_its_ratios_to_the_floors(seeded_app: AppServer) -> None:
    config = Config(
        url=seeded_app.url,
        world=world_of(seeded_app.env["DATABASE_URL"]),
        users=4,
        duration=3,
        ramp=1,
        think=0.1,
        phase_seconds=1,
        ratio_clients=3,
        progress=False,
    )

    report = await run(config)

    assert report.errors == 0, report.error_examples
    assert report.f0_ms > 0 and report.f1_ms >= 0 and report.f1_per_second > 0
    assert [r.name for r in report.ratios] == ACTIONS
    for ratio in report.ratios:
        figures = (ratio.p50, ratio.to_f0, ratio.to_f1, ratio.per_second, ratio.f1_per_second_over_this)
        assert all(math.isfinite(x) and x > 0 for x in figures), ratio
    measured = {line.name: line for line in report.load}
    assert sum(line.count for line in report.load) > 0
    assert measured["sign in (form)"].count == config.users
    text = report.text(config)
    assert all(action in text for action in [*ACTIONS, "F0 set_is_hydrated", "F1 MarketplaceState.ping"])
    # what the members did is in the database: bids placed, messages sent, contracts paid in the sandbox
    engine = create_engine(seeded_app.env["DATABASE_URL"])
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Bid)).one() > 0
        assert session.exec(select(func.count()).select_from(Message)).one() > 0
        funded = session.exec(select(func.count()).select_from(Contract).where(Contract.status == "funded")).one()
    engine.dispose()
    assert funded > 0
