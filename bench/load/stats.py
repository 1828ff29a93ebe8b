"""Timings per action: counts, errors, throughput and percentiles, and the report's tables."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from bench.load.tab import Answer, EventFailed

A = TypeVar("A", bound=Answer)


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the samples; NaN when there are none."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Series:
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    first: float = math.inf
    last: float = 0.0

    @property
    def count(self) -> int:
        return len(self.samples)


class Recorder:
    """Every timed event of one phase of the run, by action."""

    def __init__(self) -> None:
        self.series: dict[str, Series] = {}
        self.started = time.perf_counter()

    def get(self, name: str) -> Series:
        return self.series.setdefault(name, Series())

    async def timed(self, name: str, call: Awaitable[A]) -> A:
        series = self.get(name)
        start = time.perf_counter()
        try:
            answer = await call
        except EventFailed as exc:
            self.error(name, str(exc))
            raise
        series.first, series.last = min(series.first, start), time.perf_counter()
        series.samples.append(answer.ms)
        return answer

    def error(self, name: str, why: str) -> None:
        series = self.get(name)
        series.errors += 1
        if len(series.error_examples) < 3:
            series.error_examples.append(why[:200])

    def refused(self, name: str, why: str) -> None:
        """The app answered with a message instead of doing it: counted as an error of the action."""
        self.error(name, f"refused: {why}")

    @property
    def total(self) -> int:
        return sum(s.count for s in self.series.values())

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.series.values())

    def timings(self, name: str) -> list[float]:
        return self.get(name).samples

    def rate(self, name: str, elapsed: float) -> float:
        return self.get(name).count / elapsed if elapsed > 0 else math.nan


@dataclass
class ActionFigures:
    """One action's line of the report."""

    name: str
    count: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


def figures(recorder: Recorder, name: str, elapsed: float) -> ActionFigures:
    times = recorder.timings(name)
    series = recorder.get(name)
    return ActionFigures(
        name,
        series.count,
        series.errors,
        recorder.rate(name, elapsed),
        percentile(times, 50),
        percentile(times, 95),
        percentile(times, 99),
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (it pastes into docs/PERFORMANCE.md as it is)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"
