"""A contract's dispute, the parties' side: open it, answer, add evidence, ask for review, settle; its deadlines.

Opening a dispute moves the contract to "disputed" and freezes it (no auto-release, no payout) until the case ends:
settled by the parties (an accepted offer, carried out by `resolution.carry_out` exactly as an administrator's
decision is, with no administrator) or resolved by an administrator (`resolution.resolve_frozen`, then
`close_by_decision` here). The rules of which step may happen when are `domain/disputes`. Every step writes a
contract timeline event (which touches the contract's live topic) and tells the other party.

Each command locks the contract row first, so two steps on one case never interleave; the deadline jobs move a case
with a conditional UPDATE, so two workers racing do it once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain import disputes as rules
from jtbd_app.domain import text
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money, parse_amount
from jtbd_app.models import (
    Contract,
    DisputeCase,
    DisputeEntry,
    DisputeFile,
    FreezeDecision,
    Listing,
    User,
    utcnow,
)
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import delivery_files, lifecycle, resolution
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.ledger import escrow
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer, require_active

MAX_STATEMENT = 5000
MAX_LINKS = 10
NO_CASE = "There is no open dispute on this contract."
FILE_NOT_FOUND = "That file does not exist."
RESPONSE_JOB, EVIDENCE_JOB = "dispute_response_due", "dispute_evidence_due"
JOB_KINDS = (RESPONSE_JOB, EVIDENCE_JOB)
ReadFiles = Callable[[int, int], Awaitable[list[IncomingFile]]]  # at most `count` uploads, each cut at `size` bytes


# ---------------------------------------------------------------------------------------------------------- input


def _statement(value: object, field: str, *, required: bool = True) -> str:
    try:
        clean = text.clean_paragraphs(value, label="Statement", max_len=MAX_STATEMENT)
        if required and not clean:
            raise ValueError("Say what happened, in your own words.")
        if text.has_html(clean):
            raise ValueError("Plain text only: no HTML.")
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from exc
    return clean


def _links(value: object) -> str:
    raw = value.splitlines() if isinstance(value, str) else []
    try:
        links = [text.clean_url(item) for item in raw if item.strip()]
        if len(links) > MAX_LINKS:
            raise ValueError(f"Add at most {MAX_LINKS} links.")
    except ValueError as exc:
        raise ValidationFailed({"links": str(exc)}) from exc
    return "\n".join(dict.fromkeys(links))


def _minor(value: object, currency: str, field: str) -> int:
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


def _files(files: list[IncomingFile]) -> None:
    try:
        delivery_files.check_files(files)
    except ValueError as exc:
        raise ValidationFailed({"files": str(exc)}) from exc


# -------------------------------------------------------------------------------------------------------- helpers


def case_of(session: Session, contract_id: int) -> DisputeCase | None:
    return session.exec(select(DisputeCase).where(DisputeCase.contract_id == contract_id)).first()


def _locked(session: Session, *, viewer: Viewer | None, contract_id: object) -> tuple[Contract, DisputeCase, Viewer]:
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


def _step(case: DisputeCase, event: str, field: str = "form") -> str:
    try:
        return rules.next_status(case.status, event)
    except rules.DisputeRefused as exc:
        raise ValidationFailed({field: str(exc)}) from exc


def _title(session: Session, contract: Contract) -> str:
    listing = session.get(Listing, contract.listing_id)
    return listing.title if listing else f"contract {contract.id}"


def _other(contract: Contract, user_id: int) -> int:
    return contract.contractor_id if user_id == contract.client_id else contract.client_id


def _tell(session: Session, contract: Contract, user_ids: list[int], *, title: str, body: str) -> None:
    for user_id in user_ids:
        notify(session, user_id=user_id, kind="dispute", title=title, body=body, link=f"/contracts/{contract.id}")


def _tell_admins(session: Session, contract: Contract, *, title: str, body: str) -> None:
    admins = session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all()
    _tell(session, contract, [a for a in admins if a is not None], title=title, body=body)


def _when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC")


def _touch(
    session: Session, contract: Contract, case: DisputeCase, *, kind: str, detail: str, actor: int | None
) -> None:
    case.updated_at = utcnow()
    session.add(case)
    lifecycle.record_event(session, contract, kind=kind, detail=detail, actor_id=actor)


def _entry(
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


# ----------------------------------------------------------------------------------------------------------- open


def open_dispute(
    session: Session,
    *,
    viewer: Viewer | None,
    contract_id: object,
    reason_code: object,
    reason_text: object,
    outcome_wanted: object,
    refund_minor: object = 0,
) -> int:
    """A party of a funded, delivered or revision-requested contract opens a dispute; returns the case id.

    `refund_minor` is read for a partial refund only: the amount back to the client, typed ("45.50") or in minor
    units. The contract is frozen (auto-release and payouts stop) and the other party has the response window."""
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    assert contract.id is not None
    if case_of(session, contract.id) is not None:
        raise ValidationFailed({"form": "This contract has a dispute already."})
    if contract.release_frozen:
        raise ValidationFailed({"form": "An administrator is already looking at this contract."})
    if contract.status not in rules.OPENABLE:
        raise ValidationFailed({"form": "A dispute can be opened once the contract is funded, until it is completed."})
    held = escrow.held(session, contract)
    if held <= 0:
        raise ValidationFailed({"form": "Nothing is held in escrow on this contract."})
    errors: dict[str, str] = {}
    if not isinstance(reason_code, str) or reason_code not in rules.REASONS:
        errors["reason_code"] = "Choose a reason from the list."
    outcome = outcome_wanted if isinstance(outcome_wanted, str) and outcome_wanted in rules.OUTCOMES else ""
    if not outcome:
        errors["outcome_wanted"] = "Choose the outcome you want."
    statement = ""
    try:
        statement = _statement(reason_text, "reason_text")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    refund = 0
    if outcome == "partial_refund":
        try:
            refund = rules.wanted_refund(outcome, _minor(refund_minor, contract.currency, "refund"), held)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        except ValueError as exc:
            errors["refund"] = f"{exc} (at most {Money(held, contract.currency).format()})"
    elif outcome:
        refund = rules.wanted_refund(outcome, None, held)
    if errors:
        raise ValidationFailed(errors)
    settings, now = get_settings(), utcnow()
    respondent = _other(contract, actor.user_id)
    case = DisputeCase(
        contract_id=contract.id,
        opened_by=actor.user_id,
        respondent_id=respondent,
        reason_code=str(reason_code),
        reason_text=statement,
        outcome_wanted=outcome,
        wanted_refund_minor=refund,
        amount_minor=held,
        currency=contract.currency,
        status=rules.AWAITING,
        respond_by=rules.respond_by(now, settings.dispute_response_days),
        opened_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    _entry(session, case, author=actor.user_id, kind="statement", body=statement, links="", files=[])
    lifecycle.move(session, contract, "disputed")
    lifecycle.freeze(
        session, contract, reason=f"{actor.display_name} opened a dispute: {rules.REASONS[str(reason_code)]}."
    )
    wanted = rules.OUTCOMES[outcome]
    if outcome == "partial_refund":
        wanted = f"A partial refund: {Money(refund, contract.currency).format()} back to the client"
    _touch(
        session,
        contract,
        case,
        kind="dispute_opened",
        detail=f"{actor.display_name} opened a dispute ({rules.REASONS[str(reason_code)]}); wants: {wanted}.",
        actor=actor.user_id,
    )
    _tell(
        session,
        contract,
        [respondent],
        title=f"A dispute was opened on “{_title(session, contract)}”",
        body=f"{actor.display_name} wants: {wanted}. Answer with your statement and evidence by "
        f"{_when(case.respond_by)}; without an answer the case goes to an administrator.",
    )
    scheduler.schedule(
        session,
        key=f"{RESPONSE_JOB}:case:{case.id}",
        kind=RESPONSE_JOB,
        run_at=case.respond_by,
        contract_id=contract.id,
    )
    return case.id


# ---------------------------------------------------------------------------------------- answer and evidence


def may_add(session: Session, *, viewer: Viewer | None, contract_id: object, kind: str) -> None:
    """Refuses before any upload is read: a stranger, a case in the wrong status, the opener answering."""
    _contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    _check_add(case, actor, kind)


def _kind(case: DisputeCase, actor: Viewer, kind: str) -> str:
    """ "auto" (the page's one form): the respondent's answer while one is awaited, evidence otherwise."""
    if kind == "auto":
        return "response" if case.status == rules.AWAITING and actor.user_id == case.respondent_id else "evidence"
    if kind not in ("response", "evidence"):
        raise ValidationFailed({"form": "Unknown kind of entry."})
    return kind


def _check_add(case: DisputeCase, actor: Viewer, kind: str) -> None:
    kind = _kind(case, actor, kind)
    if kind == "response":
        if actor.user_id != case.respondent_id:
            raise PermissionDenied("Only the other party answers a dispute; add evidence instead.")
        _step(case, rules.RESPOND)
    else:
        _step(case, rules.EVIDENCE)


def submit_entry(
    session: Session,
    *,
    viewer: Viewer | None,
    contract_id: object,
    kind: str,
    body: object,
    links: object,
    files: list[IncomingFile],
) -> int:
    """The respondent's answer (once; the case opens for evidence) or either party's evidence (`kind` "response",
    "evidence" or "auto"); returns the entry id. Evidence needs a statement, a link or a file; an answer needs a
    statement."""
    contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    kind = _kind(case, actor, kind)
    _check_add(case, actor, kind)
    errors: dict[str, str] = {}
    clean_body, clean_links = "", ""
    try:
        clean_body = _statement(body, "body", required=kind == "response")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        clean_links = _links(links)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        _files(files)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not errors and kind == "evidence" and not (clean_body or clean_links or files):
        errors["body"] = "Add a statement, a link or a file."
    if errors:
        raise ValidationFailed(errors)
    entry = _entry(session, case, author=actor.user_id, kind=kind, body=clean_body, links=clean_links, files=files)
    assert entry.id is not None and case.id is not None
    if kind == "response":
        now = utcnow()
        case.status = _step(case, rules.RESPOND)
        case.responded_at = now
        case.evidence_until = rules.evidence_until(now, get_settings().dispute_evidence_days)
        scheduler.schedule(
            session,
            key=f"{EVIDENCE_JOB}:case:{case.id}",
            kind=EVIDENCE_JOB,
            run_at=case.evidence_until,
            contract_id=contract.id,
        )
        detail = f"{actor.display_name} answered the dispute. Both may add evidence until {_when(case.evidence_until)}."
        title = "The dispute was answered"
    else:
        detail = f"{actor.display_name} added evidence to the dispute."
        title = "New evidence in the dispute"
    count = len(files)
    if count:
        detail += f" ({count} file{'s' if count != 1 else ''})"
    _touch(session, contract, case, kind=f"dispute_{kind}", detail=detail, actor=actor.user_id)
    _tell(session, contract, [_other(contract, actor.user_id)], title=title, body=detail)
    return entry.id


async def add_entry(
    *,
    session_factory: SessionFactory,
    viewer: Viewer | None,
    contract_id: object,
    kind: str,
    body: object,
    links: object,
    read_files: ReadFiles,
) -> int:
    """`submit_entry` with uploaded files: who may add is checked before any upload is read into memory; one file
    and one byte more than allowed are enough to refuse."""
    with session_factory() as session:
        may_add(session, viewer=viewer, contract_id=contract_id, kind=kind)
    limit = get_settings().delivery_max_file_mb * 1024 * 1024
    files = await read_files(delivery_files.MAX_FILES + 1, limit + 1)
    with session_factory() as session:
        return submit_entry(
            session, viewer=viewer, contract_id=contract_id, kind=kind, body=body, links=links, files=files
        )


# ------------------------------------------------------------------------------------------------------- review


def _to_review(session: Session, contract: Contract, case: DisputeCase, *, why: str, actor: int | None) -> None:
    case.status, case.review_since = rules.REVIEW, utcnow()
    assert contract.id is not None
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=JOB_KINDS)
    _touch(session, contract, case, kind="dispute_review", detail=why, actor=actor)
    _tell(
        session,
        contract,
        [contract.client_id, contract.contractor_id],
        title="The dispute is with an administrator",
        body=why,
    )
    _tell_admins(
        session,
        contract,
        title=f"A dispute waits for a decision: “{_title(session, contract)}”",
        body=f"{why} {Money(case.amount_minor, case.currency).format()} is held.",
    )


def ask_review(session: Session, *, viewer: Viewer | None, contract_id: object) -> None:
    """Either party ends the evidence stage early: the case goes to an administrator."""
    contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    _step(case, rules.ASK_REVIEW)
    _to_review(
        session, contract, case, why=f"{actor.display_name} asked an administrator to decide.", actor=actor.user_id
    )


def deadline_passed(session: Session, *, case_id: int, now: datetime) -> str:
    """The scheduler's job at a case's deadline: an unanswered or open case past its deadline goes to review.

    The move is a conditional UPDATE (status and deadline as read), so two workers racing move it once; a case
    that moved on meanwhile, or whose decision was carried out elsewhere, is left (or closed) as it is."""
    case = session.get(DisputeCase, case_id)
    if case is None:
        return "no such case"
    if reconcile(session, case):
        return "ended already"
    if not rules.deadline_due(case.status, rules.Deadlines(case.respond_by, case.evidence_until), now):
        return f"not due ({case.status})"
    was = case.status
    moved = session.execute(
        update(DisputeCase)
        .where(col(DisputeCase.id) == case_id, col(DisputeCase.status) == was)
        .values(status=rules.REVIEW, review_since=now, updated_at=now)
    )
    if getattr(moved, "rowcount", 0) != 1:
        return "moved already"
    session.refresh(case)
    contract = session.get(Contract, case.contract_id)
    assert contract is not None
    why = (
        "The response window ended without an answer; an administrator will decide."
        if was == rules.AWAITING
        else "The evidence window ended; an administrator will decide."
    )
    _to_review(session, contract, case, why=why, actor=None)
    return "to review"


# --------------------------------------------------------------------------------------------------- settlement


def offer_settlement(
    session: Session, *, viewer: Viewer | None, contract_id: object, contractor_amount: object
) -> None:
    """A party offers a split: what the contractor gets of the amount in dispute (typed, or minor units); the rest
    goes back to the client. It replaces the party's earlier offer, or the other's waiting one."""
    contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    _step(case, rules.OFFER)
    amount = _minor(contractor_amount, case.currency, "offer")
    if amount > case.amount_minor:
        most = Money(case.amount_minor, case.currency).format()
        raise ValidationFailed({"offer": f"The contractor can get at most the {most} in dispute."})
    case.offer_by, case.offer_contractor_minor = actor.user_id, amount
    words = _split_words(amount, case)
    _touch(
        session,
        contract,
        case,
        kind="dispute_offer",
        detail=f"{actor.display_name} offers to settle: {words}.",
        actor=actor.user_id,
    )
    _tell(
        session,
        contract,
        [_other(contract, actor.user_id)],
        title="A settlement offer in the dispute",
        body=f"{actor.display_name} offers: {words}. Accepting it closes the dispute and moves the money.",
    )


def withdraw_settlement(session: Session, *, viewer: Viewer | None, contract_id: object) -> None:
    contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    _step(case, rules.WITHDRAW)
    if case.offer_by != actor.user_id:
        raise ValidationFailed({"form": "You have no settlement offer to withdraw."})
    case.offer_by, case.offer_contractor_minor = None, None
    _touch(
        session,
        contract,
        case,
        kind="dispute_offer",
        detail=f"{actor.display_name} withdrew their offer.",
        actor=actor.user_id,
    )
    _tell(session, contract, [_other(contract, actor.user_id)], title="A settlement offer was withdrawn", body="")


CARD_DISPUTED = (
    "The client's card payment is disputed at the card issuer, so nothing can be refunded now: only a release can "
    "be agreed, or an administrator decides."
)


def _split_words(contractor_minor: int, case: DisputeCase) -> str:
    give = Money(contractor_minor, case.currency).format()
    back = Money(case.amount_minor - contractor_minor, case.currency).format()
    return f"{give} to the contractor, {back} back to the client"


def _settle(session: Session, *, viewer: Viewer | None, contract_id: object, offered: object) -> int:
    """The other party accepts the waiting offer (`offered`: the amount they saw, so a changed offer is not accepted
    unseen); the case is settled and the decision recorded in one unit of work. Returns the contract id. A case
    settled already, whose money did not move yet (the gateway failed), is returned to finish it."""
    contract, case, actor = _locked(session, viewer=viewer, contract_id=contract_id)
    assert contract.id is not None
    decision = session.get(FreezeDecision, contract.id)
    if case.status == rules.SETTLED and decision is not None and decision.status != "done":
        return contract.id
    _step(case, rules.ACCEPT)
    if case.offer_by is None or case.offer_contractor_minor is None:
        raise ValidationFailed({"form": "There is no settlement offer to accept."})
    if case.offer_by == actor.user_id:
        raise ValidationFailed({"form": "The other party accepts your offer; you cannot accept your own."})
    if offered is not None and offered != case.offer_contractor_minor:
        raise ValidationFailed({"form": "The offer changed since you read it; read it again."})
    amount = case.offer_contractor_minor
    if amount < case.amount_minor and resolution.card_disputed(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTED})
    words = _split_words(amount, case)
    try:
        decision = resolution.record_settlement(
            session, contract, contractor_minor=amount, note=f"Settled by the parties: {words}."
        )
    except ValidationFailed as exc:  # the escrow holds less than when the case opened (a refund at the gateway)
        raise ValidationFailed({"form": "The escrow changed since this offer was made; make a new offer."}) from exc
    _close(
        session,
        contract,
        case,
        status=rules.SETTLED,
        contractor_minor=decision.contractor_minor,
        client_minor=decision.client_minor,
        by=None,
        reason=f"Settled: {words}.",
    )
    _tell(
        session,
        contract,
        [_other(contract, actor.user_id)],
        title="Your settlement offer was accepted",
        body=f"{actor.display_name} accepted: {words}. The dispute is closed.",
    )
    return contract.id


async def accept_settlement(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    contract_id: object,
    offered: object = None,
) -> str:
    """Accept the other party's offer: the dispute is settled and the split carried out exactly once, through the
    same path as an administrator's decision (the client's part refunded at the gateway, then the ledger)."""
    with session_factory() as session:
        cid = _settle(session, viewer=viewer, contract_id=contract_id, offered=offered)
    return await resolution.carry_out(session_factory=session_factory, gateway=gateway, contract_id=cid)


# ------------------------------------------------------------------------------------------------------- ending


def _close(
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
    _touch(session, contract, case, kind=kind, detail=reason, actor=by)


def close_by_decision(
    session: Session,
    *,
    contract_id: int,
    admin_id: int | None,
    outcome: str,
    contractor_minor: int,
    client_minor: int,
    reason: str,
) -> bool:
    """After an administrator's decision was carried out (resolution.resolve_frozen): the contract's dispute, if it
    has an active one, is resolved with the decision and its reason. Idempotent: False
    when there is no case or it has ended already (a second call changes nothing)."""
    lifecycle.locked_contract(session, contract_id)
    case = session.exec(
        select(DisputeCase)
        .where(DisputeCase.contract_id == contract_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    contract = session.get(Contract, contract_id)
    if case is None or contract is None or case.status in rules.ENDED:
        return False
    _step(case, rules.DECIDE)
    _close(
        session,
        contract,
        case,
        status=rules.RESOLVED,
        contractor_minor=contractor_minor,
        client_minor=client_minor,
        by=admin_id,
        reason=reason,
        outcome=outcome,
    )
    return True  # the parties are told by the decision (trust.decisions), case or not


GONE_BACK = "The payment went back to the client at the payment service; nothing is left in dispute."


def reconcile(session: Session, case: DisputeCase) -> bool:
    """Catch a case up with its contract; True when the case has ended. A decision carried out without closing the
    case (the operator command, or a step that did not finish) closes it with that decision; a contract the payment
    gateway ended (a full refund or a lost card dispute took the whole escrow back to the client) closes it as
    resolved with everything back to the client and no administrator."""
    if case.status in rules.ENDED:
        return True
    decision = session.get(FreezeDecision, case.contract_id)
    if decision is None:
        contract = lifecycle.locked_contract(session, case.contract_id)
        if contract is None or contract.release_frozen or contract.status not in ("cancelled", "expired"):
            return False
        _step(case, rules.DECIDE)
        _close(
            session,
            contract,
            case,
            status=rules.RESOLVED,
            contractor_minor=0,
            client_minor=case.amount_minor,
            by=None,
            reason=GONE_BACK,
            outcome="refund",
        )
        _tell(
            session, contract, [contract.client_id, contract.contractor_id], title="The dispute ended", body=GONE_BACK
        )
        return True
    if decision.status != "done":
        return False
    if decision.admin_id is None:
        return False  # a settlement always closes its case in the same unit of work
    return close_by_decision(
        session,
        contract_id=case.contract_id,
        admin_id=decision.admin_id,
        outcome=rules.split_outcome(decision.contractor_minor, decision.contractor_minor + decision.client_minor),
        contractor_minor=decision.contractor_minor,
        client_minor=decision.client_minor,
        reason=decision.note or "An administrator decided.",
    )


# -------------------------------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class OpenedFile:
    filename: str
    content_type: str
    path: Path


def open_for_viewer(session: Session, *, viewer: Viewer | None, file_id: object) -> OpenedFile:
    """An evidence file and where it lies, for the contract's two parties and admins; anyone else is told it does
    not exist."""
    row = session.get(DisputeFile, parse_id(file_id, not_found=FILE_NOT_FOUND))
    case = session.get(DisputeCase, row.case_id) if row is not None else None
    if row is None or case is None:
        raise NotFound(FILE_NOT_FOUND)
    try:
        lifecycle.visible_contract(session, viewer=viewer, contract_id=case.contract_id)
    except NotFound as exc:
        raise NotFound(FILE_NOT_FOUND) from exc
    path = delivery_files.stored_path(row.storage_key)
    if not path.is_file():
        raise NotFound(FILE_NOT_FOUND)
    return OpenedFile(row.filename, row.content_type, path)
