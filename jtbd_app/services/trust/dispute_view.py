"""What a party (or an administrator) sees of a contract's dispute on /contracts/[id]: the case, its deadlines in
words, both sides' entries with their links and files, and what the viewer may do now. Strangers learn nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from jtbd_app.domain import disputes as rules
from jtbd_app.domain.money import Money, amount_input
from jtbd_app.models import Contract, DisputeCase, DisputeEntry, DisputeFile, FreezeDecision, Profile, utcnow
from jtbd_app.services.contracts import disputes, lifecycle
from jtbd_app.services.ledger import escrow
from jtbd_app.services.trust import dispute_endings
from jtbd_app.services.viewer import Viewer

ENTRY_LABELS = {"statement": "Opened the dispute", "response": "Answer", "evidence": "Evidence", "admin_note": "Note"}


@dataclass(frozen=True)
class EvidenceFile:
    id: int = 0
    filename: str = ""
    size: str = ""
    url: str = ""


@dataclass(frozen=True)
class Entry:
    id: int = 0
    author: str = ""
    side: str = ""  # client | contractor | admin
    mine: bool = False
    kind_label: str = ""
    body: str = ""
    links: list[str] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)
    when: str = ""


@dataclass(frozen=True)
class DisputePanel:
    """`exists` False: no case; `can_open` then says whether the viewer may open one."""

    contract_id: int = 0
    exists: bool = False
    can_open: bool = False
    held: str = ""  # what is in escrow now, for the open form
    currency: str = ""
    status: str = ""
    status_label: str = ""
    active: bool = False
    opened_by: str = ""
    reason: str = ""
    outcome_wanted: str = ""
    amount: str = ""
    deadline: str = ""  # the next deadline in words
    statements: list[Entry] = field(default_factory=list)
    # what the viewer may do now (the service decides again)
    can_respond: bool = False
    can_add_evidence: bool = False
    can_ask_review: bool = False
    can_offer: bool = False
    offer: str = ""  # a waiting offer in words
    offer_mine: bool = False
    can_accept: bool = False
    offer_minor: int = -1  # the amount the viewer accepts (checked against the case's)
    offer_default: str = ""
    # how it ended
    ended: bool = False
    decision: str = ""
    decision_reason: str = ""


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _in_words(moment: datetime, now: datetime) -> str:
    left = moment - now
    days, hours = round(left.total_seconds() / 86400), left.seconds // 3600  # days to the nearest: 4d23h is 5
    if left.total_seconds() <= 0:
        return "now"
    if days >= 1:
        return f"in {days} day{'s' if days != 1 else ''} ({moment.strftime('%d %b %Y')})"
    return f"in {max(hours, 1)} hour{'s' if hours > 1 else ''}"


def _deadline(case: DisputeCase, respondent: str, now: datetime) -> str:
    if case.status == rules.AWAITING:
        return f"{respondent} answers {_in_words(case.respond_by, now)}; without an answer an administrator decides."
    if case.status == rules.OPEN and case.evidence_until is not None:
        return f"Both add evidence until it goes to an administrator {_in_words(case.evidence_until, now)}."
    if case.status == rules.REVIEW:
        return "An administrator is reviewing both sides; you may still settle."
    return ""


def _name(session: Session, user_id: int | None) -> str:
    profile = session.get(Profile, user_id) if user_id is not None else None
    return profile.display_name if profile else "A member"


def _entries(session: Session, case: DisputeCase, contract: Contract, viewer_id: int) -> list[Entry]:
    rows = session.exec(
        select(DisputeEntry)
        .where(DisputeEntry.case_id == case.id)
        .order_by(col(DisputeEntry.created_at), col(DisputeEntry.id))
    ).all()
    files = session.exec(select(DisputeFile).where(DisputeFile.case_id == case.id).order_by(col(DisputeFile.id))).all()
    by_entry: dict[int, list[EvidenceFile]] = {}
    for f in files:
        by_entry.setdefault(f.entry_id, []).append(
            EvidenceFile(id=f.id or 0, filename=f.filename, size=_size(f.size_bytes), url=f"/api/disputes/files/{f.id}")
        )
    names: dict[int, str] = {}
    out = []
    for row in rows:
        if row.author_id not in names:
            names[row.author_id] = _name(session, row.author_id)
        side = (
            "client"
            if row.author_id == contract.client_id
            else "contractor"
            if row.author_id == contract.contractor_id
            else "admin"
        )
        out.append(
            Entry(
                id=row.id or 0,
                author=names[row.author_id],
                side=side,
                mine=row.author_id == viewer_id,
                kind_label=ENTRY_LABELS.get(row.kind, row.kind),
                body=row.body,
                links=[link for link in row.links.splitlines() if link],
                files=by_entry.get(row.id or 0, []),
                when=row.created_at.strftime("%d %b %Y, %H:%M"),
            )
        )
    return out


def dispute_panel(session: Session, *, viewer: Viewer | None, contract_id: object) -> DisputePanel:
    """The dispute section for a party or an administrator (NotFound for anyone else, as the contract page). Call it
    in a unit of work, or through `db.read_or_write`: an active case whose contract moved on without it is caught up
    first (`dispute_endings.reconcile`), which writes."""
    contract = lifecycle.visible_contract(session, viewer=viewer, contract_id=contract_id)
    assert viewer is not None and contract.id is not None
    party = viewer.user_id in (contract.client_id, contract.contractor_id)
    active_member = party and viewer.status == "active"
    case = session.exec(select(DisputeCase).where(DisputeCase.contract_id == contract.id)).first()
    if case is not None and case.status in rules.ACTIVE:
        dispute_endings.reconcile(session, case)  # the gateway may have ended the contract meanwhile (see reconcile)
    if case is None:
        held = escrow.held(session, contract)
        return DisputePanel(
            contract_id=contract.id,
            can_open=active_member and contract.status in rules.OPENABLE and not contract.release_frozen and held > 0,
            held=Money(held, contract.currency).format(),
            currency=contract.currency,
        )
    now = utcnow()
    status = case.status
    respondent = _name(session, case.respondent_id)
    offer = ""
    if case.offer_contractor_minor is not None:
        give = Money(case.offer_contractor_minor, case.currency).format()
        back = Money(case.amount_minor - case.offer_contractor_minor, case.currency).format()
        offer = f"{_name(session, case.offer_by)} offers {give} to the contractor and {back} back to the client."
    decision = ""
    if case.contractor_minor is not None and case.client_minor is not None:
        give = Money(case.contractor_minor, case.currency).format()
        back = Money(case.client_minor, case.currency).format()
        who = "The parties settled" if status == rules.SETTLED else "An administrator decided"
        decision = f"{who}: {give} to the contractor, {back} back to the client."
        kept = session.get(FreezeDecision, contract.id)
        if kept is not None and kept.status == "overtaken" and status == rules.SETTLED:
            decision = f"{decision} {disputes.OVERTAKEN}"
    wanted = rules.OUTCOMES.get(case.outcome_wanted, case.outcome_wanted)
    if case.outcome_wanted == "partial_refund":
        wanted = f"A partial refund: {Money(case.wanted_refund_minor, case.currency).format()} back to the client"
    active = status in rules.ACTIVE
    return DisputePanel(
        contract_id=contract.id,
        exists=True,
        currency=case.currency,
        status=status,
        status_label=rules.STATUS_LABELS.get(status, status),
        active=active,
        opened_by=_name(session, case.opened_by),
        reason=rules.REASONS.get(case.reason_code, case.reason_code),
        outcome_wanted=wanted,
        amount=Money(case.amount_minor, case.currency).format(),
        deadline=_deadline(case, respondent, now),
        statements=_entries(session, case, contract, viewer.user_id),
        can_respond=active_member and status == rules.AWAITING and viewer.user_id == case.respondent_id,
        can_add_evidence=active_member and rules.allows(status, rules.EVIDENCE),
        can_ask_review=active_member and rules.allows(status, rules.ASK_REVIEW),
        can_offer=active_member and active,
        offer=offer,
        offer_mine=case.offer_by == viewer.user_id,
        can_accept=active_member and active and case.offer_by is not None and case.offer_by != viewer.user_id,
        offer_minor=case.offer_contractor_minor if case.offer_contractor_minor is not None else -1,
        offer_default=amount_input(case.amount_minor // 2, case.currency),
        ended=not active,
        decision=decision,
        decision_reason=case.decision_reason,
    )
