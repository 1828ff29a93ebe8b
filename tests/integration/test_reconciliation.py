"""Money through Stripe end to end, and `make reconcile` (python -m jtbd_app.cli reconcile) on PostgreSQL against
a local Stripe: a contract paid in, completed and paid out with the real services agrees with the gateway, and each
place where the gateway and our books part ways is listed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from jtbd_app import bootstrap, cli
from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.models import LedgerAccount, Payment, Payout, PayoutAccount
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import PaymentGateway
from tests.support.contracts import Deal
from tests.support.database import database_env, use_database
from tests.support.localstripe_server import LocalStripe
from tests.support.stripe_contracts import a_contract_awaiting_funding, complete_and_pay_out, fund_with_card, stripe_env


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


def run_reconcile(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["reconcile"])
    return code, capsys.readouterr().out


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
        f"Payment {payment.id} ({payment.external_id}) of contract {deal.contract_id}: the gateway says succeeded, "
        "10000 received, 1500 refunded; we recorded succeeded, 10000 paid, 0 refunded." in out
    )
    assert (
        f"Contract {deal.contract_id}: the gateway took in 10000 and refunded 1500; "
        "the ledger funded 10000 and refunded 0." in out
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
        f"Payout {payout.id} ({payout.external_id}) to user {payout.user_id}: the gateway says reversed, "
        "9000 sent, 9000 reversed; we recorded paid, 9000." in out
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
    assert "Account refund_due:USD: the stored balance is 999, its postings say 300." in out
