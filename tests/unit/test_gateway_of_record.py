"""The gateway of record: money goes back or out only through the gateway that took it, and the app (or an operator
command that reads the gateway) refuses to start with another gateway while money is in flight at the old one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from jtbd_app import bootstrap, cli
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, Payment, Payout, ScheduledJob, User, utcnow
from jtbd_app.services.contracts import cancellation, deliveries, funding, gateway_of_record
from jtbd_app.services.contracts.gateway_of_record import InFlight, money_in_flight_elsewhere
from jtbd_app.services.demo import seed
from jtbd_app.services.ledger import escrow
from tests.support.contracts import TEST_CARD, Deal, approve, deliver, fund, run_jobs
from tests.support.gateways import ScriptedGateway

ROOT = Path(__file__).resolve().parents[2]
STRIPE_ENV = {
    "STRIPE_SECRET_KEY": "sk_test_" + "x" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "x" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_test_" + "x" * 24,
}


def gateway_named(name: str) -> ScriptedGateway:
    """A gateway that answers to `name` and records what it was asked to move."""
    gateway = ScriptedGateway()
    gateway.name = name
    return gateway


@pytest.fixture
def stripe_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in STRIPE_ENV.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def in_flight(db: Session, configured: str) -> list[InFlight]:
    db.expire_all()
    return money_in_flight_elsewhere(db, gateway_name=configured)


def job(db: Session, kind: str) -> ScheduledJob:
    db.expire_all()
    return db.exec(select(ScheduledJob).where(ScheduledJob.kind == kind)).one()


def double_payment(deal: Deal) -> Payment:
    """The client paid twice at once through the sandbox: the second payment is being returned."""
    gateway = ScriptedGateway()
    gateway.yield_first = True

    async def two_clicks() -> None:
        await asyncio.gather(
            *(
                funding.fund_contract(
                    session_factory=session_scope,
                    gateway=gateway,
                    viewer=deal.client,
                    contract_id=deal.contract_id,
                    test_card=TEST_CARD,
                )
                for _ in range(2)
            )
        )

    asyncio.run(two_clicks())
    with session_scope() as session:
        return session.exec(select(Payment).where(Payment.status == "returning")).one()


# Refunds and payouts through the payment's own gateway only


def test_a_cancellation_agreed_while_another_gateway_is_configured_is_refused_and_changes_nothing(
    deal: Deal, db: Session
) -> None:
    # Given a contract funded through the sandbox, whose client asked to cancel
    fund(deal)
    with session_scope() as session:
        cancellation.request_cancellation(session, viewer=deal.client, contract_id=deal.contract_id)

    # When the contractor agrees while the app runs with Stripe
    stripe = gateway_named("stripe")
    with pytest.raises(ValidationFailed) as refused:
        asyncio.run(
            cancellation.agree_cancellation(
                session_factory=session_scope, gateway=stripe, viewer=deal.contractor, contract_id=deal.contract_id
            )
        )

    # Then nothing was asked of Stripe, the contract is still funded and its escrow still holds the price
    assert "paid through the sandbox payment gateway" in refused.value.fields["form"]
    assert "Nothing changed" in refused.value.fields["form"]
    assert stripe.refunds == {}
    contract = deal.load()
    assert contract.status == "funded" and escrow.held(db, contract) == 10_000


def test_a_payout_of_another_gateway_fails_its_job_visibly_and_goes_out_once_the_gateway_is_back(
    deal: Deal, db: Session
) -> None:
    # Given a contract funded through the sandbox and approved: its payout waits to be sent through the sandbox
    fund(deal)
    deliver(deal)
    approve(deal)

    # When the scheduler runs with Stripe configured
    stripe = gateway_named("stripe")
    run_jobs(stripe, now=utcnow())

    # Then no transfer was made, the payout still waits, and its job is not done: it says why, and retries later
    assert stripe.transfers == {}
    assert db.exec(select(Payout)).one().status == "pending"
    sending = job(db, "send_payout")
    assert sending.status == "pending" and sending.attempts == 1
    assert "went through the sandbox payment gateway, but this app now uses stripe" in sending.last_error
    assert "switch the payment gateway back to sandbox" in sending.last_error

    # And once the sandbox is configured again, the retry sends it
    run_jobs(ScriptedGateway(), now=utcnow() + timedelta(hours=1))
    db.expire_all()
    assert db.exec(select(Payout)).one().status == "paid"
    assert job(db, "send_payout").status == "done"


def test_paying_out_at_once_after_approval_leaves_a_payout_of_another_gateway_to_its_job(
    deal: Deal, db: Session
) -> None:
    fund(deal)
    deliver(deal)
    stripe = gateway_named("stripe")
    asyncio.run(
        deliveries.approve_and_pay_out(
            session_factory=session_scope, gateway=stripe, viewer=deal.client, contract_id=deal.contract_id
        )
    )
    assert deal.load().status == "completed" and stripe.transfers == {}
    assert db.exec(select(Payout)).one().status == "pending"


def test_a_payment_to_return_is_refunded_only_through_the_gateway_that_took_it(deal: Deal, db: Session) -> None:
    # Given a second payment through the sandbox, to be returned by a scheduled job
    returning = double_payment(deal)

    # When the job runs with Stripe configured
    stripe = gateway_named("stripe")
    run_jobs(stripe, now=utcnow())

    # Then Stripe was asked for nothing, the payment is still to be returned, and the job says why
    assert stripe.refunds == {}
    db.expire_all()
    assert db.get(Payment, returning.id).status == "returning"  # type: ignore[union-attr]
    refunding = job(db, "refund_payment")
    assert refunding.status == "pending" and "went through the sandbox payment gateway" in refunding.last_error

    # And the sandbox returns it once it is configured again
    run_jobs(ScriptedGateway(), now=utcnow() + timedelta(hours=1))
    db.expire_all()
    assert db.get(Payment, returning.id).status == "returned"  # type: ignore[union-attr]


def test_require_names_both_gateways() -> None:
    with pytest.raises(gateway_of_record.WrongGateway) as wrong:
        gateway_of_record.require("sandbox", gateway_named("stripe"), what="Payout 7")
    assert (wrong.value.recorded, wrong.value.configured) == ("sandbox", "stripe")
    assert wrong.value.message.startswith("Payout 7 went through the sandbox payment gateway")
    gateway_of_record.require("stripe", gateway_named("stripe"), what="Payout 7")  # its own: no error


# What is in flight where


def test_nothing_is_in_flight_elsewhere_on_an_empty_database_or_at_the_gateway_that_holds_it(
    deal: Deal, db: Session
) -> None:
    assert in_flight(db, "stripe") == []
    fund(deal)
    assert in_flight(db, "sandbox") == []


def test_a_funded_escrow_a_payment_to_return_and_a_payout_to_send_are_money_in_flight(deal: Deal, db: Session) -> None:
    double_payment(deal)
    assert in_flight(db, "stripe") == [InFlight("sandbox", escrows=1, returning=1)]
    deliver(deal)
    approve(deal)  # the escrow is released: its money is now a payout to send
    assert in_flight(db, "stripe") == [InFlight("sandbox", returning=1, payouts=1)]
    run_jobs(ScriptedGateway(), now=utcnow())  # the sandbox returns the payment and sends the payout
    assert in_flight(db, "stripe") == []


def test_a_payment_being_confirmed_is_in_flight_for_half_an_hour(deal: Deal, db: Session) -> None:
    confirming = ScriptedGateway()
    confirming.confirm_by_webhook = True
    fund(deal, confirming)
    assert in_flight(db, "stripe") == [InFlight("sandbox", confirming=1)]
    later = utcnow() + gateway_of_record.CONFIRMING + timedelta(minutes=1)
    assert money_in_flight_elsewhere(db, gateway_name="stripe", now=later) == []
    assert gateway_of_record.CONFIRMING == cancellation.PAYMENT_CONFIRMATION


def test_a_frozen_completed_contract_whose_escrow_still_holds_money_is_in_flight(deal: Deal, db: Session) -> None:
    fund(deal)
    with session_scope() as session:
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None
        contract.status, contract.release_frozen = "completed", True
        session.add(contract)
    assert in_flight(db, "stripe") == [InFlight("sandbox", escrows=1)]


# Start-up


def test_start_up_with_another_gateway_is_refused_while_money_is_in_flight_and_says_what_to_do(
    deal: Deal, db: Session, stripe_configured: None
) -> None:
    fund(deal)
    with pytest.raises(bootstrap.GatewayChangeRefused) as refused:
        bootstrap.refuse_a_gateway_change(get_settings())
    message = str(refused.value.code)
    assert message.startswith("Refusing to start: the payment gateway is now stripe")
    assert "sandbox: 1 contract escrow(s) holding its money" in message
    assert "switch back to sandbox" in message and "finish it first and then switch" in message
    assert "STRIPE_SECRET_KEY" in message


def test_start_up_goes_ahead_with_the_gateway_that_holds_the_money_or_with_nothing_in_flight(
    deal: Deal, stripe_configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap.refuse_a_gateway_change(get_settings())  # Stripe, nothing in flight
    fund(deal)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "")
    get_settings.cache_clear()
    bootstrap.refuse_a_gateway_change(get_settings())  # the sandbox, which holds the escrow


def test_start_up_on_a_database_without_tables_goes_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stripe_configured: None
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    bootstrap.refuse_a_gateway_change(get_settings())


def test_the_app_does_not_build_with_stripe_while_the_sandbox_holds_an_escrow(deal: Deal, database: str) -> None:
    fund(deal)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    built = subprocess.run(
        [sys.executable, "-c", "import jtbd_app.jtbd_app"],
        cwd=ROOT,
        env={**env, **STRIPE_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 1
    assert "Refusing to start: the payment gateway is now stripe" in built.stderr
    assert "Traceback" not in built.stderr


def test_reconcile_refuses_to_read_another_gateway_while_money_is_in_flight(
    deal: Deal, stripe_configured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fund(deal)
    assert cli.main(["reconcile"]) == 2
    assert "Refusing to start: the payment gateway is now stripe" in capsys.readouterr().err


def test_the_demo_has_no_sandbox_contracts_when_another_gateway_is_configured(db: Session) -> None:
    assert seed.seed(db, gateway_name="stripe") is True
    db.flush()
    assert db.exec(select(User)).first() is not None
    assert db.exec(select(Contract)).all() == []
    assert money_in_flight_elsewhere(db, gateway_name="stripe") == []
