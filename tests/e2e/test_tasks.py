"""A member keeps a to-do list at /tasks: adds tasks by button and by Enter, is told what is wrong with bad input,
edits, completes, filters, deletes and pages through them; each task links to its Delegate menu."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import RoutingDecision, User
from jtbd_app.services.delegate import todos
from jtbd_app.services.viewer import Viewer
from tests.support.app_server import AppServer
from tests.support.browser import (
    expect_field_message,
    sign_up_new_member,
    unique_username,
    unnamed_controls,
    wider_than_the_screen,
)
from tests.support.factories import bid, make_listing
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def _tasks(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Your tasks").get_by_role("listitem")


def _add_form(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("form", name="Add a task")


def test_a_signed_out_visitor_is_asked_to_sign_in(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/tasks")

    expect(page.get_by_role("alert")).to_contain_text("Please sign in to continue.")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_have_attribute(
        "href",
        re.compile(r"^/login\?next=%2Ftasks(%2F)?$"),  # back here after signing in
    )
    expect(page.get_by_role("button", name="Add task")).to_have_count(0)


def test_a_member_adds_edits_completes_filters_and_deletes_tasks(app_server: AppServer, page: Page) -> None:
    sign_up_new_member(page, app_server.url, "todo", "Todo Tester")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks", exact=True).click()
    expect(page.get_by_role("heading", name="Tasks", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="No tasks yet — add one above.")).to_be_visible()

    # Add by the button, then by Enter in the title.
    title = _add_form(page).get_by_label("Title", exact=True)
    title.fill("Buy lightbulbs")
    _add_form(page).get_by_role("button", name="Add task").click()
    expect(_tasks(page)).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Task added.")).to_be_visible()
    expect(title).to_have_value("")
    title.fill("Design a logo for my bakery")
    title.press("Enter")
    expect(_tasks(page)).to_have_count(2)
    expect(_tasks(page).first).to_contain_text("Design a logo for my bakery")  # newest first
    expect(page.get_by_role("link", name="Open (2)")).to_have_attribute("aria-current", "page")

    # Bad input: a message by the field, nothing added.
    title.fill("<b>Bold</b> move")
    _add_form(page).get_by_label("Due date").fill("2020-01-01")
    _add_form(page).get_by_role("button", name="Add task").click()
    expect_field_message(title, "Title cannot contain HTML tags.")
    expect_field_message(_add_form(page).get_by_label("Due date"), "The due date cannot be in the past.")
    expect(_tasks(page)).to_have_count(2)

    # Each task links to its Delegate menu.
    expect(page.get_by_role("link", name="Delegate Buy lightbulbs")).to_have_attribute(
        "href", re.compile(r"^/tasks/\d+/delegate$")
    )
    assert unnamed_controls(page) == []

    # Edit inline: Escape cancels, Save keeps the change.
    page.get_by_role("button", name="Edit Buy lightbulbs").click()
    editing = page.get_by_role("form", name="Edit Buy lightbulbs")
    expect(editing.get_by_label("Title", exact=True)).to_be_focused()
    editing.get_by_label("Title", exact=True).press("Escape")
    expect(editing).to_have_count(0)
    page.get_by_role("button", name="Edit Buy lightbulbs").click()
    editing.get_by_label("Title", exact=True).fill("")
    editing.get_by_role("button", name="Save").click()
    expect_field_message(editing.get_by_label("Title", exact=True), "Title is required")
    due = (todos.today() + timedelta(days=7)).isoformat()
    editing.get_by_label("Title", exact=True).fill("Buy LED bulbs")
    editing.get_by_label("Notes").fill("Six, warm white")
    editing.get_by_label("Due date").fill(due)
    editing.get_by_role("button", name="Save").click()
    expect(editing).to_have_count(0)
    changed = _tasks(page).filter(has_text="Buy LED bulbs")
    expect(changed).to_contain_text("Six, warm white")
    expect(changed).to_contain_text("Due ")

    # Complete it: it leaves the open list and shows under Done.
    page.get_by_role("checkbox", name="Mark Buy LED bulbs done").click()
    expect(page.get_by_role("status").filter(has_text="Task marked done.")).to_be_visible()
    expect(_tasks(page)).to_have_count(1)
    page.get_by_role("link", name="Done (1)").click()
    expect(page).to_have_url(re.compile(r"/tasks\?show=done$"))
    expect(_tasks(page)).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Mark Buy LED bulbs done")).to_be_checked()
    page.get_by_role("link", name="All (2)").click()
    expect(_tasks(page)).to_have_count(2)

    # Delete asks first; keeping it changes nothing.
    page.get_by_role("button", name="Delete Buy LED bulbs").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Delete this task?")
    dialog.get_by_role("button", name="Keep it").click()
    expect(_tasks(page)).to_have_count(2)
    page.get_by_role("button", name="Delete Buy LED bulbs").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete task").click()
    expect(page.get_by_role("status").filter(has_text="Task deleted.")).to_be_visible()
    expect(_tasks(page)).to_have_count(1)
    expect(page.get_by_role("link", name="Done (0)")).to_be_visible()


def test_the_list_pages_past_twenty_tasks(app_server: AppServer, app_database: None, page: Page) -> None:
    username = sign_up_new_member(page, app_server.url, "pager", "Pager Tester")
    with read_scope() as session:
        user = session.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    viewer = Viewer(user.id, username, "Pager Tester", "user", "active")
    for n in range(1, 22):
        with session_scope() as session:
            todos.add_task(session, viewer=viewer, values={"title": f"Chore {n}"})

    page.goto(f"{app_server.url}/tasks")

    expect(_tasks(page)).to_have_count(20)
    expect(_tasks(page).first).to_contain_text("Chore 21")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    page.get_by_role("button", name="Next page of your tasks").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(_tasks(page)).to_have_count(1)
    expect(_tasks(page).first).to_contain_text("Chore 1")


def test_each_task_shows_where_it_went_with_its_links(app_server: AppServer, app_database: None, page: Page) -> None:
    username = sign_up_new_member(page, app_server.url, "routed", "Routed Tester")
    with read_scope() as session:
        user = session.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    viewer = Viewer(user.id, username, "Routed Tester", "user", "active")
    bidder = make_user(unique_username("bidder"))
    listing = make_listing(user, title="Design a logo for my bakery")
    assert listing.id is not None
    bid(viewer_of(bidder), listing.id)
    with session_scope() as session:
        posted = todos.add_task(session, viewer=viewer, values={"title": "Design a logo for my bakery"})
        sent = todos.add_task(session, viewer=viewer, values={"title": "Assemble IKEA wardrobe"})
        session.add(RoutingDecision(task_id=posted, owner_id=user.id, route="internal", listing_id=listing.id))
        session.add(RoutingDecision(task_id=sent, owner_id=user.id, route="outside", partner_key="taskrabbit"))

    page.goto(f"{app_server.url}/tasks")

    logo = _tasks(page).filter(has_text="Design a logo for my bakery")
    expect(logo).to_contain_text("Posted here")
    expect(logo).to_contain_text("Open for bids · 1 bid")
    expect(logo.get_by_role("link", name="View the listing")).to_have_attribute("href", f"/listings/{listing.id}")
    wardrobe = _tasks(page).filter(has_text="Assemble IKEA wardrobe")
    # the partner's name as registered by an earlier menu of this app, else from its key
    expect(wardrobe).to_contain_text(re.compile("Sent to TaskRabbit", re.IGNORECASE))
    expect(wardrobe).to_contain_text("No outcome reported yet")
    expect(page.get_by_role("link", name="Report the outcome of Assemble IKEA wardrobe")).to_have_attribute(
        "href", f"/tasks/{sent}/delegate#outcome"
    )
    expect(page.get_by_role("link", name="Delegate Assemble IKEA wardrobe")).to_have_attribute(
        "href", f"/tasks/{sent}/delegate"
    )


def test_on_a_phone_the_list_fits_the_screen(app_server: AppServer, mobile_page: Page) -> None:
    page = mobile_page
    sign_up_new_member(page, app_server.url, "phone", "Phone Tester")
    page.goto(f"{app_server.url}/tasks")
    title = _add_form(page).get_by_label("Title", exact=True)
    title.fill("Call the plumber about the " + "very " * 20 + "leaky tap")
    title.press("Enter")
    expect(_tasks(page)).to_have_count(1)

    assert wider_than_the_screen(page) == []
    assert unnamed_controls(page) == []
