"""Contract states, who may move a contract between them, and how an amount splits into fee and payout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jtbd_app.domain.money import MIN_CHARGE_MINOR, Money

STATUS_LABELS = {
    "awaiting_acceptance": "Awaiting both parties' acceptance",
    "awaiting_funding": "Awaiting funding",
    "funded": "Funded: work in progress",
    "delivered": "Delivered: awaiting the client's review",
    "revision_requested": "Revision requested",
    "refunding": "Cancelled: refund in progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "expired": "Expired unfunded",
    "disputed": "Disputed: escrow frozen",
}
UNFUNDED = ("awaiting_acceptance", "awaiting_funding")
ESCROW_HELD = ("funded", "delivered", "revision_requested", "disputed")
WORKING = ("funded", "revision_requested")  # the contractor may deliver

MAX_FEE_BPS = 5000


@dataclass(frozen=True)
class Split:
    """An escrow released: what the contractor gets and what the platform keeps; they sum to the whole."""

    payee_minor: int
    fee_minor: int


def split_release(amount_minor: int, fee_bps: int) -> Split:
    """The fee rounds half up to the minor unit; the contractor gets exactly the rest, so no cent is lost."""
    if amount_minor <= 0:
        raise ValueError("amount must be positive")
    if not 0 <= fee_bps <= 10000:
        raise ValueError("fee must be between 0 and 100%")
    fee = (amount_minor * fee_bps + 5000) // 10000
    return Split(payee_minor=amount_minor - fee, fee_minor=fee)


def minimum_price(currency: str, fee_bps: int) -> int:
    """The smallest price a contract may have, in minor units: one the gateway can charge (Stripe's minimum for the
    currency) and whose release leaves the contractor at least one minor unit after the fee (see `split_release`)."""
    if not 0 <= fee_bps < 10000:
        raise ValueError("fee must be at least 0% and below 100%")
    # The payee gets a - floor((a * fee + 5000) / 10000), which is at least 1 exactly when a * (10000 - fee) > 5000.
    least_with_a_share = 5000 // (10000 - fee_bps) + 1
    return max(MIN_CHARGE_MINOR[currency], least_with_a_share)


def below_minimum(amount_minor: int, currency: str, fee_bps: int) -> bool:
    return amount_minor < minimum_price(currency, fee_bps)


def minimum_price_hint(currency: str, fee_bps: int) -> str:
    """What a price field says beside it: "Minimum $0.50 at the 10% platform fee"."""
    lowest = Money(minimum_price(currency, fee_bps), currency).format()
    return f"Minimum {lowest} at the {bps_label(fee_bps)} platform fee"


def unfundable_note(amount_minor: int, currency: str, fee_bps: int) -> str:
    """Why a contract priced below the minimum (made before the minimum existed) cannot be paid, and the way out."""
    price = Money(amount_minor, currency).format()
    lowest = Money(minimum_price(currency, fee_bps), currency).format()
    return (
        f"This contract's price of {price} is below the minimum of {lowest} at its {bps_label(fee_bps)} platform fee, "
        "so it cannot be paid. Either of you can withdraw from it; no money has moved."
    )


def fee_percent_to_bps(text: str) -> int:
    """Percent such as "10" or "12.5" as basis points; at most two decimals, at most 50%."""
    whole, _, frac = text.strip().partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError("PLATFORM_FEE_PERCENT must be a number such as 10 or 12.5")
    bps = int(whole) * 100 + int((frac + "00")[:2])
    if bps > MAX_FEE_BPS:
        raise ValueError("PLATFORM_FEE_PERCENT must be at most 50")
    return bps


def bps_label(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


def overdue(status: str, due: datetime | None, now: datetime, revision_due: datetime | None = None) -> bool:
    """Work is owed and its due date has passed (the delivery's `due`, or once a revision was asked for, the
    revision's): the client may cancel for a full refund."""
    deadline = revision_due if status == "revision_requested" else due
    return status in WORKING and deadline is not None and now > deadline


def due_at(funded_at: datetime, delivery_days: int) -> datetime:
    return funded_at + timedelta(days=delivery_days)


def auto_release_at(delivered_at: datetime, auto_release_days: int) -> datetime:
    return delivered_at + timedelta(days=auto_release_days)
