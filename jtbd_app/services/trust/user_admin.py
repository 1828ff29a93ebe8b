"""User administration (/admin/users): find members, and give or take the administrator role.

Suspension, reinstatement and warnings live in `standing` (moderation gives them too). The role changes here keep at
least one active administrator: a demotion locks every active administrator's row first, so two administrators
demoting each other at once cannot both succeed (on SQLite every unit of work already holds the write lock).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Contract, Profile, Report, Strike, User
from jtbd_app.services import audit, live
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.trust.standing import NO_MEMBER, clean_reason, lock_admins
from jtbd_app.services.viewer import Viewer, require_admin

PAGE_SIZE = 20
QUERY_MAX = 100
ROLES = ("user", "admin")
STATUSES = ("active", "suspended")
LAST_ADMIN = "The last active administrator cannot be demoted: promote another member first."


@dataclass(frozen=True)
class MemberRow:
    """One member in the search results, with what an administrator looks at first."""

    id: int = 0
    username: str = ""
    display_name: str = ""
    email: str = ""
    role: str = "user"
    status: str = "active"
    joined: str = ""
    contracts: int = 0
    strikes: int = 0
    open_reports: int = 0  # open reports against their content


@dataclass(frozen=True)
class MemberQuery:
    """What the search form asks, cleaned: `q` a substring of username, display name or email."""

    q: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    def to_params(self, page: int | None = None) -> dict[str, str]:
        """The URL's query parameters (empty ones left out), for the form and the pager."""
        n = self.page if page is None else page
        values = {"q": self.q, "role": self.role, "status": self.status, "page": str(n) if n > 1 else ""}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class MemberSearch:
    rows: list[MemberRow]
    query: MemberQuery
    total: int
    pages: int
    errors: dict[str, str] = field(default_factory=dict)


def read_query(params: dict[str, str]) -> tuple[MemberQuery, dict[str, str]]:
    """The search from the URL or the form: a bad role or status is dropped with a message, the text is cut to 100."""
    errors: dict[str, str] = {}
    q = " ".join(str(params.get("q", "")).split())
    if len(q) > QUERY_MAX:
        errors["q"] = f"Search at most {QUERY_MAX} characters."
        q = q[:QUERY_MAX]
    role = str(params.get("role", ""))
    if role not in ("", *ROLES):
        errors["role"], role = "Choose a role from the list.", ""
    status = str(params.get("status", ""))
    if status not in ("", *STATUSES):
        errors["status"], status = "Choose a status from the list.", ""
    raw_page = str(params.get("page", "1")).strip()
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 7 else 1
    return MemberQuery(q, role, status, max(1, page)), errors


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's own wildcards (and the escape character) taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_members(session: Session, *, viewer: Viewer | None, params: dict[str, str]) -> MemberSearch:
    """Administrators only: members whose username, display name or email holds the text (any case), filtered by
    role and status, newest first, 20 a page; each with counts of contracts, strikes and open reports against them."""
    require_admin(viewer)
    query, errors = read_query(params)
    where = []
    if query.q:
        pattern = like_pattern(query.q.lower())
        where.append(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(Profile.display_name).like(pattern, escape="\\"),
            )
        )
    if query.role:
        where.append(col(User.role) == query.role)
    if query.status:
        where.append(col(User.status) == query.status)
    joined = select(User, Profile).join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
    counted = select(func.count()).select_from(User).join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
    total = int(session.exec(counted.where(*where)).one())
    pages = max(1, -(-total // PAGE_SIZE))
    query = MemberQuery(query.q, query.role, query.status, min(query.page, pages))
    found = session.exec(
        joined.where(*where)
        .order_by(col(User.created_at).desc(), col(User.id).desc())
        .offset((query.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    ids = [u.id for u, _ in found if u.id is not None]
    contracts, strikes, reports = _counts(session, ids)
    rows = [
        MemberRow(
            id=u.id or 0,
            username=u.username,
            display_name=p.display_name,
            email=u.email,
            role=u.role,
            status=u.status,
            joined=day_label(u.created_at),
            contracts=contracts.get(u.id or 0, 0),
            strikes=strikes.get(u.id or 0, 0),
            open_reports=reports.get(u.id or 0, 0),
        )
        for u, p in found
    ]
    return MemberSearch(rows, query, total, pages, errors)


def _counts(session: Session, ids: list[int]) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per member of one page: contracts (either side), strikes and open reports; four queries whatever the page."""
    if not ids:
        return {}, {}, {}
    contracts: dict[int, int] = {}
    for column in (Contract.client_id, Contract.contractor_id):
        for uid, n in session.exec(
            select(column, func.count()).where(col(column).in_(ids)).group_by(col(column))  # type: ignore[call-overload]
        ).all():
            contracts[uid] = contracts.get(uid, 0) + int(n)
    strikes = dict(
        session.exec(
            select(Strike.user_id, func.count()).where(col(Strike.user_id).in_(ids)).group_by(col(Strike.user_id))  # type: ignore[call-overload]
        ).all()
    )
    reports = dict(
        session.exec(
            select(Report.author_id, func.count())  # type: ignore[call-overload]
            .where(col(Report.author_id).in_(ids), Report.status == "open")
            .group_by(col(Report.author_id))
        ).all()
    )
    return contracts, strikes, reports


def _locked_member(session: Session, user_id: object) -> User:
    uid = parse_id(user_id, not_found=NO_MEMBER)
    user = session.exec(
        select(User).where(User.id == uid).with_for_update().execution_options(populate_existing=True)
    ).first()
    if user is None or user.id is None:
        raise ValidationFailed({"form": NO_MEMBER})
    return user


def promote_member(session: Session, *, viewer: Viewer | None, user_id: object, reason: object) -> User:
    """Make an active member an administrator, with the reason in the audit log and a notice to them."""
    admin = require_admin(viewer)
    clean = clean_reason(reason)
    user = _locked_member(session, user_id)
    assert user.id is not None
    if user.role == "admin":
        raise ValidationFailed({"form": "This member is already an administrator."})
    if user.status != "active":
        raise ValidationFailed({"form": "Reinstate this member before making them an administrator."})
    user.role = "admin"
    session.add(user)
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="You are now an administrator",
        body=clean,
        link="/admin",
    )
    audit.record(session, actor_id=admin.user_id, action="member.promote", subject=f"user:{user.id}", reason=clean)
    live.touch(session, live.user_topic(user.id))
    return user


def demote_admin(session: Session, *, viewer: Viewer | None, user_id: object, reason: object) -> User:
    """Take the administrator role back (one's own too), never from the last active administrator.

    Every active administrator's row is locked, in id order, before anything is counted (`standing.lock_admins`): a
    concurrent demotion or suspension waits, then sees this one's result (PostgreSQL re-reads a locked row that
    changed), so the count is never stale."""
    admin = require_admin(viewer)
    clean = clean_reason(reason)
    uid = parse_id(user_id, not_found=NO_MEMBER)
    admins = lock_admins(session, admin)
    user = _locked_member(session, uid)
    assert user.id is not None
    if user.role != "admin":
        raise ValidationFailed({"form": "This member is not an administrator."})
    if user.status == "active" and len(admins) <= 1:
        raise ValidationFailed({"form": LAST_ADMIN})
    user.role = "user"
    session.add(user)
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="You are no longer an administrator",
        body=clean,
        link="/settings",
    )
    audit.record(session, actor_id=admin.user_id, action="member.demote", subject=f"user:{user.id}", reason=clean)
    live.touch(session, live.user_topic(user.id))
    return user


def promote_by_email(session: Session, *, email: str) -> User:
    """The operator's command (`make admin EMAIL=`): no administrator acts, so the audit entry has no actor and says
    where it came from. A member who is an administrator already is left as they are."""
    user = session.exec(select(User).where(func.lower(User.email) == email.strip().lower()).with_for_update()).first()
    if user is None or user.id is None:
        raise NotFound(f"No user with email {email!r}.")
    if user.role == "admin":
        return user
    user.role = "admin"
    session.add(user)
    notify(
        session,
        user_id=user.id,
        kind="moderation",
        title="You are now an administrator",
        body="The site's operator made you an administrator.",
        link="/admin",
    )
    audit.record(session, actor_id=None, action="member.promote", subject=f"user:{user.id}", reason="command line")
    return user
