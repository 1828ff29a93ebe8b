"""How a dispute ends outside the parties' hands: an administrator's decision closes it, and `reconcile` catches a case
up with a contract that ended elsewhere (the operator command, or the payment service taking everything back)."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.domain import disputes as rules
from jtbd_app.models import (
    Contract,
    DisputeCase,
    FreezeDecision,
)
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.trust import dispute_steps as steps

# ------------------------------------------------------------------------------------------------------- ending


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
    steps.step(case, rules.DECIDE)
    steps.close(
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
    resolved with everything back to the client and no administrator, as does a decision that a lost card dispute
    overtook (contracts.disputes) before the gateway would carry it out."""
    if case.status in rules.ENDED:
        return True
    decision = session.get(FreezeDecision, case.contract_id)
    if decision is None or decision.status == "overtaken":  # a lost card dispute overtook a kept decision
        contract = lifecycle.locked_contract(session, case.contract_id)
        if contract is None or contract.release_frozen or contract.status not in ("cancelled", "expired"):
            return False
        steps.step(case, rules.DECIDE)
        steps.close(
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
        steps.tell(
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
