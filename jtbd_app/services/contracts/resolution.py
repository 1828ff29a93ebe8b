"""A decision on a frozen contract: the way out of a freeze, taken once and recorded.

A contract is frozen by a chargeback, a refund the gateway made on its own, or a party opening a dispute
(services/trust/disputes). An administrator decides (`resolve_frozen`), or the parties of a dispute settle on a split
(`record_settlement` then `carry_out`: the same path, with no administrator). The decision says what the contractor
gets:
- while the escrow holds money: `contractor_minor` of it is released (less the contract's fee) and the rest is
  refunded to the client through the gateway (gateway first, then the ledger, as everywhere);
- once the escrow is empty but a payout is held: `contractor_minor` of the held payout is sent and the rest is kept
  back to cover the platform's loss.
The decision is a `FreezeDecision` row keyed by the contract, so it is made once; a gateway failure leaves it
`deciding`, and running the same decision again finishes it with the same amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Dispute, FreezeDecision, Listing, Payment, Payout, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import disputes, funding, lifecycle, payouts
from jtbd_app.services.ledger import escrow
from jtbd_app.services.ports import PaymentFailed, PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer, require_active

MAX_NOTE = 2000


@dataclass(frozen=True)
class FrozenContract:
    contract_id: int
    title: str
    status: str
    reason: str
    currency: str
    held_minor: int  # in the escrow
    payout_held_minor: int  # released, waiting as pending payouts

    @property
    def decides_over(self) -> int:
        return self.held_minor or self.payout_held_minor


def _require_admin(viewer: Viewer | None) -> Viewer:
    actor = require_active(viewer)
    if not actor.is_admin:
        raise PermissionDenied("Only an administrator can decide a frozen contract.")
    return actor


def _held_payouts(session: Session, contract_id: int) -> list[Payout]:
    return list(
        session.exec(
            select(Payout).where(Payout.contract_id == contract_id, Payout.status == "pending").order_by(col(Payout.id))
        ).all()
    )


def describe(session: Session, contract: Contract) -> FrozenContract:
    assert contract.id is not None
    listing = session.get(Listing, contract.listing_id)
    return FrozenContract(
        contract_id=contract.id,
        title=listing.title if listing else f"Contract {contract.id}",
        status=contract.status,
        reason=contract.frozen_reason,
        currency=contract.currency,
        held_minor=escrow.held(session, contract),
        payout_held_minor=sum(p.amount_minor for p in _held_payouts(session, contract.id)),
    )


def frozen_contracts(session: Session, *, viewer: Viewer | None) -> list[FrozenContract]:
    """Every contract waiting for an administrator, oldest first."""
    _require_admin(viewer)
    rows = session.exec(
        select(Contract).where(col(Contract.release_frozen).is_(True)).order_by(col(Contract.updated_at))
    ).all()
    return [describe(session, contract) for contract in rows]


def _amount(value: object, most: int) -> int:
    try:
        amount = int(value) if isinstance(value, int | str) and not isinstance(value, bool) else -1
    except ValueError:
        amount = -1
    if not 0 <= amount <= most:
        raise ValidationFailed({"contractor_minor": f"Give the contractor between 0 and {most} (minor units)."})
    return amount


def _decide(
    session: Session, *, viewer: Viewer | None, contract_id: object, contractor_minor: object, note: object
) -> FreezeDecision:
    actor = _require_admin(viewer)
    contract = session.exec(
        select(Contract)
        .where(Contract.id == lifecycle.contract_id_of(contract_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if contract is None or contract.id is None:
        raise ValidationFailed({"form": lifecycle.NOT_FOUND})
    decision = session.get(FreezeDecision, contract.id)
    if decision is not None:
        if decision.status == "done":
            raise ValidationFailed({"form": "This contract was decided already."})
        # a decision whose refund failed: finish it as it was made (carry_out refuses an overtaken one, with its reason)
        return decision
    if not contract.release_frozen:
        raise ValidationFailed({"form": "This contract is not waiting for an administrator."})
    if card_dispute_open(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTE_OPEN})
    frozen = describe(session, contract)
    given = _amount(contractor_minor, frozen.decides_over)
    if given < frozen.held_minor and card_disputed(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTED})
    try:
        clean = text.clean_paragraphs(note, label="Note", max_len=MAX_NOTE)
    except ValueError as exc:
        raise ValidationFailed({"note": str(exc)}) from exc
    return _record(session, contract, frozen, admin_id=actor.user_id, contractor_minor=given, note=clean)


CARD_DISPUTED = (
    "The client disputed this card payment with their card issuer, and the payment service refuses any refund of a "
    "disputed charge (the card dispute itself decides what goes back to the client). Release what the escrow holds "
    "to the contractor, or leave the contract frozen."
)


CARD_DISPUTE_OPEN = (
    "The client disputed this card payment with their card issuer, which has not decided yet: the money is withdrawn "
    "from the platform while it decides, and a release now could pay the contractor what the issuer then gives back "
    "to the client. The contract stays frozen; decide it once the card dispute is closed."
)


def card_dispute_open(session: Session, contract_id: int) -> bool:
    """Whether a card dispute (chargeback) of the contract's payment waits for the card issuer's decision: nothing is
    decided, settled or carried out meanwhile, so no payout leaves while the money may still go back."""
    return _has_card_dispute(session, contract_id, col(Dispute.status).not_in(disputes.CLOSED))


def card_disputed(session: Session, contract_id: int) -> bool:
    """Whether the contract's payment has a card dispute (chargeback), open or closed: no refund of it can be made."""
    return _has_card_dispute(session, contract_id)


def _has_card_dispute(session: Session, contract_id: int, *conditions: Any) -> bool:
    found = select(Dispute.id).join(Payment, col(Payment.id) == col(Dispute.payment_id))
    return session.exec(found.where(Payment.contract_id == contract_id, *conditions)).first() is not None


def _record(
    session: Session,
    contract: Contract,
    frozen: FrozenContract,
    *,
    admin_id: int | None,
    contractor_minor: int,
    note: str,
) -> FreezeDecision:
    assert contract.id is not None
    client_minor = frozen.decides_over - contractor_minor
    over, refund_to_total = "payout", 0
    if frozen.held_minor:
        payment = funding.succeeded_payment(session, contract.id)
        over, refund_to_total = "escrow", (payment.refunded_minor if payment else 0) + client_minor
    decision = FreezeDecision(
        contract_id=contract.id,
        admin_id=admin_id,
        contractor_minor=contractor_minor,
        client_minor=client_minor,
        note=note,
        over=over,
        refund_to_total=refund_to_total,
    )
    session.add(decision)
    session.flush()
    return decision


def over_escrow(session: Session, contract: Contract, decision: FreezeDecision) -> bool:
    """Whether the decision splits the escrow (not a held payout)."""
    return decision.over == "escrow" if decision.over else escrow.held(session, contract) > 0


def client_part_due(payment: Payment, decision: FreezeDecision) -> int:
    """What is still to refund of the client's part of a decision over the escrow: nothing once the gateway's
    refunded total (our refund's answer, or its report arriving first) reaches the decision's."""
    target = decision.refund_to_total or payment.refunded_minor + decision.client_minor  # decided before it was kept
    return max(0, target - payment.refunded_minor)


def _refund_key(contract_id: int, payment: Payment, decision: FreezeDecision) -> str:
    """The gateway's idempotency key of the refund still due, named by the refunded total it starts from: a retry
    while the gateway's report of an earlier attempt has not reached us asks again under the same key (and gets that
    refund back, not a second one); a retry after a refund made elsewhere was reported asks for what is left."""
    start = payment.refunded_minor
    if not decision.refund_to_total or start == decision.refund_to_total - decision.client_minor:
        return f"resolve:contract:{contract_id}"
    return f"resolve:contract:{contract_id}:from:{start}"


def record_settlement(session: Session, contract: Contract, *, contractor_minor: int, note: str) -> FreezeDecision:
    """The parties of a dispute agreed a split of the frozen contract (the caller locked it and checked who agreed):
    the decision, with no administrator, carried out by `carry_out` as an administrator's would be. A decision made
    already is returned as it is (a settlement accepted twice is carried out once)."""
    assert contract.id is not None
    found = session.get(FreezeDecision, contract.id)
    if found is not None:
        return found
    if not contract.release_frozen:
        raise ValidationFailed({"form": "This contract is not frozen; there is nothing to settle."})
    if card_dispute_open(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTE_OPEN})
    frozen = describe(session, contract)
    given = _amount(contractor_minor, frozen.decides_over)
    if given < frozen.held_minor and card_disputed(session, contract.id):
        raise ValidationFailed({"form": CARD_DISPUTED})
    return _record(session, contract, frozen, admin_id=None, contractor_minor=given, note=note)


async def resolve_frozen(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    contract_id: object,
    contractor_minor: object,
    note: object = "",
) -> str:
    """Decide a frozen contract (see the module); returns what was done, in words for the administrator."""
    with session_factory() as session:
        decision = _decide(
            session, viewer=viewer, contract_id=contract_id, contractor_minor=contractor_minor, note=note
        )
        cid = decision.contract_id
    return await carry_out(session_factory=session_factory, gateway=gateway, contract_id=cid)


async def carry_out(*, session_factory: SessionFactory, gateway: PaymentGateway, contract_id: int) -> str:
    """Carry out the contract's recorded decision (an administrator's or a settlement): the client's part refunded
    at the gateway first, then the ledger split, once. A decision done already is not done again; a gateway failure
    leaves it `deciding` and this may be run again."""
    with session_factory() as session:
        decision = session.get(FreezeDecision, contract_id)
        contract = session.get(Contract, contract_id)
        if decision is None or contract is None or contract.id is None:
            raise ValidationFailed({"form": "This contract has no decision to carry out."})
        if decision.status == "done":
            return "decided already"
        _not_overtaken(decision)
        if card_dispute_open(session, contract.id):  # reported after the decision was made: it waits for the issuer
            raise ValidationFailed({"form": CARD_DISPUTE_OPEN})
        refund_to, key, due = "", "", 0
        if over_escrow(session, contract, decision) and decision.client_minor > 0:
            payment = funding.succeeded_payment(session, contract.id)
            if payment is None or payment.external_id is None or payment.gateway != gateway.name:
                raise ValidationFailed({"form": "The payment to refund is not at the configured payment gateway."})
            due = client_part_due(payment, decision)
            if due:
                refund_to, key = payment.external_id, _refund_key(contract.id, payment, decision)
        cid = contract.id
    if refund_to:
        try:
            await gateway.refund(payment_external_id=refund_to, amount_minor=due, idempotency_key=key)
        except PaymentFailed as exc:
            raise ValidationFailed(
                {"form": f"The refund could not be made: {exc.message} The decision is kept; run it again."}
            ) from exc
    with session_factory() as session:
        return _carry_out(session, contract_id=cid)


def _carry_out(session: Session, *, contract_id: int) -> str:
    contract = lifecycle.locked_contract(session, contract_id)
    decision = session.get(FreezeDecision, contract_id)
    assert contract is not None and contract.id is not None and decision is not None
    if decision.status == "done":
        return "decided already"
    _not_overtaken(decision)
    money = Money(decision.contractor_minor, contract.currency).format()
    back = Money(decision.client_minor, contract.currency).format()
    who = _who(decision)
    if over_escrow(session, contract, decision):
        done, released = _split_escrow(session, contract, decision)
        detail = f"{who}: {money} to the contractor, {back} back to the client."
        if released < decision.contractor_minor:
            taken = Money(decision.contractor_minor - released, contract.currency).format()
            detail += f" A refund made at the payment provider meanwhile took {taken} of the contractor's part."
    else:
        done = _split_held_payout(session, contract, decision)
        detail = f"{who}: {money} of the held payout to the contractor, {back} kept back."
    contract.release_frozen, contract.frozen_reason = False, ""
    lifecycle.move(session, contract, contract.status)
    lifecycle.record_event(
        session, contract, kind="decided", detail=f"{detail} {decision.note}".strip(), actor_id=decision.admin_id
    )
    decision.status = "done"
    session.add(decision)
    return done


def _not_overtaken(decision: FreezeDecision) -> None:
    if decision.status == "overtaken":
        raise ValidationFailed({"form": disputes.OVERTAKEN})


def _who(decision: FreezeDecision) -> str:
    return "An administrator decided" if decision.admin_id is not None else "The parties settled"


def _split_escrow(session: Session, contract: Contract, decision: FreezeDecision) -> tuple[str, int]:
    """What was done, and what the contractor's part released was."""
    assert contract.id is not None
    if decision.client_minor:
        payment = funding.succeeded_payment(session, contract.id)
        assert payment is not None
        payment = funding.locked_payment(session, payment.id or 0)
        due = client_part_due(payment, decision)
        if due:
            payment.refunded_minor += due
            payment.status = "refunded" if payment.refunded_minor >= payment.amount_minor else payment.status
            payment.updated_at = utcnow()
            session.add(payment)
            escrow.refund(
                session,
                contract,
                payment,
                amount_minor=due,
                to_total=payment.refunded_minor,
                reference=f"resolve:contract:{contract.id}",
            )
    # What the escrow holds now is the contractor's part, unless a refund made at the gateway by someone else took
    # more of it meanwhile: then the contractor gets what is left.
    released = min(decision.contractor_minor, escrow.held(session, contract))
    if not released:
        lifecycle.end(
            session, contract, "cancelled", f"{_who(decision)}: a full refund to the client.", decision.admin_id
        )
        return "refunded to the client", 0
    split, _posted = escrow.release_part(session, contract, amount_minor=released)
    now = utcnow()
    contract.completed_at = now
    lifecycle.move(session, contract, "completed")
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=lifecycle.CONTRACT_JOBS)
    payouts.queue_release_payout(session, contract, amount_minor=split.payee_minor, now=now)
    return ("released to the contractor" if not decision.client_minor else "split between the parties"), released


def _split_held_payout(session: Session, contract: Contract, decision: FreezeDecision) -> str:
    assert contract.id is not None
    held = _held_payouts(session, contract.id)
    if decision.client_minor:
        for payout in held:
            payout.status, payout.updated_at = "cancelled", utcnow()
            session.add(payout)
        escrow.recover(session, contract, amount_minor=decision.client_minor)
        if decision.contractor_minor:
            payouts.queue_payout(
                session,
                contract,
                amount_minor=decision.contractor_minor,
                key=f"resolve:contract:{contract.id}",
                now=utcnow(),
            )
        return "held payout kept back in part" if decision.contractor_minor else "held payout kept back"
    return "held payout released" if held else "nothing was held"
