"""A delivery on a problem's micro-task, checked against its criteria, in Chromium: the contractor states the number
the evidence asks for, the page lists each criterion with a symbol and a word, and the client's revision request
names the criterion the delivery does not meet."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.contract_journey import new_member, open_contract, sign_in_as
from tests.support.gateways import ScriptedGateway
from tests.support.problem_money import ProblemDeal, fund, hire
from tests.support.problems import planned_problem
from tests.support.verification import TASKS, run_checks
from tests.support.viewers import viewer_of


def checklist_of(page: Page, url: str) -> None:
    """Open the contract until its checklist is in (the check is a background job)."""
    for _ in range(40):
        open_contract(page, url)
        if page.get_by_text(re.compile(r"is being checked")).count() == 0:
            return
        time.sleep(0.5)


def test_a_micro_task_delivery_is_checked_and_the_revision_cites_the_criterion(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Marketer")
    gateway = ScriptedGateway()
    deal = ProblemDeal(planned_problem(client.user, TASKS), viewer_of(client.user))
    fund(deal, gateway)
    contract_id = hire(deal, "visits", contractor.user, price="500")
    url = f"{base}/contracts/{contract_id}"

    sign_in_as(other_page, base, contractor)
    open_contract(other_page, url)
    panel = other_page.get_by_role("heading", name="Checked against the criteria")
    expect(panel).to_be_visible()
    form = other_page.get_by_role("form", name="Deliver the work")
    form.get_by_label("What you delivered").fill("Sessions reached 12,400 this month; report attached in the text.")
    number = form.get_by_label("Reported number")
    number.fill("12.4k")
    form.get_by_role("button", name="Submit delivery").click()
    expect(other_page.get_by_text("Enter a whole number, such as 10000 or 10,000.")).to_be_visible()
    number.fill("12,400")
    form.get_by_role("button", name="Submit delivery").click()
    expect(other_page.get_by_text("Delivered. The client has been told.")).to_be_visible()

    run_checks(gateway)  # the app's own scheduler may get there first: either way, once
    sign_in_as(page, base, client)
    checklist_of(page, url)
    criteria = page.get_by_role("list", name="Checked against the criteria")
    expect(criteria.get_by_role("listitem", name="Evidence: Met")).to_contain_text(
        "Reported 12,400, at least the 10,000 asked for."
    )
    expect(criteria.get_by_role("listitem", name="1: Not known")).to_contain_text(
        "At least 10,000 sessions in Google Analytics"
    )
    expect(page.get_by_text("No AI reviewer is configured")).to_be_visible()
    expect(page.get_by_text("Reported number: 12,400")).to_be_visible()

    revision = page.get_by_role("form", name="Ask for a revision")
    revision.get_by_label("What needs to change").fill("Half of these visits came from a paid campaign.")
    revision.get_by_role("button", name="Ask for a revision").click()
    expect(page.get_by_text("Choose the acceptance criterion the delivery does not meet.")).to_be_visible()
    revision.get_by_label("Criterion not met").select_option(label="2. Traffic is organic, no bought visits")
    revision.get_by_role("button", name="Ask for a revision").click()
    expect(page.get_by_text("Revision requested. The contractor has been told.")).to_be_visible()
    expect(criteria.get_by_role("listitem", name="2: Not met")).to_contain_text("by the client")
    expect(page.get_by_role("list", name="Timeline")).to_contain_text("Not met: Traffic is organic, no bought visits")
