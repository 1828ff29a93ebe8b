"""A suspended member's one appeal against their current suspension, the administrators' answer, and the member's
standing page (their strikes, the suspension's reason, the appeal and its answer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import moderation as words
from jtbd_app.domain import text
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Appeal, Profile, Strike, User, utcnow
from jtbd_app.services import audit, live
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.trust import standing
from jtbd_app.services.viewer import Viewer, require_admin, require_viewer

PER_PAGE = 10
NO_APPEAL = "There is no such appeal."


@dataclass(frozen=True)
class StrikeLine:
    kind: str = ""  # "Warning" | "Suspension"
    reason: str = ""
    given: str = ""
    lifted: str = ""  # a suspension ended: the day


@dataclass(frozen=True)
class Standing:
    """What the member reads of their own standing."""

    suspended: bool = False
    suspended_reason: str = ""
    strikes: list[StrikeLine] = field(default_factory=list)
    can_appeal: bool = False
    appeal_status: str = ""  # open | granted | refused, for the current or last suspension
    appeal_body: str = ""
    appeal_answer: str = ""


@dataclass(frozen=True)
class AppealItem:
    id: int = 0
    member_name: str = ""
    member_username: str = ""
    suspension_reason: str = ""
    suspended: str = ""
    body: str = ""
    sent: str = ""


@dataclass(frozen=True)
class AppealQueue:
    rows: list[AppealItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _current_suspension(session: Session, user_id: int) -> Strike | None:
    return session.exec(
        select(Strike)
        .where(Strike.user_id == user_id, Strike.kind == "suspension", col(Strike.lifted_at).is_(None))
        .order_by(col(Strike.id).desc())
    ).first()


def my_standing(session: Session, *, viewer: Viewer | None) -> Standing:
    """The member's own strikes and, while suspended, the appeal they may send or have sent."""
    actor = require_viewer(viewer)
    user = session.get(User, actor.user_id)
    assert user is not None
    strikes = standing.strikes_of(session, user_id=actor.user_id)
    last_suspension = next((s for s in strikes if s.kind == "suspension"), None)
    appeal = (
        session.exec(select(Appeal).where(Appeal.strike_id == last_suspension.id)).first() if last_suspension else None
    )
    suspended = user.status == "suspended"
    return Standing(
        suspended=suspended,
        suspended_reason=user.suspended_reason if suspended else "",
        strikes=[
            StrikeLine(
                kind="Suspension" if s.kind == "suspension" else "Warning",
                reason=s.reason,
                given=day_label(s.created_at),
                lifted=day_label(s.lifted_at) if s.lifted_at else "",
            )
            for s in strikes
        ],
        can_appeal=suspended and appeal is None and last_suspension is not None and last_suspension.lifted_at is None,
        appeal_status=appeal.status if appeal else "",
        appeal_body=appeal.body if appeal else "",
        appeal_answer=appeal.answer if appeal else "",
    )


def send_appeal(session: Session, *, viewer: Viewer | None, body: object) -> Appeal:
    """One appeal per suspension, by the suspended member; the administrators are told."""
    actor = require_viewer(viewer)
    try:
        clean = text.clean_paragraphs(body, label="Your appeal", max_len=words.APPEAL_MAX)
        if not clean:
            raise ValueError("Write why the suspension should be lifted.")
        if text.has_html(clean):
            raise ValueError("Your appeal cannot contain HTML.")
    except ValueError as exc:
        raise ValidationFailed({"body": str(exc)}) from exc
    user = session.exec(select(User).where(User.id == actor.user_id).with_for_update()).one()
    strike = _current_suspension(session, actor.user_id) if user.status == "suspended" else None
    if strike is None or strike.id is None:
        raise ValidationFailed({"form": "Your account is not suspended, so there is nothing to appeal."})
    if session.exec(select(Appeal.id).where(Appeal.strike_id == strike.id)).first():
        raise ValidationFailed({"form": "You have already appealed this suspension."})
    appeal = Appeal(user_id=actor.user_id, strike_id=strike.id, body=clean)
    session.add(appeal)
    session.flush()
    for admin_id in session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all():
        if admin_id is not None:
            notify(
                session,
                user_id=admin_id,
                kind="report_filed",
                title=f"@{actor.username} appealed their suspension",
                body=text.clean_paragraphs(clean[:200], label="Appeal", max_len=200),
                link="/admin/reports?tab=appeals",
            )
    live.touch(session, live.user_topic(actor.user_id))
    return appeal


def open_appeals(session: Session, *, viewer: Viewer | None, page: object = 1) -> AppealQueue:
    """Admin only: appeals waiting for an answer, oldest first."""
    require_admin(viewer)
    total = int(session.exec(select(func.count()).select_from(Appeal).where(Appeal.status == "open")).one())
    pages = max(1, -(-total // PER_PAGE))
    number = min(page if isinstance(page, int) and not isinstance(page, bool) and page > 0 else 1, pages)
    rows = session.exec(
        select(Appeal, Strike, User.username, Profile.display_name)
        .join(Strike, col(Strike.id) == Appeal.strike_id)
        .join(User, col(User.id) == Appeal.user_id)
        .join(Profile, col(Profile.user_id) == Appeal.user_id)
        .where(Appeal.status == "open")
        .order_by(col(Appeal.created_at), col(Appeal.id))
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return AppealQueue(
        rows=[
            AppealItem(
                id=a.id or 0,
                member_name=name,
                member_username=username,
                suspension_reason=s.reason,
                suspended=day_label(s.created_at),
                body=a.body,
                sent=day_label(a.created_at),
            )
            for a, s, username, name in rows
        ],
        total=total,
        page=number,
        pages=pages,
    )


def answer_appeal(session: Session, *, viewer: Viewer | None, appeal_id: object, grant: bool, answer: object) -> Appeal:
    """Admin only: grant (the member is reinstated through `standing`) or refuse, with an answer the member reads."""
    admin = require_admin(viewer)
    clean = standing.clean_reason(answer, field="answer")
    appeal = session.exec(
        select(Appeal).where(Appeal.id == parse_id(appeal_id, not_found=NO_APPEAL)).with_for_update()
    ).first()
    if appeal is None:
        raise NotFound(NO_APPEAL)
    if appeal.status != "open":
        raise ValidationFailed({"form": "This appeal was already answered."})
    appeal.status = "granted" if grant else "refused"
    appeal.answer, appeal.answered_by, appeal.answered_at = clean, admin.user_id, utcnow()
    session.add(appeal)
    subject = f"user:{appeal.user_id}"
    if grant:
        standing.reinstate_member(session, viewer=admin, user_id=appeal.user_id, reason=clean)
        audit.record(session, actor_id=admin.user_id, action="appeal.grant", subject=subject, reason=clean)
    else:
        notify(
            session,
            user_id=appeal.user_id,
            kind="moderation",
            title="Your appeal was refused",
            body=clean,
            link=standing.STANDING_LINK,
        )
        audit.record(session, actor_id=admin.user_id, action="appeal.refuse", subject=subject, reason=clean)
        live.touch(session, live.user_topic(appeal.user_id))
    return appeal
