"""A contract's dispute, the parties' side: open it, answer, add evidence, ask for review; its deadlines.

Opening a dispute moves the contract to "disputed" and freezes it (no auto-release, no payout) until the case ends:
settled by the parties (`dispute_settlements`: an accepted offer, carried out by `resolution.carry_out` exactly as an
administrator's decision is, with no administrator) or resolved by an administrator (`resolution.resolve_frozen`,
then `dispute_endings.close_by_decision`). The rules of which step may happen when are `domain/disputes`; what every
step shares is `dispute_steps`. Every step writes a contract timeline event (which touches the contract's live topic)
and tells the other party.

Each command locks the contract row first, so two steps on one case never interleave; the deadline jobs move a case
with a conditional UPDATE, so two workers racing do it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from jtbd_app.config import get_settings
from jtbd_app.domain import disputes as rules
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Contract,
    DisputeCase,
    utcnow,
)
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import delivery_files, lifecycle
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.ledger import escrow
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.trust import dispute_endings
from jtbd_app.services.trust import dispute_steps as steps
from jtbd_app.services.viewer import Viewer, require_active

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
    if steps.case_of(session, contract.id) is not None:
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
        statement = steps.statement(reason_text, "reason_text")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    refund = 0
    if outcome == "partial_refund":
        try:
            refund = rules.wanted_refund(outcome, steps.minor(refund_minor, contract.currency, "refund"), held)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        except ValueError as exc:
            errors["refund"] = f"{exc} (at most {Money(held, contract.currency).format()})"
    elif outcome:
        refund = rules.wanted_refund(outcome, None, held)
    if errors:
        raise ValidationFailed(errors)
    settings, now = get_settings(), utcnow()
    respondent = steps.other(contract, actor.user_id)
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
    steps.entry(session, case, author=actor.user_id, kind="statement", body=statement, links="", files=[])
    lifecycle.move(session, contract, "disputed")
    lifecycle.freeze(
        session, contract, reason=f"{actor.display_name} opened a dispute: {rules.REASONS[str(reason_code)]}."
    )
    wanted = rules.OUTCOMES[outcome]
    if outcome == "partial_refund":
        wanted = f"A partial refund: {Money(refund, contract.currency).format()} back to the client"
    steps.touch(
        session,
        contract,
        case,
        kind="dispute_opened",
        detail=f"{actor.display_name} opened a dispute ({rules.REASONS[str(reason_code)]}); wants: {wanted}.",
        actor=actor.user_id,
    )
    steps.tell(
        session,
        contract,
        [respondent],
        title=f"A dispute was opened on “{steps.title(session, contract)}”",
        body=f"{actor.display_name} wants: {wanted}. Answer with your statement and evidence by "
        f"{steps.when(case.respond_by)}; without an answer the case goes to an administrator.",
    )
    scheduler.schedule(
        session,
        key=f"{steps.RESPONSE_JOB}:case:{case.id}",
        kind=steps.RESPONSE_JOB,
        run_at=case.respond_by,
        contract_id=contract.id,
    )
    return case.id


# ---------------------------------------------------------------------------------------- answer and evidence


def may_add(session: Session, *, viewer: Viewer | None, contract_id: object, kind: str) -> None:
    """Refuses before any upload is read: a stranger, a case in the wrong status, the opener answering."""
    _contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
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
        steps.step(case, rules.RESPOND)
    else:
        steps.step(case, rules.EVIDENCE)


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
    contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
    kind = _kind(case, actor, kind)
    _check_add(case, actor, kind)
    errors: dict[str, str] = {}
    clean_body, clean_links = "", ""
    try:
        clean_body = steps.statement(body, "body", required=kind == "response")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        clean_links = steps.links(links)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        steps.files(files)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not errors and kind == "evidence" and not (clean_body or clean_links or files):
        errors["body"] = "Add a statement, a link or a file."
    if errors:
        raise ValidationFailed(errors)
    entry = steps.entry(session, case, author=actor.user_id, kind=kind, body=clean_body, links=clean_links, files=files)
    assert entry.id is not None and case.id is not None
    if kind == "response":
        now = utcnow()
        case.status = steps.step(case, rules.RESPOND)
        case.responded_at = now
        case.evidence_until = rules.evidence_until(now, get_settings().dispute_evidence_days)
        scheduler.schedule(
            session,
            key=f"{steps.EVIDENCE_JOB}:case:{case.id}",
            kind=steps.EVIDENCE_JOB,
            run_at=case.evidence_until,
            contract_id=contract.id,
        )
        detail = (
            f"{actor.display_name} answered the dispute. Both may add evidence until {steps.when(case.evidence_until)}."
        )
        title = "The dispute was answered"
    else:
        detail = f"{actor.display_name} added evidence to the dispute."
        title = "New evidence in the dispute"
    count = len(files)
    if count:
        detail += f" ({count} file{'s' if count != 1 else ''})"
    steps.touch(session, contract, case, kind=f"dispute_{kind}", detail=detail, actor=actor.user_id)
    steps.tell(session, contract, [steps.other(contract, actor.user_id)], title=title, body=detail)
    return entry.id


async def add_entry(
    *,
    session_factory: SessionFactory,
    viewer: Viewer | None,
    contract_id: object,
    kind: str,
    body: object,
    links: object,
    read_files: steps.ReadFiles,
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
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=steps.JOB_KINDS)
    steps.touch(session, contract, case, kind="dispute_review", detail=why, actor=actor)
    steps.tell(
        session,
        contract,
        [contract.client_id, contract.contractor_id],
        title="The dispute is with an administrator",
        body=why,
    )
    steps.tell_admins(
        session,
        contract,
        title=f"A dispute waits for a decision: “{steps.title(session, contract)}”",
        body=f"{why} {Money(case.amount_minor, case.currency).format()} is held.",
    )


def ask_review(session: Session, *, viewer: Viewer | None, contract_id: object) -> None:
    """Either party ends the evidence stage early: the case goes to an administrator."""
    contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
    steps.step(case, rules.ASK_REVIEW)
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
    if dispute_endings.reconcile(session, case):
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
