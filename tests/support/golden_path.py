"""The golden path in two browsers, as the members click it: post, bid, accept, fund in the sandbox, deliver,
approve, review both ways. Used by the production profile's integration test and by `make compose-check`
(scripts/compose_check.py), each on its own pages (through Caddy)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.support.browser import sign_up_new_member
from tests.support.contract_journey import (
    approve_delivery,
    data_row,
    deliver_work,
    hire,
    leave_review,
    open_contract,
    pay_with_test_card,
)
from tests.support.marketplace_journey import place_bid, post_through_the_wizard


@dataclass(frozen=True)
class Walked:
    contract_url: str
    client_name: str
    contractor_name: str

    @property
    def contract_id(self) -> int:
        return int(self.contract_url.rsplit("/", 1)[1])


def walk_the_golden_path(
    client: Page,
    contractor: Page,
    base: str,
    *,
    file: tuple[str, bytes] | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Walked:
    """A $140 fence painting from the listing to both reviews; each step checked on the page. `file` goes with the
    delivery (and must show on it); `say` hears each step as it is done."""
    client_name = sign_up_new_member(client, base, "client", "Cora Client")
    contractor_name = sign_up_new_member(contractor, base, "painter", "Pat Painter")
    say(f"signed up {client_name} and {contractor_name}")
    listing_url = post_through_the_wizard(client, base, f"Paint the fence {uuid.uuid4().hex[:6]}")
    say(f"posted {listing_url}")
    place_bid(contractor, listing_url, "140", "Two coats, weatherproof paint.")
    contract_url = hire(client, contractor, listing_url, "Pat Painter")
    say(f"bid accepted, both accepted {contract_url}")
    open_contract(client, contract_url)
    pay_with_test_card(client, "$140.00")
    expect(client.get_by_text("Payment received: the escrow is funded")).to_be_visible()
    say("funded in the sandbox")
    deliver_work(
        contractor, contract_url, "Both sides painted, two coats.", link="https://example.com/fence", file=file
    )
    open_contract(client, contract_url)
    delivery = client.get_by_role("listitem", name="Delivery 1")
    expect(delivery).to_contain_text("Both sides painted, two coats.")
    if file is not None:
        expect(delivery).to_contain_text(file[0])
    say("delivered" + (", with a file" if file else ""))
    approve_delivery(client, contract_url)
    contractor.goto(f"{base}/wallet")
    expect(contractor.get_by_role("heading", name="Wallet")).to_be_visible()
    expect(contractor.get_by_label("Paid out in total")).to_contain_text("$126.00")
    say("approved: $126.00 paid out to the contractor")
    leave_review(client, contract_url, 5, "Neat work, on time.")
    leave_review(contractor, contract_url, 4, "Clear brief, paid promptly.")
    client.goto(f"{base}/u/{contractor_name}")
    expect(data_row(client, "Rating")).to_contain_text("5.0 (1)")
    contractor.goto(f"{base}/u/{client_name}")
    expect(data_row(contractor, "Rating")).to_contain_text("4.0 (1)")
    say("reviewed both ways")
    return Walked(contract_url, client_name, contractor_name)
