"""Silence is an answer: after a delivery the client's page says when the escrow is released without them, and once
the scheduler runs past that moment (its clock moved forward here) the contract is completed and the timeline says why."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.domain.contract_rules import auto_release_at
from tests.support.app_server import AppServer
from tests.support.contract_journey import (
    contract_in,
    contract_status,
    contract_url,
    data_row,
    new_member,
    open_contract,
    sign_in_as,
)
from tests.support.contracts import run_jobs


def test_the_page_shows_the_automatic_release_date_and_then_the_release(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("delivered", client, contractor, price="150")
    contract = deal.load()
    assert contract.delivered_at is not None
    release_at = auto_release_at(contract.delivered_at, contract.auto_release_days)
    shown = release_at.strftime("%-d %b %Y, %H:%M UTC")
    url = contract_url(base, deal)
    sign_in_as(page, base, client)

    open_contract(page, url)
    expect(data_row(page, "Released automatically on")).to_contain_text(shown)
    expect(page.get_by_text(f"Without an answer, the escrow is released automatically on {shown}.")).to_be_visible()

    run_jobs(SandboxGateway(), now=release_at - timedelta(minutes=1))  # the day before: a reminder, no release yet
    open_contract(page, url)
    expect(contract_status(page)).to_have_text("Delivered: awaiting the client's review")

    run_jobs(SandboxGateway(), now=release_at + timedelta(minutes=1))
    open_contract(page, url)
    expect(contract_status(page)).to_have_text("Completed")
    released = (
        f"The client did not answer within {contract.auto_release_days} days. "
        "Escrow released: $135.00 to the contractor, $15.00 platform fee."
    )
    expect(page.get_by_role("note", name="How the contract ended")).to_have_text(released)
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(released)
    expect(data_row(page, "Released automatically on")).to_have_count(0)
    expect(page.get_by_role("button", name="Approve delivery")).to_have_count(0)
    page.goto(f"{base}/notifications")
    expect(page.get_by_text("Tomorrow the escrow is released automatically").first).to_be_visible()
