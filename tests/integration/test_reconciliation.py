"""`make reconcile` (python -m jtbd_app.cli reconcile) on PostgreSQL against a local Stripe: it agrees when the
ledger, our payment rows and the gateway tell one story, and lists each place where they do not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import Session, SQLModel, select

from jtbd_app import cli
from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.config import _normalise_db_url, get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.models import Bid, Contract, LedgerAccount, Listing, Payment, Payout, User
from jtbd_app.services import ledger
from jtbd_app.services.ports import GatewayResult, PaymentStart
from tests.support.app_server import TEST_SECRET
from tests.support.localstripe_server import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    LocalStripe,
    run_localstripe,
)


@pytest.fixture(scope="module")
def stripe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    with run_localstripe(tmp_path_factory.mktemp("localstripe")) as server:
        yield server


def configure(monkeypatch: pytest.MonkeyPatch, postgres_url: str, stripe_api_base: str | None) -> None:
    env = {"DATABASE_URL": _normalise_db_url(postgres_url), "JTBD_ENV": "test", "SECRET_KEY": TEST_SECRET}
    if stripe_api_base is None:
        env |= {"STRIPE_SECRET_KEY": "", "STRIPE_API_BASE": ""}
    else:
        env |= {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_api_base,
        }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    SQLModel.metadata.create_all(get_engine())


@pytest.fixture
def with_stripe(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str, stripe_server: LocalStripe
) -> Iterator[StripeGateway]:
    stripe_server.reset()
    configure(monkeypatch, postgres_url, stripe_server.url)
    yield StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe_server.url)
    get_engine().dispose()
    get_settings.cache_clear()


@pytest.fixture
def with_sandbox(monkeypatch: pytest.MonkeyPatch, postgres_url: str) -> Iterator[None]:
    configure(monkeypatch, postgres_url, None)
    yield
    get_engine().dispose()
    get_settings.cache_clear()


@dataclass
class Funded:
    contract_id: int
    payment_external_id: str
    transfer_external_id: str


def a_funded_and_paid_out_contract(gateway: StripeGateway, stripe_server: LocalStripe, *, gateway_name: str) -> Funded:
    """A 50.00 USD contract: paid in (payment row and "fund" entry), 45.00 paid out to the contractor."""
    with session_scope() as session:
        client, pro = User(email="client@example.com", username="client"), User(email="pro@example.com", username="pro")
        session.add_all([client, pro])
        session.flush()
        assert client.id is not None and pro.id is not None
        listing = Listing(owner_id=client.id, status="in_progress", title="Tidy a garden")
        session.add(listing)
        session.flush()
        assert listing.id is not None
        bid = Bid(listing_id=listing.id, bidder_id=pro.id, amount_minor=5000, currency="USD", delivery_days=3)
        session.add(bid)
        session.flush()
        assert bid.id is not None
        contract = Contract(
            listing_id=listing.id,
            bid_id=bid.id,
            client_id=client.id,
            contractor_id=pro.id,
            status="funded",
            amount_minor=5000,
            currency="USD",
            delivery_days=3,
            gateway=gateway_name,
        )
        session.add(contract)
        session.flush()
        assert contract.id is not None
        contract_id, client_id, pro_id = contract.id, client.id, pro.id
    paid, transfer = asyncio.run(_pay_and_transfer(gateway, stripe_server, contract_id))
    with session_scope() as session:
        session.add(
            Payment(
                contract_id=contract_id,
                payer_id=client_id,
                gateway=gateway_name,
                status="succeeded",
                amount_minor=5000,
                currency="USD",
                external_id=paid.external_id,
                charge_id=paid.charge_id,
            )
        )
        cash = ledger.get_account(session, kind="platform_cash", currency="USD")
        escrow = ledger.get_account(session, kind="escrow", currency="USD", contract_id=contract_id)
        ledger.post(
            session,
            idempotency_key=f"fund:contract:{contract_id}",
            kind="fund",
            currency="USD",
            contract_id=contract_id,
            legs=[ledger.Leg(cash, 5000), ledger.Leg(escrow, -5000)],
        )
        session.add(
            Payout(
                user_id=pro_id,
                contract_id=contract_id,
                gateway=gateway_name,
                status="paid",
                amount_minor=4500,
                currency="USD",
                idempotency_key=f"payout:contract:{contract_id}",
                external_id=transfer.external_id,
            )
        )
    return Funded(contract_id, paid.external_id, transfer.external_id)


async def _pay_and_transfer(
    gateway: StripeGateway, stripe_server: LocalStripe, contract_id: int
) -> tuple[PaymentStart, GatewayResult]:
    paid = await gateway.start_payment(
        amount_minor=5000,
        currency="USD",
        idempotency_key=f"fund:contract:{contract_id}",
        transfer_group=f"contract:{contract_id}",
        metadata={"contract_id": str(contract_id)},
        test_card="4242424242424242",
    )
    account = await gateway.create_payout_account(email="pro@example.com", idempotency_key="payout-account:pro")
    stripe_server.set_account_status(account, enabled=True)
    transfer = await gateway.transfer(
        destination=account,
        amount_minor=4500,
        currency="USD",
        idempotency_key=f"payout:contract:{contract_id}",
        transfer_group=f"contract:{contract_id}",
        source_charge_id=paid.charge_id,
        metadata={"contract_id": str(contract_id)},
    )
    return paid, transfer


def run_reconcile(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["reconcile"])
    return code, capsys.readouterr().out


def test_ledger_rows_and_stripe_that_tell_one_story_agree(
    with_stripe: StripeGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    a_funded_and_paid_out_contract(with_stripe, stripe_server, gateway_name="stripe")

    code, out = run_reconcile(capsys)

    assert (code, out) == (0, "ledger and gateway agree\n")


def test_a_refund_made_at_stripe_behind_the_ledgers_back_is_listed(
    with_stripe: StripeGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    funded = a_funded_and_paid_out_contract(with_stripe, stripe_server, gateway_name="stripe")
    asyncio.run(
        with_stripe.refund(payment_external_id=funded.payment_external_id, amount_minor=1500, idempotency_key="oops")
    )

    code, out = run_reconcile(capsys)

    assert code == 1
    assert "2 difference(s):" in out
    assert (
        "the gateway says succeeded, 5000 received, 1500 refunded; we recorded succeeded, 5000 paid, 0 refunded" in out
    )
    assert (
        f"Contract {funded.contract_id}: the gateway took in 5000 and refunded 1500; the ledger funded 5000 and refunded 0."
        in out
    )


def test_a_payout_reversed_at_stripe_is_listed(
    with_stripe: StripeGateway, stripe_server: LocalStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    funded = a_funded_and_paid_out_contract(with_stripe, stripe_server, gateway_name="stripe")
    asyncio.run(
        with_stripe.reverse_transfer(
            transfer_external_id=funded.transfer_external_id, amount_minor=4500, idempotency_key="oops"
        )
    )

    code, out = run_reconcile(capsys)

    assert code == 1
    assert f"({funded.transfer_external_id}) to user" in out
    assert "the gateway says reversed, 4500 sent, 4500 reversed; we recorded paid, 4500." in out


def test_with_the_sandbox_only_the_ledger_is_checked(with_sandbox: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_reconcile(capsys)

    assert (code, out) == (0, "sandbox: ledger checks only\nledger and gateway agree\n")


def test_a_cached_balance_that_disagrees_with_its_postings_is_listed(
    with_sandbox: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with session_scope() as session:
        cash = ledger.get_account(session, kind="platform_cash", currency="USD")
        fees = ledger.get_account(session, kind="fee_revenue", currency="USD")
        ledger.post(
            session,
            idempotency_key="fee:1",
            kind="fee",
            currency="USD",
            legs=[ledger.Leg(cash, 300), ledger.Leg(fees, -300)],
        )
    with Session(get_engine()) as session:
        account = session.exec(select(LedgerAccount).where(LedgerAccount.kind == "fee_revenue")).one()
        account.balance_minor = 999
        session.add(account)
        session.commit()

    code, out = run_reconcile(capsys)

    assert code == 1
    assert "Account fee_revenue:USD: the stored balance is 999, its postings say 300." in out
