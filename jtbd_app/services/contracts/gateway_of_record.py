"""The gateway of record: each payment and payout names the gateway that took or sends it, and only that gateway may
refund or send it. A refund or payout through another one is refused (`require`); and since switching the configured
gateway while money is in flight at the old one would strand it, start-up refuses that (`refusal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.models import Contract, LedgerAccount, Payment, Payout, utcnow
from jtbd_app.services.ports import PaymentFailed, PaymentGateway

# A started payment the gateway may still confirm: as `cancellation.PAYMENT_CONFIRMATION`, which funding waits for.
CONFIRMING = timedelta(minutes=30)


class WrongGateway(PaymentFailed):
    """A refund or payout asked of a gateway other than the one that holds its money; nothing was sent."""

    def __init__(self, *, what: str, recorded: str, configured: str) -> None:
        super().__init__(
            f"{what} went through the {recorded} payment gateway, but this app now uses {configured}, and only "
            f"{recorded} can move that money: switch the payment gateway back to {recorded} to finish it."
        )
        self.recorded, self.configured = recorded, configured


def require(recorded: str, gateway: PaymentGateway, *, what: str) -> None:
    """Raises WrongGateway unless `gateway` is the one on record (`recorded`) for the payment or payout `what`."""
    if recorded != gateway.name:
        raise WrongGateway(what=what, recorded=recorded, configured=gateway.name)


@dataclass(frozen=True)
class InFlight:
    """Money one gateway still has to move for us: only that gateway can finish it."""

    gateway: str
    escrows: int = 0  # contracts whose escrow holds money paid through it
    problem_escrows: int = 0  # problems whose escrow holds money paid through it
    confirming: int = 0  # payments started in the last CONFIRMING that it may still confirm
    returning: int = 0  # payments the contract could not take, still to be refunded
    payouts: int = 0  # payouts still to be sent

    def summary(self) -> str:
        parts = [
            (self.escrows, "contract escrow(s) holding its money"),
            (self.problem_escrows, "problem escrow(s) holding its money"),
            (self.confirming, "payment(s) still being confirmed"),
            (self.returning, "payment(s) still to be refunded"),
            (self.payouts, "payout(s) still to be sent"),
        ]
        return ", ".join(f"{n} {what}" for n, what in parts if n)


def money_in_flight_elsewhere(session: Session, *, gateway_name: str, now: datetime | None = None) -> list[InFlight]:
    """Money in flight at gateways other than `gateway_name`, one entry per such gateway (none: safe to use it)."""
    since = (now or utcnow()) - CONFIRMING
    queries = {
        "escrows": select(Contract.gateway, func.count())
        .join(LedgerAccount, col(LedgerAccount.contract_id) == col(Contract.id))
        .where(LedgerAccount.kind == "escrow", LedgerAccount.balance_minor > 0, Contract.gateway != gateway_name)
        .group_by(col(Contract.gateway)),
        "problem_escrows": select(Payment.gateway, func.count(func.distinct(LedgerAccount.id)))
        .join(LedgerAccount, col(LedgerAccount.problem_id) == col(Payment.problem_id))
        .where(
            LedgerAccount.kind == "problem_escrow",
            LedgerAccount.balance_minor > 0,
            col(Payment.status).in_(("succeeded", "refunded")),
            Payment.gateway != gateway_name,
        )
        .group_by(col(Payment.gateway)),
        "confirming": select(Payment.gateway, func.count())
        .where(Payment.status == "pending", col(Payment.created_at) > since, Payment.gateway != gateway_name)
        .group_by(col(Payment.gateway)),
        "returning": select(Payment.gateway, func.count())
        .where(Payment.status == "returning", Payment.gateway != gateway_name)
        .group_by(col(Payment.gateway)),
        "payouts": select(Payout.gateway, func.count())
        .where(Payout.status == "pending", Payout.gateway != gateway_name)
        .group_by(col(Payout.gateway)),
    }
    counts: dict[str, dict[str, int]] = {}
    for kind, query in queries.items():
        for gateway, n in session.exec(query).all():
            counts.setdefault(gateway, {})[kind] = n
    return [InFlight(gateway, **kinds) for gateway, kinds in sorted(counts.items())]


def refusal(in_flight: list[InFlight], *, configured: str) -> str:
    """Why the app must not start with `configured` as its gateway, and what to do; "" when nothing is in flight."""
    if not in_flight:
        return ""
    held = "; ".join(f"{each.gateway}: {each.summary()}" for each in in_flight)
    others = " or ".join(sorted({each.gateway for each in in_flight}))
    return (
        f"Refusing to start: the payment gateway is now {configured}, but money is still in flight through another "
        f"gateway ({held}). Only the gateway that took that money can refund or pay it out. Either switch back to "
        f"{others} until it is finished (contracts completed or cancelled, payouts sent, returned payments "
        f"refunded), or finish it first and then switch. (The sandbox is used when STRIPE_SECRET_KEY is empty, "
        f"Stripe when it is set.)"
    )
