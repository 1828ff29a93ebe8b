"""The contract page's card payment against localstripe, on PostgreSQL: the client's client secret goes to the
page's script and nowhere else, and a payment Stripe confirmed funds nothing on the browser's word; Stripe's
signed webhook funds it, and the page's watcher then says so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.db import session_scope
from jtbd_app.models import JournalEntry, Payment
from jtbd_app.services.accounts import sign_in
from jtbd_app.state import card_payment
from jtbd_app.state.contracts import ContractState
from tests.support.contracts import Deal
from tests.support.handlers import call, state_for
from tests.support.localstripe_server import LocalStripe, run_localstripe, stripe_signature
from tests.support.stripe_contracts import a_contract_awaiting_funding, confirm_as_stripe_js, stripe_env


@pytest.fixture
def local_stripe(tmp_path: Path) -> Iterator[LocalStripe]:
    with run_localstripe(tmp_path / "stripe") as server:
        yield server


@pytest.fixture
def database_settings(postgres_url: str, local_stripe: LocalStripe) -> dict[str, str]:
    """`database` with Stripe on, at the local server."""
    return stripe_env(postgres_url, local_stripe.url)


def client_page(deal: Deal) -> Any:
    with session_scope() as session:
        token = sign_in.open_session(
            session, user_id=deal.client.user_id, ip="127.0.0.1", user_agent="pytest", session_days=1
        )
    state = state_for(ContractState, token=token, path=f"/contracts/{deal.contract_id}")
    call(state, "load_contract")
    return state


def the_payment(deal: Deal) -> Payment:
    with session_scope() as session:
        return session.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).one()


def test_the_client_secret_goes_to_the_pages_script_and_into_no_var(database: str, local_stripe: LocalStripe) -> None:
    deal = a_contract_awaiting_funding()
    state = client_page(deal)
    assert state.is_stripe

    steps = call(state, "pay_with_card")

    intent = local_stripe.get(f"/v1/payment_intents/{the_payment(deal).external_id}")
    assert intent["status"] == "requires_payment_method" and intent["metadata"]["contract_id"] == str(deal.contract_id)
    assert steps[0] is None and len(steps) == 2, "progress first, then the script"
    assert intent["client_secret"] in str(steps[1].args)
    assert intent["client_secret"] not in json.dumps(state.dict(), default=repr)
    assert state.progress == card_payment.PROCESSING and deal.load().status == "awaiting_funding"


def test_confirmed_at_stripe_the_escrow_waits_for_the_signed_webhook(database: str, local_stripe: LocalStripe) -> None:
    deal = a_contract_awaiting_funding()
    state = client_page(deal)
    call(state, "pay_with_card")
    intent = local_stripe.get(f"/v1/payment_intents/{the_payment(deal).external_id}")
    confirm_as_stripe_js(local_stripe, intent)  # no webhook endpoint is registered: nothing is delivered

    call(state, "card_payment_result", {"status": "succeeded"})

    assert state.progress == card_payment.WAITING and deal.load().status == "awaiting_funding"
    paid = local_stripe.get(f"/v1/payment_intents/{intent['id']}")
    event = {"id": "evt_card_1", "object": "event", "type": "payment_intent.succeeded", "data": {"object": paid}}
    body = json.dumps(event).encode()
    with TestClient(create_api()) as app:
        answer = app.post("/api/stripe/webhook", content=body, headers={"Stripe-Signature": stripe_signature(body)})
    assert answer.json()["outcome"] == "funded"

    call(state, "watch_funding")

    assert state.notice == card_payment.FUNDED and state.progress == "" and state.detail.status == "funded"
    with session_scope() as session:
        assert [e.kind for e in session.exec(select(JournalEntry)).all()] == ["fund"]
