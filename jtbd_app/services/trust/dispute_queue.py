"""The administrators' queue at /admin/disputes: every frozen contract waiting for a decision, whoever froze it.

A member's dispute comes with its `DisputeCase` (status, deadline, the amount in dispute); a contract frozen by the
payment gateway (a chargeback, a refund made at the gateway) has no case and is shown as such, with the reason it
was frozen. Frozen contracts are few (each one is an administrator's open task), so the queue reads them all in a
fixed number of queries, sorts and pages in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import display
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Contract,
    ContractEvent,
    DisputeCase,
    FreezeDecision,
    LedgerAccount,
    Listing,
    Payout,
    Profile,
    User,
    utcnow,
)
from jtbd_app.services.ledger.journal import account_code
from jtbd_app.services.viewer import Viewer, require_admin

PAGE_SIZE = 20
Sort = Literal["oldest", "newest", "amount_high", "amount_low"]
SORTS: dict[str, str] = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "amount_high": "Largest amount first",
    "amount_low": "Smallest amount first",
}
CARD_LABEL = "Card dispute / frozen by the payment gateway"
CASE_STATUS_LABELS: dict[str, str] = {
    "open": "Open: both parties add evidence",
    "awaiting_response": "Awaiting the other party's response",
    "under_review": "Under review",
    "settled": "Settled by the parties",
    "resolved": "Resolved by an administrator",
}
# the status filter: a case status, or the gateway's freezes, or decisions whose refund failed and wait for a retry
STATUS_FILTERS: dict[str, str] = {
    "": "Every status",
    "awaiting_response": CASE_STATUS_LABELS["awaiting_response"],
    "open": CASE_STATUS_LABELS["open"],
    "under_review": CASE_STATUS_LABELS["under_review"],
    "gateway": CARD_LABEL,
    "retry": "Decided, the refund waits for a retry",
}


@dataclass(frozen=True)
class QueueRow:
    contract_id: int = 0
    title: str = ""
    client: str = ""
    contractor: str = ""
    amount: str = ""  # in dispute, formatted
    kind: str = ""  # member | gateway
    case_status: str = ""  # the case's status, "gateway" without a case, "retry" when a decision waits for its refund
    status_label: str = ""
    frozen_reason: str = ""
    age: str = ""  # "3 days ago"
    deadline: str = ""  # what the case waits for next, in words
    link: str = ""


@dataclass(frozen=True)
class DisputeQueue:
    rows: list[QueueRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    sort: str = "oldest"
    status: str = ""


@dataclass(frozen=True)
class _Item:
    row: QueueRow
    since: datetime
    amount_minor: int


def clean_sort(value: object) -> Sort:
    return value if isinstance(value, str) and value in SORTS else "oldest"  # type: ignore[return-value]


def clean_status(value: object) -> str:
    return value if isinstance(value, str) and value in STATUS_FILTERS else ""


def _when(moment: datetime | None) -> str:
    return moment.strftime("%-d %b %Y, %H:%M UTC") if moment else ""


def _deadline(case: DisputeCase | None, retry: bool) -> str:
    if retry:
        return "The refund failed: retry it"
    if case is None:
        return "No deadline: waits for an administrator"
    if case.status == "awaiting_response":
        return f"Response due {_when(case.respond_by)}"
    if case.status == "open" and case.evidence_until:
        return f"Evidence until {_when(case.evidence_until)}"
    if case.status == "under_review":
        return "Waits for an administrator's decision"
    return ""


def frozen_items(session: Session, *, now: datetime | None = None) -> list[_Item]:
    """Every frozen contract with what the queue shows about it (no permission check: callers check)."""
    now = now or utcnow()
    rows = session.exec(
        select(Contract, Listing, DisputeCase)
        .join(Listing, Listing.id == Contract.listing_id)  # type: ignore[arg-type]
        .outerjoin(DisputeCase, DisputeCase.contract_id == Contract.id)  # type: ignore[arg-type]
        .where(col(Contract.release_frozen).is_(True))
    ).all()
    if not rows:
        return []
    ids = [c.id for c, _, _ in rows if c.id is not None]
    codes = {account_code("escrow", c.currency, contract_id=c.id): c.id for c, _, _ in rows}
    held = {
        codes[code]: balance
        for code, balance in session.exec(
            select(LedgerAccount.code, LedgerAccount.balance_minor).where(col(LedgerAccount.code).in_(list(codes)))
        ).all()
    }
    payouts = dict(
        session.exec(
            select(Payout.contract_id, func.sum(Payout.amount_minor))
            .where(col(Payout.contract_id).in_(ids), Payout.status == "pending")
            .group_by(col(Payout.contract_id))
        ).all()
    )
    frozen_at = dict(
        session.exec(
            select(ContractEvent.contract_id, func.max(ContractEvent.created_at))
            .where(col(ContractEvent.contract_id).in_(ids), ContractEvent.kind == "frozen")
            .group_by(col(ContractEvent.contract_id))
        ).all()
    )
    retrying = set(
        session.exec(
            select(FreezeDecision.contract_id).where(
                col(FreezeDecision.contract_id).in_(ids), FreezeDecision.status == "deciding"
            )
        ).all()
    )
    people = {c.client_id for c, _, _ in rows} | {c.contractor_id for c, _, _ in rows}
    names = dict(
        session.exec(
            select(User.id, Profile.display_name)
            .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
            .where(col(User.id).in_(people))
        ).all()
    )
    items: list[_Item] = []
    for contract, listing, case in rows:
        assert contract.id is not None
        retry = contract.id in retrying
        amount = case.amount_minor if case else (held.get(contract.id, 0) or int(payouts.get(contract.id) or 0))
        since = case.opened_at if case else (frozen_at.get(contract.id) or contract.updated_at)
        status = "retry" if retry else (case.status if case else "gateway")
        label = (
            STATUS_FILTERS["retry"]
            if retry
            else CASE_STATUS_LABELS.get(case.status, case.status)
            if case
            else CARD_LABEL
        )
        row = QueueRow(
            contract_id=contract.id,
            title=listing.title or f"Contract {contract.id}",
            client=names.get(contract.client_id, ""),
            contractor=names.get(contract.contractor_id, ""),
            amount=Money(amount, contract.currency).format(),
            kind="member" if case else "gateway",
            case_status=status,
            status_label=label,
            frozen_reason=contract.frozen_reason,
            age=display.ago_label(since, now),
            deadline=_deadline(case, retry),
            link=f"/admin/disputes/{contract.id}",
        )
        items.append(_Item(row, since, amount))
    return items


def dispute_queue(
    session: Session, *, viewer: Viewer | None, sort: object = "oldest", status: object = "", page: object = 1
) -> DisputeQueue:
    """The queue for an administrator (everyone else is refused): filtered by status, sorted, one page."""
    require_admin(viewer)
    order, wanted = clean_sort(sort), clean_status(status)
    items = [i for i in frozen_items(session) if not wanted or i.row.case_status == wanted]
    if order in ("oldest", "newest"):
        items.sort(key=lambda i: (i.since, i.row.contract_id), reverse=order == "newest")
    else:
        items.sort(key=lambda i: (i.amount_minor, -i.row.contract_id), reverse=order == "amount_high")
    pages = max(1, -(-len(items) // PAGE_SIZE))
    number = page if isinstance(page, int) and not isinstance(page, bool) else 1
    number = min(max(number, 1), pages)
    start = (number - 1) * PAGE_SIZE
    return DisputeQueue(
        rows=[i.row for i in items[start : start + PAGE_SIZE]],
        total=len(items),
        page=number,
        pages=pages,
        sort=order,
        status=wanted,
    )
