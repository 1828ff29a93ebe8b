"""The production profile for a load run: `tests/support/production_profile` (the frontend built once, two app
processes of `--workers` backend workers each on PostgreSQL and Redis, behind Caddy with the repository's Caddyfile:
least_conn over both) started with the rate limits off (bench/load/limits.py), until interrupted.

    python -m bench.load.profile --database-url postgresql+psycopg://... [--redis-url redis://... --workers 2]

then, in another terminal, `make load URL=<the address it prints> LOAD_ARGS="--database-url postgresql+psycopg://..."`.
The database must already hold the load's data (`make load-seed` with DATABASE_URL set to it).
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path

from bench.load.limits import LOAD_RATE_LIMITS


def main(argv: list[str] | None = None) -> int:
    from tests.support.production_profile import production_profile

    parser = argparse.ArgumentParser(prog="python -m bench.load.profile")
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database seeded by `make load-seed`")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--workers", type=int, default=2, help="backend workers in each of the two app processes")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with (
        tempfile.TemporaryDirectory(prefix="jtbd-profile-") as workdir,
        production_profile(
            workdir=Path(workdir),
            database_url=args.database_url,
            redis_url=args.redis_url,
            workers=args.workers,
            pinned=False,
            extra_env={"RATE_LIMITS": LOAD_RATE_LIMITS},
        ) as profile,
    ):
        print(f"The production profile is at {profile.url} (app processes on {profile.app_ports}); Ctrl-C stops it.")
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
