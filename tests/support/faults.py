"""Shared by the fault tests (tests/integration/test_faults_*.py): a Stripe gateway with a fault after one of its
calls, Stripe's delivery of what it holds through our signed webhook route, and one read of the books with the
money property checks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.api.app import create_api
from jtbd_app.db import get_engine
from jtbd_app.models import Payment
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, LocalStripe, stripe_signature
from tests.support.money_machine import Books, check_escrows, check_ledger


class FaultAfter:
    """The real Stripe adapter; right after Stripe has done `call` ("start_payment", "refund": its answer is in),
    `fault()` runs, e.g. the database stops, before the app can record the answer. Once."""

    name = "stripe"

    def __init__(self, gateway: StripeGateway, call: str, fault: Callable[[], None]) -> None:
        self._gateway, self._call, self._fault = gateway, call, fault
        self.test_money = gateway.test_money

    def __getattr__(self, name: str) -> Any:
        done = getattr(self._gateway, name)
        if name != self._call:
            return done

        async def then_fault(**kwargs: Any) -> Any:
            answer = await done(**kwargs)
            self._fault()
            return answer

        return then_fault


def paid_and_refunded(stripe: LocalStripe, intent_id: str) -> tuple[int, int]:
    """What Stripe took and gave back of the PaymentIntent, as the adapter reads it."""
    gateway = StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe.url)
    _status, received, refunded = asyncio.run(gateway.payment_status(external_id=intent_id))
    return received, refunded


def intents(stripe: LocalStripe) -> list[dict[str, Any]]:
    """Every PaymentIntent localstripe holds, in the order of our payments they were for."""
    listed: list[dict[str, Any]] = stripe.get("/v1/payment_intents", limit=100)["data"]
    return sorted(listed, key=lambda intent: int(intent["metadata"].get("payment_id", 0)))


def deliver_intent_event(stripe: LocalStripe, intent_id: str, kind: str = "payment_intent.succeeded") -> str:
    """Stripe's delivery of the event about the PaymentIntent as Stripe holds it, signed, through our webhook route
    (as Stripe retries an event until it is answered); returns the outcome recorded."""
    intent = stripe.get(f"/v1/payment_intents/{intent_id}")
    body = json.dumps({"id": f"evt_{intent_id}_{kind}", "object": "event", "type": kind, "data": {"object": intent}})
    with TestClient(create_api()) as client:
        answer = client.post(
            "/api/stripe/webhook",
            content=body.encode(),
            headers={"Stripe-Signature": stripe_signature(body.encode()), "Content-Type": "application/json"},
        )
    assert answer.status_code == 200, answer.text
    outcome: str = answer.json().get("outcome", "")
    return outcome


def payments() -> list[Payment]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Payment).order_by(Payment.id)).all())  # type: ignore[arg-type]


def books() -> Books:
    """The books as one read, after `check_ledger` (every entry balances, no account below zero, cached balances
    true) and `check_escrows` (released at most once, and exactly when completed; held exactly while funded).

    One snapshot: the app may commit while the books are read (a test polls them while the scheduler works), and
    PostgreSQL's default READ COMMITTED gives each query its own, so a release's contract could be read after its
    commit and its ledger entries before it. (SQLite's read transaction is one snapshot already.)"""
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")  # type: ignore[assignment]
    with Session(engine) as session:
        read = Books.read(session)
    check_ledger(read)
    check_escrows(read)
    return read
