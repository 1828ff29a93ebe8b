"""Publish and fund once: the owner pays a problem's whole budget into its escrow in one payment, and its internal
micro-tasks become listings marked as part of the problem (external, product and do-it-yourself tasks stay routed
suggestions). Each micro-task's contract is funded from that escrow when its bid is accepted
(`contracts.problem_money`).

As for a contract, the gateway is asked between two short units of work and the ledger moves only on its word: the
sandbox answers at once; with Stripe the browser confirms the card and the `payment_intent.succeeded` webhook funds
the escrow, then the owner's page (as it sees the escrow funded) or the `publish_problem` job posts the listings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import amount_input
from jtbd_app.domain.plans import PlanRefused, check
from jtbd_app.models import MicroTask, Payment, Problem, Profile, User, utcnow
from jtbd_app.services import live
from jtbd_app.services.accounts import terms
from jtbd_app.services.contracts import funding
from jtbd_app.services.marketplace import listings
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.problems.planning import current_tasks, task_rows
from jtbd_app.services.problems.problems import brief_of, owned_problem, today
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer

PUBLISHED = ("published", "in_progress", "completed")
CONFIRMING = timedelta(minutes=30)  # a started payment the gateway may still confirm (as for contracts)
CATEGORY_WORDS = {
    "software": ("software", "code", "python", "web", "website", "app", "developer", "wordpress", "api"),
    "design": ("design", "logo", "figma", "illustration", "branding", "ui", "ux"),
    "writing": ("writing", "copywriting", "blog", "content", "article", "translation", "editing"),
    "marketing": ("marketing", "seo", "ads", "advertising", "social", "email", "analytics", "growth"),
    "video-audio": ("video", "audio", "podcast", "editing-video", "animation"),
    "data": ("data", "research", "survey", "spreadsheet", "analysis"),
    "admin-support": ("admin", "bookkeeping", "accounting", "support", "assistant"),
    "events": ("event", "events", "catering", "venue"),
    "moving-delivery": ("moving", "delivery", "courier"),
    "home-repairs": ("repair", "plumbing", "handyman", "painting"),
    "cleaning": ("cleaning",),
}


@dataclass(frozen=True)
class ProblemFundingOutcome:
    """ "funded" (the sandbox: the escrow holds the budget and the listings are posted), "returned" (the problem was
    funded meanwhile: this payment goes back), or "requires_action": the browser confirms with `client_secret`."""

    status: str
    payment_id: int
    client_secret: str = ""
    listing_ids: tuple[int, ...] = ()


async def fund_problem(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    problem_id: object,
    test_card: str = "",
) -> ProblemFundingOutcome:
    """The owner pays the whole budget once; only a planned problem whose plan is whole can be funded."""
    with session_factory() as session:
        problem = owned_problem(session, viewer=viewer, problem_id=problem_id, lock=True)
        assert problem.id is not None and viewer is not None
        terms.require_current_terms(session, viewer)
        _require_fundable(session, problem)
        payment = funding.payment_to_ask(
            session,
            Payment(
                problem_id=problem.id,
                payer_id=viewer.user_id,
                gateway=gateway.name,
                amount_minor=problem.budget_minor,
                currency=problem.currency,
            ),
        )
        assert payment.id is not None
        pid, payment_id, amount, currency = problem.id, payment.id, problem.budget_minor, problem.currency
    start = await funding.start_payment(
        session_factory,
        gateway,
        payment_id=payment_id,
        owner=("problem", pid),
        amount=amount,
        currency=currency,
        test_card=test_card,
    )
    with session_factory() as session:
        funding.store_answer(session, payment_id, start)
        if start.status == "succeeded":
            said = funding.record_payment_succeeded(
                session,
                external_id=start.external_id,
                charge_id=start.charge_id,
                amount_minor=amount,
                currency=currency,
            )
            if said != "problem funded":
                return ProblemFundingOutcome("returned", payment_id)
    if start.status == "failed":
        raise ValidationFailed({"card": f"{start.failure_message} Nothing was charged; try another card."})
    if start.status != "succeeded":
        return ProblemFundingOutcome("requires_action", payment_id, client_secret=start.client_secret)
    with session_factory() as session:
        posted = publish_problem(session, viewer=viewer, problem_id=pid)
    return ProblemFundingOutcome("funded", payment_id, listing_ids=tuple(posted))


def _require_fundable(session: Session, problem: Problem) -> None:
    if problem.status != "planned":
        says = "already funded" if problem.status in ("funded", *PUBLISHED) else "not planned yet"
        raise ValidationFailed({"form": f"This problem is {says}; only a planned problem can be funded."})
    if problem.planning == "running":
        raise ValidationFailed({"form": "A plan is being made for this problem; fund it once it is ready."})
    try:
        check(current_tasks(session, problem.id or 0), brief_of(problem, start=problem.plan_start or today()))
    except PlanRefused as exc:
        raise ValidationFailed({"form": f"The plan is not whole yet: {exc} Mend it, then fund it."}) from None
    recent = session.exec(
        select(Payment.id).where(
            Payment.problem_id == problem.id,
            Payment.status == "pending",
            col(Payment.external_id).is_not(None),
            col(Payment.created_at) > utcnow() - CONFIRMING,
        )
    ).first()
    if recent is not None:
        raise ValidationFailed({"form": "A payment for this problem is being confirmed; try again in a minute."})


def publish_problem(session: Session, *, viewer: Viewer | None, problem_id: object) -> list[int]:
    """Each internal micro-task not posted yet becomes an open listing marked as part of the problem (its share as
    the budget, its due date as the deadline); the problem is published. Idempotent; a task whose listing cannot be
    posted stays planned, with a note in the plan's notes. Returns the listings posted now."""
    problem = owned_problem(session, viewer=viewer, problem_id=problem_id, lock=True)
    if problem.status not in ("funded", *PUBLISHED):
        raise ValidationFailed({"form": "Fund the problem first: its listings are posted once its escrow is funded."})
    assert problem.id is not None
    posted: list[int] = []
    for task in task_rows(session, problem.id):
        if task.route != "internal" or task.status != "planned" or task.listing_id is not None:
            continue
        try:
            with session.begin_nested():
                listing_id = listings.start_draft(
                    session,
                    viewer=viewer,
                    prefill=_prefill(problem, task),
                    source="problem",
                    problem_id=problem.id,
                    micro_task_id=task.id,
                )
                listings.publish_for_problem(session, viewer=viewer, listing_id=listing_id)
        except ValidationFailed as exc:
            problem.plan_notes = f"{problem.plan_notes}\n“{task.title}” could not be posted: {exc.message}".strip()
            continue
        task.status, task.listing_id = "open", listing_id
        session.add(task)
        posted.append(listing_id)
    if problem.status == "funded":
        problem.status, problem.published_at = "published", utcnow()
    problem.updated_at = utcnow()
    session.add(problem)
    live.touch(session, live.problem_topic(problem.id))
    return posted


def _prefill(problem: Problem, task: MicroTask) -> dict[str, object]:
    start = problem.plan_start or today()
    deadline = max(start + timedelta(days=task.due_in_days), today() + timedelta(days=1))
    criteria = "\n".join(f"- {line}" for line in task.criteria.splitlines() if line.strip())
    description = "\n\n".join(
        part
        for part in (
            task.description,
            f"**Acceptance criteria**\n{criteria}" if criteria else "",
            f"**Proof**: {task.evidence_description}" if task.evidence_description else "",
            f"Part of the problem “{problem.title}”.",
        )
        if part
    )
    return {
        "title": task.title if len(task.title) >= 5 else f"Task: {task.title}",
        "description": description,
        "category": _category(task),
        "skills": task.skills_text or _category(task).replace("-", " "),
        "budget": amount_input(task.budget_minor, problem.currency),
        "currency": problem.currency,
        "deadline": deadline.isoformat(),
        "remote": not problem.location,
        "location": problem.location,
    }


def _category(task: MicroTask) -> str:
    words = set(f"{task.skills_text} {task.title}".lower().replace(",", " ").split())
    for category, hints in CATEGORY_WORDS.items():
        if words & set(hints):
            return category
    return "other"


def publish_funded(session: Session, *, problem_id: int) -> str:
    """The `publish_problem` job: a problem funded by a webhook gets its listings, posted in its owner's name."""
    problem = session.get(Problem, problem_id)
    if problem is None or problem.status != "funded":
        return "nothing to publish"
    owner = _owner_viewer(session, problem.owner_id)
    if owner is None or owner.status != "active":
        return "the owner cannot post listings now"
    posted = publish_problem(session, viewer=owner, problem_id=problem_id)
    return f"{len(posted)} listing(s) posted"


def _owner_viewer(session: Session, user_id: int) -> Viewer | None:
    row = session.exec(
        select(User, Profile).join(Profile, Profile.user_id == User.id).where(User.id == user_id)  # type: ignore[arg-type]
    ).first()
    if row is None:
        return None
    user, profile = row
    assert user.id is not None
    return Viewer(
        user.id, user.username, profile.display_name, user.role, user.status, user.email_verified_at is not None
    )
