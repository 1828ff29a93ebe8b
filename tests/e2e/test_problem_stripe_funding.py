"""An owner funds a planned problem's whole budget by card through Stripe Elements, against localstripe (the
`stripe_app` fixture: a second app with Stripe on, localstripe's stand-in Stripe.js and its signed webhooks). Only the
webhook funds the escrow; the page waits for it and then shows the problem funded and its tasks posted, unreloaded."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from jtbd_app.db import read_scope
from jtbd_app.models import JournalEntry
from tests.support.app_server import AppServer
from tests.support.browser import PolicyViolations, expect_field_message
from tests.support.card_field import DECLINED, VISA, type_card, wait_for
from tests.support.contract_journey import Member, new_member, sign_in_as
from tests.support.problem_money import ProblemDeal, escrow_of_problem
from tests.support.problems import planned_problem

TEST_MONEY = "Test money: the sandbox gateway is on"
PAY = "Pay $3,000.00"
NO_RELOAD = "window.__stillTheSamePage"
TASKS = ("Audit the site", "Write ten articles", "Run a search ad test")


def a_planned_problem() -> tuple[ProblemDeal, Member]:
    """A new member's $3,000.00 problem with a three-task plan, arranged through the services."""
    owner = new_member("owner", "Olga Owner")
    return ProblemDeal(planned_problem(owner.user), owner.viewer), owner


def open_problem(page: Page, app: AppServer, deal: ProblemDeal, owner: Member) -> None:
    sign_in_as(page, app.url, owner)
    page.goto(f"{app.url}/problems/{deal.problem_id}")
    expect(page.get_by_role("heading", name="Fund and publish")).to_be_visible()


def fund_entries(deal: ProblemDeal) -> list[JournalEntry]:
    with read_scope() as session:
        query = select(JournalEntry).where(
            JournalEntry.problem_id == deal.problem_id, col(JournalEntry.kind) == "fund_problem"
        )
        return list(session.exec(query).all())


def test_a_card_payment_funds_the_problem_by_the_webhook_and_its_tasks_appear_posted_without_a_reload(
    stripe_app: AppServer, stripe_app_database: None, page: Page
) -> None:
    deal, owner = a_planned_problem()
    violations = PolicyViolations(page)  # Stripe.js and its card field run under the Content-Security-Policy
    open_problem(page, stripe_app, deal, owner)
    expect(page.get_by_text(TEST_MONEY)).to_have_count(0)
    expect(page.get_by_label("Test card number")).to_have_count(0)
    other_tab = page.context.new_page()  # the owner's same problem in another tab, which does not pay
    other_tab.goto(page.url)
    expect(other_tab.get_by_role("button", name=PAY)).to_be_visible()
    for tab in (page, other_tab):
        tab.evaluate(f"{NO_RELOAD} = true")

    type_card(page.get_by_role("region", name="Card details"), VISA)
    page.get_by_role("button", name=PAY).click()

    expect(page.get_by_text("Payment submitted; waiting for Stripe to confirm…")).to_be_visible()
    expect(page.get_by_text("The budget is in escrow")).to_be_visible(timeout=30_000)
    tasks = page.get_by_role("region", name="Tasks")
    for title in TASKS:  # posted as the notice shows, not at the scheduler's next round
        link = tasks.get_by_role("listitem", name=title).get_by_role("link", name="Listing")
        expect(link).to_have_attribute("href", re.compile(r"^/listings/\d+$"), timeout=2_000)
    expect(page.get_by_role("region", name="Money and progress")).to_contain_text(
        "Held for tasks not yet hired: $3,000.00"
    )
    expect(page.get_by_role("button", name=PAY)).to_have_count(0)
    other_tasks = other_tab.get_by_role("region", name="Tasks")  # its live tick follows the problem's changes
    expect(other_tab.get_by_role("region", name="Money and progress")).to_be_visible(timeout=15_000)
    expect(other_tasks.get_by_role("link", name="Listing")).to_have_count(len(TASKS), timeout=15_000)
    expect(other_tab.get_by_role("button", name=PAY)).to_have_count(0)
    assert all(tab.evaluate(f"{NO_RELOAD} === true") for tab in (page, other_tab))

    assert deal.load().status == "published"
    paid = [p for p in deal.payments() if p.status == "succeeded"]
    assert len(paid) == 1 and paid[0].gateway == "stripe" and (paid[0].external_id or "").startswith("pi_")
    assert [e.memo for e in fund_entries(deal)] == [f"Problem escrow funded ({paid[0].external_id})"]
    assert escrow_of_problem(deal.problem_id) == 300_000
    assert all(task.listing_id is not None and task.status == "open" for task in deal.tasks().values())
    assert violations.found() == []


def test_a_declined_card_shows_the_error_by_the_card_field_and_funds_nothing(
    stripe_app: AppServer, stripe_app_database: None, page: Page
) -> None:
    deal, owner = a_planned_problem()
    open_problem(page, stripe_app, deal, owner)

    card_field = page.get_by_role("region", name="Card details")
    type_card(card_field, DECLINED)
    page.get_by_role("button", name=PAY).click()

    expect_field_message(card_field, "Your card was declined.")
    wait_for(lambda: [p.status for p in deal.payments()] == ["failed"])  # localstripe's payment_failed webhook
    expect(page.get_by_role("button", name=PAY)).to_be_enabled()
    expect(page.get_by_role("region", name="Money and progress")).to_have_count(0)
    assert deal.load().status == "planned"
    assert fund_entries(deal) == [] and escrow_of_problem(deal.problem_id) == 0
    assert all(task.listing_id is None for task in deal.tasks().values())
