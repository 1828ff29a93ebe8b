"""An administrator decides a dispute: release, refund or split by amount, with a reason both parties read.

The money moves through `contracts/resolution.resolve_frozen`, which makes the decision once (a `FreezeDecision`
keyed by the contract) and, when the gateway's refund fails, keeps it to be finished by a retry with the same
amounts. Once the money is done, `_finish` closes the dispute case, writes the audit entry (`dispute.decide`) and
tells both parties, in one unit of work; it finds its own audit entry on a second run and does nothing, so a retry
or a crash between the two steps never tells anyone twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money, parse_amount
from jtbd_app.models import AuditEntry, Contract, FreezeDecision, Listing
from jtbd_app.services import audit
from jtbd_app.services.contracts import disputes, resolution
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.trust import dispute_endings
from jtbd_app.services.viewer import Viewer, require_admin

Outcome = Literal["release", "refund", "split"]
OUTCOMES: dict[str, str] = {
    "release": "Release everything to the contractor",
    "refund": "Refund everything to the client",
    "split": "Split by amount",
}
ACTION = "dispute.decide"
NOT_FOUND = "That contract does not exist."
REASON_MAX = resolution.MAX_NOTE


@dataclass(frozen=True)
class _Plan:
    contract_id: int
    contractor_minor: int
    reason: str


def clean_reason(value: object) -> str:
    """The written reason: required plain text both parties read."""
    try:
        reason = text.clean_paragraphs(value, label="Reason", max_len=REASON_MAX)
        if not reason:
            raise ValueError("Write the reason for the decision: both parties read it.")
        if text.has_html(reason):
            raise ValueError("Reason cannot contain HTML.")
    except ValueError as exc:
        raise ValidationFailed({"reason": str(exc)}) from exc
    return reason


def contractor_share(outcome: object, amount: object, *, held_minor: int, currency: str) -> int:
    """What the contractor gets of `held_minor`: all of it (release), none (refund), or the amount typed for a split,
    which must leave each party something."""
    if outcome == "release":
        return held_minor
    if outcome == "refund":
        return 0
    if outcome != "split":
        raise ValidationFailed({"outcome": "Choose release, refund or split."})
    most = Money(held_minor, currency).format()
    try:
        minor = parse_amount(amount if isinstance(amount, str) else "", currency)
    except ValueError as exc:
        raise ValidationFailed({"contractor_amount": str(exc)}) from exc
    if not 0 < minor < held_minor:
        raise ValidationFailed(
            {"contractor_amount": f"For a split, give the contractor more than nothing and less than {most}."}
        )
    return minor


def _plan(
    session: Session, *, viewer: Viewer | None, contract_id: object, outcome: object, amount: object, reason: object
) -> _Plan:
    require_admin(viewer)
    cid = parse_id(contract_id, not_found=NOT_FOUND)
    contract = session.get(Contract, cid)
    if contract is None or contract.id is None:
        raise NotFound(NOT_FOUND)
    decision = session.get(FreezeDecision, cid)
    if decision is not None:
        if decision.status == "deciding":
            raise ValidationFailed(
                {"form": "This dispute was decided already and its refund is waiting: retry the refund instead."}
            )
        if decision.status == "overtaken":
            raise ValidationFailed({"form": disputes.OVERTAKEN})
        raise ValidationFailed({"form": "This dispute was decided already; a decision is made only once."})
    if not contract.release_frozen:
        raise ValidationFailed({"form": "This contract is not waiting for an administrator's decision."})
    if resolution.card_dispute_open(session, cid):  # told at the review step, not after confirming
        raise ValidationFailed({"form": resolution.CARD_DISPUTE_OPEN})
    held = resolution.describe(session, contract).decides_over
    errors: dict[str, str] = {}
    share = 0
    try:
        share = contractor_share(outcome, amount, held_minor=held, currency=contract.currency)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        clean = clean_reason(reason)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    return _Plan(cid, share, clean)


@dataclass(frozen=True)
class DecisionPreview:
    """What a decision would do, for the confirm step: nothing is stored."""

    contract_id: int = 0
    outcome: str = ""
    outcome_label: str = ""
    contractor: str = ""  # formatted
    client: str = ""
    reason: str = ""


def preview_decision(
    session: Session,
    *,
    viewer: Viewer | None,
    contract_id: object,
    outcome: object,
    contractor_amount: object = "",
    reason: object,
) -> DecisionPreview:
    """Checks a decision as `decide_dispute` would and says what each party would get; changes nothing."""
    plan = _plan(
        session, viewer=viewer, contract_id=contract_id, outcome=outcome, amount=contractor_amount, reason=reason
    )
    contract = session.get(Contract, plan.contract_id)
    assert contract is not None
    held = resolution.describe(session, contract).decides_over
    kind = outcome_of(plan.contractor_minor, held - plan.contractor_minor) if held else str(outcome)
    return DecisionPreview(
        contract_id=plan.contract_id,
        outcome=kind,
        outcome_label=OUTCOMES.get(kind, kind),
        contractor=Money(plan.contractor_minor, contract.currency).format(),
        client=Money(held - plan.contractor_minor, contract.currency).format(),
        reason=plan.reason,
    )


async def decide_dispute(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    contract_id: object,
    outcome: object,
    contractor_amount: object = "",
    reason: object,
) -> str:
    """An administrator's decision, executed on the ledger (and by the gateway's refund) exactly once; returns what
    was done in words. A failed refund raises with the message; the decision is kept for `retry_decision`."""
    with session_factory() as session:
        plan = _plan(
            session,
            viewer=viewer,
            contract_id=contract_id,
            outcome=outcome,
            amount=contractor_amount,
            reason=reason,
        )
    await resolution.resolve_frozen(
        session_factory=session_factory,
        gateway=gateway,
        viewer=viewer,
        contract_id=plan.contract_id,
        contractor_minor=plan.contractor_minor,
        note=plan.reason,
    )
    with session_factory() as session:
        return _finish(session, contract_id=plan.contract_id)


async def retry_decision(
    *, session_factory: SessionFactory, gateway: PaymentGateway, viewer: Viewer | None, contract_id: object
) -> str:
    """Finishes a decision whose refund failed, with the amounts it was made with (or, once the money is done,
    closes the case and tells the parties if that step was interrupted)."""
    with session_factory() as session:
        require_admin(viewer)
        cid = parse_id(contract_id, not_found=NOT_FOUND)
        decision = session.get(FreezeDecision, cid)
        if decision is None:
            raise ValidationFailed({"form": "There is no decision on this contract to finish."})
        status, given, note = decision.status, decision.contractor_minor, decision.note
    if status != "done":
        await resolution.resolve_frozen(
            session_factory=session_factory,
            gateway=gateway,
            viewer=viewer,
            contract_id=cid,
            contractor_minor=given,
            note=note,
        )
    with session_factory() as session:
        return _finish(session, contract_id=cid)


def outcome_of(contractor_minor: int, client_minor: int) -> Outcome:
    if client_minor == 0:
        return "release"
    if contractor_minor == 0:
        return "refund"
    return "split"


def _decided_already(session: Session, contract_id: int) -> bool:
    found = session.exec(
        select(AuditEntry.id).where(AuditEntry.action == ACTION, AuditEntry.subject == f"contract:{contract_id}")
    ).first()
    return found is not None


def _finish(session: Session, *, contract_id: int) -> str:
    """After the money: the case closed, the audit entry, both parties told; once."""
    contract = session.exec(
        select(Contract).where(Contract.id == contract_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    decision = session.get(FreezeDecision, contract_id)
    assert decision is not None and decision.status == "done"
    money = lambda minor: Money(minor, contract.currency).format()  # noqa: E731
    said = f"{money(decision.contractor_minor)} to the contractor, {money(decision.client_minor)} to the client"
    if _decided_already(session, contract_id):
        return f"Decided: {said}."
    outcome = outcome_of(decision.contractor_minor, decision.client_minor)
    dispute_endings.close_by_decision(
        session,
        contract_id=contract_id,
        admin_id=decision.admin_id,
        outcome=outcome,
        contractor_minor=decision.contractor_minor,
        client_minor=decision.client_minor,
        reason=decision.note,
    )
    audit.record(
        session,
        actor_id=decision.admin_id,
        action=ACTION,
        subject=f"contract:{contract_id}",
        reason=decision.note,
        detail={
            "outcome": outcome,
            "contractor_minor": decision.contractor_minor,
            "client_minor": decision.client_minor,
            "currency": contract.currency,
        },
    )
    listing = session.get(Listing, contract.listing_id)
    title = listing.title if listing else f"contract {contract_id}"
    for user_id in (contract.client_id, contract.contractor_id):
        notify(
            session,
            user_id=user_id,
            kind="dispute_decided",
            title=f"The dispute on “{title}” was decided",
            body=f"An administrator decided: {said}. Reason: {decision.note}",
            link=f"/contracts/{contract_id}",
        )
    return f"Decided: {said}."
