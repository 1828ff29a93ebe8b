"""Events near the floor: the marketplace's and a listing page's loads through Reflex's own event processor,
in-process, against 100,000 listings on SQLite (or `--database-url`).

Each event goes the way a websocket message does once it is decoded: `BaseStateEventProcessor.enqueue` with the
router data the socket handler builds, the app as middleware (the session guard), the state manager the app was
configured with, every delta serialised as the socket would send it. What is not timed is socket.io and the network
(the `make load` tool measures those). Floors, measured in the same run: F0, the framework's own `set_is_hydrated`.

Run: `.venv/bin/python -m bench.events` (`--profile` prints a cProfile of the marketplace search load).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlmodel import create_engine

ACTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    # label: (handler, path, query); set_is_hydrated is sent with {"value": true}, the others with no arguments
    "F0 set_is_hydrated": ("reflex___state____state.set_is_hydrated", "/marketplace", {}),
    "/marketplace?q=logo&category=design": ("load_marketplace", "/marketplace", {"q": "logo", "category": "design"}),
    "/marketplace?q=design": ("load_marketplace", "/marketplace", {"q": "design"}),
    "/marketplace": ("load_marketplace", "/marketplace", {}),
    "/listings/12345": ("load_listing", "/listings/12345", {}),
}


class Emitted:
    """Stands in for the socket namespace: serialises each update as socket.io would, and counts the bytes."""

    def __init__(self) -> None:
        self.bytes = 0

    async def emit_update(self, update: Any, token: str) -> None:
        from reflex_base.utils.format import json_dumps

        self.bytes += len(json_dumps(update))


def seed(url: str, listings: int, users: int) -> None:
    from bench import search
    from jtbd_app import cli

    cli.migrate(url)
    engine = create_engine(url)
    search.populate(engine, listings=listings, users=users)
    search.analyze(engine)
    engine.dispose()


def _event(app: Any, handler: str, path: str, query: dict[str, str], token: str) -> Any:
    from reflex.event import Event
    from reflex_base import constants
    from reflex_base.utils import format as rx_format

    from jtbd_app.state.listings import ListingState
    from jtbd_app.state.marketplace import MarketplaceState

    if "." not in handler:
        owner = ListingState if handler == "load_listing" else MarketplaceState
        handler = f"{owner.get_full_name()}.{handler}"
    search = "&".join(f"{k}={v}" for k, v in query.items())
    router_data: dict[str, Any] = {"pathname": path, "asPath": path + (f"?{search}" if search else "")}
    if query:
        router_data["query"] = query
    router_data[constants.RouteVar.HEADERS] = {"host": "localhost", "origin": "http://localhost"}
    router_data[constants.RouteVar.QUERY] = rx_format.format_query_params(router_data)
    router_data[constants.RouteVar.CLIENT_TOKEN] = token
    router_data[constants.RouteVar.CLIENT_IP] = "127.0.0.1"
    router_data[constants.RouteVar.PATH] = "/" + (app.router(path) or "404").removeprefix("/")
    payload = {"value": True} if handler.endswith("set_is_hydrated") else {}
    return Event(name=handler, payload=payload, router_data=router_data)


def _forget_cached_pages() -> None:
    """As after a change: the next search or listing page is computed again (no-op before the caches existed)."""
    try:
        from jtbd_app.services.marketplace import listing_search, listing_view
    except ImportError:
        return
    for cache in (getattr(listing_search, "SEARCHES", None), getattr(listing_view, "PUBLIC_LISTINGS", None)):
        if cache is not None:
            cache.clear()


async def _time(app: Any, processor: Any, label: str, runs: int, token: str, *, misses: bool = False) -> list[float]:
    handler, path, query = ACTIONS[label]
    samples = []
    for _ in range(runs):
        event = _event(app, handler, path, query, token)
        if misses:
            _forget_cached_pages()
        start = time.perf_counter()
        future = await processor.enqueue(token, event)
        await future
        await processor.join()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def _idle_cpu(app: Any, processor: Any, tabs: int, seconds: float) -> tuple[float, float]:
    """Open `tabs` more tabs (one page load each), then the worker's CPU time (ms per second) while nobody asks
    anything: first right away, then after the state manager's write-back period has passed."""
    for n in range(tabs):
        await _time(app, processor, "F0 set_is_hydrated", 1, f"idle-tab-{n}")
    readings = []
    for _ in range(2):
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        readings.append((time.process_time() - cpu) * 1000 / (time.perf_counter() - wall))
    return readings[0], readings[1]


async def measure(runs: int, *, profile: str | None, sessions: int, idle_tabs: int) -> dict[str, tuple[float, float]]:
    from reflex_base.event.processor import BaseStateEventProcessor

    from jtbd_app.jtbd_app import app

    emitted = Emitted()
    processor = BaseStateEventProcessor(middleware=app, backend_exception_handler=app.backend_exception_handler)
    results: dict[str, tuple[float, float]] = {}
    async with processor.configure(state_manager=app.state_manager, event_namespace=emitted):  # type: ignore[arg-type]
        token = str(uuid.uuid4())
        for label in ACTIONS:  # warm up: statements compiled, caches filled, the tab's state tree created
            await _time(app, processor, label, 20, token)
        for n in range(sessions):  # other tabs' states beside this one, as after a day of visitors
            await _time(app, processor, "/marketplace", 1, f"tab-{n}")
        for label in ACTIONS:
            samples = await _time(app, processor, label, runs, token)
            quantiles = statistics.quantiles(samples, n=100)
            results[label] = (quantiles[49], quantiles[94])
        for label in list(ACTIONS)[1:]:  # every visitor's first look after a change: nothing cached
            samples = await _time(app, processor, label, runs, token, misses=True)
            quantiles = statistics.quantiles(samples, n=100)
            results[f"{label} (after a change)"] = (quantiles[49], quantiles[94])
        if idle_tabs:
            first, later = await _idle_cpu(app, processor, idle_tabs, 10.0)
            results[f"idle CPU ms/s, {idle_tabs:,} more tabs (0-10 s, 10-20 s)"] = (first, later)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await _time(app, processor, profile, runs, token)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"jtbd_app|reflex|json|format", 60)
    await app.state_manager.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=200, help="other tabs opened before timing")
    parser.add_argument("--database-url", default="", help="an already seeded database (default: a fresh SQLite)")
    parser.add_argument("--keep", default="", help="seed into (or reuse) this SQLite file")
    parser.add_argument("--profile", default="", choices=["", *ACTIONS], help="print a cProfile of this action")
    parser.add_argument("--idle-tabs", type=int, default=0, help="then open this many tabs and read the idle CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url
        if not url:
            path = Path(args.keep or Path(tmp) / "events.db").absolute()
            url = f"sqlite:///{path}"
            if not path.exists():
                started = time.perf_counter()
                seed(url, args.listings, args.users)
                print(f"seeded {args.listings:,} listings in {time.perf_counter() - started:.1f} s")
        os.environ["DATABASE_URL"] = url
        os.chdir(Path(__file__).resolve().parent.parent)  # rxconfig.py and the states folder are the app's
        results = asyncio.run(
            measure(args.runs, profile=args.profile or None, sessions=args.sessions, idle_tabs=args.idle_tabs)
        )
    floor = results["F0 set_is_hydrated"][0]
    print(f"\n{'event':<58} {'p50 ms':>8} {'p95 ms':>8} {'x F0':>6}")
    for label, (p50, p95) in results.items():
        ratio = "" if label.startswith("idle") else f"{p50 / floor:6.1f}"
        print(f"{label:<58} {p50:8.2f} {p95:8.2f} {ratio:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
