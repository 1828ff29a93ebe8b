"""Offline decomposition of each fixture problem (tests/unit/problem_fixtures.py): a plan must be ready in under
50 ms, since the page shows it as soon as the problem is submitted. Pure: no database."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from jtbd_app.domain.feasibility import assess
from jtbd_app.domain.offline_decomposer import decompose
from tests.unit.problem_fixtures import PROBLEMS

TARGET_P95_MS = 50.0


@dataclass(frozen=True)
class Result:
    problems: int
    p50: float
    p95: float
    max_ms: float
    slowest: str  # the problem with the slowest single run


def bench(rounds: int = 20) -> Result:
    """p50 and p95 (ms) of decompose + feasibility over every problem, `rounds` times each, after one warm-up."""
    briefs = [p.brief() for p in PROBLEMS]
    for brief in briefs:
        decompose(brief)
    samples: list[float] = []
    worst: dict[str, float] = {}
    for _ in range(rounds):
        for problem, brief in zip(PROBLEMS, briefs, strict=True):
            start = time.perf_counter()
            plan = decompose(brief)
            assess(plan.tasks, brief)
            ms = (time.perf_counter() - start) * 1000
            samples.append(ms)
            worst[problem.name] = max(worst.get(problem.name, 0.0), ms)
    quantiles = statistics.quantiles(samples, n=100)
    slowest = max(worst, key=lambda k: worst[k])
    return Result(len(briefs), quantiles[49], quantiles[94], max(samples), slowest)


if __name__ == "__main__":
    print(bench())
