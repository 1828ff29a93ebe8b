"""A problem end to end in the browser, offline: describe it, watch the plan appear, see that it does not fit and
apply a cut, edit a task, refine the plan with an instruction, and find it in the list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_up_new_member

OUTCOME = "Get 10K legit website visitors to my bakery's site in 60 days"


def _in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def test_bad_input_is_shown_by_its_field_and_nothing_is_made(app_server: AppServer, page: Page) -> None:
    sign_up_new_member(page, app_server.url, "planner", "Pia Planner")
    page.goto(f"{app_server.url}/problems/new")
    page.get_by_label("What outcome do you want?").fill("<b>traffic</b> please, lots of it")
    page.get_by_label("Budget").fill("5")
    page.get_by_label("Deadline").fill("2020-01-01")
    page.get_by_role("button", name="Make a plan").click()
    expect_field_message(page.get_by_label("What outcome do you want?"), "cannot contain HTML")
    expect_field_message(page.get_by_label("Budget"), "too small to split")
    expect_field_message(page.get_by_label("Deadline"), "after today")
    expect(page).to_have_url(re.compile(r"/problems/new$"))
    page.goto(f"{app_server.url}/problems")
    expect(page.get_by_text("You have no problems yet")).to_be_visible()


def test_describe_plan_cut_edit_refine(app_server: AppServer, page: Page) -> None:
    sign_up_new_member(page, app_server.url, "baker", "Bea Baker")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Problems").click()
    page.get_by_role("link", name="Describe a problem").click()
    outcome = page.get_by_label("What outcome do you want?")
    outcome.fill(OUTCOME)
    suggestions = page.get_by_role("region", name="Suggested success criteria")
    expect(suggestions).to_contain_text("10,000")
    page.get_by_label("Budget").fill("300")
    page.get_by_label("Deadline").fill(_in_days(20))
    page.get_by_role("button", name="Make a plan").click()
    page.wait_for_url(re.compile(r"/problems/\d+$"))

    tasks = page.get_by_role("region", name="Tasks")
    expect(tasks.get_by_role("listitem").first).to_be_visible()
    expect(page.get_by_role("img", name="Dependency graph of the plan")).to_be_visible()
    expect(tasks).to_contain_text("Set up analytics")
    expect(page.get_by_text("Made by the offline playbooks")).to_be_visible()

    fit = page.get_by_role("region", name="Does the plan fit the budget and deadline?")
    expect(fit).to_contain_text("Does not fit")
    drop = fit.get_by_role("button", name=re.compile(r"^Apply: Drop"))
    label = (drop.get_attribute("aria-label") or "").removeprefix("Apply: ")
    drop.click()
    expect(page.get_by_role("status").filter(has_text="Applied:")).to_contain_text(label)
    expect(tasks).not_to_contain_text("Paid search test campaign")

    tasks.get_by_role("button", name=re.compile(r"^Edit Set up analytics")).click()
    page.get_by_label("Title", exact=True).fill("Install privacy-friendly analytics")
    page.get_by_role("button", name="Save task").click()
    expect(page.get_by_role("status").filter(has_text="Task saved.")).to_be_visible()
    expect(tasks.get_by_role("heading", name="Install privacy-friendly analytics")).to_be_visible()

    page.get_by_label("Refine the whole plan").fill("add a task for a launch email")
    page.get_by_role("button", name="Refine plan").click()
    expect(tasks).to_contain_text(re.compile("launch email", re.I))
    total = sum(int(re.sub(r"[^\d]", "", text)) for text in tasks.locator("[data-share]").all_inner_texts())
    assert total == 30_000

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Problems").click()
    expect(page.get_by_role("table", name="Your problems")).to_contain_text("Get 10K legit website visitors")
