"""Funding a contract's escrow: the client pays through the gateway; the ledger moves only on the gateway's word.

The gateway call happens between two short units of work, never inside one: a slow or failing gateway holds no
row locks, and a failure leaves the contract and the ledger as they were, with a message to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from jtbd_app.domain.contract_rules import below_minimum, due_at, unfundable_note
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.ids import id_or_none
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, Payment, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.accounts.terms import require_current_terms
from jtbd_app.services.contracts import lifecycle, problem_money
from jtbd_app.services.ledger import escrow
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentFailed, PaymentGateway, PaymentStart
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer


class PaymentNotYet(Exception):
    """An event about a payment whose success is not recorded yet (events arrive in any order): it waits for it."""

    def __init__(self, external_id: str) -> None:
        super().__init__(external_id)
        self.external_id = external_id


def locked_payment(session: Session, payment_id: int) -> Payment:
    """The payment row, locked for this unit of work (after its contract's: lock order contract, then payment)."""
    return session.exec(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    ).one()


@dataclass(frozen=True)
class FundingOutcome:
    """ "funded" (the sandbox), "returned" (the contract was funded meanwhile: this payment goes back), or
    "requires_action": the browser confirms with `client_secret`; a webhook funds it."""

    status: str
    payment_id: int
    client_secret: str = ""


async def fund_contract(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    contract_id: object,
    test_card: str = "",
) -> FundingOutcome:
    with session_factory() as session:
        contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id, role="client")
        require_current_terms(session, viewer)
        if contract.status != "awaiting_funding":
            raise ValidationFailed({"form": _not_fundable(contract)})
        if below_minimum(contract.amount_minor, contract.currency, contract.fee_bps):
            raise ValidationFailed(
                {"form": unfundable_note(contract.amount_minor, contract.currency, contract.fee_bps)}
            )
        assert contract.id is not None and viewer is not None
        payment = payment_to_ask(
            session,
            Payment(
                contract_id=contract.id,
                payer_id=viewer.user_id,
                gateway=gateway.name,
                amount_minor=contract.amount_minor,
                currency=contract.currency,
            ),
        )
        assert payment.id is not None
        payment_id, amount, currency, cid = payment.id, contract.amount_minor, contract.currency, contract.id
    start = await start_payment(
        session_factory,
        gateway,
        payment_id=payment_id,
        owner=("contract", cid),
        amount=amount,
        currency=currency,
        test_card=test_card,
    )
    with session_factory() as session:
        store_answer(session, payment_id, start)
        if start.status == "succeeded":
            said = record_payment_succeeded(
                session,
                external_id=start.external_id,
                charge_id=start.charge_id,
                amount_minor=amount,
                currency=currency,
            )
            # A second click or tab paid too: that money is on its way back, and the page says so.
            return FundingOutcome("funded" if said == "funded" else "returned", payment_id)
    if start.status == "failed":
        raise ValidationFailed({"card": f"{start.failure_message} Nothing was charged; try another card."})
    return FundingOutcome("requires_action", payment_id, client_secret=start.client_secret)


# Stripe answers a repeated idempotency key as it did the first time for 24 hours; a lost attempt older than this is
# not asked again (a new payment is; should both have been made, the second is refunded when its report comes).
ASK_AGAIN_WITHIN = timedelta(hours=23)


def payment_to_ask(session: Session, new: Payment) -> Payment:
    """The payment to ask the gateway for, stored: the payer's last attempt at the same payment whose answer was lost,
    pending again under its own id and so its own idempotency key (a payment the gateway made meanwhile is then
    answered, not made a second time), or `new` when there is none."""
    owner = Payment.contract_id == new.contract_id if new.contract_id else Payment.problem_id == new.problem_id
    lost = session.exec(
        select(Payment)
        .where(
            owner,
            Payment.payer_id == new.payer_id,
            Payment.gateway == new.gateway,
            Payment.amount_minor == new.amount_minor,
            Payment.currency == new.currency,
            Payment.status == "failed",
            col(Payment.answer_lost).is_(True),
            col(Payment.external_id).is_(None),
            col(Payment.updated_at) > utcnow() - ASK_AGAIN_WITHIN,
        )
        .order_by(col(Payment.id).desc())
        .with_for_update()
    ).first()
    payment = lost or new
    if lost is not None:  # `answer_lost` stays set until an answer comes (a refusal now keeps the same question)
        lost.status, lost.failure_message, lost.updated_at = "pending", "", utcnow()
    session.add(payment)
    session.flush()
    return payment


def store_answer(session: Session, payment_id: int, start: PaymentStart) -> Payment:
    """The gateway's answer about a payment, stored: the gateway's id, the answer no longer lost, a refusal as the
    payment's failure (a success is booked by `record_payment_succeeded`, a confirmation by its report)."""
    payment = session.get(Payment, payment_id)
    assert payment is not None
    payment.external_id, payment.updated_at, payment.answer_lost = start.external_id, utcnow(), False
    if start.status == "failed":
        payment.status, payment.failure_message = "failed", start.failure_message[:300]
    session.add(payment)
    session.flush()
    return payment


def payment_key(owner: tuple[str, int], payment_id: int) -> str:
    """The idempotency key of payment `payment_id` into the escrow of `owner`: asking again is asking about it."""
    kind, owner_id = owner
    return f"fund:{kind}:{owner_id}:payment:{payment_id}"


async def start_payment(
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    *,
    payment_id: int,
    owner: tuple[str, int],
    amount: int,
    currency: str,
    test_card: str,
) -> PaymentStart:
    """Ask the gateway for payment `payment_id` into the escrow of `owner` ("contract" or "problem", its id), with
    no database transaction open; a refusal marks the payment failed and is a message by the card (or the form)."""
    kind, owner_id = owner
    try:
        return await gateway.start_payment(
            amount_minor=amount,
            currency=currency,
            idempotency_key=payment_key(owner, payment_id),
            transfer_group=f"{kind}:{owner_id}",
            metadata={f"{kind}_id": str(owner_id), "payment_id": str(payment_id)},
            test_card=test_card,
        )
    except PaymentFailed as exc:
        still_lost = _mark_failed(session_factory, payment_id, exc.message, answer_lost=exc.answer_lost)
        field = "card" if gateway.test_money else "form"
        raise ValidationFailed({field: f"{exc.message} {UNANSWERED if still_lost else after_failure(exc)}"}) from exc


UNANSWERED = (
    "If your card was charged before the answer was lost, this page shows the payment as soon as the payment "
    "service reports it; paying again asks about the same payment, so you are not charged twice."
)
TROUBLED = (
    "If your card was charged before the payment service failed, this page shows the payment as soon as the "
    "payment service reports it, and a second payment is refunded."
)


def after_failure(exc: PaymentFailed) -> str:
    """What a refused payment means for the member: a refusal charged nothing; a gateway that did not answer (or
    failed on its side) may have taken the money before its answer was lost, so "nothing was charged" would be a
    guess. That payment's report still funds the contract (`match_payment`). After a lost answer, paying again asks
    about the same payment (`payment_to_ask`); after a failure on the gateway's side, a second payment is refunded."""
    if exc.answer_lost:
        return UNANSWERED
    return TROUBLED if exc.retryable else "Nothing was charged; please try again."


def _mark_failed(session_factory: SessionFactory, payment_id: int, message: str, *, answer_lost: bool) -> bool:
    """The payment failed; True when an answer about it is still owed (paying again asks about it again)."""
    with session_factory() as session:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.status != "pending":
            return False
        payment.status, payment.failure_message, payment.updated_at = "failed", message[:300], utcnow()
        # Once an answer was lost the gateway may hold the money: asking again must stay asking about it, even
        # when the next try fails for another reason (an error on the gateway's side before it looked).
        payment.answer_lost = payment.answer_lost or answer_lost
        session.add(payment)
        return payment.answer_lost


def _not_fundable(contract: Contract) -> str:
    if contract.status == "awaiting_acceptance":
        return "Both parties must accept the contract before it can be funded."
    return "This contract is not waiting for funding."


def match_payment(session: Session, *, external_id: str, metadata: dict[str, str] | None) -> Payment | None:
    """Ours by the gateway's id, or, when our process died before storing that id, by the payment id we sent in
    the metadata (the contract or problem id must agree); the id is stored then, so the record is finished."""
    found = session.exec(select(Payment).where(Payment.external_id == external_id)).first()
    if found is not None or not metadata:
        return found
    payment_id = id_or_none(metadata.get("payment_id"))
    contract_id, problem_id = id_or_none(metadata.get("contract_id")), id_or_none(metadata.get("problem_id"))
    if payment_id is None or (contract_id is None) == (problem_id is None):
        return None
    candidate = session.get(Payment, payment_id)
    if (
        candidate is None
        or candidate.external_id is not None
        or (candidate.contract_id, candidate.problem_id) != (contract_id, problem_id)
    ):
        return None
    candidate.external_id, candidate.updated_at, candidate.answer_lost = external_id, utcnow(), False
    if candidate.status == "failed":  # we gave up waiting, but the gateway took the money after all
        candidate.status = "pending"
    session.add(candidate)
    session.flush()
    return candidate


def record_payment_succeeded(
    session: Session,
    *,
    external_id: str,
    charge_id: str,
    amount_minor: int,
    currency: str,
    metadata: dict[str, str] | None = None,
) -> str:
    """The gateway says the money is in: fund the escrow once. Money for a contract that can no longer take it
    (already funded, cancelled, expired) is held as owed back and refunded by a scheduled job."""
    found = match_payment(session, external_id=external_id, metadata=metadata)
    if found is None or found.id is None:
        return "not a payment of ours"
    if amount_minor <= 0 or currency not in CURRENCIES:
        return f"payment of {amount_minor} {currency!r}: left for an administrator"
    if found.problem_id is not None:
        return problem_money.record_problem_payment_succeeded(
            session, found, charge_id=charge_id, amount_minor=amount_minor, currency=currency
        )
    assert found.contract_id is not None
    contract = lifecycle.locked_contract(session, found.contract_id)
    payment = locked_payment(session, found.id)
    assert contract is not None and contract.id is not None and payment.id is not None
    if payment.status in ("succeeded", "refunded", "returning", "returned"):
        return "already recorded"
    payment.status, payment.charge_id, payment.updated_at = "succeeded", charge_id or payment.charge_id, utcnow()
    session.add(payment)
    if (
        contract.status != "awaiting_funding"
        or amount_minor != contract.amount_minor
        or currency != contract.currency
        or below_minimum(contract.amount_minor, contract.currency, contract.fee_bps)  # started before the minimum
        or escrow.held(session, contract) != 0
    ):
        payment.status = "returning"  # not the escrow's money: it goes back (see refund_payment)
        payment.amount_minor, payment.currency = amount_minor, currency  # what actually arrived is what goes back
        escrow.hold_surplus(session, payment.id, amount_minor=amount_minor, currency=currency)
        scheduler.schedule(
            session, key=f"refund_payment:{payment.id}", kind="refund_payment", run_at=utcnow(), contract_id=contract.id
        )
        lifecycle.record_event(
            session,
            contract,
            kind="payment_returned",
            detail="A payment arrived that the contract could not take; it is being refunded.",
        )
        return "payment not needed; refund scheduled"
    escrow.fund(session, contract, amount_minor=amount_minor, reference=external_id)
    now = utcnow()
    contract.gateway, contract.funded_at, contract.due_at = payment.gateway, now, due_at(now, contract.delivery_days)
    lifecycle.move(session, contract, "funded")
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=["expire_unfunded"])
    scheduler.schedule(
        session,
        key=f"deadline_passed:contract:{contract.id}",
        kind="deadline_passed",
        run_at=contract.due_at,
        contract_id=contract.id,
    )
    price = Money(contract.amount_minor, contract.currency).format()
    lifecycle.record_event(
        session, contract, kind="funded", detail=f"Escrow funded with {price}.", actor_id=payment.payer_id
    )
    for user_id, body in (
        (contract.contractor_id, "The escrow is funded: you can start the work."),
        (contract.client_id, "Your payment is held in escrow until you approve the delivery."),
    ):
        notify(
            session,
            user_id=user_id,
            kind="payment",
            title=f"Escrow funded: {price}",
            body=body,
            link=f"/contracts/{contract.id}",
        )
    return "funded"


def record_payment_failed(
    session: Session, *, external_id: str, message: str, metadata: dict[str, str] | None = None
) -> str:
    payment = match_payment(session, external_id=external_id, metadata=metadata)
    if payment is None:
        return "not a payment of ours"
    if payment.status != "pending":
        return f"already {payment.status}"
    payment.status, payment.failure_message, payment.updated_at = "failed", message[:300], utcnow()
    session.add(payment)
    page = "problem" if payment.problem_id is not None else "contract"
    link = f"/problems/{payment.problem_id}" if payment.problem_id is not None else f"/contracts/{payment.contract_id}"
    notify(
        session,
        user_id=payment.payer_id,
        kind="payment",
        title="Your payment did not go through",
        body=f"{message} Nothing was charged; you can try again from the {page} page.",
        link=link,
    )
    return "payment failed"


def succeeded_payment(session: Session, contract_id: int) -> Payment | None:
    """The payment that funded the contract (the one the escrow holds)."""
    return session.exec(
        select(Payment)
        .where(Payment.contract_id == contract_id, col(Payment.status).in_(("succeeded", "refunded")))
        .order_by(col(Payment.id))
    ).first()
