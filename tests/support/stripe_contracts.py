"""Contracts paid through the Stripe adapter against localstripe, with the real services: for integration tests
(which have no `make_user` fixture) on a database the settings point at."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import Payment
from jtbd_app.services.accounts import terms
from jtbd_app.services.contracts import payouts
from jtbd_app.services.ports import PaymentGateway
from tests.support.contracts import Deal, agreed_contract, approve, deliver, fund, run_jobs
from tests.support.database import database_env
from tests.support.localstripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.support.members import sign_up

VISA = "4242 4242 4242 4242"


def stripe_env(database_url: str, api_base: str = "") -> dict[str, str]:
    """Settings for the app with Stripe (at `api_base`, a localstripe) on the given database."""
    return database_env(
        database_url,
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=api_base,
    )


@contextlib.contextmanager
def stripe_mode(api_base: str = "http://127.0.0.1:9") -> Iterator[None]:
    """The app's settings with Stripe on, for handler tests in the unit tier. Nothing answers on port 9: a test
    that reaches Stripe there gets the adapter's "did not answer" error."""
    settings = {k: v for k, v in stripe_env("sqlite://", api_base).items() if k.startswith("STRIPE_")}
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in settings.items():
                patch.setenv(name, value)
            get_settings.cache_clear()
            yield
    finally:
        get_settings.cache_clear()


def a_contract_awaiting_funding(price: str = "100") -> Deal:
    """Carol hired Ken and both accepted the terms (members signed up through the real service)."""
    with session_scope() as session:
        if terms.current_terms(session) is None:
            terms.publish_terms(session, title="Terms", body="Be nice.")
    members = []
    for name in ("carol", "ken"):
        with session_scope() as session:
            members.append(sign_up(session, name))
    return agreed_contract(*members, price=price)


def pending_stripe_payment(deal: Deal, external_id: str = "pi_1") -> int:
    """The client started paying with Stripe: the pending payment `fund_contract` leaves while the browser confirms
    the PaymentIntent `external_id`, for the webhook to settle; returns its amount."""
    contract = deal.load()
    with session_scope() as session:
        session.add(
            Payment(
                contract_id=deal.contract_id,
                payer_id=deal.client.user_id,
                gateway="stripe",
                amount_minor=contract.amount_minor,
                currency=contract.currency,
                external_id=external_id,
            )
        )
    return contract.amount_minor


def fund_with_card(deal: Deal, gateway: PaymentGateway, card: str = VISA) -> Payment:
    """The client pays with a test card (confirmed on the server); returns the payment that funded the escrow."""
    outcome = fund(deal, gateway, card)
    with session_scope() as session:
        payment = session.get(Payment, outcome.payment_id)
        assert payment is not None
        return payment


def confirm_as_stripe_js(stripe: LocalStripe, intent: dict[str, Any], card: str = "4242424242424242") -> None:
    """What Stripe.js does with the typed card: a PaymentMethod, then the confirmation, with the publishable key."""
    typed = {"number": card, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    method = stripe.post_as_browser("/v1/payment_methods", {"key": PUBLISHABLE_KEY, "type": "card", "card": typed})
    answer = stripe.post_as_browser(
        f"/v1/payment_intents/{intent['id']}/_confirm_with_card",
        {"key": PUBLISHABLE_KEY, "client_secret": intent["client_secret"], "payment_method": method["id"]},
    )
    assert answer["status"] == "succeeded"


def complete_and_pay_out(deal: Deal, gateway: PaymentGateway) -> None:
    """Delivered, approved, the contractor onboarded through the account link, and the payout job run."""
    approve_and_onboard(deal, gateway)
    run_jobs(gateway)


def approve_and_onboard(deal: Deal, gateway: PaymentGateway) -> None:
    """Delivered, approved (the payout is queued) and the contractor onboarded; the payout job has not run yet."""
    deliver(deal)
    approve(deal)
    link = asyncio.run(
        payouts.start_onboarding(
            session_factory=session_scope,
            gateway=gateway,
            viewer=deal.contractor,
            refresh_url="http://app.test/wallet?again=1",
            return_url="http://app.test/wallet",
        )
    )
    assert httpx.get(link, follow_redirects=False).status_code == 302  # localstripe's stand-in for Stripe's form
    asyncio.run(payouts.refresh_account_status(session_factory=session_scope, gateway=gateway, viewer=deal.contractor))
