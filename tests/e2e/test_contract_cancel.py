"""Ending a contract before delivery, in two browsers: a funded one by agreement (the client is refunded), an
unfunded one by either party withdrawing. The contracts are arranged through the services; the parties act in
the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jtbd_app.domain.errors import ValidationFailed
from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import (
    confirm,
    contract_in,
    contract_status,
    contract_url,
    data_row,
    new_member,
    open_contract,
    sign_in_as,
)
from tests.support.contracts import deliver


def expect_no_actions(page: Page) -> None:
    expect(page.get_by_role("heading", name="What you can do now")).to_have_count(0)
    expect(page.get_by_role("form", name="Deliver the work")).to_have_count(0)
    expect(page.get_by_role("form", name="Fund the escrow")).to_have_count(0)


def test_a_funded_contract_is_cancelled_by_agreement_and_the_client_is_refunded(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("funded", client, contractor, price="120")
    url = contract_url(base, deal)
    sign_in_as(other_page, base, contractor)
    sign_in_as(page, base, client)

    open_contract(other_page, url)
    confirm(other_page, "Ask to cancel", "Ask to cancel")
    expect(other_page.get_by_text("You asked to cancel. The other party has been told")).to_be_visible()
    expect(other_page.get_by_role("button", name="Withdraw my request to cancel")).to_be_visible()

    open_contract(page, url)
    expect(page.get_by_text(f"{contractor.name} asked to cancel. If you agree")).to_be_visible()
    assert unnamed_controls(page) == []
    confirm(page, "Agree to cancel", "Agree and refund")
    expect(page.get_by_text("Cancelled by agreement. The payment was refunded to the client.")).to_be_visible()
    expect(contract_status(page)).to_have_text("Cancelled")
    expect(page.get_by_role("note", name="How the contract ended")).to_have_text(
        "Cancelled by agreement; $120.00 refunded to the client."
    )
    expect(data_row(page, "Escrow holds")).to_contain_text("$0.00")
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(f"{client.name} agreed to cancel; refunding.")
    expect_no_actions(page)

    page.goto(f"{base}/wallet")
    expect(page.get_by_role("heading", name="Wallet")).to_be_visible()
    history = page.get_by_role("table", name="Every movement of your money")
    refund = history.get_by_role("row").filter(has_text=f"Escrow refunded to you (contract #{deal.contract_id})")
    expect(refund).to_contain_text("+$120.00")
    expect(
        history.get_by_role("row").filter(has_text=f"You funded the escrow (contract #{deal.contract_id})")
    ).to_contain_text("-$120.00")
    expect(page.get_by_label("Your money in escrow")).to_contain_text("$0.00")

    open_contract(other_page, url)
    expect(contract_status(other_page)).to_have_text("Cancelled")
    expect_no_actions(other_page)
    with pytest.raises(ValidationFailed):  # nor can the service be asked directly
        deliver(deal, "Done anyway.")


def test_an_unfunded_contract_ends_when_one_party_withdraws(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("awaiting_funding", client, contractor, price="80")
    url = contract_url(base, deal)
    sign_in_as(page, base, client)
    sign_in_as(other_page, base, contractor)

    open_contract(other_page, url)
    expect(other_page.get_by_role("form", name="Fund the escrow")).to_have_count(0)  # the client's to fund
    confirm(other_page, "Withdraw from this contract", "Withdraw")
    expect(other_page.get_by_text("You withdrew: the contract is cancelled")).to_be_visible()
    expect(contract_status(other_page)).to_have_text("Cancelled")

    open_contract(page, url)
    expect(contract_status(page)).to_have_text("Cancelled")
    expect(page.get_by_role("note", name="How the contract ended")).to_have_text(
        f"{contractor.name} withdrew before funding. No money moved."
    )
    expect_no_actions(page)
    assert deal.load().status == "cancelled"
