"""axe-core over every route of `jtbd_app.routes.ROUTES`, as a visitor, a member and an administrator, in light and
dark mode, after each page has loaded its data: no serious or critical violation. The list of pages is the routes
table itself, so a new page is checked the day it is added; a dynamic route is filled with the id of a real row
(a listing, a profile, a contract the member is party to and its dispute, a problem, a task, a thread, a member
record, a payment's receipt), and a new dynamic route fails here until it is given one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlmodel import col, select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import DisputeCase, Listing, Payment
from jtbd_app.routes import ROUTES
from jtbd_app.services.messaging import messages, notifications
from jtbd_app.services.trust import user_admin
from tests.support.accessibility import serious_violations
from tests.support.app_server import AppServer
from tests.support.contract_journey import Member, contract_in, new_member, sign_in_as
from tests.support.database import use_database
from tests.support.delegate_menu import add_task
from tests.support.disputes import disputed_contract
from tests.support.problems import planned_problem

MODES = ("light", "dark")


@dataclass(frozen=True)
class World:
    """Real rows for the dynamic routes: the member is the client of a disputed contract, owns a problem and a task."""

    member: Member
    admin: Member
    listing_id: int
    contract_id: int
    case_id: int
    thread_id: int
    problem_id: int
    task_id: int
    payment_id: int


FILL: dict[str, Callable[[World], str]] = {
    "/u/[username]": lambda w: "/u/alice",
    "/admin/disputes/[id]": lambda w: f"/admin/disputes/{w.case_id}",
    "/admin/users/[id]": lambda w: f"/admin/users/{w.member.user.id}",
    "/listings/[id]": lambda w: f"/listings/{w.listing_id}",
    "/messages/[id]": lambda w: f"/messages/{w.thread_id}",
    "/contracts/[id]": lambda w: f"/contracts/{w.contract_id}",
    "/wallet/receipts/[id]": lambda w: f"/wallet/receipts/{w.payment_id}",
    "/problems/[id]": lambda w: f"/problems/{w.problem_id}",
    "/tasks/[id]/delegate": lambda w: f"/tasks/{w.task_id}/delegate",
}


def paths(world: World) -> list[str]:
    return [FILL[route.path](world) if "[" in route.path else route.path for route in ROUTES]


@pytest.fixture(scope="module")
def world(app_server: AppServer) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as monkeypatch, use_database(monkeypatch, app_server.database_env()):
        member, contractor = new_member("ally", "Ally Client"), new_member("cody", "Cody Maker")
        deal = disputed_contract(contract_in("awaiting_funding", member, contractor, price="300"))
        admin = new_member("adam", "Adam Admin")
        with session_scope() as session:
            user_admin.promote_by_email(session, email=admin.user.email)
            for who in (member.viewer, admin.viewer):  # the bell shows its red badge
                notifications.notify(session, user_id=who.user_id, kind="bid_received", title="A new bid", link="/")
            thread_id = messages.thread_for_contract(session, contract_id=deal.contract_id)
        with read_scope() as session:
            case = session.exec(select(DisputeCase).where(DisputeCase.contract_id == deal.contract_id)).one()
            payment = session.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).one()
            open_listing = session.exec(
                select(Listing).where(Listing.status == "open").order_by(col(Listing.id))
            ).first()
        assert case.id is not None and payment.id is not None
        assert open_listing is not None and open_listing.id is not None
        yield World(
            member=member,
            admin=admin,
            listing_id=open_listing.id,
            contract_id=deal.contract_id,
            case_id=case.id,
            thread_id=thread_id,
            problem_id=planned_problem(member.user),
            task_id=add_task(member.user, "Assemble the new bookshelf"),
            payment_id=payment.id,
        )


def _context(browser: Browser) -> BrowserContext:
    # axe is injected as an inline script, which the app's Content-Security-Policy refuses (as it should).
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    return context


def _loaded(page: Page, path: str) -> None:
    """The page is hydrated and its on-load data is in: no spinner left in the main region, and a heading (or the
    refusal a visitor gets) shown."""
    main = page.get_by_role("main")
    expect(main, f"{path}: no main region").to_be_visible()
    expect(main.locator(".rt-Spinner"), f"{path}: still loading").to_have_count(0)
    shown = main.get_by_role("heading").or_(main.get_by_role("alert"))
    expect(shown.first, f"{path}: neither a heading nor a refusal").to_be_visible()


def _set_mode(page: Page, mode: str) -> None:
    """The app's own dark-mode toggle, pressed until the page is in `mode` (a press before the page hydrates is lost,
    so it is pressed again if the mode has not changed a few seconds later)."""
    html = page.locator("html")
    for _ in range(4):
        if mode in (html.get_attribute("class") or "").split():
            break
        page.get_by_role("button", name="Toggle dark mode").click()
        try:
            expect(html).to_have_class(re.compile(rf"\b{mode}\b"), timeout=3_000)
        except AssertionError:
            continue
    expect(html).to_have_css("color-scheme", mode)


def _first_tab_stop_is_the_skip_link(page: Page, path: str) -> None:
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content"), f"{path}: first Tab stop").to_be_focused()
    page.evaluate("() => document.activeElement.blur()")


def _audit(page: Page, base: str, pages: list[str]) -> list[str]:
    """axe over each page in each mode; on the way, the page's first Tab stop is its skip link."""
    found = []
    for path in pages:
        page.goto(base + path)
        _loaded(page, path)
        _first_tab_stop_is_the_skip_link(page, path)
        for mode in MODES:
            _set_mode(page, mode)
            found += [f"{path} ({mode}): {v}" for v in serious_violations(page)]
    return found


@pytest.mark.parametrize("role", ["visitor", "member", "admin"])
def test_no_serious_accessibility_violation_on_any_page(
    app_server: AppServer, browser: Browser, world: World, role: str
) -> None:
    assert set(FILL) == {r.path for r in ROUTES if "[" in r.path}, "give each dynamic route a real row's id in FILL"
    context = _context(browser)
    try:
        page = context.new_page()
        if role != "visitor":
            sign_in_as(page, app_server.url, world.member if role == "member" else world.admin)
        found = _audit(page, app_server.url, paths(world))
    finally:
        context.close()
    assert found == [], f"axe-core, as {role}:\n" + "\n".join(found)


Reach = Callable[[Page], None]


def _audit_states(page: Page, base: str, states: list[tuple[str, str, Reach]]) -> list[str]:
    """Each state (a name, its page, how to reach it) in each mode: the mode is set first, since pressing the toggle
    would close an open menu; Escape closes the menu or dialog again (an open dialog outlives a reload)."""
    found = []
    for name, path, reach in states:
        for mode in MODES:
            page.goto(base + path)
            _loaded(page, path)
            _set_mode(page, mode)
            reach(page)
            found += [f"{name} ({mode}): {v}" for v in serious_violations(page)]
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog").or_(page.get_by_role("menu"))).to_have_count(0)
    return found


def _submit_empty_sign_up(page: Page) -> None:
    """Pressed again until the field errors show: a press before the page hydrates submits the prerendered form
    natively (the page reloads, with no errors), as a person's click can; once hydrated, the handler answers."""
    errors = page.get_by_role("main").get_by_text(re.compile("required|Enter", re.IGNORECASE)).first
    for _ in range(3):
        page.get_by_role("button", name="Create account").click()
        try:
            expect(errors).to_be_visible(timeout=4_000)
            return
        except AssertionError:
            continue
    expect(errors).to_be_visible()


def _fail_sign_in(page: Page) -> None:
    page.get_by_label("Email or username").fill("nobody-here@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("main").get_by_role("alert")).to_be_visible()


def _open_menu(button: str, item: str) -> Callable[[Page], None]:
    def reach(page: Page) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("menuitem", name=item)).to_be_visible()

    return reach


def _open_report_dialog(page: Page) -> None:
    page.get_by_role("button", name="Report this listing").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def test_no_serious_accessibility_violation_in_menus_dialogs_and_form_errors(
    app_server: AppServer, browser: Browser, world: World
) -> None:
    phone: ViewportSize = {"width": 375, "height": 800}
    visitor: list[tuple[str, str, Reach]] = [
        ("sign-up form with its errors", "/signup", _submit_empty_sign_up),
        ("sign-in refused", "/login", _fail_sign_in),
    ]
    member: list[tuple[str, str, Reach]] = [
        ("profile menu", "/", _open_menu("profile menu", "Account settings")),
        ("report dialog on a listing", f"/listings/{world.listing_id}", _open_report_dialog),
    ]
    found = []
    for who, viewport, states in (
        (None, None, visitor),
        (None, phone, [("navigation menu on a phone", "/", _open_menu("Open navigation", "Marketplace"))]),
        (world.member, None, member),
    ):
        context = _context(browser)
        try:
            page = context.new_page()
            if viewport is not None:
                page.set_viewport_size(viewport)
            if who is not None:
                sign_in_as(page, app_server.url, who)
            found += _audit_states(page, app_server.url, states)
        finally:
            context.close()
    assert found == [], "axe-core:\n" + "\n".join(found)


def test_the_first_tab_stop_is_a_skip_link_to_the_main_region(app_server: AppServer, browser: Browser) -> None:
    context = _context(browser)
    try:
        page = context.new_page()
        for path in ("/", "/marketplace"):
            page.goto(app_server.url + path)
            _loaded(page, path)
            page.keyboard.press("Tab")
            skip = page.get_by_role("link", name="Skip to main content")
            expect(skip).to_be_focused()
            expect(skip).to_be_visible()
            page.keyboard.press("Enter")
            expect(page.get_by_role("main")).to_be_focused()
            page.keyboard.press("Tab")  # the next stop is inside the main region, not back in the header
            assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    finally:
        context.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_focused_control_shows_a_visible_outline(app_server: AppServer, browser: Browser, mode: str) -> None:
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(app_server.url + "/signup")
        _loaded(page, "/signup")
        _set_mode(page, mode)
        controls = [
            page.get_by_role("link", name="Marketplace", exact=True),
            page.get_by_role("button", name="Toggle dark mode"),
            page.get_by_label("Email", exact=True),
            page.get_by_label("I have read and accept"),
            page.get_by_role("button", name="Create account"),
            page.get_by_role("contentinfo").get_by_role("link", name="Terms of service"),
        ]
        for control in controls:
            control.focus()
            page.keyboard.press("Shift+Tab")  # reach it from the keyboard, as :focus-visible requires
            page.keyboard.press("Tab")
            expect(control).to_be_focused()
            expect(control).not_to_have_css("outline-style", "none")
            expect(control).not_to_have_css("outline-width", re.compile(r"^0(px)?$"))
    finally:
        context.close()
