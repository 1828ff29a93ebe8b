"""What the admin home shows; every function here checks the viewer is an admin."""

from __future__ import annotations

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
    return AdminOverview(
        users=count(),
        admins=count(User.role == "admin"),
        suspended=count(User.status == "suspended"),
        active_sessions=int(active_sessions),
        newest=[
            {"username": u.username, "role": u.role, "status": u.status, "joined": u.created_at.strftime("%Y-%m-%d")}
            for u in newest
        ],
    )
