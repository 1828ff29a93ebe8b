"""An administrator decides a dispute at /admin/disputes (issue 14): the client disputed a delivered contract, the
contractor answered; the admin finds it in the queue, reads the timeline, splits 60/40 with a reason after a confirm
step; both wallets show the split, both parties read the reason on the contract, the audit log holds the decision."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import AuditEntry, Contract, DisputeCase, Listing, utcnow
from jtbd_app.services.trust import user_admin
from tests.support.app_server import AppServer, own_app
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as
from tests.support.database import use_database
from tests.support.disputes import CONTRACTOR_SAYS, disputed_contract
from tests.support.openai_server import LocalOpenAI, Reply

REASON = "The pricing section was agreed in the messages but not delivered; the rest of the page was."


def test_an_administrator_splits_a_dispute_60_40_with_a_reason_both_parties_read(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    started = utcnow()  # the audit entries of this test are the ones after this moment
    client, contractor = new_member("dora", "Dora Client"), new_member("eli", "Eli Maker")
    deal = disputed_contract(contract_in("awaiting_funding", client, contractor, price="100"))
    title = f"Bakery site {uuid.uuid4().hex[:6]}"
    with session_scope() as session:
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None
        listing = session.get(Listing, contract.listing_id)
        assert listing is not None
        listing.title = title
        session.add(listing)
    admin = new_member("ada", "Ada Admin")
    with session_scope() as session:
        user_admin.promote_by_email(session, email=admin.user.email)

    # A member who is not an administrator is refused
    sign_in_as(other_page, base, client)
    other_page.goto(f"{base}/admin/disputes")
    expect(other_page.get_by_role("alert")).to_contain_text("administrators only")
    expect(other_page.get_by_role("link", name=title)).to_have_count(0)

    # The administrator finds the case in the queue and opens it
    sign_in_as(page, base, admin)
    page.goto(f"{base}/admin/disputes")
    expect(page.get_by_role("heading", name="Disputes", exact=True)).to_be_visible()
    queue = page.get_by_role("table", name="Disputes waiting for a decision")
    row = queue.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    expect(row).to_contain_text("$100.00")
    expect(row).to_contain_text("Under review")
    expect(row).to_contain_text("Dora Client")
    assert unnamed_controls(page) == []
    row.get_by_role("link", name=title).click()

    # The case: the money held, both positions, the timeline; no model is configured, and the page says so
    expect(page.get_by_role("heading", name=f"Dispute: {title}")).to_be_visible()
    timeline = page.get_by_role("list", name="Case timeline")
    expect(timeline).to_contain_text("Listing posted")
    expect(timeline).to_contain_text("Accepted bid")
    expect(timeline).to_contain_text("Delivery 1")
    expect(timeline).to_contain_text(CONTRACTOR_SAYS)
    expect(page.get_by_text("No AI model is configured")).to_be_visible()
    expect(page.get_by_role("button", name="Summarise both positions")).to_have_count(0)

    # A split beyond what is held is refused next to the field; then 60/40, reviewed and confirmed
    form = page.get_by_role("form", name="Decide the dispute")
    form.get_by_label("Split by amount").check()
    form.get_by_label("Contractor's amount (for a split)").fill("150")
    form.get_by_label("Reason").fill(REASON)
    form.get_by_role("button", name="Review the decision").click()
    expect(form.get_by_text("less than $100.00")).to_be_visible()
    form.get_by_label("Contractor's amount (for a split)").fill("60.00")
    form.get_by_role("button", name="Review the decision").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("To the contractor: $60.00")
    expect(dialog).to_contain_text("Back to the client: $40.00")
    dialog.get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("Decided: $60.00 to the contractor, $40.00 to the client.").first).to_be_visible()
    expect(page.get_by_role("form", name="Decide the dispute")).to_have_count(0)  # decided once

    # The decision is in the audit log, and the case is resolved
    with read_scope() as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "dispute.decide", AuditEntry.subject == f"contract:{deal.contract_id}"
            )
        ).one()
        case = session.exec(select(DisputeCase).where(DisputeCase.contract_id == deal.contract_id)).one()
        read = session.exec(
            select(AuditEntry).where(AuditEntry.action == "admin.read_thread", AuditEntry.at >= started)
        ).all()
    assert entry.actor_id == admin.user.id and entry.reason == REASON
    assert json.loads(entry.detail)["contractor_minor"] == 6000 and json.loads(entry.detail)["client_minor"] == 4000
    assert (case.status, case.outcome) == ("resolved", "split")
    assert all(r.actor_id == admin.user.id for r in read)

    # Both wallets show the split, and both parties read the reason on the contract
    other_page.goto(f"{base}/wallet")
    history = other_page.get_by_role("table", name="Every movement of your money")
    expect(
        history.get_by_role("row").filter(has_text=f"Escrow refunded to you (contract #{deal.contract_id})")
    ).to_contain_text("+$40.00")
    open_contract(other_page, contract_url(base, deal))
    expect(other_page.get_by_role("list", name="Timeline")).to_contain_text(REASON)

    sign_in_as(page, base, contractor)
    page.goto(f"{base}/wallet")
    history = page.get_by_role("table", name="Every movement of your money")
    expect(
        history.get_by_role("row").filter(has_text=f"Escrow released to you (contract #{deal.contract_id})")
    ).to_contain_text("+$54.00")  # $60.00 less the 10% fee
    open_contract(page, contract_url(base, deal))
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(REASON)


@pytest.fixture(scope="module")
def summary_app(tmp_path_factory: pytest.TempPathFactory, openai_server_for_module: LocalOpenAI) -> Iterator[AppServer]:
    """A second app whose AI summary is the local chat server the test scripts (one try per request)."""
    with own_app(
        workdir=tmp_path_factory.mktemp("summary-app"),
        extra_env={
            "OPENAI_API_KEY": openai_server_for_module.api_key,
            "OPENAI_BASE_URL": openai_server_for_module.url,
            "OPENAI_MODEL": "local-test-model",
            "OPENAI_TIMEOUT": "20",
            "OPENAI_MAX_RETRIES": "0",
        },
    ) as server:
        yield server


def test_the_ai_summary_is_made_when_asked_and_a_failure_can_be_retried(
    summary_app: AppServer, openai_server: LocalOpenAI, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = summary_app.url
    with use_database(monkeypatch, summary_app.database_env()):
        client, contractor = new_member("fay", "Fay Client"), new_member("gus", "Gus Maker")
        deal = disputed_contract(contract_in("awaiting_funding", client, contractor, price="100"))
        admin = new_member("ada", "Ada Admin")
        with session_scope() as session:
            user_admin.promote_by_email(session, email=admin.user.email)
    openai_server.reply(
        Reply(status=500, error="The server had an error."),
        Reply(
            delay=1.5,
            text=json.dumps(
                {
                    "client_position": "Fay says the pricing section was agreed and is missing.",
                    "contractor_position": "Gus says the pricing section was never in the brief.",
                    "agreed_facts": ["The landing page was delivered."],
                }
            ),
        ),
    )

    sign_in_as(page, base, admin)
    page.goto(f"{base}/admin/disputes/{deal.contract_id}")
    expect(page.get_by_role("heading", name="AI summary")).to_be_visible()
    assert openai_server.requests == []  # nothing is asked until the administrator asks

    page.get_by_role("button", name="Summarise both positions").click()
    expect(page.get_by_role("alert").filter(has_text="refused the request (HTTP 500)")).to_contain_text(
        "Try again in a moment."
    )
    page.get_by_role("button", name="Summarise both positions").click()
    expect(page.get_by_role("status").filter(has_text="Reading the case…")).to_be_visible()
    summary = page.get_by_label("AI summary of both positions")
    expect(summary).to_contain_text("Fay says the pricing section was agreed and is missing.")
    expect(summary).to_contain_text("Gus says the pricing section was never in the brief.")
    expect(summary).to_contain_text("The landing page was delivered.")
    assert CONTRACTOR_SAYS in openai_server.requests[-1].prompt and "<<<CASE" in openai_server.requests[-1].prompt
