"""The scheduler's jobs for every area: the problems' and contracts' jobs, and the disputes' deadlines."""

from __future__ import annotations

from jtbd_app.services.problems.jobs import HANDLERS as PROBLEM_HANDLERS
from jtbd_app.services.scheduler import JobContext, JobHandler
from jtbd_app.services.trust import dispute_steps, disputes


async def _dispute_deadline(context: JobContext) -> str:
    case_id = int(context.key.rsplit(":", 1)[1])  # dispute_response_due:case:C or dispute_evidence_due:case:C
    with context.session_factory() as session:
        return disputes.deadline_passed(session, case_id=case_id, now=context.now)


HANDLERS: dict[str, JobHandler] = {
    **PROBLEM_HANDLERS,
    dispute_steps.RESPONSE_JOB: _dispute_deadline,
    dispute_steps.EVIDENCE_JOB: _dispute_deadline,
}
