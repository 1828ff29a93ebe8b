"""A planned problem run end to end in two browsers: fund it once, find its tasks in the marketplace marked as part of
it, invite a matched contractor, hire through a bid paid from the problem's escrow, deliver and approve; the owner's
dashboard and both wallets change without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.support.app_server import AppServer
from tests.support.contract_journey import (
    accept_contract,
    approve_delivery,
    deliver_work,
    new_member,
    sign_in_as,
)
from tests.support.contractors import ContractorProfile
from tests.support.marketplace_journey import place_bid
from tests.support.problems import planned_problem

LIVE = 15_000
NO_RELOAD = "window.__stillTheSamePage"


def _mark(page: Page) -> None:
    page.evaluate(f"{NO_RELOAD} = true")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate(f"{NO_RELOAD} === true"))


def _figure(page: Page, label: str) -> Locator:
    return page.get_by_role("group", name=label)


def test_fund_once_invite_hire_deliver_approve_and_watch_it_live(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    owner = new_member("owner", "Olga Owner")
    auditor = new_member(
        "auditor",
        "Audra Auditor",
        ContractorProfile(skills=("seo", "analytics"), rate_minor=5_000, bio="I audit websites for search and speed."),
    )
    problem_id = planned_problem(owner.user)
    problem_url = f"{app_server.url}/problems/{problem_id}"

    sign_in_as(page, app_server.url, owner)
    page.goto(problem_url)
    fund = page.get_by_role("form", name="Fund the problem")
    fund.get_by_label("Test card number").fill("4242 4242 4242 4242")
    fund.get_by_role("button", name=re.compile(r"^Pay \$3,000\.00 into escrow")).click()
    expect(page.get_by_text("The budget is in escrow")).to_be_visible()
    money = page.get_by_role("region", name="Money and progress")
    expect(money).to_contain_text("Held for tasks not yet hired: $3,000.00")

    tasks = page.get_by_role("region", name="Tasks")
    audit = tasks.get_by_role("listitem", name="Audit the site")
    listing_href = audit.get_by_role("link", name="Listing").get_attribute("href")
    assert listing_href and re.fullmatch(r"/listings/\d+", listing_href)

    audit.get_by_role("button", name="Find contractors for Audit the site").click()
    matches = page.get_by_role("region", name="Best matches for Audit the site")
    expect(matches).to_contain_text(auditor.name)
    matches.get_by_role("button", name=f"Invite {auditor.name}").click()
    expect(matches.get_by_text("Invited")).to_be_visible()

    sign_in_as(other_page, app_server.url, auditor)
    other_page.goto(f"{app_server.url}/marketplace")
    card = other_page.get_by_role("listitem", name="Audit the site")
    expect(card.get_by_text("Part of a funded problem")).to_be_visible()
    _mark(page)
    place_bid(other_page, f"{app_server.url}{listing_href}", "450", "I can audit it this week.")
    expect(audit.get_by_text("1 bid to review")).to_be_visible(timeout=LIVE)
    assert _not_reloaded(page)

    page.goto(f"{app_server.url}{listing_href}")
    expect(page.get_by_text("Part of a funded problem")).to_be_visible()
    page.get_by_role("button", name=f"Accept bid from {auditor.name}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Accept bid").click()
    expect(page.get_by_text("Bid accepted")).to_be_visible()
    contract_link = page.get_by_role("link", name=re.compile(r"^Open contract #\d+"))
    contract_href = contract_link.get_attribute("href")
    assert contract_href and re.fullmatch(r"/contracts/\d+", contract_href)
    contract_url = f"{app_server.url}{contract_href}"
    accept_contract(page, contract_url)
    accept_contract(other_page, contract_url)

    page.goto(problem_url)
    expect(money).to_contain_text("Held in contracts under way: $450.00")
    _mark(page)
    owner_wallet = page.context.new_page()
    owner_wallet.goto(f"{app_server.url}/wallet")
    expect(_figure(owner_wallet, "Your money in escrow")).to_contain_text("$3,000.00")
    _mark(owner_wallet)
    other_page.goto(f"{app_server.url}/wallet")
    expect(_figure(other_page, "In escrow for your work")).to_contain_text("$450.00")
    _mark(other_page)

    deliver_work(other_page.context.new_page(), contract_url, "Audit done: the report is in the shared folder.")
    expect(tasks.get_by_role("listitem", name="Audit the site")).to_contain_text("Review the delivery", timeout=LIVE)
    approve_delivery(page.context.new_page(), contract_url)

    expect(money).to_contain_text("Released to contractors: $450.00", timeout=LIVE)
    expect(tasks.get_by_role("listitem", name="Audit the site")).to_contain_text("Done", timeout=LIVE)
    expect(_figure(owner_wallet, "Your money in escrow")).to_contain_text("$2,550.00", timeout=LIVE)
    expect(_figure(other_page, "In escrow for your work")).to_contain_text("$0.00", timeout=LIVE)
    assert _not_reloaded(page) and _not_reloaded(owner_wallet) and _not_reloaded(other_page)
