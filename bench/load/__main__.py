"""`python -m bench.load [run options]` drives a running app; `python -m bench.load seed` fills an empty database.

python -m bench.load seed --listings 100000 --members 10000      # into DATABASE_URL (the app's database)
python -m bench.load --url http://localhost:3000 --users 200 --duration 120 --ramp 60 --think 10
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import func
from sqlmodel import Session, create_engine, select

from bench.load.engine import Config, run
from bench.load.members import World
from bench.load.seed import NotEmpty, SeedSize, contracts_to_fund, seed
from jtbd_app.config import get_settings
from jtbd_app.models import Listing


def world_of(database_url: str) -> World:
    """Read what the run picks from: the highest listing id, and the contracts each member may fund."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            listings = session.exec(select(func.max(Listing.id))).one() or 0
            contracts = contracts_to_fund(session)
    finally:
        engine.dispose()
    return World(listings=listings, contracts=contracts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default_db = get_settings().resolved_database_url
    if args[:1] == ["seed"]:
        parser = argparse.ArgumentParser(prog="python -m bench.load seed", description=seed.__doc__)
        parser.add_argument("--database-url", default=default_db)
        parser.add_argument("--listings", type=int, default=100_000)
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--funders", type=int, default=200, help="members with contracts to fund (the first N)")
        parser.add_argument("--contracts", type=int, default=10, help="contracts awaiting payment per funder")
        opts = parser.parse_args(args[1:])
        size = SeedSize(opts.listings, opts.members, opts.funders, opts.contracts)
        try:
            seconds = seed(opts.database_url, size)
        except NotEmpty as exc:
            print(exc, file=sys.stderr)
            return 2
        print(
            f"Seeded {size.listings:,} listings, {size.members:,} members, {size.funders * size.contracts:,} "
            f"contracts to fund in {seconds:.1f} s. Members: member<N> / m<N>@example.com, password in bench/load/seed.py."
        )
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--url", default="http://localhost:3000", help="the running app")
    parser.add_argument("--database-url", default=default_db, help="the app's database (read: listings, contracts)")
    parser.add_argument("--users", type=int, default=20, help="simulated members in the mixed load")
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load after the ramp")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the users sign in")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between one user's actions")
    parser.add_argument("--phase-seconds", type=float, default=5, help="seconds for each floor and action alone")
    parser.add_argument("--ratio-clients", type=int, default=20, help="clients for the throughput ratios")
    parser.add_argument("--no-progress", action="store_true")
    opts = parser.parse_args(args)
    world = world_of(opts.database_url)
    if not world.listings:
        print("The database has no listings: run `python -m bench.load seed` first.", file=sys.stderr)
        return 2
    config = Config(
        url=opts.url,
        world=world,
        users=opts.users,
        duration=opts.duration,
        ramp=opts.ramp,
        think=opts.think,
        phase_seconds=opts.phase_seconds,
        ratio_clients=opts.ratio_clients,
        progress=not opts.no_progress,
    )
    report = asyncio.run(run(config))
    print(report.text(config))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
