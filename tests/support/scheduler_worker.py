"""The app's scheduler, alone in a process of its own, as every backend worker of the app runs it: the lifespan task
`bootstrap.register_scheduler` registers, with the same handlers and ports, from the settings in the environment. A
fault test kills this process mid-job and starts another, as a restart of the app would.

    python -m tests.support.scheduler_worker --claim-seconds 3

`--claim-seconds` shortens how long a claim outlives a dead worker (`scheduler.CLAIM_FOR`, five minutes in the app)
so that the test need not wait five minutes for the job to be taken up again.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.services import scheduler


class Lifespan:
    """What `register_scheduler` needs of the app: somewhere to register its task."""

    def __init__(self) -> None:
        self.tasks: list[tuple[Callable[..., Awaitable[None]], dict[str, Any]]] = []

    def register_lifespan_task(self, task: Callable[..., Awaitable[None]], **kwargs: Any) -> None:
        self.tasks.append((task, kwargs))


async def run(lifespan: Lifespan) -> None:
    await asyncio.gather(*(task(**kwargs) for task, kwargs in lifespan.tasks))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claim-seconds", type=float, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler.CLAIM_FOR = timedelta(seconds=args.claim_seconds)
    lifespan = Lifespan()
    bootstrap.register_scheduler(lifespan, get_settings())
    asyncio.run(run(lifespan))


if __name__ == "__main__":
    main()
