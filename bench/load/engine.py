"""The load run, in three phases on the running app:

1. one client: the floors F0 (the framework's `set_is_hydrated`) and F1 (`MarketplaceState.ping`, which changes
   nothing) and then each action alone, for `phase_seconds` each: each action's median as a multiple of F0's and F1's;
2. `ratio_clients` clients (20) doing F1 and then each action alone, for `phase_seconds` each: each action's
   throughput, against F1's throughput;
3. `users` members signing in over `ramp` seconds, then each doing a mix of actions with `think` seconds between
   them until `duration` has passed: throughput, p50/p95/p99 and errors per action.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.load.members import ACTIONS, F0, F1, SIGN_IN, SIGN_IN_ERRORS, Member, SignInFailed, World
from bench.load.stats import ActionFigures, Recorder, figures, fmt, percentile, table
from bench.load.tab import EventFailed


@dataclass
class Config:
    url: str
    world: World
    users: int = 20
    duration: float = 60.0
    ramp: float = 10.0
    think: float = 1.0
    phase_seconds: float = 3.0
    ratio_clients: int = 20
    progress: bool = True
    seed: int = 1


@dataclass
class Ratio:
    name: str
    p50: float  # ms at one client
    to_f0: float
    to_f1: float
    per_second: float  # at `ratio_clients` clients
    f1_per_second_over_this: float


@dataclass
class Report:
    f0_ms: float
    f1_ms: float
    f1_per_second: float
    ratios: list[Ratio] = field(default_factory=list)
    load: list[ActionFigures] = field(default_factory=list)
    load_seconds: float = 0.0
    errors: int = 0
    error_examples: dict[str, list[str]] = field(default_factory=dict)

    def text(self, config: Config) -> str:
        floors = table(
            ["floor", "1 client p50 ms", f"{config.ratio_clients} clients events/s"],
            [
                [F0, fmt(self.f0_ms, 2), ""],
                [F1, fmt(self.f1_ms, 2), fmt(self.f1_per_second, 0)],
            ],
        )
        ratios = table(
            [
                "action",
                "1 client p50 ms",
                "x F0",
                "x F1",
                f"{config.ratio_clients} clients events/s",
                "F1 events/s ÷ this",
            ],
            [
                [
                    r.name,
                    fmt(r.p50, 2),
                    fmt(r.to_f0),
                    fmt(r.to_f1),
                    fmt(r.per_second, 0),
                    fmt(r.f1_per_second_over_this),
                ]
                for r in self.ratios
            ],
        )
        load = table(
            ["action", "count", "errors", "events/s", "p50 ms", "p95 ms", "p99 ms"],
            [
                [a.name, str(a.count), str(a.errors), fmt(a.per_second), fmt(a.p50), fmt(a.p95), fmt(a.p99)]
                for a in self.load
            ],
        )
        errors = "".join(f"\n  {name}: {'; '.join(why)}" for name, why in self.error_examples.items())
        return (
            f"Floors (same run):\n{floors}\n\nEach action alone: 1 client, and {config.ratio_clients} clients:\n"
            f"{ratios}\n\nMixed load: {config.users} users, ramp {config.ramp:g} s, think {config.think:g} s, "
            f"{self.load_seconds:.0f} s:\n{load}\n\nErrors: {self.errors}{errors}\n"
            f"Contracts left to fund: {sum(len(ids) for ids in config.world.contracts.values())} (seed again at none)\n"
        )


class Progress:
    """A one-line progress bar on stderr: phase, share of the time, events and errors so far."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.every = 0.2 if sys.stderr.isatty() else 5.0  # a log file gets a line every few seconds
        self.shown = 0.0

    def show(self, phase: str, done: float, recorder: Recorder) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.shown < self.every:
            return
        self.shown = now
        share = min(1.0, max(0.0, done))
        bar = "#" * int(share * 30)
        sys.stderr.write(
            ("\r" if sys.stderr.isatty() else "\n")
            + f"{phase[:34]:<34} [{bar:<30}] {share * 100:3.0f}%  {recorder.total:6d} events  {recorder.errors} errors "
        )
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


async def _signed_in(config: Config, numbers: range, recorder: Recorder) -> list[Member]:
    """The members of a measuring phase, signed in two at a time (their sign-in is set-up here, not what is measured:
    the mixed load signs its members in as they arrive). One that fails is an error of the run and is left out."""
    members = [Member(n, config.url, config.world, recorder, seed=config.seed) for n in numbers]
    gate = asyncio.Semaphore(2)

    async def sign_in(member: Member) -> Member | None:
        async with gate:
            try:
                await member.sign_in()
            except SIGN_IN_ERRORS as exc:
                recorder.error(SIGN_IN, f"{type(exc).__name__}: {exc}")
                await member.close()
                return None
        return member

    signed = [m for m in await asyncio.gather(*(sign_in(m) for m in members)) if m is not None]
    if not signed:
        raise SignInFailed(f"no member could sign in at {config.url}: {recorder.get(SIGN_IN).error_examples}")
    return signed


async def _repeat(
    members: list[Member], action: str, seconds: float, recorder: Recorder, tick: Callable[[], None]
) -> float:
    """Every member does `action` back to back for `seconds`; returns the wall time until the last one finished."""
    start = time.perf_counter()
    deadline = start + seconds

    async def loop(member: Member) -> None:
        run = member.runners()[action]
        while time.perf_counter() < deadline:
            if not member.can(action):  # out of contracts to fund, or at the messaging rate limit
                return
            with contextlib.suppress(EventFailed):  # counted by the recorder
                await run()
            tick()

    await asyncio.gather(*(loop(m) for m in members))
    return time.perf_counter() - start


async def run(config: Config) -> Report:
    progress = Progress(config.progress)
    floors = [F0, F1]
    phases = len(floors) + len(ACTIONS)

    # 1. one client
    single = Recorder()
    left = config.world.contracts
    solo = max(left, key=lambda n: (len(left[n]), -n)) if left else 1  # the member with the most contracts to fund
    (one,) = await _signed_in(config, range(solo, solo + 1), single)
    for i, action in enumerate([*floors, *ACTIONS]):
        step = time.perf_counter()

        def tick(i: int = i, step: float = step) -> None:
            progress.show(f"1 client: {i + 1}/{phases}", (time.perf_counter() - step) / config.phase_seconds, single)

        await _repeat([one], action, config.phase_seconds, single, tick)
    await one.close()
    progress.end()
    f0 = percentile(single.timings(F0), 50)
    f1 = percentile(single.timings(F1), 50)

    # 2. `ratio_clients` clients, each action alone
    crowd = Recorder()
    members = await _signed_in(config, range(1, config.ratio_clients + 1), crowd)
    rates: dict[str, float] = {}
    for i, action in enumerate([F1, *ACTIONS]):
        step = time.perf_counter()

        def tick(i: int = i, step: float = step) -> None:
            progress.show(
                f"{config.ratio_clients} clients: {i + 1}/{phases - 1}",
                (time.perf_counter() - step) / config.phase_seconds,
                crowd,
            )

        elapsed = await _repeat(members, action, config.phase_seconds, crowd, tick)
        rates[action] = crowd.rate(action, elapsed)
    await asyncio.gather(*(m.close() for m in members))
    progress.end()

    report = Report(f0_ms=f0, f1_ms=f1, f1_per_second=rates[F1])
    for action in ACTIONS:
        p50 = percentile(single.timings(action), 50)
        rate = rates.get(action, math.nan)
        report.ratios.append(Ratio(action, p50, p50 / f0, p50 / f1, rate, rates[F1] / rate if rate else math.nan))

    # 3. the mixed load
    load = Recorder()
    start = time.perf_counter()
    end = start + config.ramp + config.duration
    crowd_members: list[Member] = []

    async def user(number: int) -> None:
        await asyncio.sleep(config.ramp * (number - 1) / max(1, config.users))
        member = Member(number, config.url, config.world, load, seed=config.seed + 1)
        crowd_members.append(member)
        try:
            await member.sign_in()
        except SIGN_IN_ERRORS as exc:
            load.error(SIGN_IN, f"{type(exc).__name__}: {exc}")  # an error of the run, not its end
            return
        runners = member.runners()
        while time.perf_counter() < end:
            try:
                await runners[member.pick()]()
            except EventFailed:
                if member.tab is not None and not member.tab.connected:
                    load.error("connection", "dropped")
                    return
            await asyncio.sleep(config.think * member.rng.uniform(0.5, 1.5))

    async def show() -> None:
        while time.perf_counter() < end:
            progress.show(f"load: {config.users} users", (time.perf_counter() - start) / (end - start), load)
            await asyncio.sleep(0.5)

    ticker = asyncio.create_task(show())
    await asyncio.gather(*(user(n) for n in range(1, config.users + 1)))
    ticker.cancel()
    elapsed = time.perf_counter() - start
    await asyncio.gather(*(m.close() for m in crowd_members))
    progress.end()
    report.load_seconds = elapsed
    report.load = [figures(load, name, elapsed) for name in sorted(load.series)]
    report.errors = single.errors + crowd.errors + load.errors
    for recorder in (single, crowd, load):
        for name, series in recorder.series.items():
            if series.error_examples:
                report.error_examples.setdefault(name, []).extend(series.error_examples)
    return report
