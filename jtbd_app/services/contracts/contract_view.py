"""What the contract workspace shows to one viewer: the deal, the money, the document, the work and what they may do now.

Read-only: every action lives in its own service, which checks again; the flags here only decide which buttons
to offer. An admin sees everything a party sees and may do nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from jtbd_app.domain import display
from jtbd_app.domain.contract_rules import (
    STATUS_LABELS,
    UNFUNDED,
    WORKING,
    auto_release_at,
    below_minimum,
    bps_label,
    overdue,
    split_release,
    unfundable_note,
)
from jtbd_app.domain.markdown_html import markdown_to_html
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Contract,
    ContractEvent,
    Delivery,
    DeliveryFile,
    LedgerAccount,
    Listing,
    Profile,
    User,
    utcnow,
)
from jtbd_app.services.contracts import lifecycle, receipts, verification
from jtbd_app.services.contracts.verification import Checklist
from jtbd_app.services.ledger.journal import account_code
from jtbd_app.services.messaging import messages
from jtbd_app.services.viewer import Viewer

DELIVERY_STATUS = {
    "submitted": "Awaiting the client's review",
    "approved": "Approved",
    "revision_requested": "Revision requested",
}


@dataclass(frozen=True)
class Party:
    username: str = ""
    display_name: str = ""


@dataclass(frozen=True)
class Acceptance:
    name: str = ""
    accepted: bool = False
    when: str = ""


@dataclass(frozen=True)
class FileItem:
    id: int = 0
    filename: str = ""
    size: str = ""
    url: str = ""


@dataclass(frozen=True)
class DeliveryItem:
    number: int = 0
    message: str = ""
    links: list[str] = field(default_factory=list)
    files: list[FileItem] = field(default_factory=list)
    reported_number: str = ""  # "12,400": the number a micro-task's evidence asked for, as stated
    status: str = ""
    status_label: str = ""
    response: str = ""
    submitted: str = ""


@dataclass(frozen=True)
class TimelineItem:
    kind: str = ""
    detail: str = ""
    when: str = ""


@dataclass(frozen=True)
class Actions:
    """What the viewer may do now; the services decide again when they are asked."""

    accept_terms: bool = False
    fund: bool = False
    deliver: bool = False
    approve: bool = False
    request_revision: bool = False
    ask_cancel: bool = False
    withdraw_cancel: bool = False
    agree_cancel: bool = False
    cancel_overdue: bool = False  # the due date passed without a delivery: the client may cancel alone
    retry_refund: bool = False


@dataclass(frozen=True)
class ContractDetail:
    id: int = 0
    listing_id: int = 0
    listing_title: str = ""
    client: Party = field(default_factory=Party)
    contractor: Party = field(default_factory=Party)
    role: str = ""  # client | contractor | admin
    status: str = ""
    status_label: str = ""
    price: str = ""
    fee_percent: str = ""
    fee: str = ""
    contractor_receives: str = ""
    escrow_held: str = ""
    receipt_link: str = ""  # the receipt of the payment that funded it, for its payer and administrators
    delivery_days: int = 0
    due: str = ""
    funding_deadline: str = ""
    auto_release: str = ""
    frozen: bool = False  # a chargeback or a gateway refund: nothing is released until an administrator decides
    frozen_reason: str = ""
    revision_due: str = ""  # when the revision asked for is due
    revisions_used: int = 0
    revisions_left: int = 0
    max_revisions: int = 0
    cancel_note: str = ""
    funding_note: str = ""  # an unfunded contract priced below the minimum (old data): why it cannot be paid
    document_title: str = ""
    document_html: str = ""  # its markdown as sanitized HTML; its "## Scope" an h3 under "The contract" (h2)
    document_version: int = 0
    acceptances: list[Acceptance] = field(default_factory=list)
    actions: Actions = field(default_factory=Actions)
    deliveries: list[DeliveryItem] = field(default_factory=list)
    checklist: Checklist = field(default_factory=Checklist)  # a micro-task's contract: its criteria, checked
    timeline: list[TimelineItem] = field(default_factory=list)
    thread_link: str = ""
    read_only: bool = False
    test_money: bool = False


def file_url(file_id: int) -> str:
    return f"/api/contracts/files/{file_id}"


def contract_detail(
    session: Session, *, viewer: Viewer | None, contract_id: object, test_money: bool = False
) -> ContractDetail:
    """The contract as this viewer sees it; anyone but its parties and admins gets NotFound."""
    contract = lifecycle.visible_contract(session, viewer=viewer, contract_id=contract_id)
    assert viewer is not None and contract.id is not None
    now = utcnow()
    role = (
        "client"
        if viewer.user_id == contract.client_id
        else "contractor"
        if viewer.user_id == contract.contractor_id
        else "admin"
    )
    listing = session.get(Listing, contract.listing_id)
    parties = _parties(session, (contract.client_id, contract.contractor_id))
    document = lifecycle.ensure_document(session, contract)
    accepted = lifecycle.acceptances(session, contract)
    split = split_release(contract.amount_minor, contract.fee_bps)
    money = lambda minor: Money(minor, contract.currency).format()  # noqa: E731
    release_at = (
        auto_release_at(contract.delivered_at, contract.auto_release_days)
        if contract.status == "delivered" and contract.delivered_at and not contract.release_frozen
        else None
    )
    return ContractDetail(
        id=contract.id,
        listing_id=contract.listing_id,
        listing_title=listing.title if listing else "",
        client=parties.get(contract.client_id, Party()),
        contractor=parties.get(contract.contractor_id, Party()),
        role=role,
        status=contract.status,
        status_label=STATUS_LABELS.get(contract.status, contract.status),
        price=money(contract.amount_minor),
        fee_percent=bps_label(contract.fee_bps),
        fee=money(split.fee_minor),
        contractor_receives=money(split.payee_minor),
        escrow_held=money(escrow_balance(session, contract)),
        receipt_link=receipts.contract_receipt_link(session, viewer=viewer, contract=contract),
        delivery_days=contract.delivery_days,
        due=_when(contract.due_at) if contract.due_at else "",
        funding_deadline=_when(contract.funding_expires_at)
        if contract.status in UNFUNDED and contract.funding_expires_at
        else "",
        auto_release=_when(release_at) if release_at else "",
        frozen=contract.release_frozen,
        frozen_reason=contract.frozen_reason,
        revision_due=_when(contract.revision_due_at) if contract.status == "revision_requested" else "",
        revisions_used=contract.revisions_used,
        revisions_left=max(contract.max_revisions - contract.revisions_used, 0),
        max_revisions=contract.max_revisions,
        cancel_note=_cancel_note(contract, viewer, parties),
        funding_note=unfundable_note(contract.amount_minor, contract.currency, contract.fee_bps)
        if contract.status in UNFUNDED and below_minimum(contract.amount_minor, contract.currency, contract.fee_bps)
        else "",
        document_title=document.title,
        document_html=markdown_to_html(document.body, top_heading=2),
        document_version=document.version,
        acceptances=[
            Acceptance(
                name=parties.get(user_id, Party()).display_name,
                accepted=user_id in accepted,
                when=_when(accepted[user_id].accepted_at) if user_id in accepted else "",
            )
            for user_id in (contract.client_id, contract.contractor_id)
        ],
        actions=_actions(contract, viewer, role, set(accepted)),
        deliveries=_deliveries(session, contract.id),
        checklist=verification.checklist_for(session, contract),
        timeline=_timeline(session, contract.id, now),
        thread_link=f"/messages/{messages.thread_for_contract(session, contract_id=contract.id)}"
        if role != "admin"
        else "",
        read_only=role == "admin",
        test_money=test_money,
    )


def escrow_balance(session: Session, contract: Contract) -> int:
    """What the contract's escrow holds, read from the ledger without creating the account."""
    code = account_code("escrow", contract.currency, contract_id=contract.id)
    account = session.exec(select(LedgerAccount).where(LedgerAccount.code == code)).first()
    return account.balance_minor if account else 0


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def _parties(session: Session, user_ids: tuple[int, int]) -> dict[int, Party]:
    rows = session.exec(
        select(User.id, User.username, Profile.display_name)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(col(User.id).in_(user_ids))
    ).all()
    return {uid: Party(username, name) for uid, username, name in rows if uid is not None}


def _cancel_note(contract: Contract, viewer: Viewer, parties: dict[int, Party]) -> str:
    if (
        overdue(contract.status, contract.due_at, utcnow(), contract.revision_due_at)
        and contract.cancel_requested_by is None
    ):
        what = "revision's due date" if contract.status == "revision_requested" else "due date"
        if viewer.user_id == contract.client_id:
            return f"The {what} passed without a delivery. You may cancel now and be refunded in full."
        return f"The {what} passed without a delivery. The client may now cancel for a full refund."
    if contract.cancel_requested_by is None or contract.status != "funded":
        return ""
    if contract.cancel_requested_by == viewer.user_id:
        return "You asked to cancel. The other party has to agree; the client's payment is then refunded in full."
    name = parties.get(contract.cancel_requested_by, Party()).display_name or "The other party"
    return f"{name} asked to cancel. If you agree, the client's payment is refunded in full and the contract ends."


def _actions(contract: Contract, viewer: Viewer, role: str, accepted: set[int]) -> Actions:
    if role == "admin" or viewer.status != "active":
        return Actions()
    client, status = role == "client", contract.status
    requested = contract.cancel_requested_by
    open_ = not contract.release_frozen  # frozen: an administrator decides; the parties wait
    return Actions(
        accept_terms=status == "awaiting_acceptance" and viewer.user_id not in accepted,
        fund=client
        and status == "awaiting_funding"
        and not below_minimum(contract.amount_minor, contract.currency, contract.fee_bps),
        deliver=not client and status in WORKING,
        approve=client and status == "delivered" and open_,
        request_revision=client and status == "delivered" and contract.revisions_used < contract.max_revisions,
        ask_cancel=open_ and (status in UNFUNDED or (status == "funded" and requested is None)),
        withdraw_cancel=open_ and status == "funded" and requested == viewer.user_id,
        agree_cancel=open_ and status == "funded" and requested is not None and requested != viewer.user_id,
        cancel_overdue=open_
        and client
        and overdue(status, contract.due_at, utcnow(), contract.revision_due_at)
        and requested != viewer.user_id,
        retry_refund=status == "refunding",
    )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _deliveries(session: Session, contract_id: int) -> list[DeliveryItem]:
    rows = session.exec(
        select(Delivery).where(Delivery.contract_id == contract_id).order_by(col(Delivery.number).desc())
    ).all()
    if not rows:
        return []
    files: dict[int, list[FileItem]] = {}
    for f in session.exec(
        select(DeliveryFile).where(DeliveryFile.contract_id == contract_id).order_by(col(DeliveryFile.id))
    ).all():
        assert f.id is not None
        files.setdefault(f.delivery_id, []).append(FileItem(f.id, f.filename, _size(f.size_bytes), file_url(f.id)))
    return [
        DeliveryItem(
            number=d.number,
            message=d.message,
            links=[link for link in d.links.splitlines() if link],
            files=files.get(d.id or 0, []),
            reported_number=f"{d.reported_number:,}" if d.reported_number is not None else "",
            status=d.status,
            status_label=DELIVERY_STATUS.get(d.status, d.status),
            response=d.response,
            submitted=_when(d.submitted_at),
        )
        for d in rows
    ]


def _timeline(session: Session, contract_id: int, now: datetime) -> list[TimelineItem]:
    rows = session.exec(
        select(ContractEvent)
        .where(ContractEvent.contract_id == contract_id)
        .order_by(col(ContractEvent.created_at).desc(), col(ContractEvent.id).desc())
        .limit(100)
    ).all()
    return [TimelineItem(e.kind, e.detail, display.ago_label(e.created_at, now)) for e in rows]
