"""Faults: Stripe (localstripe behind a proxy that loses answers or refuses connections) times out or is away.

Stripe may act and its answer be lost: a payment, a refund or a transfer is then asked again with the same
idempotency key, and Stripe's replay is taken as the answer, so nothing is charged, refunded or paid twice. A member
whose payment got no answer is told it may have gone through (not that nothing was charged); Stripe's report then
funds the contract. After each, the books balance and each escrow holds what its contract says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from jtbd_app.adapters.payments_stripe import UNREACHABLE, StripeGateway
from jtbd_app.db import get_engine
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import ScheduledJob, utcnow
from jtbd_app.services.contracts.funding import UNANSWERED
from tests.support.contracts import run_jobs
from tests.support.faults import books, deliver_intent_event, intents, paid_and_refunded, payments
from tests.support.faulty_proxy import FaultyProxy
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.support.stripe_contracts import a_contract_awaiting_funding, approve_and_onboard, fund_with_card, stripe_env

PRICE = 10_000
PAYEE = 9_000  # the price less the 10% fee


@pytest.fixture
def database_settings(postgres_url: str, stripe_server: LocalStripe) -> dict[str, str]:
    stripe_server.reset()
    return stripe_env(postgres_url, stripe_server.url)


@pytest.fixture
def proxy(stripe_server: LocalStripe) -> Iterator[FaultyProxy]:
    with FaultyProxy(stripe_server.url, held_for=3) as faulty:
        yield faulty


@pytest.fixture
def gateway(proxy: FaultyProxy) -> StripeGateway:
    """The app's Stripe adapter, through the proxy, giving up on an answer after a second (the SDK asks twice)."""
    return StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=proxy.url, timeout=1)


@pytest.mark.usefixtures("database")
def test_a_lost_answer_to_a_payment_is_asked_again_and_stripes_replay_funds_the_contract_once(
    proxy: FaultyProxy, gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    proxy.lose_answers("/v1/payment_intents", count=1)

    payment = fund_with_card(deal, gateway)

    assert [answered for _method, path, answered in proxy.seen if path == "/v1/payment_intents"] == [False, True]
    (intent,) = intents(stripe_server)
    assert (payment.status, payment.external_id, deal.load().status) == ("succeeded", intent["id"], "funded")
    assert paid_and_refunded(stripe_server, intent["id"]) == (PRICE, 0)
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE


@pytest.mark.usefixtures("database")
def test_a_payment_stripe_took_without_ever_answering_is_said_to_be_possibly_made_and_its_report_funds_it(
    proxy: FaultyProxy, gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    proxy.lose_answers("/v1/payment_intents", count=2)

    with pytest.raises(ValidationFailed) as failed:
        fund_with_card(deal, gateway)

    assert failed.value.fields == {"card": f"{UNREACHABLE} {UNANSWERED}"}
    assert "Nothing was charged" not in str(failed.value)  # Stripe did charge: that would be untrue
    (intent,) = intents(stripe_server)
    assert [(p.status, p.external_id) for p in payments()] == [("failed", None)]
    assert deliver_intent_event(stripe_server, intent["id"]) == "funded"  # Stripe's report, when it comes
    assert [(p.status, p.external_id) for p in payments()] == [("succeeded", intent["id"])]
    assert deal.load().status == "funded"
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE


@pytest.mark.usefixtures("database")
def test_paying_again_after_a_lost_answer_asks_about_the_same_payment_and_is_charged_once(
    proxy: FaultyProxy, gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    """Stripe took the payment and both answers were lost; the member, told it may have gone through, pays again
    before Stripe's report comes: the same idempotency key gets Stripe's first answer, and no second charge."""
    deal = a_contract_awaiting_funding()
    proxy.lose_answers("/v1/payment_intents", count=2)
    with pytest.raises(ValidationFailed):
        fund_with_card(deal, gateway)
    (lost,) = payments()
    assert (lost.status, lost.answer_lost) == ("failed", True)

    again = fund_with_card(deal, gateway)

    (intent,) = intents(stripe_server)
    assert (again.id, again.status, again.external_id, again.answer_lost) == (lost.id, "succeeded", intent["id"], False)
    assert deal.load().status == "funded"
    assert paid_and_refunded(stripe_server, intent["id"]) == (PRICE, 0)
    assert deliver_intent_event(stripe_server, intent["id"]) == "already recorded"  # its report, later
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE


@pytest.mark.usefixtures("database")
def test_while_stripe_is_away_a_payment_fails_with_a_message_and_succeeds_once_it_is_back(
    proxy: FaultyProxy, gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    proxy.down()

    with pytest.raises(ValidationFailed) as failed:
        fund_with_card(deal, gateway)
    proxy.up()
    retried = fund_with_card(deal, gateway)

    assert failed.value.fields == {"card": f"{UNREACHABLE} {UNANSWERED}"}
    assert [p.status for p in payments()] == ["succeeded"]  # the same payment, asked again under its own key
    (intent,) = intents(stripe_server)  # the first attempt never reached Stripe
    assert (retried.external_id, deal.load().status) == (intent["id"], "funded")
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE


@pytest.mark.usefixtures("database")
def test_a_payout_whose_transfer_answer_was_lost_is_retried_by_the_scheduler_and_paid_once(
    proxy: FaultyProxy, gateway: StripeGateway, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    fund_with_card(deal, gateway)
    approve_and_onboard(deal, gateway)
    proxy.lose_answers("/v1/transfers", count=4)  # every answer of this round (two jobs for it, two tries each)

    run_jobs(gateway)  # Stripe makes the transfer; the answers are lost: the jobs are retried later
    assert [t["amount"] for t in stripe_server.get("/v1/transfers")["data"]] == [PAYEE]
    assert set(payout_jobs()) == {("pending", f"PaymentFailed: {UNREACHABLE}")}
    assert [p.status for p in books().payouts] == ["pending"]
    run_jobs(gateway, now=utcnow() + timedelta(hours=1))  # the retries get Stripe's replay

    assert set(payout_jobs()) == {("done", "")}

    assert [t["amount"] for t in stripe_server.get("/v1/transfers")["data"]] == [PAYEE]  # paid once
    read = books()
    assert [(p.status, p.amount_minor) for p in read.payouts] == [("paid", PAYEE)]
    assert read.held(deal.contract_id) == 0 and read.cash("USD") == PRICE - PAYEE


def payout_jobs() -> list[tuple[str, str]]:
    """The send_payout jobs' (status, last error): one from the approval, one from the onboarding that enabled
    payouts."""
    with Session(get_engine()) as session:
        jobs = session.exec(select(ScheduledJob).where(col(ScheduledJob.kind) == "send_payout")).all()
        return [(job.status, job.last_error) for job in jobs]
