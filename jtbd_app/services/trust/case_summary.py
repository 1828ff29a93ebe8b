"""The neutral AI summary of a dispute, made only when an administrator asks for it.

The case file is read (and the read audited) in a short unit of work; the model is asked with no transaction open,
as the planner is, so a slow model never holds the database. The summary is advice for the administrator's reading
and is not stored: asking again asks the model again.
"""

from __future__ import annotations

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.services.ports import DisputeSummarizer, DisputeSummary, SummaryFailed
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.trust import case_timeline
from jtbd_app.services.viewer import Viewer, require_admin

NO_MODEL = "No AI model is configured (OPENAI_API_KEY), so there is no summary: read the timeline below."


async def summarise_case(
    *,
    session_factory: SessionFactory,
    summarizer: DisputeSummarizer | None,
    viewer: Viewer | None,
    contract_id: object,
) -> DisputeSummary:
    """Each side's position and the facts both agree on, for an administrator; ValidationFailed with a message to
    show when there is no model or it fails (the administrator may try again)."""
    require_admin(viewer)
    if summarizer is None:
        raise ValidationFailed({"summary": NO_MODEL})
    with session_factory() as session:
        case = case_timeline.case_file(session, viewer=viewer, contract_id=contract_id, purpose="AI summary")
    try:
        return await summarizer.summarise(case_timeline.case_text(case))
    except SummaryFailed as exc:
        raise ValidationFailed({"summary": f"{exc.message} Try again in a moment."}) from exc
