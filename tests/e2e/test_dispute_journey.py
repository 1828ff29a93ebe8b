"""The whole dispute, as the issue tells it, in Chromium: a client opens a dispute on a delivered contract, the
contractor answers with evidence, an administrator splits it 60/40, both wallets show the split, and the audit log
shows the decision."""

from __future__ import annotations

import re

from playwright.sync_api import FilePayload, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.services.trust import user_admin
from tests.support.app_server import AppServer
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REASON = "Half of the photos were retouched as agreed; the other half were not delivered."


def test_a_dispute_opened_and_answered_in_the_browser_is_split_60_40_by_an_administrator(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("nora", "Nora Client"), new_member("otto", "Otto Maker")
    admin = new_member("ivy", "Ivy Admin")
    with session_scope() as session:
        user_admin.promote_by_email(session, email=admin.user.email)
    deal = contract_in("delivered", client, contractor, price="100")
    url = contract_url(base, deal)

    # The client opens the dispute
    sign_in_as(page, base, client)
    open_contract(page, url)
    section = page.get_by_role("region", name="Dispute")
    section.get_by_text("Something went wrong? Open a dispute").click()
    form = section.get_by_role("form", name="Open a dispute")
    form.get_by_label("Reason", exact=True).select_option("not_delivered")
    form.get_by_label("What happened").fill("Only ten of the twenty photos came back.")
    form.get_by_label("Outcome you want").select_option("partial_refund")
    form.get_by_label("Refund to the client").fill("50")
    form.get_by_role("button", name="Open a dispute").click()
    expect(section.get_by_text("Your dispute is open.")).to_be_visible()

    # The contractor answers with a statement and a file
    sign_in_as(other_page, base, contractor)
    open_contract(other_page, url)
    theirs = other_page.get_by_role("region", name="Dispute")
    answer = theirs.get_by_role("form", name="Your answer")
    answer.get_by_label("Your statement").fill("The other ten were in the shared folder; here is the list.")
    payload: FilePayload = {"name": "folder.png", "mimeType": "image/png", "buffer": PNG}
    answer.locator("input[type=file]").set_input_files(files=[payload])
    expect(answer.get_by_text("folder.png")).to_be_visible()
    answer.get_by_role("button", name="Send my answer").click()
    expect(theirs.get_by_text("Added. The other party has been told.")).to_be_visible()

    # The administrator reads the case (both positions, the evidence file) and splits it 60/40 with a reason
    sign_in_as(page, base, admin)
    page.goto(f"{base}/admin/disputes/{deal.contract_id}")
    positions = page.get_by_role("region", name="Both positions")
    expect(positions).to_contain_text("Only ten of the twenty photos came back.")
    expect(positions).to_contain_text("The other ten were in the shared folder")
    expect(
        page.get_by_role("list", name="Case timeline").get_by_role("link", name=re.compile("folder.png"))
    ).to_be_visible()
    decide = page.get_by_role("form", name="Decide the dispute")
    decide.get_by_label("Split by amount").check()
    decide.get_by_label("Contractor's amount (for a split)").fill("60.00")
    decide.get_by_label("Reason").fill(REASON)
    decide.get_by_role("button", name="Review the decision").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("Decided: $60.00 to the contractor, $40.00 to the client.").first).to_be_visible()

    # Both wallets show the split
    other_page.goto(f"{base}/wallet")
    release = other_page.get_by_role("table", name="Every movement of your money").get_by_role("row")
    expect(release.filter(has_text=f"Escrow released to you (contract #{deal.contract_id})")).to_contain_text(
        "+$54.00"  # $60.00 less the 10% fee
    )
    sign_in_as(other_page, base, client)
    other_page.goto(f"{base}/wallet")
    refund = other_page.get_by_role("table", name="Every movement of your money").get_by_role("row")
    expect(refund.filter(has_text=f"Escrow refunded to you (contract #{deal.contract_id})")).to_contain_text("+$40.00")

    # The audit log shows the decision, who made it and why
    page.goto(f"{base}/admin/audit")
    expect(page.get_by_role("table")).to_be_visible()  # typed after the page's own first answer
    filters = page.get_by_role("form", name="Filter the audit log")
    filters.get_by_label("Action starts with").fill("dispute.")
    filters.get_by_label("Subject contains").fill(f"contract:{deal.contract_id}")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"action=dispute\.&subject=contract%3A{deal.contract_id}$"))
    row = page.get_by_role("table").get_by_role("row").filter(has_text=REASON)
    expect(row).to_contain_text("dispute.decide")
    expect(row).to_contain_text(admin.username)
