"""Paying contractors: released money is transferred to their payout account, or waits as payable until they have one.

With Stripe, a contractor onboards an Express connected account through an account link; transfers go out only
once `payouts_enabled` (kept current from `account.updated`). With the sandbox, payouts are recorded as paid out
at once. A transfer uses the release's business key, so a retry never pays twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, Payout, PayoutAccount, User, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import funding, gateway_of_record
from jtbd_app.services.ledger import escrow
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentFailed, PaymentGateway, PayoutAccountStatus
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer, require_active

# An account link expires: its refresh_url is a route that mints a fresh one; its return_url brings the member back.
ONBOARDING_PATH = "/api/payouts/onboarding"
RETURN_PATH = "/wallet?payouts=return"


def queue_release_payout(session: Session, contract: Contract, *, amount_minor: int, now: datetime) -> Payout:
    """A release owes the contractor `amount_minor`: the payout under the release's business key, and its job."""
    return queue_payout(session, contract, amount_minor=amount_minor, key=f"release:contract:{contract.id}", now=now)


def queue_payout(session: Session, contract: Contract, *, amount_minor: int, key: str, now: datetime) -> Payout:
    """A payout of `amount_minor` to the contract's contractor under the business key `key`, and its job."""
    assert contract.id is not None
    payout = Payout(
        user_id=contract.contractor_id,
        contract_id=contract.id,
        gateway=contract.gateway or "sandbox",
        amount_minor=amount_minor,
        currency=contract.currency,
        idempotency_key=key,
    )
    session.add(payout)
    session.flush()
    scheduler.schedule(session, key=f"send_payout:{payout.id}", kind="send_payout", run_at=now, contract_id=contract.id)
    return payout


def pending_payout_id(session: Session, *, contract_id: int) -> int | None:
    """The contract's payout still to send, if any (the scheduler sends it anyway; this only saves a wait)."""
    return session.exec(select(Payout.id).where(Payout.contract_id == contract_id, Payout.status == "pending")).first()


async def send_contract_payout_now(
    *, session_factory: SessionFactory, gateway: PaymentGateway, contract_id: int
) -> None:
    """Sends the contract's pending payout now if it can be. Best effort: a PaymentFailed is left to the scheduler,
    which sends the payout anyway, with retries."""
    with session_factory() as session:
        payout_id = pending_payout_id(session, contract_id=contract_id)
    if payout_id is not None:
        with contextlib.suppress(PaymentFailed):
            await send_payout(session_factory=session_factory, gateway=gateway, payout_id=payout_id)


async def send_payout(*, session_factory: SessionFactory, gateway: PaymentGateway, payout_id: int) -> str:
    """Transfer one pending payout; raises PaymentFailed so the scheduler retries with back-off."""
    with session_factory() as session:
        payout = session.get(Payout, payout_id)
        if payout is None or payout.status != "pending":
            return "nothing to send"
        gateway_of_record.require(payout.gateway, gateway, what=f"Payout {payout_id}")  # fails the job visibly
        contract = session.get(Contract, payout.contract_id) if payout.contract_id is not None else None
        if contract is not None and contract.release_frozen:  # a chargeback or a gateway refund came in since
            return "held: the contract is frozen for an administrator"
        destination = "sandbox"
        if gateway.name != "sandbox":  # Stripe in test mode is test money too, and still needs a real account
            account = session.get(PayoutAccount, payout.user_id)
            if account is None or not account.payouts_enabled:
                return "waiting for the contractor's payout account"
            destination = account.external_id
        charge_id = ""
        if payout.contract_id is not None:
            payment = funding.succeeded_payment(session, payout.contract_id)
            charge_id = payment.charge_id if payment else ""
        amount, currency, key, contract_id = (
            payout.amount_minor,
            payout.currency,
            payout.idempotency_key,
            payout.contract_id,
        )
    result = await gateway.transfer(
        destination=destination,
        amount_minor=amount,
        currency=currency,
        idempotency_key=key,
        transfer_group=f"contract:{contract_id}",
        source_charge_id=charge_id,
        metadata={"payout_id": str(payout_id), "contract_id": str(contract_id or "")},
    )
    with session_factory() as session:
        return record_transfer(session, payout_id=payout_id, transfer_id=result.external_id)


def record_transfer(session: Session, *, payout_id: int, transfer_id: str, amount_minor: int = 0) -> str:
    """The gateway made the transfer (our call's answer, or a transfer.created webhook with its `amount_minor`):
    paid out once. A transfer of another amount than the payout's is not ours to book: an administrator looks."""
    payout = session.exec(
        select(Payout).where(Payout.id == payout_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if payout is None:
        return "not a payout of ours"
    if amount_minor and amount_minor != payout.amount_minor:
        raise ValidationFailed(
            {
                "form": f"a transfer of {amount_minor} for payout {payout_id} of {payout.amount_minor}: left for an administrator"
            }
        )
    if payout.status != "pending":
        return f"already {payout.status}"
    payout.status, payout.external_id, payout.updated_at = "paid", transfer_id, utcnow()
    session.add(payout)
    session.flush()
    escrow.pay_out(session, payout)
    notify(
        session,
        user_id=payout.user_id,
        kind="payment",
        title=f"Paid out: {Money(payout.amount_minor, payout.currency).format()}",
        body="The money is on its way to your payout account.",
        link="/wallet",
    )
    return "paid out"


def record_transfer_reversed(session: Session, *, transfer_id: str, reversed_total: int) -> str:
    """The gateway took back `reversed_total` of a transfer in all (several partial reversals send growing totals):
    what is new goes back to the member's payable, and a new payout of it is queued (it waits while the contract is
    frozen, or until the member can receive payouts)."""
    found = session.exec(select(Payout).where(Payout.external_id == transfer_id)).first()
    if found is None or found.id is None:
        return "not a payout of ours"
    payout = session.exec(
        select(Payout).where(Payout.id == found.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if payout.status not in ("paid", "reversed"):
        return f"reversal of a {payout.status} payout: left for an administrator"
    amount = min(reversed_total, payout.amount_minor) - payout.reversed_minor
    if amount <= 0:
        return "already reversed"
    payout.reversed_minor += amount
    if payout.reversed_minor >= payout.amount_minor:
        payout.status = "reversed"
    payout.updated_at = utcnow()
    session.add(payout)
    escrow.reverse_payout(session, payout, amount_minor=amount, to_total=payout.reversed_minor)
    again = Payout(
        user_id=payout.user_id,
        contract_id=payout.contract_id,
        gateway=payout.gateway,
        amount_minor=amount,
        currency=payout.currency,
        idempotency_key=f"reversal:payout:{payout.id}:to:{payout.reversed_minor}",
    )
    session.add(again)
    session.flush()
    scheduler.schedule(
        session, key=f"send_payout:{again.id}", kind="send_payout", run_at=utcnow(), contract_id=payout.contract_id
    )
    return "reversed: owed to the member again"


def record_account_status(session: Session, *, status: PayoutAccountStatus) -> str:
    """account.updated: keep the flags; once payouts are enabled, send what waited."""
    account = session.exec(select(PayoutAccount).where(PayoutAccount.external_id == status.external_id)).first()
    if account is None:
        return "not an account of ours"
    became_enabled = status.payouts_enabled and not account.payouts_enabled
    account.charges_enabled, account.payouts_enabled = status.charges_enabled, status.payouts_enabled
    account.details_submitted, account.updated_at = status.details_submitted, utcnow()
    session.add(account)
    if status.payouts_enabled:
        queue_waiting_payouts(session, user_id=account.user_id)
    return "payouts enabled" if became_enabled else "account updated"


def queue_waiting_payouts(session: Session, *, user_id: int) -> int:
    waiting = session.exec(select(Payout).where(Payout.user_id == user_id, Payout.status == "pending")).all()
    for payout in waiting:
        # A fresh key per round: a finished job keeps its key, and a payout may wait through several rounds.
        scheduler.schedule(
            session,
            key=f"send_payout:{payout.id}:{utcnow().isoformat()}",
            kind="send_payout",
            run_at=utcnow(),
            contract_id=payout.contract_id,
        )
    return len(waiting)


async def start_onboarding(
    *,
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    viewer: Viewer | None,
    refresh_url: str,
    return_url: str,
) -> str:
    """The account link to open: creates the member's payout account at the gateway on first use."""
    with session_factory() as session:
        actor = require_active(viewer)
        account = session.get(PayoutAccount, actor.user_id)
        user = session.get(User, actor.user_id)
        assert user is not None
        external_id, email = (account.external_id if account else ""), user.email
    if not external_id:
        external_id = await gateway.create_payout_account(
            email=email, idempotency_key=f"payout_account:user:{actor.user_id}"
        )
        status = await gateway.payout_account_status(account_external_id=external_id)
        with session_factory() as session:
            if session.get(PayoutAccount, actor.user_id) is None:
                session.add(
                    PayoutAccount(
                        user_id=actor.user_id,
                        gateway=gateway.name,
                        external_id=external_id,
                        charges_enabled=status.charges_enabled,
                        payouts_enabled=status.payouts_enabled,
                        details_submitted=status.details_submitted,
                    )
                )
                if status.payouts_enabled:
                    session.flush()
                    queue_waiting_payouts(session, user_id=actor.user_id)
    return await gateway.onboarding_link(
        account_external_id=external_id, refresh_url=refresh_url, return_url=return_url
    )


@dataclass(frozen=True)
class PayoutSetup:
    """The gateway's onboarding `url` to open; `ready` when the account works at once (the sandbox; Stripe's test
    keys still onboard)."""

    url: str
    ready: bool


async def set_up_payouts(
    *, session_factory: SessionFactory, gateway: PaymentGateway, viewer: Viewer | None
) -> PayoutSetup:
    """What "Set up payouts" opens: `start_onboarding` with this app's links (on APP_URL); a gateway failure is a
    ValidationFailed to try again."""
    base = get_settings().app_url.rstrip("/")
    try:
        url = await start_onboarding(
            session_factory=session_factory,
            gateway=gateway,
            viewer=viewer,
            refresh_url=f"{base}{ONBOARDING_PATH}",
            return_url=f"{base}{RETURN_PATH}",
        )
    except PaymentFailed as exc:
        raise ValidationFailed({"form": f"{exc.message} Please try again."}) from exc
    return PayoutSetup(url, ready=gateway.name == "sandbox")


async def refresh_account_status(
    *, session_factory: SessionFactory, gateway: PaymentGateway, viewer: Viewer | None
) -> str:
    """Back from onboarding: ask the gateway now rather than wait for the webhook. A gateway failure is a
    ValidationFailed to try again."""
    with session_factory() as session:
        actor = require_active(viewer)
        account = session.get(PayoutAccount, actor.user_id)
        if account is None:
            raise ValidationFailed({"form": "Set up payouts first."})
        external_id = account.external_id
    try:
        status = await gateway.payout_account_status(account_external_id=external_id)
    except PaymentFailed as exc:
        raise ValidationFailed({"form": f"{exc.message} Please try again."}) from exc
    with session_factory() as session:
        return record_account_status(session, status=status)


def pending_payout_ids(session: Session, *, user_id: int) -> list[int]:
    rows = session.exec(
        select(Payout.id).where(Payout.user_id == user_id, Payout.status == "pending").order_by(col(Payout.id))
    ).all()
    return [row for row in rows if row is not None]
