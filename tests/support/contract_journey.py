"""The steps of a contract as its parties take them in the browser, and members and contracts arranged through the
services, so each end-to-end test walks only the part of the journey it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import FilePayload, Locator, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.models import User
from jtbd_app.services.accounts import terms
from jtbd_app.services.viewer import Viewer
from tests.support.browser import sign_in, unique_username
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.contracts import Deal, agreed_contract, deliver, fund
from tests.support.members import sign_up
from tests.support.viewers import viewer_of

PASSWORD = "contract-journey-pw-1"
BANNER = "Test money: the sandbox gateway is on; no real card is charged and no real money moves."


@dataclass(frozen=True)
class Member:
    user: User
    username: str
    name: str

    @property
    def viewer(self) -> Viewer:
        return viewer_of(self.user)


def new_member(prefix: str, name: str, profile: ContractorProfile | None = None) -> Member:
    """A member signed up through the service (the app's own database must be this process's, see `app_database`),
    with the contractor profile `profile` describes if one is given."""
    username = unique_username(prefix)
    display = f"{name} {username[-4:]}"
    with session_scope() as session:
        current = terms.current_terms(session)
        assert current is not None
        user = sign_up(session, username, display_name=display, password=PASSWORD, terms_version=current.version)
        if profile is not None:
            fill_profile(session, user, profile)
    return Member(user, username, display)


def contract_in(stage: str, client: Member, contractor: Member, *, price: str = "100") -> Deal:
    """A contract both have accepted, taken on to `stage`: "awaiting_funding", "funded" or "delivered"."""
    deal = agreed_contract(client.user, contractor.user, price=price)
    if stage in ("funded", "delivered"):
        fund(deal)
    if stage == "delivered":
        deliver(deal, "The work is done; the files are in the shared folder.")
    return deal


def contract_url(base_url: str, deal: Deal) -> str:
    return f"{base_url}/contracts/{deal.contract_id}"


def sign_in_as(page: Page, base_url: str, member: Member) -> None:
    sign_in(page, base_url, member.username, PASSWORD)


def open_contract(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile(r"^Contract #\d+$"))).to_be_visible()


def data_row(page: Page, label: str) -> Locator:
    """One label-and-value row of a data list (the contract summary, a profile's track record)."""
    return page.locator(".rt-DataListItem").filter(has=page.locator("dt", has_text=label))


def contract_status(page: Page) -> Locator:
    """The status badge beside the contract's heading."""
    return page.get_by_role("status", name="Contract status")


def confirm(page: Page, action: str, confirmation: str) -> None:
    """Press an action that asks first, then confirm it in the dialog."""
    page.get_by_role("button", name=action, exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=confirmation, exact=True).click()
    expect(dialog).to_be_hidden()


def hire(client: Page, contractor: Page, listing_url: str, bidder_name: str) -> str:
    """The client accepts `bidder_name`'s bid on the listing page and opens the contract; both parties accept it.
    Returns the contract's URL."""
    client.goto(listing_url)
    client.get_by_role("button", name=f"Accept bid from {bidder_name}").click()
    client.get_by_role("button", name="Accept bid").click()
    client.get_by_role("link", name=re.compile(r"Open contract #\d+")).click()
    client.wait_for_url(re.compile(r"/contracts/\d+$"))
    contract_url = client.url
    expect(client.get_by_text(BANNER)).to_be_visible()
    accept_contract(client, contract_url)
    accept_contract(contractor, contract_url)
    return contract_url


def pay_with_test_card(page: Page, price: str, card: str = "4242 4242 4242 4242") -> None:
    """On the open contract page: the sandbox's card field, then the pay button (`price` as shown: "$140.00")."""
    page.get_by_label("Test card number").fill(card)
    page.get_by_role("button", name=f"Pay {price} into escrow").click()


def accept_contract(page: Page, url: str) -> None:
    open_contract(page, url)
    page.get_by_role("button", name="I accept this contract").click()
    expect(page.get_by_text("You accepted the contract.")).to_be_visible()


def deliver_work(page: Page, url: str, message: str, *, link: str = "", file: tuple[str, bytes] | None = None) -> None:
    open_contract(page, url)
    form = page.get_by_role("form", name="Deliver the work")
    form.get_by_label("What you delivered").fill(message)
    if link:
        form.get_by_label("Links (one a line)").fill(link)
    if file:
        name, content = file
        payload: FilePayload = {"name": name, "mimeType": "text/plain", "buffer": content}
        form.locator("input[type=file]").set_input_files(files=[payload])
        expect(form.get_by_text(name)).to_be_visible()
    form.get_by_role("button", name="Submit delivery").click()
    expect(page.get_by_text("Delivered. The client has been told.")).to_be_visible()


def approve_delivery(page: Page, url: str) -> None:
    open_contract(page, url)
    confirm(page, "Approve delivery", "Approve and release")
    expect(page.get_by_text("Approved. The escrow was released")).to_be_visible()
    expect(contract_status(page)).to_have_text("Completed")


def leave_review(page: Page, url: str, stars: int, text: str) -> None:
    """Rate the other party on the contract page's reviews panel."""
    open_contract(page, url)
    panel = page.get_by_role("region", name="Reviews")
    form = panel.get_by_role("form", name=re.compile(r"^Rate "))
    choice = form.get_by_role("radio", name=f"{stars} star" + ("" if stars == 1 else "s"), exact=True)
    choice.click()  # the rating is the server's to set: wait for the round trip rather than expect it at once
    expect(choice).to_be_checked()
    form.get_by_label("Review", exact=True).fill(text)
    form.get_by_role("button", name="Submit review").click()
    expect(panel.get_by_text(re.compile(r"^Your review is in")).first).to_be_visible()
