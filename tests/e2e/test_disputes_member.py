"""A dispute between the parties (issue 14), in Chromium: the client opens one on a delivered contract, the
contractor sees it and answers with a statement, a link and a file; the client sees the answer and downloads the
file; the contractor offers a split, the client accepts it, which closes the dispute, and both wallets show it."""

from __future__ import annotations

import re

from playwright.sync_api import FilePayload, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import (
    contract_in,
    contract_status,
    contract_url,
    data_row,
    new_member,
    open_contract,
    sign_in_as,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_client_opens_a_dispute_the_contractor_answers_and_a_settlement_splits_the_escrow(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("lea", "Lea Client"), new_member("max", "Max Maker")
    deal = contract_in("delivered", client, contractor, price="100")
    url = contract_url(base, deal)

    # The client opens a dispute: a field left empty is named next to it, and nothing happens
    sign_in_as(page, base, client)
    open_contract(page, url)
    section = page.get_by_role("region", name="Dispute")
    section.get_by_text("Something went wrong? Open a dispute").click()
    form = section.get_by_role("form", name="Open a dispute")
    form.get_by_role("button", name="Open a dispute").click()
    expect(form.get_by_text("Choose a reason from the list.")).to_be_visible()
    expect(form.get_by_text("Say what happened, in your own words.")).to_be_visible()
    form.get_by_label("Reason", exact=True).select_option("not_as_described")
    form.get_by_label("What happened").fill("The logo is red; the brief asked for blue.")
    form.get_by_label("Outcome you want").select_option("partial_refund")
    form.get_by_label("Refund to the client").fill("40")
    form.get_by_role("button", name="Open a dispute").click()
    expect(section.get_by_text("Your dispute is open.")).to_be_visible()
    expect(section.get_by_text("Waiting for the other party's answer")).to_be_visible()
    expect(contract_status(page)).to_have_text(re.compile("Disputed"))
    assert unnamed_controls(page) == []

    # The contractor sees it with the answer's deadline, and answers with a statement, a link and a file
    sign_in_as(other_page, base, contractor)
    open_contract(other_page, url)
    theirs = other_page.get_by_role("region", name="Dispute")
    expect(theirs.get_by_text("The logo is red; the brief asked for blue.")).to_be_visible()
    expect(theirs.get_by_text(re.compile(r"answers in \d+ days"))).to_be_visible()
    assert unnamed_controls(other_page) == []
    answer = theirs.get_by_role("form", name="Your answer")
    answer.get_by_label("Your statement").fill("The brief says red in its second paragraph.")
    answer.get_by_label("Links (one a line)").fill("https://example.com/brief")
    payload: FilePayload = {"name": "brief.png", "mimeType": "image/png", "buffer": PNG}
    answer.locator("input[type=file]").set_input_files(files=[payload])
    expect(answer.get_by_text("brief.png")).to_be_visible()
    answer.get_by_role("button", name="Send my answer").click()
    expect(theirs.get_by_text("Added. The other party has been told.")).to_be_visible()
    expect(theirs.get_by_text("Both parties add evidence")).to_be_visible()

    # The client's page shows the answer by itself (live), with the link and the file, which only the parties get
    mine = page.get_by_role("region", name="Dispute")
    expect(mine.get_by_text("The brief says red in its second paragraph.")).to_be_visible()
    expect(mine.get_by_role("link", name="https://example.com/brief")).to_be_visible()
    file_link = mine.get_by_role("link", name="brief.png")
    expect(file_link).to_be_visible()
    href = file_link.get_attribute("href")
    assert href is not None and href.startswith("/api/disputes/files/")
    got = page.request.get(f"{base}{href}")
    assert got.status == 200 and got.body() == PNG
    stranger = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        assert stranger.request.get(f"{base}{href}").status == 404
    finally:
        stranger.close()

    # The contractor offers $70.00 to themselves; the client accepts; the dispute closes and the escrow is split
    offer = theirs.get_by_role("form", name="Offer a settlement")
    offer.get_by_label("Amount to the contractor").fill("70")
    offer.get_by_role("button", name="Offer this split").click()
    expect(theirs.get_by_text("Your offer was sent to the other party.")).to_be_visible()
    expect(
        mine.get_by_text(re.compile(r"offers \$70\.00 to the contractor and \$30\.00 back to the client"))
    ).to_be_visible()
    mine.get_by_role("button", name="Accept the offer and close the dispute").click()
    expect(mine.get_by_text("Settled. The dispute is closed and the money has moved.")).to_be_visible()
    expect(
        mine.get_by_text("The parties settled: $70.00 to the contractor, $30.00 back to the client.")
    ).to_be_visible()
    expect(contract_status(page)).to_have_text("Completed")
    expect(data_row(page, "Escrow holds")).to_contain_text("$0.00")
    expect(theirs.get_by_text("Settled by the parties")).to_be_visible()  # live on the contractor's page too

    # Both wallets show the split: $30.00 back to the client, $70.00 less the 10% fee to the contractor
    page.goto(f"{base}/wallet")
    history = page.get_by_role("table", name="Every movement of your money")
    refund = history.get_by_role("row").filter(has_text=f"Escrow refunded to you (contract #{deal.contract_id})")
    expect(refund).to_contain_text("+$30.00")
    other_page.goto(f"{base}/wallet")
    theirs_history = other_page.get_by_role("table", name="Every movement of your money")
    release = theirs_history.get_by_role("row").filter(
        has_text=f"Escrow released to you (contract #{deal.contract_id})"
    )
    expect(release).to_contain_text("+$63.00")
