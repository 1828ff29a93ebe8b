"""POST /api/stripe/webhook on PostgreSQL: verified before anything is read, each event processed once, and the
event row committed with its effect or not at all. Last, a payment confirmed at localstripe funds a contract
through localstripe's own signed delivery to the running app."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.testclient import TestClient

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.api.app import create_api
from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import NotFound
from jtbd_app.models import Contract, JournalEntry, Payment, WebhookEvent
from jtbd_app.services.contracts import funding, payment_events, webhooks
from jtbd_app.services.ports import GatewayEvent
from tests.support.api_server import serve_api
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, run_localstripe, stripe_signature
from tests.support.stripe_contracts import a_contract_awaiting_funding, pending_stripe_payment, stripe_env

ROUTE = "/api/stripe/webhook"


@pytest.fixture
def database_settings(postgres_url: str) -> dict[str, str]:
    """`database` with Stripe's settings (each test that calls Stripe starts its own localstripe)."""
    return stripe_env(postgres_url)


@pytest.fixture
def client(database: str) -> Iterator[TestClient]:
    with TestClient(create_api()) as test_client:
        yield test_client


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A stand-in for payment_intent.succeeded that records what it was given: for the mechanics of processing
    (crashes, refusals, races); the real handlers are exercised by the funding tests below."""
    seen: list[str] = []

    def handle(_session: Session, event: GatewayEvent) -> str:
        seen.append(event.id)
        return f"funded from {event.object_id}"

    monkeypatch.setitem(payment_events.HANDLERS, "payment_intent.succeeded", handle)
    return seen


def body(event_id: str = "evt_1", kind: str = "payment_intent.succeeded") -> bytes:
    obj = {"id": "pi_1", "object": "payment_intent", "amount": 5000, "currency": "usd", "metadata": {}}
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}).encode()


def intent_succeeded(event_id: str, intent_id: str, amount_minor: int) -> bytes:
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount_minor,
        "amount_received": amount_minor,
        "currency": "usd",
        "status": "succeeded",
        "latest_charge": "ch_1",
    }
    event = {"id": event_id, "object": "event", "type": "payment_intent.succeeded", "data": {"object": intent}}
    return json.dumps(event).encode()


def deliver(client: TestClient, payload: bytes, signature: str | None = None) -> Any:
    header = stripe_signature(payload) if signature is None else signature
    return client.post(ROUTE, content=payload, headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def stored() -> list[tuple[str, str, str, str]]:
    with Session(get_engine()) as session:
        rows = session.exec(select(WebhookEvent).order_by(col(WebhookEvent.id))).all()
        return [(r.id, r.gateway, r.type, r.outcome) for r in rows]


def test_a_signed_event_is_processed_and_recorded_with_its_outcome(client: TestClient, handled: list[str]) -> None:
    response = deliver(client, body())

    assert (response.status_code, response.json()["outcome"]) == (200, "funded from pi_1")
    assert stored() == [("evt_1", "stripe", "payment_intent.succeeded", "funded from pi_1")]


def test_a_bad_or_missing_signature_is_refused_and_nothing_is_recorded(client: TestClient, handled: list[str]) -> None:
    payload = body()

    refused = [
        deliver(client, payload, stripe_signature(payload, "whsec_not_ours")).status_code,
        deliver(client, payload, "").status_code,
        deliver(client, payload, stripe_signature(payload, at=int(time.time()) - 3600)).status_code,
    ]

    assert refused == [400, 400, 400]
    assert (stored(), handled) == ([], [])


def test_the_same_payment_event_delivered_twice_funds_the_contract_once(client: TestClient) -> None:
    deal = a_contract_awaiting_funding()
    amount = pending_stripe_payment(deal, "pi_1")
    payload = intent_succeeded("evt_1", "pi_1", amount)

    outcomes = [deliver(client, payload).json()["outcome"] for _ in range(2)]

    assert outcomes == ["funded", "duplicate"]
    assert deal.load().status == "funded"
    with Session(get_engine()) as session:
        funds = session.exec(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "fund")).one()
    assert funds == 1


def test_an_event_kind_without_a_handler_is_recorded_as_ignored(client: TestClient) -> None:
    response = deliver(client, body(kind="customer.created"))

    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")
    assert stored() == [("evt_1", "stripe", "customer.created", "ignored")]


def test_a_handler_crash_stores_nothing_and_the_retry_processes_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, handled: list[str]
) -> None:
    working = payment_events.HANDLERS["payment_intent.succeeded"]

    def crash(session: Session, event: GatewayEvent) -> str:
        session.add(WebhookEvent(id="evt_side_effect", gateway="stripe", type="x"))
        session.flush()
        raise RuntimeError("the database went away")

    monkeypatch.setitem(payment_events.HANDLERS, "payment_intent.succeeded", crash)
    first = deliver(client, body())
    monkeypatch.setitem(payment_events.HANDLERS, "payment_intent.succeeded", working)
    retry = deliver(client, body())

    assert first.status_code == 500
    assert (retry.status_code, retry.json()["outcome"]) == (200, "funded from pi_1")
    assert [row[0] for row in stored()] == ["evt_1"]


def test_an_event_that_does_not_apply_is_recorded_without_the_handlers_changes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_ours(session: Session, event: GatewayEvent) -> str:
        session.add(WebhookEvent(id="evt_side_effect", gateway="stripe", type="x"))
        session.flush()
        raise NotFound(f"No payment of ours is {event.object_id}.")

    monkeypatch.setitem(payment_events.HANDLERS, "payment_intent.succeeded", not_ours)

    response = deliver(client, body())

    assert response.status_code == 200
    assert stored() == [("evt_1", "stripe", "payment_intent.succeeded", "not applied: No payment of ours is pi_1.")]


def test_two_deliveries_at_once_are_processed_once(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def slow(_session: Session, event: GatewayEvent) -> str:
        calls.append(event.id)
        time.sleep(0.5)  # the second delivery arrives while the first is still inside its transaction
        return "funded"

    monkeypatch.setitem(payment_events.HANDLERS, "payment_intent.succeeded", slow)
    event = GatewayEvent(id="evt_1", kind="payment_intent.succeeded", object_id="pi_1")
    outcomes: list[str] = []

    def deliver_once() -> None:
        with session_scope() as session:
            outcomes.append(webhooks.process_event(session, gateway_name="stripe", event=event))

    threads = [threading.Thread(target=deliver_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["duplicate", "funded"] and calls == ["evt_1"]


def test_without_stripe_configured_the_route_is_not_there(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "")
    get_settings.cache_clear()

    assert deliver(client, body()).status_code == 404
    assert stored() == []


def test_a_payment_confirmed_at_stripe_funds_the_contract_through_the_signed_webhook(
    database: str, tmp_path: Path
) -> None:
    deal = a_contract_awaiting_funding()
    with run_localstripe(tmp_path / "stripe") as stripe_server, serve_api(tmp_path, stripe_env(database)) as app_url:
        stripe_server.send_webhooks_to(f"{app_url}{ROUTE}", WEBHOOK_SECRET)
        gateway = StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe_server.url)
        outcome = asyncio.run(
            funding.fund_contract(
                session_factory=session_scope, gateway=gateway, viewer=deal.client, contract_id=deal.contract_id
            )
        )
        with Session(get_engine()) as session:
            payment = session.get(Payment, outcome.payment_id)
            assert payment is not None and payment.external_id is not None
            intent = payment.external_id

        # the browser confirms with Stripe.js and the client secret; localstripe is told the card directly
        stripe_server.post(f"/v1/payment_intents/{intent}", {"payment_method": "pm_card_visa"})
        stripe_server.post(f"/v1/payment_intents/{intent}/confirm", {})

        row = wait_for_event(get_engine(), "payment_intent.succeeded", timeout=15)
    assert (outcome.status, row.gateway, row.outcome) == ("requires_action", "stripe", "funded")
    assert deal.load().status == "funded"
    with Session(get_engine()) as session:
        assert session.exec(select(Payment.status).where(col(Payment.id) == outcome.payment_id)).one() == "succeeded"
        assert session.exec(select(Contract.gateway).where(col(Contract.id) == deal.contract_id)).one() == "stripe"


def wait_for_event(engine: Engine, kind: str, timeout: float) -> WebhookEvent:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            row = session.exec(select(WebhookEvent).where(WebhookEvent.type == kind)).first()
            if row is not None:
                return row
        time.sleep(0.2)
    raise AssertionError(f"No {kind} event reached the app within {timeout} s")
