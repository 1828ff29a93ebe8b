"""The Delegate menu's offline reasoning: classify each fixture task (tests/unit/task_fixtures.py) and rank its
routes among the seven partners. The menu opens on a click, so both together must take well under a millisecond.
Pure: no database."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from jtbd_app.domain.task_routing import PartnerInfo, classify, rank
from tests.unit.task_fixtures import TASKS

TARGET_P95_MS = 1.0
PARTNERS = (
    PartnerInfo("amazon", "Amazon", "product", ("household", "electronics", "groceries", "office-supplies")),
    PartnerInfo("instacart", "Instacart", "product", ("groceries", "household")),
    PartnerInfo("fiverr", "Fiverr", "digital", ("graphic-design", "writing", "programming", "video")),
    PartnerInfo("upwork", "Upwork", "digital", ("programming", "writing", "marketing"), 40, 4.4, 0.85),
    PartnerInfo("taskrabbit", "TaskRabbit", "local", ("furniture-assembly", "moving", "cleaning", "handyman")),
    PartnerInfo("thumbtack", "Thumbtack", "local", ("cleaning", "plumbing", "electrical", "painting"), 12, 3.9, 0.7),
    PartnerInfo("angi", "Angi", "local", ("plumbing", "electrical", "painting", "home-improvement")),
)


@dataclass(frozen=True)
class Result:
    tasks: int
    p50: float
    p95: float
    max_ms: float
    slowest: str  # the task with the slowest single run


def bench(rounds: int = 50) -> Result:
    """p50 and p95 (ms) of classify + rank over every fixture task, `rounds` times each, after one warm-up."""
    for task in TASKS:
        rank(classify(task.title, task.notes), PARTNERS)
    samples: list[float] = []
    worst: dict[str, float] = {}
    for _ in range(rounds):
        for task in TASKS:
            start = time.perf_counter()
            rank(classify(task.title, task.notes), PARTNERS)
            ms = (time.perf_counter() - start) * 1000
            samples.append(ms)
            worst[task.title] = max(worst.get(task.title, 0.0), ms)
    quantiles = statistics.quantiles(samples, n=100)
    slowest = max(worst, key=lambda k: worst[k])
    return Result(len(TASKS), quantiles[49], quantiles[94], max(samples), slowest)


if __name__ == "__main__":
    print(bench())
