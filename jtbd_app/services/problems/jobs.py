"""The scheduler's jobs for every area: the contracts' jobs and the problems' own (posting a funded problem's
listings once a webhook has funded its escrow)."""

from __future__ import annotations

from jtbd_app.services.contracts.jobs import HANDLERS as CONTRACT_HANDLERS
from jtbd_app.services.problems import problem_funding
from jtbd_app.services.scheduler import JobContext, JobHandler


async def _publish_problem(context: JobContext) -> str:
    problem_id = int(context.key.split(":")[1])  # publish_problem:P
    with context.session_factory() as session:
        return problem_funding.publish_funded(session, problem_id=problem_id)


HANDLERS: dict[str, JobHandler] = {**CONTRACT_HANDLERS, "publish_problem": _publish_problem}
