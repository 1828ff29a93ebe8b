"""How a published problem is going, for its owner's dashboard: each micro-task's listing, contractor and state, the
money held and released (from the ledger), what is late, what waits on another task, and what needs the owner now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from jtbd_app.domain.money import Money
from jtbd_app.models import Bid, Contract, JournalEntry, MicroTask, Problem, Profile
from jtbd_app.services.ledger import problem_escrow
from jtbd_app.services.problems.problem_returns import free_minor

CONTRACT_LABELS = {
    "awaiting_acceptance": "Contract to accept",
    "awaiting_funding": "Awaiting funding",
    "funded": "In progress",
    "delivered": "Delivered: review it",
    "revision_requested": "Changes requested",
    "completed": "Done",
    "cancelled": "Cancelled",
    "disputed": "On hold",
    "resolved": "Resolved",
}
WAITING_BIDS = ("pending", "shortlisted")


@dataclass(frozen=True)
class TaskProgress:
    listing_href: str = ""
    contract_href: str = ""
    contractor: str = ""
    progress: str = ""  # what is happening, in a few words
    late: bool = False
    blocked_by: str = ""  # titles of unfinished tasks it needs
    needs_you: str = ""  # what the owner should do now, if anything
    bids: int = 0


@dataclass(frozen=True)
class MoneyLine:
    label: str
    amount: str
    minor: int


@dataclass(frozen=True)
class Execution:
    money: list[MoneyLine] = field(default_factory=list)
    free: str = ""
    free_minor: int = 0
    needs_you: list[str] = field(default_factory=list)
    late: int = 0
    tasks: dict[str, TaskProgress] = field(default_factory=dict)


def _released(session: Session, problem_id: int) -> int:
    """What went from this problem's contracts to their contractors (and fees): the prices of those released."""
    released = session.exec(
        select(func.coalesce(func.sum(Contract.amount_minor), 0)).where(
            Contract.problem_id == problem_id,
            col(Contract.id).in_(select(JournalEntry.contract_id).where(JournalEntry.kind == "release")),
        )
    ).one()
    return int(released)


def execution(session: Session, problem: Problem, rows: list[MicroTask], *, today: date) -> Execution:
    """The owner's view of a published problem (empty before it is funded)."""
    assert problem.id is not None
    if problem.status not in ("funded", "published", "in_progress", "completed", "cancelled"):
        return Execution()
    contracts = {c.id: c for c in session.exec(select(Contract).where(Contract.problem_id == problem.id)).all()}
    names = dict(
        session.exec(
            select(Profile.user_id, Profile.display_name).where(
                col(Profile.user_id).in_({c.contractor_id for c in contracts.values()})
            )
        ).all()
    )
    listing_ids = [r.listing_id for r in rows if r.listing_id]
    bids: Counter[int] = Counter(
        dict(
            session.exec(
                select(Bid.listing_id, func.count())
                .where(col(Bid.listing_id).in_(listing_ids), col(Bid.status).in_(WAITING_BIDS))
                .group_by(col(Bid.listing_id))
            ).all()
        )
    )
    start = problem.plan_start or today
    by_key = {r.key: r for r in rows}
    tasks: dict[str, TaskProgress] = {}
    needs: list[str] = []
    for row in rows:
        contract = contracts.get(row.contract_id) if row.contract_id else None
        due = start + timedelta(days=row.due_in_days)
        finished = row.status in ("done", "cancelled")
        waiting_on = [by_key[k].title for k in row.depends_on.split(",") if k in by_key and by_key[k].status != "done"]
        waiting_bids = bids.get(row.listing_id or 0, 0)
        needs_you = ""
        if contract is not None and contract.status == "delivered":
            needs_you = "Review the delivery"
        elif contract is not None and contract.status == "awaiting_acceptance":
            needs_you = "Accept the contract"
        elif row.status == "open" and waiting_bids:
            needs_you = f"{waiting_bids} bid{'s' if waiting_bids != 1 else ''} to review"
        if needs_you:
            needs.append(f"{row.title}: {needs_you.lower()}")
        tasks[row.key] = TaskProgress(
            listing_href=f"/listings/{row.listing_id}" if row.listing_id else "",
            contract_href=f"/contracts/{contract.id}" if contract is not None else "",
            contractor=names.get(contract.contractor_id, "") if contract is not None else "",
            progress=CONTRACT_LABELS.get(contract.status, contract.status) if contract is not None else "",
            late=not finished and due < today,
            blocked_by=", ".join(waiting_on) if not finished else "",
            needs_you=needs_you,
            bids=waiting_bids,
        )
    held = problem_escrow.held(session, problem)
    in_contracts = sum(
        c.amount_minor
        for c in contracts.values()
        if c.funding_source == "problem" and c.status not in ("completed", "cancelled")
    )
    released = _released(session, problem.id)
    free = free_minor(session, problem)

    def line(label: str, minor: int) -> MoneyLine:
        return MoneyLine(label, Money(minor, problem.currency).format(), minor)

    money = [
        line("Budget paid in", problem.budget_minor),
        line("Held for tasks not yet hired", held),
        line("Held in contracts under way", in_contracts),
        line("Released to contractors", released),
    ]
    return Execution(
        money=money,
        free=Money(free, problem.currency).format(),
        free_minor=free,
        needs_you=needs,
        late=sum(1 for t in tasks.values() if t.late),
        tasks=tasks,
    )
