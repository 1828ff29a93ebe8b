"""A client funds a contract in the sandbox, finds the payment's receipt in the wallet's history, reads the amount, the
platform fee and the test-money mark on it; the contractor, another member, cannot open it. A member whose money is
all in euros sees totals in euros only, never "$0.00"."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as
from tests.support.contracts import agreed_contract, fund


def test_a_client_pays_in_the_sandbox_and_opens_the_receipt_that_no_one_else_can(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("awaiting_funding", client, contractor, price="120")
    sign_in_as(page, base, client)
    open_contract(page, contract_url(base, deal))
    page.get_by_label("Test card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay $120.00 into escrow").click()
    expect(page.get_by_text("Payment received: the escrow is funded")).to_be_visible()
    expect(page.get_by_label("Contract summary").get_by_role("link", name="Receipt")).to_be_visible()

    page.goto(f"{base}/wallet")
    totals = page.get_by_role("region", name="Totals in USD")
    expect(totals.get_by_role("group", name="Paid in, USD")).to_contain_text("$120.00")
    expect(totals.get_by_role("group", name="Your money in escrow, USD")).to_contain_text("$120.00")
    expect(totals.get_by_role("group", name="Spent, USD")).to_contain_text("$0.00")
    expect(totals.get_by_role("heading", name="As a contractor")).to_have_count(0)
    history = page.get_by_role("table", name="Every movement of your money")
    history.get_by_role("link", name=f"Receipt: You funded the escrow (contract #{deal.contract_id})").click()

    page.wait_for_url(re.compile(r"/wallet/receipts/\d+$"))
    receipt_url = page.url
    expect(page.get_by_role("heading", name=re.compile(r"^Receipt #\d+$"))).to_be_visible()
    details = page.get_by_label("Receipt details")
    expect(details).to_contain_text(client.name)
    expect(details).to_contain_text(f"Escrow of contract #{deal.contract_id}")
    expect(details).to_contain_text(contractor.name)
    expect(details).to_contain_text("Platform fee (10%, included in the amount)$12.00")
    expect(details).to_contain_text("Total charged$120.00")
    expect(details).to_contain_text("CurrencyUSD")
    expect(details).to_contain_text(re.compile(r"Payment referencesbx_pay_[0-9a-f]+"))
    expect(page.get_by_role("note", name="Test money")).to_contain_text("no real card was charged")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert page.title().startswith("Receipt")
    assert unnamed_controls(page) == []

    sign_in_as(other_page, base, contractor)
    other_page.goto(receipt_url)
    expect(other_page.get_by_role("alert")).to_contain_text("That receipt does not exist.")
    expect(other_page.get_by_text("$120.00")).to_have_count(0)
    expect(other_page.get_by_role("heading", name=re.compile(r"^Receipt #"))).to_have_count(0)


def test_a_member_whose_money_is_all_in_euros_sees_euro_totals_and_no_dollars(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("eva", "Eva Euro"), new_member("pia", "Pia Painter")
    fund(agreed_contract(client.user, contractor.user, price="75", currency="EUR"))
    sign_in_as(page, base, client)
    page.goto(f"{base}/wallet")
    totals = page.get_by_role("region", name="Totals in EUR")
    expect(totals.get_by_role("group", name="Paid in, EUR")).to_contain_text("€75.00")
    expect(page.get_by_role("region", name="Totals in USD")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text("$")

    newcomer = new_member("nia", "Nia Newcomer")
    page.context.clear_cookies()
    sign_in_as(page, base, newcomer)
    page.goto(f"{base}/wallet")
    expect(page.get_by_role("status", name="No money yet")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("$0.00")
