"""The Stripe adapter against a local Stripe (localstripe plus Connect): payments, refunds, connected accounts,
transfers and reversals, and how failures reach us."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.services.ports import PaymentFailed, PaymentStart
from tests.support.app_server import free_port
from tests.support.localstripe_server import SECRET_KEY, LocalStripe

VISA = "4242 4242 4242 4242"


@pytest.fixture
def gateway(stripe_server: LocalStripe) -> StripeGateway:
    stripe_server.reset()
    return StripeGateway(secret_key=SECRET_KEY, webhook_secret="whsec_unused", api_base=stripe_server.url, timeout=5)


async def paid(gateway: StripeGateway, contract_id: int = 42, amount_minor: int = 5000) -> PaymentStart:
    return await gateway.start_payment(
        amount_minor=amount_minor,
        currency="USD",
        idempotency_key=f"fund:contract:{contract_id}",
        transfer_group=f"contract:{contract_id}",
        metadata={"contract_id": str(contract_id)},
        test_card=VISA,
    )


async def onboarded_account(gateway: StripeGateway, stripe_server: LocalStripe) -> str:
    account = await gateway.create_payout_account(email="pro@example.com", idempotency_key="payout-account:user:7")
    stripe_server.set_account_status(account, enabled=True)
    return account


async def test_a_test_card_payment_succeeds_in_the_contracts_transfer_group(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    started = await paid(gateway)

    assert started.status == "succeeded" and started.charge_id.startswith("ch_")
    intent = stripe_server.get(f"/v1/payment_intents/{started.external_id}")
    assert (intent["amount"], intent["currency"], intent["transfer_group"]) == (5000, "usd", "contract:42")
    assert intent["metadata"] == {"contract_id": "42"}
    assert await gateway.payment_status(external_id=started.external_id) == ("succeeded", 5000, 0)


async def test_without_a_test_card_the_browser_confirms_the_payment(gateway: StripeGateway) -> None:
    started = await gateway.start_payment(
        amount_minor=5000, currency="USD", idempotency_key="fund:contract:1", transfer_group="contract:1", metadata={}
    )

    assert started.status == "requires_action"
    assert started.client_secret.startswith(f"{started.external_id}_secret_")


async def test_a_declined_card_fails_with_the_card_message(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentFailed) as failed:
        await gateway.start_payment(
            amount_minor=5000,
            currency="USD",
            idempotency_key="fund:contract:9",
            transfer_group="contract:9",
            metadata={"contract_id": "9"},
            test_card="4000 0000 0000 0002",
        )

    assert (failed.value.message, failed.value.retryable) == ("Your card was declined.", False)


async def test_a_refund_is_made_and_shows_in_the_payment_status(gateway: StripeGateway) -> None:
    started = await paid(gateway)

    refund = await gateway.refund(
        payment_external_id=started.external_id, amount_minor=1500, idempotency_key="refund:contract:42"
    )

    assert (refund.external_id[:3], refund.status) == ("re_", "succeeded")
    assert await gateway.payment_status(external_id=started.external_id) == ("succeeded", 5000, 1500)


async def test_an_express_account_is_onboarded_through_its_account_link(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    account = await gateway.create_payout_account(email="pro@example.com", idempotency_key="payout-account:user:7")
    before = await gateway.payout_account_status(account_external_id=account)

    link = await gateway.onboarding_link(
        account_external_id=account, refresh_url="http://app.test/payouts/again", return_url="http://app.test/payouts"
    )
    back = httpx.get(link, follow_redirects=False)

    assert stripe_server.get(f"/v1/accounts/{account}")["type"] == "express"
    assert (before.charges_enabled, before.payouts_enabled, before.details_submitted) == (False, False, False)
    assert (back.status_code, back.headers["location"]) == (302, "http://app.test/payouts")
    after = await gateway.payout_account_status(account_external_id=account)
    assert (after.charges_enabled, after.payouts_enabled, after.details_submitted) == (True, True, True)


async def test_a_transfer_comes_from_the_charge_and_its_key_makes_it_once(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    started = await paid(gateway)
    account = await onboarded_account(gateway, stripe_server)

    sent = [
        await gateway.transfer(
            destination=account,
            amount_minor=4500,
            currency="USD",
            idempotency_key="payout:contract:42",
            transfer_group="contract:42",
            source_charge_id=started.charge_id,
            metadata={"contract_id": "42"},
        )
        for _ in range(2)
    ]

    assert sent[0] == sent[1]
    [transfer] = stripe_server.get("/v1/transfers", transfer_group="contract:42")["data"]
    assert transfer["id"] == sent[0].external_id
    assert (transfer["destination"], transfer["source_transaction"], transfer["amount"]) == (
        account,
        started.charge_id,
        4500,
    )
    assert await gateway.transfer_status(external_id=transfer["id"]) == ("paid", 4500, 0)


async def test_a_transfer_to_an_account_not_yet_onboarded_is_refused(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    started = await paid(gateway)
    account = await gateway.create_payout_account(email="new@example.com", idempotency_key="payout-account:user:8")

    with pytest.raises(PaymentFailed) as failed:
        await gateway.transfer(
            destination=account,
            amount_minor=4500,
            currency="USD",
            idempotency_key="payout:contract:42",
            transfer_group="contract:42",
            source_charge_id=started.charge_id,
            metadata={},
        )

    assert failed.value.retryable is False
    assert stripe_server.get("/v1/transfers")["data"] == []


async def test_a_reversal_takes_the_transfer_back(gateway: StripeGateway, stripe_server: LocalStripe) -> None:
    started = await paid(gateway)
    account = await onboarded_account(gateway, stripe_server)
    transfer = await gateway.transfer(
        destination=account,
        amount_minor=4500,
        currency="USD",
        idempotency_key="payout:contract:42",
        transfer_group="contract:42",
        source_charge_id=started.charge_id,
        metadata={},
    )

    reversal = await gateway.reverse_transfer(
        transfer_external_id=transfer.external_id, amount_minor=4500, idempotency_key="reverse:contract:42"
    )

    assert reversal.external_id.startswith("trr_")
    assert await gateway.transfer_status(external_id=transfer.external_id) == ("reversed", 4500, 4500)


async def test_recent_payments_are_those_made_since_a_time_newest_first_with_what_was_refunded(
    gateway: StripeGateway,
) -> None:
    older = await paid(gateway, contract_id=1)
    time.sleep(1.1)  # Stripe's times are whole seconds
    since = datetime.now(UTC)
    first, second = await paid(gateway, contract_id=2), await paid(gateway, contract_id=3, amount_minor=7000)
    await gateway.refund(payment_external_id=second.external_id, amount_minor=1500, idempotency_key="refund:3")

    listed = await gateway.recent_payments(since=since, limit=10)

    assert [p.external_id for p in listed] == [second.external_id, first.external_id]
    assert older.external_id not in {p.external_id for p in listed}
    newest = listed[0]
    assert (newest.status, newest.amount_minor, newest.received_minor, newest.refunded_minor, newest.currency) == (
        "succeeded",
        7000,
        7000,
        1500,
        "USD",
    )
    assert newest.metadata == {"contract_id": "3"} and since - timedelta(seconds=1) <= newest.created


async def test_recent_payments_follow_the_pages_of_the_list_up_to_the_limit(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    for n in range(102):  # more than one page of 100; not confirmed: nothing was taken
        stripe_server.post("/v1/payment_intents", {"amount": 100 + n, "currency": "usd"})

    every = await gateway.recent_payments(since=since, limit=1000)
    some = await gateway.recent_payments(since=since, limit=101)

    assert len(every) == 102 and len({p.external_id for p in every}) == 102
    assert {(p.status, p.received_minor) for p in every} == {("requires_payment_method", 0)}
    assert [p.external_id for p in some] == [p.external_id for p in every[:101]]


async def test_recent_transfers_say_what_was_sent_and_taken_back_and_whose_payout_it_was(
    gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    started = await paid(gateway)
    account = await onboarded_account(gateway, stripe_server)
    since = datetime.now(UTC) - timedelta(minutes=1)
    transfer = await gateway.transfer(
        destination=account,
        amount_minor=4500,
        currency="USD",
        idempotency_key="release:contract:42",
        transfer_group="contract:42",
        source_charge_id=started.charge_id,
        metadata={"payout_id": "7", "contract_id": "42"},
    )
    await gateway.reverse_transfer(transfer_external_id=transfer.external_id, amount_minor=1000, idempotency_key="r")

    [listed] = await gateway.recent_transfers(since=since, limit=10)

    assert (listed.external_id, listed.amount_minor, listed.reversed_minor, listed.currency) == (
        transfer.external_id,
        4500,
        1000,
        "USD",
    )
    assert (listed.destination, listed.metadata) == (account, {"payout_id": "7", "contract_id": "42"})
    assert await gateway.recent_transfers(since=datetime.now(UTC) + timedelta(minutes=1), limit=10) == []


async def test_an_unreachable_stripe_fails_quickly_and_may_be_retried() -> None:
    gateway = StripeGateway(
        secret_key=SECRET_KEY, webhook_secret="whsec_unused", api_base=f"http://127.0.0.1:{free_port()}", timeout=2
    )
    began = time.monotonic()

    with pytest.raises(PaymentFailed) as failed:
        await paid(gateway)

    assert failed.value.retryable is True and "did not answer" in failed.value.message
    assert time.monotonic() - began < 5


async def test_a_stripe_that_does_not_answer_times_out_and_may_be_retried() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        gateway = StripeGateway(
            secret_key=SECRET_KEY, webhook_secret="whsec_unused", api_base=f"http://127.0.0.1:{port}", timeout=0.5
        )
        began = time.monotonic()

        with pytest.raises(PaymentFailed) as failed:
            await gateway.payment_status(external_id="pi_1")

    assert failed.value.retryable is True
    assert time.monotonic() - began < 5
