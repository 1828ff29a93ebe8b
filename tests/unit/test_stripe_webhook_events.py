"""Stripe webhooks: signatures made the way Stripe makes them are accepted, anything else is refused, and each
event kind is read into our GatewayEvent."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.services.ports import GatewayEvent, InvalidWebhook, PayoutAccountStatus
from tests.support.localstripe_server import WEBHOOK_SECRET
from tests.support.localstripe_server import stripe_signature as signed

gateway = StripeGateway(secret_key="sk_test_unit", webhook_secret=WEBHOOK_SECRET)


def event(kind: str, obj: dict[str, Any], event_id: str = "evt_1") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}).encode()


def read(kind: str, obj: dict[str, Any]) -> GatewayEvent:
    body = event(kind, obj)
    return gateway.verify_webhook(payload=body, signature=signed(body))


PAYMENT_INTENT = {
    "id": "pi_1",
    "object": "payment_intent",
    "amount": 5000,
    "amount_received": 5000,
    "currency": "usd",
    "status": "succeeded",
    "latest_charge": "ch_1",
    "metadata": {"contract_id": "42"},
    "transfer_group": "contract:42",
}


def test_a_correctly_signed_event_is_accepted_and_read() -> None:
    assert read("payment_intent.succeeded", PAYMENT_INTENT) == GatewayEvent(
        id="evt_1",
        kind="payment_intent.succeeded",
        object_id="pi_1",
        amount_minor=5000,
        currency="USD",
        charge_id="ch_1",
        metadata={"contract_id": "42"},
    )


def test_a_signature_under_another_secret_is_refused() -> None:
    body = event("payment_intent.succeeded", PAYMENT_INTENT)

    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload=body, signature=signed(body, secret="whsec_someone_else"))


def test_a_missing_signature_is_refused() -> None:
    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload=event("payment_intent.succeeded", PAYMENT_INTENT), signature="")


def test_a_signature_older_than_five_minutes_is_refused() -> None:
    body = event("payment_intent.succeeded", PAYMENT_INTENT)

    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload=body, signature=signed(body, at=int(time.time()) - 301))


def test_a_body_changed_after_signing_is_refused() -> None:
    body = event("payment_intent.succeeded", PAYMENT_INTENT)
    header = signed(body)

    with pytest.raises(InvalidWebhook):
        gateway.verify_webhook(payload=body.replace(b"5000", b"9000"), signature=header)


def test_a_signed_body_that_is_not_an_event_is_refused() -> None:
    for body in (b"not json", b'{"id": "x"}', b"[1, 2]"):
        with pytest.raises(InvalidWebhook):
            gateway.verify_webhook(payload=body, signature=signed(body))


def test_a_failed_payment_carries_the_card_message_and_an_expanded_charge_id() -> None:
    failed = {
        **PAYMENT_INTENT,
        "status": "requires_payment_method",
        "amount_received": 0,
        "latest_charge": {"id": "ch_2", "object": "charge"},
        "last_payment_error": {"message": "Your card was declined."},
    }

    got = read("payment_intent.payment_failed", failed)

    assert (got.amount_minor, got.charge_id, got.failure_message) == (5000, "ch_2", "Your card was declined.")


def test_a_refunded_charge_names_its_payment_and_the_amount_refunded() -> None:
    charge = {"id": "ch_1", "amount": 5000, "amount_refunded": 1500, "currency": "usd", "payment_intent": "pi_1"}

    got = read("charge.refunded", charge)

    assert (got.object_id, got.related_id, got.amount_minor, got.currency) == ("ch_1", "pi_1", 1500, "USD")


def test_a_dispute_names_its_charge_and_payment() -> None:
    dispute = {"id": "dp_1", "amount": 5000, "currency": "eur", "charge": "ch_1", "payment_intent": "pi_1"}

    got = read("charge.dispute.created", dispute)

    assert (got.object_id, got.charge_id, got.related_id, got.amount_minor, got.currency) == (
        "dp_1",
        "ch_1",
        "pi_1",
        5000,
        "EUR",
    )


def test_transfers_carry_their_group_and_a_reversal_the_amount_reversed() -> None:
    transfer = {"id": "tr_1", "amount": 4500, "amount_reversed": 4500, "currency": "usd"}
    transfer |= {"transfer_group": "contract:42", "metadata": {"contract_id": "42"}}

    created = read("transfer.created", transfer)
    reversed_ = read("transfer.reversed", {**transfer, "amount_reversed": 2000})

    assert (created.object_id, created.amount_minor, created.related_id) == ("tr_1", 4500, "contract:42")
    assert created.metadata == {"contract_id": "42"}
    assert (reversed_.object_id, reversed_.amount_minor) == ("tr_1", 2000)


def test_an_account_update_carries_the_account_status() -> None:
    account = {"id": "acct_1", "charges_enabled": True, "payouts_enabled": False, "details_submitted": True}

    got = read("account.updated", account)

    assert got.account == PayoutAccountStatus(
        "acct_1", charges_enabled=True, payouts_enabled=False, details_submitted=True
    )


def test_other_kinds_keep_only_their_id_kind_and_object() -> None:
    assert read("customer.created", {"id": "cus_1", "email": "a@example.com"}) == GatewayEvent(
        id="evt_1", kind="customer.created", object_id="cus_1"
    )
