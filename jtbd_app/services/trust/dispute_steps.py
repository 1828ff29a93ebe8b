"""What every step of a dispute shares: reading what a party typed, finding and locking the case, the rules' next
status, telling the parties, the timeline event, a new statement with its files, and closing the case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel import Session, select

from jtbd_app.domain import disputes as rules
from jtbd_app.domain import text
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import parse_amount
from jtbd_app.models import (
    Contract,
    DisputeCase,
    DisputeEntry,
    DisputeFile,
    Listing,
    User,
    utcnow,
)
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import delivery_files, lifecycle
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active

MAX_STATEMENT = 5000
MAX_LINKS = 10
NO_CASE = "There is no open dispute on this contract."
FILE_NOT_FOUND = "That file does not exist."
RESPONSE_JOB, EVIDENCE_JOB = "dispute_response_due", "dispute_evidence_due"
JOB_KINDS = (RESPONSE_JOB, EVIDENCE_JOB)
ReadFiles = Callable[[int, int], Awaitable[list[IncomingFile]]]  # at most `count` uploads, each cut at `size` bytes


# ---------------------------------------------------------------------------------------------------------- input


def statement(value: object, field: str, *, required: bool = True) -> str:
    try:
        clean = text.clean_paragraphs(value, label="Statement", max_len=MAX_STATEMENT)
        if required and not clean:
            raise ValueError("Say what happened, in your own words.")
        if text.has_html(clean):
            raise ValueError("Plain text only: no HTML.")
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from exc
    return clean


def links(value: object) -> str:
    raw = value.splitlines() if isinstance(value, str) else []
    try:
        links = [text.clean_url(item) for item in raw if item.strip()]
        if len(links) > MAX_LINKS:
            raise ValueError(f"Add at most {MAX_LINKS} links.")
    except ValueError as exc:
        raise ValidationFailed({"links": str(exc)}) from exc
    return "\n".join(dict.fromkeys(links))


def minor(value: object, currency: str, field: str) -> int:
    """An amount typed in a form ("45.50") or given in minor units (an int); ValidationFailed names the field."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise ValueError("The amount cannot be negative.")
            return value
        if not isinstance(value, str):
            raise ValueError("Enter an amount.")
        return parse_amount(value, currency)
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from exc


def files(files: list[IncomingFile]) -> None:
    try:
        delivery_files.check_files(files)
    except ValueError as exc:
        raise ValidationFailed({"files": str(exc)}) from exc


# -------------------------------------------------------------------------------------------------------- helpers


def case_of(session: Session, contract_id: int) -> DisputeCase | None:
    return session.exec(select(DisputeCase).where(DisputeCase.contract_id == contract_id)).first()


def locked(session: Session, *, viewer: Viewer | None, contract_id: object) -> tuple[Contract, DisputeCase, Viewer]:
    """The contract (locked) and its case, for an active party; anyone else learns nothing."""
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    assert contract.id is not None
    case = session.exec(
        select(DisputeCase)
        .where(DisputeCase.contract_id == contract.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if case is None:
        raise ValidationFailed({"form": NO_CASE})
    return contract, case, actor


def step(case: DisputeCase, event: str, field: str = "form") -> str:
    try:
        return rules.next_status(case.status, event)
    except rules.DisputeRefused as exc:
        raise ValidationFailed({field: str(exc)}) from exc


def title(session: Session, contract: Contract) -> str:
    listing = session.get(Listing, contract.listing_id)
    return listing.title if listing else f"contract {contract.id}"


def other(contract: Contract, user_id: int) -> int:
    return contract.contractor_id if user_id == contract.client_id else contract.client_id


def tell(session: Session, contract: Contract, user_ids: list[int], *, title: str, body: str) -> None:
    for user_id in user_ids:
        notify(session, user_id=user_id, kind="dispute", title=title, body=body, link=f"/contracts/{contract.id}")


def tell_admins(session: Session, contract: Contract, *, title: str, body: str) -> None:
    admins = session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all()
    tell(session, contract, [a for a in admins if a is not None], title=title, body=body)


def when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC")


def touch(
    session: Session, contract: Contract, case: DisputeCase, *, kind: str, detail: str, actor: int | None
) -> None:
    case.updated_at = utcnow()
    session.add(case)
    lifecycle.record_event(session, contract, kind=kind, detail=detail, actor_id=actor)


def entry(
    session: Session, case: DisputeCase, *, author: int, kind: str, body: str, links: str, files: list[IncomingFile]
) -> DisputeEntry:
    assert case.id is not None
    entry = DisputeEntry(case_id=case.id, author_id=author, kind=kind, body=body, links=links)
    session.add(entry)
    session.flush()
    assert entry.id is not None
    for item in files:
        stored = delivery_files.store(item)
        session.add(
            DisputeFile(
                entry_id=entry.id,
                case_id=case.id,
                filename=stored.filename,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
            )
        )
    return entry


def close(
    session: Session,
    contract: Contract,
    case: DisputeCase,
    *,
    status: str,
    contractor_minor: int,
    by: int | None,
    reason: str,
    outcome: str = "",
    client_minor: int | None = None,
) -> None:
    assert contract.id is not None
    case.status = status
    case.contractor_minor = contractor_minor
    case.client_minor = case.amount_minor - contractor_minor if client_minor is None else client_minor
    case.outcome = outcome or rules.split_outcome(contractor_minor, contractor_minor + case.client_minor)
    case.decided_by, case.decision_reason, case.closed_at = by, reason, utcnow()
    case.offer_by = case.offer_contractor_minor = None
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=JOB_KINDS)
    kind = "dispute_settled" if status == rules.SETTLED else "dispute_resolved"
    touch(session, contract, case, kind=kind, detail=reason, actor=by)
