"""The contract page and the wallet on a 375 px phone: nothing runs off the screen (long links and file names
wrap), the test-money banner shows, and every control has an accessible name."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.services.contracts import deliveries
from jtbd_app.services.contracts.delivery_files import IncomingFile
from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls, wider_than_the_screen
from tests.support.contract_journey import (
    BANNER,
    approve_delivery,
    contract_in,
    contract_url,
    new_member,
    open_contract,
    sign_in_as,
)

LONG_LINK = "https://example.com/shared/folders/with/a/very/long/path/to/the/logo-concepts-final-v3-really-final.zip"
LONG_NAME = "logo-concepts-final-version-three-for-the-clients-review.txt"


def test_a_delivered_contract_and_the_wallet_fit_a_phone(
    app_server: AppServer, app_database: None, browser: Browser, mobile_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("funded", client, contractor, price="140")
    with session_scope() as session:
        deliveries.submit_delivery(
            session,
            viewer=deal.contractor,
            contract_id=deal.contract_id,
            message="Three concepts, as agreed.",
            links=LONG_LINK,
            files=[IncomingFile(LONG_NAME, b"three concepts")],
        )
    url = contract_url(base, deal)
    sign_in_as(mobile_page, base, client)

    open_contract(mobile_page, url)
    delivery = mobile_page.get_by_role("listitem", name="Delivery 1")
    expect(delivery.get_by_role("link", name=f"Download {LONG_NAME}")).to_be_visible()
    expect(mobile_page.get_by_text(BANNER)).to_be_visible()
    assert wider_than_the_screen(mobile_page) == []
    assert unnamed_controls(mobile_page) == []

    approve_delivery(mobile_page, url)
    expect(mobile_page.get_by_role("form", name=f"Rate {contractor.name}")).to_be_visible()
    assert wider_than_the_screen(mobile_page) == []
    assert unnamed_controls(mobile_page) == []

    mobile_page.goto(f"{base}/wallet")
    expect(mobile_page.get_by_role("heading", name="Wallet")).to_be_visible()
    history = mobile_page.get_by_role("table", name="Every movement of your money")
    expect(history).to_contain_text(f"You funded the escrow (contract #{deal.contract_id})")
    expect(mobile_page.get_by_text(BANNER)).to_be_visible()
    assert wider_than_the_screen(mobile_page) == []
    assert unnamed_controls(mobile_page) == []

    phone = browser.new_context(viewport={"width": 375, "height": 800})
    phone.set_default_timeout(20_000)
    contractors = phone.new_page()
    sign_in_as(contractors, base, contractor)
    contractors.goto(f"{base}/wallet")
    expect(contractors.get_by_role("table", name="Payouts to your payout account")).to_contain_text(
        f"Payout for contract #{deal.contract_id}"
    )
    expect(contractors.get_by_role("img", name="Bar chart of the money released to you")).to_be_visible()
    assert wider_than_the_screen(contractors) == []
    assert unnamed_controls(contractors) == []
    phone.close()
