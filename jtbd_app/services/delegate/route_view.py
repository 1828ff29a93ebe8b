"""What the Delegate page shows of a task before and beside its menu: its title, where it went so far (its routing
decisions, newest first, with their listing, problem or partner post and reported outcome), and whether an
outcome can be reported (the task went to a partner)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from jtbd_app.domain.display import ago_label
from jtbd_app.models import Listing, Partner, RoutingDecision, utcnow
from jtbd_app.services.delegate.decisions import OUTSIDE_ROUTES, latest
from jtbd_app.services.delegate.menu import KIND_LABELS, ROUTE_LABELS
from jtbd_app.services.delegate.todos import owned_task
from jtbd_app.services.viewer import Viewer

MAX_LINES = 10


@dataclass(frozen=True)
class DecisionLine:
    id: int
    when: str
    route_label: str
    partner_name: str = ""
    link: str = ""
    link_label: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class TaskRoutes:
    task_id: int = 0
    title: str = ""
    kind_label: str = ""
    lines: list[DecisionLine] = field(default_factory=list)
    can_report: bool = False
    report_partner: str = ""  # whose outcome the form reports
    reported_done: str = ""  # yes | no | "" (the report so far, to replace)
    reported_rating: str = ""
    reported_comment: str = ""


def _outcome(d: RoutingDecision) -> str:
    if d.reported_at is None:
        return ""
    said = "Done" if d.outcome == "done" else "Not done"
    return f"{said}, rated {d.rating} of 5" if d.rating else said


def _line(d: RoutingDecision, names: dict[str, str], drafts: set[int]) -> DecisionLine:
    assert d.id is not None
    link, label = "", ""
    if d.listing_id is not None and d.listing_id in drafts:
        link, label = f"/post?draft={d.listing_id}", "Open the listing draft"
    elif d.listing_id is not None:
        link, label = f"/listings/{d.listing_id}", "Open the listing"
    elif d.problem_id is not None:
        link, label = f"/problems/{d.problem_id}", "Open the problem"
    elif d.external_url:
        link, label = d.external_url, "See the post"
    return DecisionLine(
        id=d.id,
        when=ago_label(d.created_at, utcnow()),
        route_label=ROUTE_LABELS.get(d.route, d.route),
        partner_name=names.get(d.partner_key, d.partner_key),
        link=link,
        link_label=label,
        outcome=_outcome(d),
    )


def task_routes(session: Session, *, viewer: Viewer | None, task_id: object) -> TaskRoutes:
    """The viewer's own task and where it went; anyone else's is not found."""
    task = owned_task(session, viewer, task_id)
    assert task.id is not None
    decisions = session.exec(
        select(RoutingDecision)
        .where(RoutingDecision.task_id == task.id)
        .order_by(col(RoutingDecision.id).desc())
        .limit(MAX_LINES)
    ).all()
    names = {p.key: p.name for p in session.exec(select(Partner)).all()}
    listing_ids = [d.listing_id for d in decisions if d.listing_id is not None]
    drafts: set[int] = set()
    if listing_ids:
        query = select(Listing.id).where(col(Listing.id).in_(listing_ids), Listing.status == "draft")
        drafts = {i for i in session.exec(query).all() if i is not None}
    report = latest(session, task.id, OUTSIDE_ROUTES)
    return TaskRoutes(
        task_id=task.id,
        title=task.title,
        kind_label=KIND_LABELS.get(task.kind, ""),
        lines=[_line(d, names, drafts) for d in decisions],
        can_report=report is not None,
        report_partner=names.get(report.partner_key, report.partner_key) if report else "",
        reported_done=("yes" if report.outcome == "done" else "no") if report and report.reported_at else "",
        reported_rating=str(report.rating) if report and report.rating else "",
        reported_comment=report.comment if report else "",
    )
