"""The ways out of a delivered contract that the parties disagree on (issue 10): a party opens a dispute, which an
administrator decides with the operator command; and a revision that never comes, after which the client cancels for a refund."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

from playwright.sync_api import Page, expect

from jtbd_app.db import session_scope
from jtbd_app.models import Contract, utcnow
from jtbd_app.services.trust import user_admin
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


def operator_command(app_server: AppServer, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m jtbd_app.cli ...` on the running app's database, as its operator runs it."""
    env = {**os.environ, **app_server.database_env()}
    return subprocess.run(
        [sys.executable, "-m", "jtbd_app.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_party_opens_a_dispute_which_an_administrator_decides_once(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("hana", "Hana Client"), new_member("ivo", "Ivo Maker")
    deal = contract_in("delivered", client, contractor, price="80")
    url = contract_url(base, deal)

    # The contractor, whose delivery the client will not answer, opens a dispute
    sign_in_as(other_page, base, contractor)
    open_contract(other_page, url)
    section = other_page.get_by_role("region", name="Dispute")
    section.get_by_text("Something went wrong? Open a dispute").click()
    form = section.get_by_role("form", name="Open a dispute")
    form.get_by_label("Reason", exact=True).select_option("stopped_responding")
    form.get_by_label("What happened").fill("The client wants a second logo for free.")
    form.get_by_label("Outcome you want").select_option("release")
    form.get_by_role("button", name="Open a dispute").click()
    expect(section.get_by_text("Your dispute is open.")).to_be_visible()
    expect(contract_status(other_page)).to_have_text("Disputed: escrow frozen")

    # The client sees it on hold, with the reason, and can no longer release or cancel
    sign_in_as(page, base, client)
    open_contract(page, url)
    note = page.get_by_role("note", name="Next step")
    expect(note).to_contain_text("On hold for an administrator")
    expect(note).to_contain_text("opened a dispute: The other party stopped responding.")
    expect(page.get_by_role("button", name="Approve delivery")).to_have_count(0)
    expect(page.get_by_text("The client wants a second logo for free.")).to_be_visible()
    assert unnamed_controls(page) == []

    # An administrator decides with the operator command: $50.00 to the contractor, the rest back to the client
    admin = new_member("ada", "Ada Admin")
    with session_scope() as session:
        user_admin.promote_by_email(session, email=admin.user.email)
    decide = ["resolve-frozen", str(deal.contract_id), "--contractor", "5000", "--admin", admin.user.email]
    done = operator_command(app_server, *decide, "--note", "Half of the second round was in scope.")
    assert done.returncode == 0, done.stderr
    again = operator_command(app_server, *decide)
    assert again.returncode == 1 and "decided already" in again.stderr  # once

    page.reload()
    expect(contract_status(page)).to_have_text("Completed")
    expect(data_row(page, "Escrow holds")).to_contain_text("$0.00")
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(
        "An administrator decided: $50.00 to the contractor, $30.00 back to the client."
    )
    decided = page.get_by_role("region", name="Dispute")
    expect(decided.get_by_text("Decided by an administrator")).to_be_visible()
    expect(
        decided.get_by_text("An administrator decided: $50.00 to the contractor, $30.00 back to the client.")
    ).to_be_visible()


def test_after_a_revisions_due_date_the_client_cancels_for_a_full_refund(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("jo", "Jo Client"), new_member("kai", "Kai Maker")
    deal = contract_in("delivered", client, contractor, price="60")
    url = contract_url(base, deal)
    sign_in_as(page, base, client)
    open_contract(page, url)

    form = page.get_by_role("form", name="Ask for a revision")
    form.get_by_label("What needs to change").fill("The header image is missing.")
    form.get_by_role("button", name="Ask for a revision").click()
    expect(page.get_by_text("Revision requested. The contractor has been told.")).to_be_visible()
    note = page.get_by_role("note", name="Next step")
    expect(note).to_contain_text(re.compile(r"Waiting for the contractor to deliver again, by \d+ \w+ \d{4}"))
    expect(page.get_by_role("button", name="Cancel for a full refund")).to_have_count(0)

    with session_scope() as session:  # the revision's due date passes with nothing delivered
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None and contract.revision_due_at is not None
        contract.revision_due_at = utcnow() - timedelta(minutes=1)
        session.add(contract)

    page.reload()
    expect(page.get_by_text("The revision's due date passed without a delivery.")).to_be_visible()
    confirm(page, "Cancel for a full refund", "Cancel and refund")
    expect(contract_status(page)).to_have_text("Cancelled")
    expect(data_row(page, "Escrow holds")).to_contain_text("$0.00")
