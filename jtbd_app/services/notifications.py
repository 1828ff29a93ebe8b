"""In-app notifications; every service that tells a member something calls `notify`."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain.notifications import KINDS
from jtbd_app.models import Notification


def notify(session: Session, *, user_id: int, kind: str, title: str, body: str = "", link: str = "") -> None:
    """Tell a member something happened, in the same transaction as the thing itself."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    session.add(Notification(user_id=user_id, kind=kind, title=title[:200], body=body, link=link[:300]))
