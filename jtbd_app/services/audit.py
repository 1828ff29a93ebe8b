"""The audit log's one writer: every admin action and every money movement is recorded here, in the unit of work
that does it, so an action and its entry are committed together or not at all."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlmodel import Session

from jtbd_app.models.audit import AuditEntry

REASON_MAX = 2000


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    subject: str,
    reason: str = "",
    detail: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Adds one entry: who (`actor_id`, None for the system), what (`action`, dotted: "partner.suspend"), to what
    (`subject`: "partner:fiverr"), why (`reason`) and anything more (`detail`, kept as JSON)."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action[:40],
        subject=subject[:80],
        reason=reason[:REASON_MAX],
        detail=json.dumps(dict(detail), sort_keys=True, default=str) if detail else "",
    )
    session.add(entry)
    session.flush()
    return entry
