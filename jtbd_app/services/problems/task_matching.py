"""Contractors matched to one of the owner's posted micro-tasks, and inviting the best of them in one click."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.matching import Need
from jtbd_app.models import Invitation, MicroTask, User
from jtbd_app.services.marketplace import invitations
from jtbd_app.services.problems import matching
from jtbd_app.services.problems.problems import owned_problem
from jtbd_app.services.viewer import Viewer

SHOWN = 5
INVITE_TOP = 3


@dataclass(frozen=True)
class Suggestion:
    username: str
    display_name: str
    reason: str
    rating: str
    completed: int
    score_pct: int
    invited: bool
    profile_href: str


def _posted_task(
    session: Session, viewer: Viewer | None, problem_id: object, task_key: object
) -> tuple[int, MicroTask, Need]:
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id)
    task = session.exec(select(MicroTask).where(MicroTask.problem_id == problem.id, MicroTask.key == task_key)).first()
    if task is None:
        raise NotFound("That task is not in this plan.")
    if task.route != "internal" or task.listing_id is None:
        raise ValidationFailed({"form": "Only a task posted here has contractors to match."})
    need = Need(
        skills=tuple(s for s in task.skills_text.split(",") if s),
        text=" ".join([task.title, task.description, task.criteria.replace("\n", " ")]),
        budget_minor=task.budget_minor,
        currency=problem.currency,
        local=bool(problem.location),
        location=problem.location,
        duration_days=task.duration_days,
    )
    return problem.owner_id, task, need


def suggestions(session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object) -> list[Suggestion]:
    """The best contractors for the owner's posted task, with why, and whether each is invited already."""
    return _suggest(session, *_posted_task(session, viewer, problem_id, task_key))


def _suggest(session: Session, owner_id: int, task: MicroTask, need: Need) -> list[Suggestion]:
    ranked = matching.rank(session, need=need, limit=SHOWN, exclude_user_ids=(owner_id,))
    invited = set(
        session.exec(
            select(User.username)
            .join(Invitation, col(Invitation.contractor_id) == col(User.id))
            .where(Invitation.listing_id == task.listing_id)
        ).all()
    )
    return [
        Suggestion(
            username=m.username,
            display_name=m.display_name,
            reason=m.reason,
            rating=m.rating,
            completed=m.completed,
            score_pct=round(m.score * 100),
            invited=m.username in invited,
            profile_href=f"/u/{m.username}",
        )
        for m in ranked
    ]


def invite_best(session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object) -> int:
    """Invites the top matches not yet invited (at most three) to bid on the task's listing; how many were invited."""
    owner_id, task, need = _posted_task(session, viewer, problem_id, task_key)
    top = [s for s in _suggest(session, owner_id, task, need) if not s.invited]
    for suggestion in top[:INVITE_TOP]:
        invitations.invite(
            session,
            viewer=viewer,
            listing_id=task.listing_id,
            contractor_username=suggestion.username,
            message=f"Your profile matches this task: {suggestion.reason}.",
        )
    return len(top[:INVITE_TOP])


def invite_one(
    session: Session, *, viewer: Viewer | None, problem_id: object, task_key: object, username: object
) -> None:
    """Invites one suggested contractor to bid on the task's listing."""
    _owner, task, _need = _posted_task(session, viewer, problem_id, task_key)
    invitations.invite(session, viewer=viewer, listing_id=task.listing_id, contractor_username=username)
