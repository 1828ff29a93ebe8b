"""Faults: PostgreSQL stops mid-run (a private server of the test's own, stopped as by a crash) and starts again.

While a member funds: Stripe has taken the card, and the database goes before the app can record it. The member is
told plainly; when the database is back, Stripe's report funds the contract once, and a payment made again in the
meantime is refunded. While an administrator decides a frozen contract: Stripe refunds the client's part and the
database goes before the split is booked; the decision made again once the database is back finishes it without a
second refund. After each, the books balance and each escrow holds what its contract says. Under the running app
(several workers on Redis): a member's event while the database is away is answered with what happened and what to
do, and once it is back the same app, not restarted, stores the task again asked for, once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract
from jtbd_app.services.contracts import resolution
from jtbd_app.services.outages import DATABASE_AWAY, outage_message
from jtbd_app.services.viewer import Viewer
from tests.support.app_server import start_app, stop_app
from tests.support.contracts import Deal, deliver, run_jobs
from tests.support.database import database_env, use_database
from tests.support.faults import FaultAfter, books, deliver_intent_event, intents, paid_and_refunded, payments
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.support.members import make_user
from tests.support.private_services import PrivatePostgres, private_postgres
from tests.support.reflex_client import ReflexClient
from tests.support.stripe_contracts import VISA, a_contract_awaiting_funding, fund_with_card, stripe_env
from tests.support.todo_tab import ADDED, add_task, cookie_of, tasks_titled
from tests.support.viewers import viewer_of

PRICE = 10_000


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server


@pytest.fixture
def app_on_private_postgres(
    postgres: PrivatePostgres, stripe_server: LocalStripe, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The app's settings on a fresh database of the private server, with Stripe at localstripe (emptied)."""
    stripe_server.reset()
    url = new_database(postgres)
    with use_database(monkeypatch, stripe_env(url, stripe_server.url), create_tables=True):
        yield url


def new_database(postgres: PrivatePostgres) -> str:
    if not postgres.running:
        postgres.start()
    name = f"faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return postgres.url.rsplit("/", 1)[0] + f"/{name}"


def stripe_gateway(stripe_server: LocalStripe) -> StripeGateway:
    return StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe_server.url, timeout=5)


def funding_while_the_database_stops(deal: Deal, postgres: PrivatePostgres, stripe_server: LocalStripe) -> str:
    """The client pays with a card; Stripe takes it and the database stops before the answer is recorded. Returns
    what the member is told."""
    gateway = FaultAfter(stripe_gateway(stripe_server), "start_payment", postgres.stop)
    with pytest.raises(OperationalError) as lost:
        fund_with_card(deal, gateway)  # type: ignore[arg-type]
    postgres.start()
    return outage_message(lost.value)


@pytest.mark.usefixtures("app_on_private_postgres")
def test_a_payment_taken_while_the_database_stopped_funds_the_contract_once_when_stripe_reports_it(
    postgres: PrivatePostgres, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()

    told = funding_while_the_database_stops(deal, postgres, stripe_server)

    assert told == DATABASE_AWAY and "not have been saved" in told and "never charged twice" in told
    (intent,) = intents(stripe_server)
    assert intent["status"] == "succeeded"  # Stripe has the money; our payment row has no answer yet
    assert [(p.status, p.external_id) for p in payments()] == [("pending", None)]
    assert deal.load().status == "awaiting_funding"

    assert deliver_intent_event(stripe_server, intent["id"]) == "funded"  # Stripe's delivery, retried till answered

    assert deal.load().status == "funded"
    assert [(p.status, p.external_id) for p in payments()] == [("succeeded", intent["id"])]
    with pytest.raises(ValidationFailed) as again:
        fund_with_card(deal, stripe_gateway(stripe_server))
    assert again.value.fields == {"form": "This contract is not waiting for funding."}
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE
    assert len(intents(stripe_server)) == 1  # the refused retry charged nothing


@pytest.mark.usefixtures("app_on_private_postgres")
def test_paying_again_after_the_database_came_back_funds_the_contract_and_the_first_payment_is_refunded(
    postgres: PrivatePostgres, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    funding_while_the_database_stops(deal, postgres, stripe_server)

    retried = fund_with_card(deal, stripe_gateway(stripe_server), VISA)  # the member tried again at once
    first, second = intents(stripe_server)
    outcome = deliver_intent_event(stripe_server, first["id"])  # then Stripe's report of the first payment
    run_jobs(stripe_gateway(stripe_server))  # the scheduler returns it

    assert (retried.status, retried.external_id, deal.load().status) == ("succeeded", second["id"], "funded")
    assert outcome == "payment not needed; refund scheduled"
    assert paid_and_refunded(stripe_server, first["id"]) == (PRICE, PRICE)
    assert paid_and_refunded(stripe_server, second["id"]) == (PRICE, 0)
    assert sorted((p.status, p.external_id) for p in payments()) == [
        ("returned", first["id"]),
        ("succeeded", second["id"]),
    ]
    read = books()
    assert read.held(deal.contract_id) == PRICE and read.cash("USD") == PRICE  # one payment kept, one given back


@pytest.mark.usefixtures("app_on_private_postgres")
def test_a_decision_whose_refund_stripe_made_as_the_database_stopped_is_finished_once_when_made_again(
    postgres: PrivatePostgres, stripe_server: LocalStripe
) -> None:
    deal = a_contract_awaiting_funding()
    gateway = stripe_gateway(stripe_server)
    payment = fund_with_card(deal, gateway)
    deliver(deal)
    admin = viewer_of(make_user("ada", role="admin"))
    freeze(deal)
    assert payment.external_id is not None

    with pytest.raises(OperationalError) as lost:  # Stripe refunds the client's half; the database goes
        decide_half(deal, admin, FaultAfter(gateway, "refund", postgres.stop))
    told = outage_message(lost.value)
    postgres.start()

    assert told == DATABASE_AWAY
    assert deal.load().status == "delivered" and deal.load().release_frozen  # nothing recorded yet
    assert paid_and_refunded(stripe_server, payment.external_id) == (PRICE, PRICE // 2)
    assert decide_half(deal, admin, gateway) == "split between the parties"  # the administrator runs it again
    with pytest.raises(ValidationFailed) as twice:
        decide_half(deal, admin, gateway)
    assert twice.value.fields == {"form": "This contract was decided already."}
    assert deal.load().status == "completed"
    assert paid_and_refunded(stripe_server, payment.external_id) == (PRICE, PRICE // 2)  # refunded once
    read = books()
    assert read.held(deal.contract_id) == 0 and read.cash("USD") == PRICE - PRICE // 2


def freeze(deal: Deal) -> None:
    """The contract frozen for an administrator, as a dispute at the payment provider leaves it."""
    with session_scope() as session:
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None
        contract.release_frozen, contract.frozen_reason = True, "A dispute at the payment provider."
        session.add(contract)


def decide_half(deal: Deal, admin: Viewer, gateway: object) -> str:
    return asyncio.run(
        resolution.resolve_frozen(
            session_factory=session_scope,
            gateway=gateway,  # type: ignore[arg-type]
            viewer=admin,
            contract_id=deal.contract_id,
            contractor_minor=str(PRICE // 2),
            note="Half the work was done.",
        )
    )


def test_under_the_running_app_an_event_while_the_database_is_away_says_so_and_the_app_recovers_without_restart(
    postgres: PrivatePostgres, redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_database(postgres)
    app = start_app(
        workdir=tmp_path,
        database_url=url,
        extra_env={"REDIS_URL": redis_url, "REFLEX_WEB_WORKDIR": str(tmp_path / ".web")},
    )
    try:
        with use_database(monkeypatch, database_env(url)):
            cookie = cookie_of("alice")

            async def journey() -> tuple[str, str]:
                tab = ReflexClient(app.url, cookie=cookie)
                await tab.connect("/tasks")
                postgres.stop()
                during = await add_task(tab, "Fix the sink", answer=DATABASE_AWAY)
                postgres.start()
                after = await add_task(tab, "Fix the sink", answer=ADDED)  # the member tries again
                await tab.close()
                return during, after

            during, after = asyncio.run(journey())
            stored = tasks_titled("Fix the sink")
    finally:
        stop_app(app)

    assert DATABASE_AWAY in during and ADDED not in during, during[-2000:]
    assert ADDED in after
    assert stored == 1
