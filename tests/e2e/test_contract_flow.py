"""A contract end to end, three members in three browsers: hire through a bid, both accept the contract, fund
with the sandbox's test card (after a declined one), deliver with a link and a file, ask for a revision, deliver
again, approve; the file stays private to the parties, the contractor's wallet shows the payout, and both review:
the reviews reach the profiles only once both are in."""

from __future__ import annotations

import uuid

from playwright.sync_api import Browser, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_up_new_member
from tests.support.contract_journey import (
    BANNER,
    approve_delivery,
    data_row,
    deliver_work,
    hire,
    leave_review,
    open_contract,
    pay_with_test_card,
)
from tests.support.marketplace_journey import place_bid, post_through_the_wizard


def test_hire_fund_deliver_revise_approve_and_get_paid(
    app_server: AppServer, browser: Browser, page: Page, other_page: Page
) -> None:
    base = app_server.url
    title = f"Design a logo {uuid.uuid4().hex[:6]}"
    client, contractor = page, other_page
    client_name = sign_up_new_member(client, base, "client", "Cora Client")
    listing_url = post_through_the_wizard(client, base, title)
    designer_name = sign_up_new_member(contractor, base, "designer", "Dana Designer")
    place_bid(contractor, listing_url, "140", "I design logos for small businesses.")

    contract_url = hire(client, contractor, listing_url, "Dana Designer")

    open_contract(client, contract_url)
    card = client.get_by_label("Test card number")
    expect(client.get_by_text("4242 4242 4242 4242 is paid")).to_be_visible()
    pay_with_test_card(client, "$140.00", "4000 0000 0000 0002")
    expect_field_message(card, "Your card was declined (test card).")
    pay_with_test_card(client, "$140.00")
    expect(client.get_by_text("Payment received: the escrow is funded")).to_be_visible()
    expect(client.get_by_label("Contract summary")).to_contain_text("$140.00")

    deliver_work(
        contractor,
        contract_url,
        "Three logo concepts, as agreed.",
        link="https://example.com/logos",
        file=("concepts.txt", b"three concepts"),
    )

    open_contract(client, contract_url)
    delivery = client.get_by_role("listitem", name="Delivery 1")
    expect(delivery).to_contain_text("Three logo concepts, as agreed.")
    expect(delivery.get_by_role("link", name="https://example.com/logos")).to_be_visible()
    download = delivery.get_by_role("link", name="Download concepts.txt")
    file_url = base + str(download.get_attribute("href"))
    answer = client.request.get(file_url)
    assert answer.status == 200 and answer.body() == b"three concepts"
    assert answer.headers["content-disposition"].startswith("attachment")

    stranger = browser.new_context().new_page()
    stranger.set_default_timeout(20_000)
    sign_up_new_member(stranger, base, "nosy", "Nico Nosy")
    assert stranger.request.get(file_url).status == 404
    stranger.goto(contract_url)
    expect(stranger.get_by_role("heading", name="Contract not found")).to_be_visible()
    stranger.context.close()

    client.get_by_label("What needs to change").fill("Please try a darker blue.")
    client.get_by_role("button", name="Ask for a revision").click()
    expect(client.get_by_text("Revision requested. The contractor has been told.")).to_be_visible()

    open_contract(contractor, contract_url)
    expect(contractor.get_by_role("listitem", name="Delivery 1")).to_contain_text(
        "The client asked for a revision: Please try a darker blue."
    )
    deliver_work(contractor, contract_url, "Darker blue, as asked.")

    approve_delivery(client, contract_url)

    contractor.get_by_role("navigation", name="Main").get_by_role("link", name="Wallet").first.click()
    expect(contractor.get_by_role("heading", name="Wallet")).to_be_visible()
    expect(contractor.get_by_text(BANNER)).to_be_visible()
    expect(contractor.get_by_label("Paid out in total")).to_contain_text("$126.00")
    history = contractor.get_by_role("table", name="Every movement of your money")
    expect(history).to_contain_text("+$126.00")
    expect(history).to_contain_text("Paid out to your payout account")

    leave_review(client, contract_url, 5, "Lovely logos, quick revision.")
    contractor.goto(f"{base}/u/{designer_name}")
    expect(data_row(contractor, "Rating")).to_contain_text("Not rated yet")  # double-blind: one review is not enough
    leave_review(contractor, contract_url, 4, "Clear brief, paid promptly.")
    client.goto(f"{base}/u/{designer_name}")
    expect(data_row(client, "Rating")).to_contain_text("5.0 (1)")
    expect(client.get_by_text("Lovely logos, quick revision.")).to_be_visible()
    contractor.goto(f"{base}/u/{client_name}")
    expect(data_row(contractor, "Rating")).to_contain_text("4.0 (1)")
    expect(contractor.get_by_text("Clear brief, paid promptly.")).to_be_visible()
