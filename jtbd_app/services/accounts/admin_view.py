"""What the admin home shows; every function here checks the viewer is an admin."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TypedDict

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.models import AuthSession, User, utcnow
from jtbd_app.services.viewer import Viewer, require_admin


class AdminOverview(TypedDict):
    users: int
    admins: int
    suspended: int
    active_sessions: int
    newest: list[dict[str, str]]
    signups: list[dict[str, str | int]]


SIGNUP_DAYS = 14


def overview(session: Session, *, viewer: Viewer | None) -> AdminOverview:
    require_admin(viewer)

    def count(*where: object) -> int:
        return int(session.exec(select(func.count()).select_from(User).where(*where)).one())  # type: ignore[arg-type]

    active_sessions = session.exec(
        select(func.count())
        .select_from(AuthSession)
        .where(col(AuthSession.revoked_at).is_(None), AuthSession.expires_at > utcnow())
    ).one()
    newest = session.exec(select(User).order_by(col(User.created_at).desc(), col(User.id).desc()).limit(5)).all()
    since = (utcnow() - timedelta(days=SIGNUP_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    joined = Counter(
        created.strftime("%m-%d")
        for created in session.exec(select(User.created_at).where(User.created_at >= since)).all()
    )
    days = [(since + timedelta(days=i)).strftime("%m-%d") for i in range(SIGNUP_DAYS)]
    return AdminOverview(
        users=count(),
        admins=count(User.role == "admin"),
        suspended=count(User.status == "suspended"),
        active_sessions=int(active_sessions),
        newest=[
            {"username": u.username, "role": u.role, "status": u.status, "joined": u.created_at.strftime("%Y-%m-%d")}
            for u in newest
        ],
        signups=[{"day": day, "members": joined.get(day, 0)} for day in days],
    )
