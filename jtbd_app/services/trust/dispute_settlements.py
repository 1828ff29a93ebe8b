"""Settling a dispute: a party offers a split, withdraws it, or accepts the other's, which closes the case and
moves the money once, through the same path as an administrator's decision (`resolution.carry_out`), with no
administrator."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain import disputes as rules
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    DisputeCase,
    FreezeDecision,
)
from jtbd_app.services.contracts import resolution
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.trust import dispute_steps as steps
from jtbd_app.services.viewer import Viewer

# --------------------------------------------------------------------------------------------------- settlement


def offer_settlement(
    session: Session, *, viewer: Viewer | None, contract_id: object, contractor_amount: object
) -> None:
    """A party offers a split: what the contractor gets of the amount in dispute (typed, or minor units); the rest
    goes back to the client. It replaces the party's earlier offer, or the other's waiting one."""
    contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
    steps.step(case, rules.OFFER)
    assert contract.id is not None
    if resolution.card_dispute_open(session, contract.id):
        raise ValidationFailed({"offer": CARD_DISPUTE_OPEN})
    amount = steps.minor(contractor_amount, case.currency, "offer")
    if amount > case.amount_minor:
        most = Money(case.amount_minor, case.currency).format()
        raise ValidationFailed({"offer": f"The contractor can get at most the {most} in dispute."})
    case.offer_by, case.offer_contractor_minor = actor.user_id, amount
    words = _split_words(amount, case)
    steps.touch(
        session,
        contract,
        case,
        kind="dispute_offer",
        detail=f"{actor.display_name} offers to settle: {words}.",
        actor=actor.user_id,
    )
    steps.tell(
        session,
        contract,
        [steps.other(contract, actor.user_id)],
        title="A settlement offer in the dispute",
        body=f"{actor.display_name} offers: {words}. Accepting it closes the dispute and moves the money.",
    )


def withdraw_settlement(session: Session, *, viewer: Viewer | None, contract_id: object) -> None:
    contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
    steps.step(case, rules.WITHDRAW)
    if case.offer_by != actor.user_id:
        raise ValidationFailed({"form": "You have no settlement offer to withdraw."})
    case.offer_by, case.offer_contractor_minor = None, None
    steps.touch(
        session,
        contract,
        case,
        kind="dispute_offer",
        detail=f"{actor.display_name} withdrew their offer.",
        actor=actor.user_id,
    )
    steps.tell(
        session, contract, [steps.other(contract, actor.user_id)], title="A settlement offer was withdrawn", body=""
    )


CARD_DISPUTED = (
    "The client's card payment is disputed at the card issuer, so nothing can be refunded now: only a release can "
    "be agreed, or an administrator decides."
)


CARD_DISPUTE_OPEN = (
    "The client's card payment is disputed at the card issuer, which has not decided yet: nothing can be settled "
    "until it does, and the contract stays on hold. You can still exchange messages and evidence here."
)


def _split_words(contractor_minor: int, case: DisputeCase) -> str:
    give = Money(contractor_minor, case.currency).format()
    back = Money(case.amount_minor - contractor_minor, case.currency).format()
    return f"{give} to the contractor, {back} back to the client"


def _settle(session: Session, *, viewer: Viewer | None, contract_id: object, offered: object) -> int:
    """The other party accepts the waiting offer (`offered`: the amount they saw, so a changed offer is not accepted
    unseen); the case is settled and the decision recorded in one unit of work. Returns the contract id. A case
    settled already, whose money did not move yet (the gateway failed), is returned to finish it."""
    contract, case, actor = steps.locked(session, viewer=viewer, contract_id=contract_id)
    assert contract.id is not None
    decision = session.get(FreezeDecision, contract.id)
    if case.status == rules.SETTLED and decision is not None and decision.status != "done":
        return contract.id
    steps.step(case, rules.ACCEPT)
    if case.offer_by is None or case.offer_contractor_minor is None:
        raise ValidationFailed({"form": "There is no settlement offer to accept."})
    if case.offer_by == actor.user_id:
        raise ValidationFailed({"form": "The other party accepts your offer; you cannot accept your own."})
    if offered is not None and offered != case.offer_contractor_minor:
        raise ValidationFailed({"form": "The offer changed since you read it; read it again."})
    amount = case.offer_contractor_minor
    if resolution.card_dispute_open(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTE_OPEN})
    if amount < case.amount_minor and resolution.card_disputed(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTED})
    words = _split_words(amount, case)
    try:
        decision = resolution.record_settlement(
            session, contract, contractor_minor=amount, note=f"Settled by the parties: {words}."
        )
    except ValidationFailed as exc:  # the escrow holds less than when the case opened (a refund at the gateway)
        raise ValidationFailed({"form": "The escrow changed since this offer was made; make a new offer."}) from exc
    steps.close(
        session,
        contract,
        case,
        status=rules.SETTLED,
        contractor_minor=decision.contractor_minor,
        client_minor=decision.client_minor,
        by=None,
        reason=f"Settled: {words}.",
    )
    steps.tell(
        session,
        contract,
        [steps.other(contract, actor.user_id)],
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
