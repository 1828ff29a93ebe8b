"""Stripe's webhook events and objects, read as plain JSON and reduced to our `GatewayEvent` and tuples.

Kept apart from the adapter so the mapping is plain data in, plain data out: it reads the dicts of a verified
event body or of an SDK object's `to_dict()`. Ids that Stripe may send expanded (an object) or not (a string)
are read either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jtbd_app.services.ports import GatewayEvent, GatewayPayment, GatewayTransfer, PayoutAccountStatus


def id_of(value: Any) -> str:
    """The id of a field that is either an id string or an expanded object (or missing)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("id") or "")
    return ""


def amount(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def metadata(obj: Mapping[str, Any]) -> dict[str, str]:
    raw = obj.get("metadata")
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def currency(obj: Mapping[str, Any]) -> str:
    return str(obj.get("currency") or "").upper()


def account_status(account: Mapping[str, Any]) -> PayoutAccountStatus:
    return PayoutAccountStatus(
        external_id=str(account.get("id") or ""),
        charges_enabled=bool(account.get("charges_enabled")),
        payouts_enabled=bool(account.get("payouts_enabled")),
        details_submitted=bool(account.get("details_submitted")),
    )


def amount_received(intent: Mapping[str, Any]) -> int:
    """What a PaymentIntent took in (`amount_received`; the full amount once succeeded when a server omits it)."""
    received = intent.get("amount_received")
    if received is None:
        return amount(intent.get("amount")) if intent.get("status") == "succeeded" else 0
    return amount(received)


def amount_refunded(intent: Mapping[str, Any]) -> int:
    """What was refunded of a PaymentIntent's latest charge (0 when the charge is not expanded)."""
    charge = intent.get("latest_charge")
    return amount(charge.get("amount_refunded")) if isinstance(charge, Mapping) else 0


def created_at(obj: Mapping[str, Any]) -> datetime:
    """When Stripe made the object (`created`, Unix seconds)."""
    return datetime.fromtimestamp(amount(obj.get("created")), UTC)


def gateway_payment(intent: Mapping[str, Any]) -> GatewayPayment:
    """A PaymentIntent (its latest charge expanded, for what was refunded) as reconciliation reads it."""
    return GatewayPayment(
        external_id=str(intent.get("id") or ""),
        status=str(intent.get("status") or ""),
        amount_minor=amount(intent.get("amount")),
        received_minor=amount_received(intent),
        refunded_minor=amount_refunded(intent),
        currency=currency(intent),
        created=created_at(intent),
        metadata=metadata(intent),
    )


def gateway_transfer(transfer: Mapping[str, Any]) -> GatewayTransfer:
    return GatewayTransfer(
        external_id=str(transfer.get("id") or ""),
        amount_minor=amount(transfer.get("amount")),
        reversed_minor=amount(transfer.get("amount_reversed")),
        currency=currency(transfer),
        destination=id_of(transfer.get("destination")),
        created=created_at(transfer),
        metadata=metadata(transfer),
    )


def to_gateway_event(event: Mapping[str, Any]) -> GatewayEvent:
    """A verified event body as our services read it; kinds we do not map keep only id, kind and object id."""
    kind = str(event.get("type") or "")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if not isinstance(obj, Mapping):
        obj = {}
    base: dict[str, Any] = {"id": str(event.get("id") or ""), "kind": kind, "object_id": str(obj.get("id") or "")}
    if kind.startswith("payment_intent."):
        error = obj.get("last_payment_error")
        return GatewayEvent(
            **base,
            amount_minor=amount_received(obj) or amount(obj.get("amount")),
            currency=currency(obj),
            charge_id=id_of(obj.get("latest_charge")),
            failure_message=str(error.get("message") or "") if isinstance(error, Mapping) else "",
            metadata=metadata(obj),
        )
    if kind == "charge.refunded":
        return GatewayEvent(
            **base,
            amount_minor=amount(obj.get("amount_refunded")),
            currency=currency(obj),
            related_id=id_of(obj.get("payment_intent")),
            charge_id=base["object_id"],
            metadata=metadata(obj),
        )
    if kind.startswith("charge.dispute."):
        return GatewayEvent(
            **base,
            amount_minor=amount(obj.get("amount")),
            currency=currency(obj),
            related_id=id_of(obj.get("payment_intent")),
            charge_id=id_of(obj.get("charge")),
            metadata=metadata(obj),
            status=str(obj.get("status") or ""),
        )
    if kind in ("transfer.created", "transfer.reversed"):
        moved = obj.get("amount_reversed") if kind == "transfer.reversed" else obj.get("amount")
        return GatewayEvent(
            **base,
            amount_minor=amount(moved),
            currency=currency(obj),
            related_id=str(obj.get("transfer_group") or ""),
            metadata=metadata(obj),
        )
    if kind == "account.updated":
        return GatewayEvent(**base, account=account_status(obj))
    return GatewayEvent(**base)
