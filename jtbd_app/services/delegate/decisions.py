"""What the member chose in the Delegate menu for one of their tasks, recorded as the task's RoutingDecision: a
partner's link, posting it here, planning it as a problem, doing it themselves, a post created at a partner through
its API; and how an outside route went, which feeds the partner's scorecard and the curation rule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager

from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain import task_routing
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.money import amount_input
from jtbd_app.domain.money_mentions import budget_mentioned
from jtbd_app.domain.text import CONTROL_RE, has_html
from jtbd_app.models import Listing, Partner, RouteOffer, RoutingDecision, TodoTask, utcnow
from jtbd_app.services import live
from jtbd_app.services.delegate import curation, partners
from jtbd_app.services.delegate.menu import brief_of, task_text
from jtbd_app.services.delegate.todos import owned_task
from jtbd_app.services.marketplace import listings
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerAdapter, PartnerFailed
from jtbd_app.services.problems import problems
from jtbd_app.services.viewer import Viewer

SessionFactory = Callable[[], AbstractContextManager[Session]]
OUTSIDE_ROUTES = ("buy", "outside")
MAX_COMMENT = 1000
LINK_NOT_FOUND = "That link is no longer offered; open the menu again."


def latest(session: Session, task_id: int, routes: tuple[str, ...] = ()) -> RoutingDecision | None:
    """The task's latest decision (of one of `routes` when given): where the task went."""
    query = select(RoutingDecision).where(RoutingDecision.task_id == task_id)
    if routes:
        query = query.where(col(RoutingDecision.route).in_(routes))
    return session.exec(query.order_by(col(RoutingDecision.id).desc()).limit(1)).first()


def _record(session: Session, task: TodoTask, route: str, **values: object) -> RoutingDecision:
    """A new decision, unless the task's latest is already this one and nothing happened on it since (choosing
    the same route twice records it once)."""
    assert task.id is not None
    last = latest(session, task.id)
    if (
        last is not None
        and last.route == route
        and last.reported_at is None
        and not last.external_ref
        and all(getattr(last, k) == v for k, v in values.items())
    ):
        return last
    decision = RoutingDecision(task_id=task.id, owner_id=task.owner_id, route=route, **values)  # type: ignore[arg-type]
    session.add(decision)
    session.flush()
    live.touch(session, live.tasks_topic(task.owner_id))  # the task list shows where each task went
    return decision


def _active_partner(session: Session, key: str) -> Partner:
    partner = session.get(Partner, key)
    if partner is None or partner.status != "active":
        raise NotFound(LINK_NOT_FOUND)
    return partner


def choose_link(session: Session, *, viewer: Viewer | None, task_id: object, token: str) -> None:
    """The member followed a partner's link from their task's menu: the task went to that partner (bought there, or
    hired an outside pro there). The link must be one the menu offered for this very task."""
    task = owned_task(session, viewer, task_id)
    offer = session.get(RouteOffer, token) if isinstance(token, str) and len(token) <= 43 else None
    if offer is None or offer.task_id != task.id:
        raise NotFound(LINK_NOT_FOUND)
    partner = _active_partner(session, offer.partner_key)
    _record(session, task, "buy" if partner.kind == "product" else "outside", partner_key=partner.key)


def _listing_prefill(task: TodoTask) -> dict[str, object]:
    description = task.title if not task.notes else f"{task.title}\n\n{task.notes}"
    prefill: dict[str, object] = {"title": task.title[:120], "description": description}
    if task.due_on is not None:
        prefill["deadline"] = task.due_on.isoformat()
    budget = budget_mentioned(description)
    if budget is not None:
        prefill["budget"], prefill["currency"] = amount_input(*budget), budget[1]
    return prefill


def post_here(session: Session, *, viewer: Viewer | None, task_id: object) -> int:
    """The task becomes a draft listing pre-filled from it (the wizard opens it at `/post?draft=<id>`); posting
    again while that draft is unfinished opens the same draft."""
    task = owned_task(session, viewer, task_id, lock=True)
    assert task.id is not None
    last = latest(session, task.id)
    if last is not None and last.route == "internal" and last.listing_id is not None:
        listing = session.get(Listing, last.listing_id)
        if listing is not None and listing.status == "draft":
            return last.listing_id
    listing_id = listings.start_draft(session, viewer=viewer, prefill=_listing_prefill(task), source="delegate")
    _record(session, task, "internal", listing_id=listing_id)
    return listing_id


def plan_as_problem(session: Session, *, viewer: Viewer | None, task_id: object) -> int:
    """The member will plan the task as a problem: recorded now, tied to the problem once it is submitted from the
    pre-filled form (`submit_problem`). Returns the task's id for the form's link."""
    task = owned_task(session, viewer, task_id, lock=True)
    assert task.id is not None
    _record(session, task, "problem", problem_id=None)
    return task.id


def problem_prefill(session: Session, *, viewer: Viewer | None, task_id: object) -> dict[str, str]:
    """The problem form's fields from the viewer's own task: its words as the outcome, its due date as deadline, an
    amount it names (with its currency) as the budget."""
    task = owned_task(session, viewer, task_id)
    outcome = task.title if not task.notes else f"{task.title}\n\n{task.notes}"
    prefill = {"outcome": outcome, "deadline": task.due_on.isoformat() if task.due_on else ""}
    budget = budget_mentioned(outcome)
    if budget is not None:
        prefill["budget"], prefill["currency"] = amount_input(*budget), budget[1]
    return prefill


def submit_problem(
    session: Session, *, viewer: Viewer | None, values: Mapping[str, object], task_id: int | None = None
) -> int:
    """A problem from the problem form. Submitted from a task's link (`task_id`), the task's decision to plan it as
    a problem now names it (one is recorded if the member came straight to the form); the task must be theirs."""
    task = owned_task(session, viewer, task_id, lock=True) if task_id is not None else None
    problem_id = problems.submit_problem(session, viewer=viewer, values=values)
    if task is None:
        return problem_id
    assert task.id is not None
    last = latest(session, task.id)
    if last is not None and last.route == "problem" and last.problem_id is None:
        last.problem_id = problem_id
        session.add(last)
        live.touch(session, live.tasks_topic(task.owner_id))
    else:
        _record(session, task, "problem", problem_id=problem_id)
    return problem_id


def do_it_myself(session: Session, *, viewer: Viewer | None, task_id: object) -> None:
    """The member keeps the task; the menu closes."""
    task = owned_task(session, viewer, task_id, lock=True)
    _record(session, task, "self")


async def confirm_post(
    *,
    session_factory: SessionFactory,
    viewer: Viewer | None,
    task_id: object,
    partner_key: str,
    adapters: Mapping[str, PartnerAdapter],
    timeout: float,
) -> CreatedPost:
    """The member confirmed the drafted post: it is created at the partner through its API, with no transaction
    open; a refusal or a silence records nothing and may be retried; a post created is the task's decision."""
    adapter = adapters.get(partner_key) if isinstance(partner_key, str) else None
    with session_factory() as session:
        task = owned_task(session, viewer, task_id)
        offered = {p.key for p in partners.offered(session, adapters)}
        if adapter is None or adapter.kind == "product" or not adapter.api_enabled or adapter.key not in offered:
            raise NotFound("That partner cannot take a post from here; copy the post and open their site instead.")
        text = task_text(task)
    brief = brief_of(text, task_routing.classify(text.title, text.notes))
    draft = adapter.draft(brief) or DraftPost(title=text.title, description=text.notes or text.title)
    try:
        created = await asyncio.wait_for(adapter.create_post(brief, draft), timeout=timeout)
    except (PartnerFailed, TimeoutError) as exc:
        raise ValidationFailed({"form": post_failed(adapter.name, exc)}) from exc
    with session_factory() as session:
        task = owned_task(session, viewer, task_id, lock=True)
        _record(
            session,
            task,
            "outside",
            partner_key=adapter.key,
            external_ref=created.external_ref[:120],
            external_url=created.url[:600] if created.url.startswith("https://") else "",
        )
    return created


def post_failed(name: str, exc: PartnerFailed | TimeoutError) -> str:
    """A refusal posted nothing; a partner that got the post and never answered may have made it, and posting again
    would post it twice, so the member looks there first."""
    if isinstance(exc, TimeoutError) or exc.unanswered:
        return (
            f"{name} did not answer in time, so the post may have been made there. Look in your {name} account "
            "first; if it is not there, try again."
        )
    return f"{name} did not take the post ({exc.message.rstrip('.')}). Nothing was posted; try again."


def _outcome(values: Mapping[str, object]) -> tuple[bool, int, str]:
    errors: dict[str, str] = {}
    done = values.get("done")
    if done not in ("yes", "no"):
        errors["done"] = "Say whether it got done."
    rating_text = values.get("rating")
    rating = int(rating_text) if isinstance(rating_text, str) and rating_text in ("1", "2", "3", "4", "5") else 0
    if not rating:
        errors["rating"] = "Choose a rating from 1 to 5."
    comment_value = values.get("comment")
    comment = CONTROL_RE.sub("", comment_value).strip() if isinstance(comment_value, str) else ""
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"The comment must be at most {MAX_COMMENT} characters."
    elif has_html(comment):
        errors["comment"] = "The comment cannot contain HTML tags."
    if errors:
        raise ValidationFailed(errors)
    return done == "yes", rating, comment


def report_outcome(session: Session, *, viewer: Viewer | None, task_id: object, values: Mapping[str, object]) -> bool:
    """How the task's latest purchase or outside pro went: done or not, a rating, a comment. One report per
    decision (reporting again replaces it); then the curation rule looks at the partner again. True when that
    suspended the partner."""
    task = owned_task(session, viewer, task_id, lock=True)
    done, rating, comment = _outcome(values)
    assert task.id is not None
    decision = latest(session, task.id, OUTSIDE_ROUTES)
    if decision is None:
        raise ValidationFailed({"form": "Only a purchase or an outside pro's work can be reported here."})
    decision.outcome, decision.rating, decision.comment = ("done" if done else "not_done"), rating, comment
    decision.reported_at = utcnow()
    session.add(decision)
    live.touch(session, live.tasks_topic(task.owner_id))
    session.flush()
    return curation.apply_rule(session, partner_key=decision.partner_key, rule=curation.rule_from(get_settings()))
