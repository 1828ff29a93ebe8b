"""Money through Stripe end to end, and `make reconcile` (python -m jtbd_app.cli reconcile) on PostgreSQL against
a local Stripe: a contract paid in, completed and paid out with the real services agrees with the gateway, and each
place where the gateway and our books part ways is listed with what to do; doing it (replaying the event Stripe holds,
as from its dashboard) makes them agree again."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from jtbd_app import bootstrap, cli
from jtbd_app.api.app import create_api
from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.models import LedgerAccount, Payment, Payout, PayoutAccount
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import PaymentGateway
from tests.support.contracts import Deal, fund
from tests.support.database import database_env, use_database
from tests.support.localstripe_server import LocalStripe, stripe_signature
from tests.support.stripe_contracts import (
    a_contract_awaiting_funding,
    approve_and_onboard,
    complete_and_pay_out,
    confirm_as_stripe_js,
    fund_with_card,
    stripe_env,
)

EVENTS = "the Stripe dashboard (Developers > Events)"
RETRIES = "or run `make reconcile` again after the webhook retries"


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch, postgres_url: str, stripe_server: LocalStripe) -> Iterator[PaymentGateway]:
    """The app's own gateway: Stripe at the local server."""
    stripe_server.reset()
    with use_database(monkeypatch, stripe_env(postgres_url, stripe_server.url), create_tables=True):
        yield bootstrap.payment_gateway(get_settings())


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, postgres_url: str) -> Iterator[None]:
    env = database_env(postgres_url, STRIPE_SECRET_KEY="", STRIPE_API_BASE="")
    with use_database(monkeypatch, env, create_tables=True):
        yield


def paid_in_and_out(gateway: PaymentGateway) -> tuple[Deal, Payment, Payout]:
    deal = a_contract_awaiting_funding(price="100")
    payment = fund_with_card(deal, gateway)
    complete_and_pay_out(deal, gateway)
    with session_scope() as session:
        payout = session.exec(select(Payout).where(Payout.contract_id == deal.contract_id)).one()
    return deal, payment, payout


def run_reconcile(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    code = cli.main(["reconcile", *options])
    return code, capsys.readouterr().out


def replay(stripe_server: LocalStripe, kind: str) -> list[str]:
    """What an operator does from Stripe's dashboard: every `kind` event Stripe holds, signed and sent to the app's
    webhook route again (none reached it before: these tests register no webhook endpoint); each outcome."""
    outcomes = []
    with TestClient(create_api()) as client:
        for event in stripe_server.get("/v1/events", type=kind)["data"]:
            payload = json.dumps(event).encode()
            headers = {"Stripe-Signature": stripe_signature(payload), "Content-Type": "application/json"}
            answer = client.post("/api/stripe/webhook", content=payload, headers=headers)
            assert answer.status_code == 200, answer.text
            outcomes.append(answer.json()["outcome"])
    return outcomes


def the_payments(deal: Deal) -> list[Payment]:
    with session_scope() as session:
        return list(
            session.exec(select(Payment).where(Payment.contract_id == deal.contract_id).order_by(col(Payment.id)))
        )


def the_payout(deal: Deal) -> Payout:
    with session_scope() as session:
        return session.exec(select(Payout).where(Payout.contract_id == deal.contract_id)).one()


def paid_at_stripe(stripe_server: LocalStripe, amount_minor: int, metadata: dict[str, str]) -> dict[str, Any]:
    """A card payment made at Stripe without this app (its dashboard, another program)."""
    fields = {"amount": amount_minor, "currency": "usd", "payment_method": "pm_card_visa", "confirm": "true"}
    intent = stripe_server.post("/v1/payment_intents", fields | {f"metadata[{k}]": v for k, v in metadata.items()})
    assert intent["status"] == "succeeded"
    return intent


def made(obj: dict[str, Any]) -> str:
    return f"{datetime.fromtimestamp(obj['created'], UTC):%Y-%m-%d %H:%M} UTC"


def test_a_completed_contract_is_paid_out_as_a_transfer_from_its_charge(
    gateway: PaymentGateway, stripe_server: LocalStripe
) -> None:
    deal, payment, payout = paid_in_and_out(gateway)

    assert (payout.status, payout.gateway, payout.amount_minor) == ("paid", "stripe", 9000)
    transfer = stripe_server.get(f"/v1/transfers/{payout.external_id}")
    with Session(get_engine()) as session:
        account = session.get(PayoutAccount, deal.contractor.user_id)
    assert account is not None and account.payouts_enabled
    assert (transfer["destination"], transfer["source_transaction"], transfer["amount"]) == (
        account.external_id,
        payment.charge_id,
        9000,
    )
    assert transfer["transfer_group"] == f"contract:{deal.contract_id}"


def test_books_and_stripe_agree_after_a_contract_is_paid_in_and_out(
    gateway: PaymentGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    paid_in_and_out(gateway)

    code, out = run_reconcile(capsys)

    assert (code, out) == (0, "ledger and gateway agree\n")


def test_a_refund_made_at_stripe_behind_the_ledgers_back_is_listed(
    gateway: PaymentGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = a_contract_awaiting_funding(price="100")
    payment = fund_with_card(deal, gateway)
    assert payment.external_id is not None
    asyncio.run(gateway.refund(payment_external_id=payment.external_id, amount_minor=1500, idempotency_key="oops"))

    code, out = run_reconcile(capsys)

    assert code == 1
    assert "2 difference(s):" in out
    assert (
        f"- Payment {payment.id} ({payment.external_id}) of contract {deal.contract_id}: the gateway says succeeded, "
        "10000 received, 1500 refunded; we recorded succeeded for 10000, 0 refunded: a refund made at the gateway is "
        f"not booked: replay its charge.refunded event from {EVENTS} {RETRIES}.\n" in out
    )
    assert (
        f"- Contract {deal.contract_id}: the gateway took in 10000 and refunded 1500; the ledger booked 10000 in and "
        f"0 refunded: replay the payment's charge.refunded event from {EVENTS} {RETRIES}.\n" in out
    )


def test_a_payout_reversed_at_stripe_behind_the_ledgers_back_is_listed(
    gateway: PaymentGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    _deal, _payment, payout = paid_in_and_out(gateway)
    assert payout.external_id is not None
    asyncio.run(
        gateway.reverse_transfer(transfer_external_id=payout.external_id, amount_minor=9000, idempotency_key="oops")
    )

    code, out = run_reconcile(capsys)

    assert code == 1
    assert (
        f"- Payout {payout.id} ({payout.external_id}) to user {payout.user_id}: the gateway says reversed, 9000 sent, "
        "9000 reversed; we recorded paid for 9000, 0 reversed: a reversal made at the gateway is not booked: replay "
        f"its transfer.reversed event from {EVENTS} {RETRIES}; the member is then owed it again and it is sent anew.\n"
        in out
    )


def test_with_the_sandbox_only_the_ledger_is_checked(sandbox: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_reconcile(capsys)

    assert (code, out) == (0, "sandbox: ledger checks only\nledger and gateway agree\n")


def test_a_cached_balance_that_disagrees_with_its_postings_is_listed(
    sandbox: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with session_scope() as session:
        cash = journal.get_account(session, kind="platform_cash", currency="USD")
        due = journal.get_account(session, kind="refund_due", currency="USD")
        legs = [journal.Leg(cash, 300), journal.Leg(due, -300)]
        journal.post(session, idempotency_key="surplus:1", kind="surplus", currency="USD", legs=legs)
    with Session(get_engine()) as session:
        account = session.exec(select(LedgerAccount).where(LedgerAccount.kind == "refund_due")).one()
        account.balance_minor = 999
        session.add(account)
        session.commit()

    code, out = run_reconcile(capsys)

    assert code == 1
    assert (
        "- Account refund_due:USD: the stored balance is 999, its postings say 300: the postings are the record; ask a "
        "developer to set the stored balance from them and find what wrote it.\n" in out
    )


def test_a_payment_stripe_took_whose_webhook_never_came_is_listed_until_its_event_is_replayed(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = a_contract_awaiting_funding(price="100")
    assert fund(deal, gateway, card="").status == "requires_action"
    [payment] = the_payments(deal)
    confirm_as_stripe_js(stripe_server, stripe_server.get(f"/v1/payment_intents/{payment.external_id}"))

    code, out = run_reconcile(capsys)

    assert code == 1
    assert (
        f"- Payment {payment.id} ({payment.external_id}) of contract {deal.contract_id}: the gateway says succeeded, "
        "10000 received, 0 refunded; we recorded pending for 10000, 0 refunded: the gateway took a payment we never "
        "recorded as paid: check the webhook endpoint (Stripe dashboard > Developers > Webhooks) and replay its "
        f"payment_intent.succeeded event from {EVENTS} {RETRIES}.\n" in out
    )
    assert (
        f"- Contract {deal.contract_id}: the gateway took in 10000 and refunded 0; the ledger booked 0 in and 0 "
        f"refunded: replay the payment's payment_intent.succeeded event from {EVENTS}.\n" in out
    )
    assert replay(stripe_server, "payment_intent.succeeded") == ["funded"]
    assert run_reconcile(capsys) == (0, "ledger and gateway agree\n")


def test_a_payment_whose_gateway_id_we_never_stored_is_found_by_its_metadata_and_booked_by_its_event(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    """The process stopped between Stripe's answer and storing its id: the payment row has no gateway id."""
    deal = a_contract_awaiting_funding(price="100")
    contract = deal.load()
    with session_scope() as session:
        payment = Payment(
            contract_id=deal.contract_id,
            payer_id=deal.client.user_id,
            gateway="stripe",
            amount_minor=contract.amount_minor,
            currency=contract.currency,
        )
        session.add(payment)
        session.flush()
        payment_id = payment.id
    intent = paid_at_stripe(stripe_server, 10000, {"contract_id": str(deal.contract_id), "payment_id": str(payment_id)})

    code, out = run_reconcile(capsys)

    assert (code, out) == (
        1,
        "1 difference(s):\n"
        f"- Gateway payment {intent['id']} (succeeded, 10000 USD received, 0 refunded, made {made(intent)}) is our "
        f"payment {payment_id} of contract {deal.contract_id}, recorded pending without its gateway id: replay its "
        f"payment_intent.succeeded event from {EVENTS}; that links and books it.\n",
    )
    assert replay(stripe_server, "payment_intent.succeeded") == ["funded"]
    assert run_reconcile(capsys) == (0, "ledger and gateway agree\n")


def test_payments_at_stripe_that_we_have_no_record_of_are_listed(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = a_contract_awaiting_funding(price="100")
    theirs = paid_at_stripe(stripe_server, 5000, {})
    named = paid_at_stripe(stripe_server, 7000, {"contract_id": str(deal.contract_id), "payment_id": "999"})

    code, out = run_reconcile(capsys)

    assert code == 1
    assert "2 difference(s):" in out
    assert (
        f"- Gateway payment {theirs['id']} (succeeded, 5000 USD received, 0 refunded, made {made(theirs)}) was not "
        "made by this app (no contract in its metadata): check in the Stripe dashboard who made it, and refund it "
        "there if the platform should not keep it.\n" in out
    )
    assert (
        f"- Gateway payment {named['id']} (succeeded, 7000 USD received, 0 refunded, made {made(named)}) names "
        f"contract {deal.contract_id} and payment 999, which we have no record of: check whether another "
        "installation uses this Stripe account; if not, refund it from the Stripe dashboard.\n" in out
    )


def test_a_partial_refund_at_stripe_of_a_payment_going_back_is_listed_until_its_event_is_replayed(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two tabs paid one contract: the second payment is returning (owed back); Stripe's dashboard refunds part."""
    deal = a_contract_awaiting_funding(price="100")
    for _tab in range(2):
        fund(deal, gateway, card="")
    for payment in the_payments(deal):
        confirm_as_stripe_js(stripe_server, stripe_server.get(f"/v1/payment_intents/{payment.external_id}"))
    assert sorted(replay(stripe_server, "payment_intent.succeeded")) == [
        "funded",
        "payment not needed; refund scheduled",
    ]
    [returning] = [p for p in the_payments(deal) if p.status == "returning"]
    stripe_server.post("/v1/refunds", {"payment_intent": returning.external_id, "amount": 2500})

    code, out = run_reconcile(capsys)

    assert code == 1
    assert "2 difference(s):" in out
    assert (
        f"- Payment {returning.id} ({returning.external_id}) of contract {deal.contract_id}: the gateway says "
        "succeeded, 10000 received, 2500 refunded; we recorded returning for 10000, 0 refunded: a refund made at the "
        f"gateway is not booked: replay its charge.refunded event from {EVENTS} {RETRIES}.\n" in out
    )
    assert (
        f"- Contract {deal.contract_id}: the gateway took in 20000 and refunded 2500; the ledger booked 20000 in and "
        f"0 refunded: replay the payment's charge.refunded event from {EVENTS} {RETRIES}.\n" in out
    )
    assert replay(stripe_server, "charge.refunded") == ["part of a surplus payment returned"]
    assert run_reconcile(capsys) == (0, "ledger and gateway agree\n")


def test_a_pending_payout_whose_transfer_stripe_made_is_listed_until_its_event_is_replayed(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    """The payout job's transfer went through at Stripe but its answer never came back (the process stopped)."""
    deal = a_contract_awaiting_funding(price="100")
    payment = fund_with_card(deal, gateway)
    approve_and_onboard(deal, gateway)
    payout = the_payout(deal)
    with session_scope() as session:
        account = session.get(PayoutAccount, deal.contractor.user_id)
        assert account is not None and payout.status == "pending"
        destination = account.external_id
    made_there = asyncio.run(
        gateway.transfer(
            destination=destination,
            amount_minor=payout.amount_minor,
            currency=payout.currency,
            idempotency_key=payout.idempotency_key,
            transfer_group=f"contract:{deal.contract_id}",
            source_charge_id=payment.charge_id,
            metadata={"payout_id": str(payout.id), "contract_id": str(deal.contract_id)},
        )
    )
    transfer = stripe_server.get(f"/v1/transfers/{made_there.external_id}")

    code, out = run_reconcile(capsys)

    assert (code, out) == (
        1,
        "1 difference(s):\n"
        f"- Transfer {transfer['id']} (9000 USD to {destination}, 0 reversed, made {made(transfer)}) pays our payout "
        f"{payout.id} to user {payout.user_id}, which we hold as pending for 9000: replay its transfer.created event "
        f"from {EVENTS} so it is booked as paid out; do not send the payout again.\n",
    )
    assert replay(stripe_server, "transfer.created") == ["paid out"]
    assert run_reconcile(capsys) == (0, "ledger and gateway agree\n")


def test_a_partial_reversal_at_stripe_of_a_paid_payout_is_listed_until_its_event_is_replayed(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    _deal, _payment, payout = paid_in_and_out(gateway)
    stripe_server.post(f"/v1/transfers/{payout.external_id}/reversals", {"amount": 3000})

    code, out = run_reconcile(capsys)

    name = f"Payout {payout.id} ({payout.external_id}) to user {payout.user_id}"
    assert (code, out) == (
        1,
        "2 difference(s):\n"
        f"- {name}: the gateway says partially_reversed, 9000 sent, 3000 reversed; we recorded paid for 9000, 0 "
        f"reversed: a reversal made at the gateway is not booked: replay its transfer.reversed event from {EVENTS} "
        f"{RETRIES}; the member is then owed it again and it is sent anew.\n"
        f"- {name}: the gateway sent 9000 and took back 3000; the ledger paid out 9000 and took back 0: replay the "
        f"transfer's transfer.reversed event from {EVENTS} {RETRIES}.\n",
    )
    assert replay(stripe_server, "transfer.reversed") == ["reversed: owed to the member again"]
    assert run_reconcile(capsys) == (0, "ledger and gateway agree\n")


def test_payments_and_payouts_older_than_the_gateways_lists_are_read_one_by_one(
    gateway: PaymentGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    deal, payment, payout = paid_in_and_out(gateway)
    stripe_server.post("/v1/refunds", {"payment_intent": payment.external_id, "amount": 1500})
    stripe_server.post(f"/v1/transfers/{payout.external_id}/reversals", {"amount": 2000})
    time.sleep(1.1)  # Stripe's times are whole seconds: the lists below hold nothing of this

    code, out = run_reconcile(capsys, "--days", "0")

    assert code == 1
    assert "4 difference(s):" in out
    assert (
        f"- Payment {payment.id} ({payment.external_id}) of contract {deal.contract_id}: the gateway says succeeded, "
        "10000 received, 1500 refunded; we recorded succeeded for 10000, 0 refunded: a refund made at the gateway is "
        f"not booked: replay its charge.refunded event from {EVENTS} {RETRIES}.\n" in out
    )
    assert (
        f"- Payout {payout.id} ({payout.external_id}) to user {payout.user_id}: the gateway says partially_reversed, "
        "9000 sent, 2000 reversed; we recorded paid for 9000, 0 reversed: a reversal made at the gateway is not "
        f"booked: replay its transfer.reversed event from {EVENTS} {RETRIES}; the member is then owed it again and it "
        "is sent anew.\n" in out
    )
