"""The case file an administrator decides from: one frozen (or decided) contract's story, merged by time.

The timeline holds the listing being posted, the accepted bid, every contract event, the messages of the contract's
thread, each delivery and revision request (with its files), and the dispute's statements and evidence (with their
files), each with who, when and what. Reading the parties' private thread is an admin action, so it is written to
the audit log (`admin.read_thread`) in the same unit of work. A fixed number of queries, whatever the case's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from jtbd_app.domain.contract_rules import STATUS_LABELS
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Bid,
    Contract,
    ContractEvent,
    Delivery,
    DeliveryFile,
    DisputeCase,
    DisputeEntry,
    DisputeFile,
    FreezeDecision,
    LedgerAccount,
    Listing,
    Message,
    MessageThread,
    Payout,
    Profile,
    User,
)
from jtbd_app.services import audit
from jtbd_app.services.contracts import disputes
from jtbd_app.services.ledger.journal import account_code
from jtbd_app.services.trust.dispute_queue import CARD_LABEL, CASE_STATUS_LABELS
from jtbd_app.services.viewer import Viewer, require_admin

NOT_FOUND = "That contract does not exist."
MAX_MESSAGES = 500  # the newest of a very long thread; the page says when older ones are left out
OUTCOMES_WANTED = {"full_refund": "a full refund", "partial_refund": "a partial refund", "release": "the release"}
EVENT_LABELS = {
    "frozen": "Frozen",
    "decided": "Decided",
    "funded": "Funded",
    "agreed": "Agreed",
    "dispute_won": "Card dispute won",
    "dispute_lost": "Card dispute lost",
}
ENTRY_LABELS = {
    "statement": "Statement",
    "evidence": "Evidence",
    "response": "Response",
    "admin_note": "Administrator's note",
}


@dataclass(frozen=True)
class CaseLink:
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class CaseEvent:
    at: str = ""  # ISO time, the sort key
    when: str = ""  # "5 Dec 2026, 10:30 UTC"
    who: str = ""  # a display name with the party's role, or "The platform"
    kind: str = ""  # listing | bid | event | message | delivery | revision | dispute
    label: str = ""  # "Message", "Delivery 1", "Evidence"
    what: str = ""
    files: list[CaseLink] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Position:
    party: str = ""  # client | contractor
    name: str = ""
    statements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CaseFile:
    contract_id: int = 0
    title: str = ""
    listing_link: str = ""
    client: str = ""
    contractor: str = ""
    contract_status: str = ""
    price: str = ""
    currency: str = "USD"
    held_minor: int = 0  # what a decision divides: the escrow, or else the payouts held back
    held: str = ""
    held_in_payouts: bool = False  # the escrow is empty: a decision sends or keeps back the payouts held
    frozen: bool = False
    frozen_reason: str = ""
    has_case: bool = False
    case_status: str = ""
    case_label: str = ""
    opened_by: str = ""
    reason: str = ""
    outcome_wanted: str = ""
    positions: list[Position] = field(default_factory=list)
    timeline: list[CaseEvent] = field(default_factory=list)
    messages_left_out: bool = False
    decision_status: str = ""  # "" | deciding (its refund failed: retry) | done | overtaken (a lost card dispute)
    decision: str = ""  # what was decided, in words


def _when(moment: datetime) -> str:
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def _ev(at: datetime, who: str, kind: str, label: str, what: str, **more: list[CaseLink] | list[str]) -> CaseEvent:
    return CaseEvent(at.isoformat(), _when(at), who, kind, label, what, **more)  # type: ignore[arg-type]


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n // 1024} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


def delivery_file_url(file_id: int) -> str:
    return f"/api/contracts/files/{file_id}"


def dispute_file_url(file_id: int) -> str:
    return f"/api/disputes/files/{file_id}"


def case_file(session: Session, *, viewer: Viewer | None, contract_id: object, purpose: str = "case page") -> CaseFile:
    """The case of one contract for an administrator (everyone else is refused; the read is audited)."""
    admin = require_admin(viewer)
    cid = parse_id(contract_id, not_found=NOT_FOUND)
    contract = session.get(Contract, cid)
    if contract is None or contract.id is None:
        raise NotFound(NOT_FOUND)
    listing = session.get(Listing, contract.listing_id)
    bid = session.get(Bid, contract.bid_id)
    case = session.exec(select(DisputeCase).where(DisputeCase.contract_id == cid)).first()
    decision = session.get(FreezeDecision, cid)
    events = session.exec(
        select(ContractEvent).where(ContractEvent.contract_id == cid).order_by(col(ContractEvent.id))
    ).all()
    thread = session.exec(select(MessageThread).where(MessageThread.contract_id == cid)).first()
    messages = (
        list(
            session.exec(
                select(Message)
                .where(Message.thread_id == thread.id)
                .order_by(col(Message.id).desc())
                .limit(MAX_MESSAGES + 1)
            ).all()
        )
        if thread
        else []
    )
    deliveries = session.exec(select(Delivery).where(Delivery.contract_id == cid).order_by(col(Delivery.number))).all()
    delivery_files = session.exec(
        select(DeliveryFile).where(DeliveryFile.contract_id == cid).order_by(col(DeliveryFile.id))
    ).all()
    entries = (
        session.exec(select(DisputeEntry).where(DisputeEntry.case_id == case.id).order_by(col(DisputeEntry.id))).all()
        if case
        else []
    )
    entry_files = (
        session.exec(select(DisputeFile).where(DisputeFile.case_id == case.id).order_by(col(DisputeFile.id))).all()
        if case
        else []
    )
    escrow = session.exec(
        select(LedgerAccount.balance_minor).where(
            LedgerAccount.code == account_code("escrow", contract.currency, contract_id=cid)
        )
    ).first()
    payouts_held = sum(
        session.exec(select(Payout.amount_minor).where(Payout.contract_id == cid, Payout.status == "pending")).all()
    )
    people = {contract.client_id, contract.contractor_id}
    people |= {e.actor_id for e in events if e.actor_id} | {e.author_id for e in entries}
    if decision and decision.admin_id:
        people.add(decision.admin_id)
    names = dict(
        session.exec(
            select(User.id, Profile.display_name)
            .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
            .where(col(User.id).in_(people))
        ).all()
    )
    if thread is not None:
        audit.record(
            session,
            actor_id=admin.user_id,
            action="admin.read_thread",
            subject=f"thread:{thread.id}",
            reason=f"Deciding the dispute on contract {cid}",
            detail={"contract_id": cid, "for": purpose},
        )

    def who(user_id: int | None) -> str:
        if user_id is None:
            return "The platform"
        name = names.get(user_id, "A member")
        if user_id == contract.client_id:
            return f"{name} (client)"
        if user_id == contract.contractor_id:
            return f"{name} (contractor)"
        return f"{name} (administrator)"

    money = lambda minor: Money(minor, contract.currency).format()  # noqa: E731
    timeline: list[CaseEvent] = []
    if listing is not None:
        posted = listing.published_at or listing.created_at
        timeline.append(_ev(posted, who(listing.owner_id), "listing", "Listing posted", listing.title))
    if bid is not None:
        what = f"Bid of {money(bid.amount_minor)}, delivery in {bid.delivery_days} days, accepted. {bid.message}"
        timeline.append(_ev(bid.created_at, who(bid.bidder_id), "bid", "Accepted bid", what.strip()))
    for e in events:
        label = EVENT_LABELS.get(e.kind, e.kind.replace("_", " ").capitalize())
        timeline.append(_ev(e.created_at, who(e.actor_id), "event", label, e.detail))
    for m in messages[:MAX_MESSAGES]:
        timeline.append(_ev(m.created_at, who(m.sender_id), "message", "Message", m.body))
    files_of: dict[int, list[CaseLink]] = {}
    for f in delivery_files:
        assert f.id is not None
        label = f"{f.filename} ({_size(f.size_bytes)})"
        files_of.setdefault(f.delivery_id, []).append(CaseLink(label, delivery_file_url(f.id)))
    for d in deliveries:
        links = [link for link in d.links.splitlines() if link]
        timeline.append(
            _ev(
                d.submitted_at,
                who(contract.contractor_id),
                "delivery",
                f"Delivery {d.number}",
                d.message,
                files=files_of.get(d.id or 0, []),
                links=links,
            )
        )
        if d.status == "revision_requested" and d.responded_at:
            timeline.append(
                _ev(
                    d.responded_at,
                    who(contract.client_id),
                    "revision",
                    f"Revision requested on delivery {d.number}",
                    d.response,
                )
            )
    entry_files_of: dict[int, list[CaseLink]] = {}
    for ef in entry_files:
        assert ef.id is not None
        label = f"{ef.filename} ({_size(ef.size_bytes)})"
        entry_files_of.setdefault(ef.entry_id, []).append(CaseLink(label, dispute_file_url(ef.id)))
    wanted = ""
    if case is not None:
        wanted = OUTCOMES_WANTED.get(case.outcome_wanted, case.outcome_wanted)
        if case.outcome_wanted == "partial_refund" and case.wanted_refund_minor:
            wanted = f"{wanted} of {money(case.wanted_refund_minor)}"
    if case is not None and not any(e.kind == "dispute_opened" for e in events):  # the contract's own event says it
        opened = f"Opened a dispute ({case.reason_code.replace('_', ' ')}), wants {wanted}. {case.reason_text}"
        timeline.append(_ev(case.opened_at, who(case.opened_by), "dispute", "Dispute opened", opened.strip()))
    for entry in entries:
        timeline.append(
            _ev(
                entry.created_at,
                who(entry.author_id),
                "dispute",
                ENTRY_LABELS.get(entry.kind, entry.kind.capitalize()),
                entry.body,
                files=entry_files_of.get(entry.id or 0, []),
                links=[link for link in entry.links.splitlines() if link],
            )
        )
    timeline.sort(key=lambda item: item.at)
    positions = [
        Position(
            party,
            names.get(uid, ""),
            _distinct(
                ([case.reason_text] if case and case.opened_by == uid and case.reason_text else [])
                + [e.body for e in entries if e.author_id == uid and e.kind in ("statement", "response") and e.body]
            ),
        )
        for party, uid in (("client", contract.client_id), ("contractor", contract.contractor_id))
    ]
    held_minor = (escrow or 0) or payouts_held
    decided = ""
    if decision is not None:
        decided = (
            f"{who(decision.admin_id) if decision.admin_id else 'The parties'} decided: "
            f"{money(decision.contractor_minor)} to the contractor, {money(decision.client_minor)} to the client. "
            f"{decision.note}"
        ).strip()
        if decision.status == "overtaken":
            decided = f"{decided} {disputes.OVERTAKEN}"
    return CaseFile(
        contract_id=cid,
        title=listing.title if listing else f"Contract {cid}",
        listing_link=f"/listings/{contract.listing_id}",
        client=names.get(contract.client_id, ""),
        contractor=names.get(contract.contractor_id, ""),
        contract_status=STATUS_LABELS.get(contract.status, contract.status),
        price=money(contract.amount_minor),
        currency=contract.currency,
        held_minor=held_minor,
        held=money(held_minor),
        held_in_payouts=not escrow and payouts_held > 0,
        frozen=contract.release_frozen,
        frozen_reason=contract.frozen_reason,
        has_case=case is not None,
        case_status=case.status if case else "gateway",
        case_label=CASE_STATUS_LABELS.get(case.status, case.status) if case else CARD_LABEL,
        opened_by=who(case.opened_by) if case else "",
        reason=case.reason_text if case else contract.frozen_reason,
        outcome_wanted=wanted,
        positions=positions,
        timeline=timeline,
        messages_left_out=len(messages) > MAX_MESSAGES,
        decision_status=decision.status if decision else "",
        decision=decided,
    )


def _distinct(texts: list[str]) -> list[str]:
    """Each statement once: the opener's reason is also their first statement."""
    return list(dict.fromkeys(texts))


def case_text(case: CaseFile) -> str:
    """The case as plain text for the AI summary: who is who, what is held, then the timeline in order."""
    lines = [
        f"Contract: {case.title}. Price {case.price}; in dispute {case.held}.",
        f"Client: {case.client}. Contractor: {case.contractor}.",
    ]
    if case.has_case:
        lines.append(f"Dispute opened by {case.opened_by}; wants {case.outcome_wanted}.")
    else:
        lines.append(f"Frozen by the payment gateway: {case.frozen_reason}")
    for item in case.timeline:
        extra = "".join(f" [file: {f.label}]" for f in item.files) + "".join(f" [link: {u}]" for u in item.links)
        lines.append(f"- {item.when} | {item.who} | {item.label}: {item.what}{extra}")
    return "\n".join(lines)
