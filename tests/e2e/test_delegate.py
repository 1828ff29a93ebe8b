"""The Delegate menu in the browser, against an app with tagged partner links and a curation rule that acts after
two rated outcomes: a product task's shop link followed (to a stand-in of the shop: nothing leaves the machine), a
digital task's drafted post, local pros, a task posted here through the pre-filled wizard, one planned as a problem,
and bad outcomes reported until the partner is suspended and no longer offered."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import Partner, RoutingDecision, TodoTask, User
from tests.support.app_server import AppServer, own_app
from tests.support.browser import sign_up_new_member, unnamed_controls, wider_than_the_screen
from tests.support.database import use_database

PARTNER_HOSTS = re.compile(r"^https://(www\.)?(amazon|instacart|fiverr|upwork|taskrabbit|thumbtack|angi)\.com/")
AFFILIATE = {"Amazon": ("tag", "jtbd-20"), "Instacart": ("utm_source", "jtbd")}


@pytest.fixture(scope="module")
def delegate_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with own_app(
        workdir=tmp_path_factory.mktemp("delegate-app"),
        extra_env={
            "PARTNER_AMAZON": "tag=jtbd-20",
            "PARTNER_INSTACART": "utm_source=jtbd",
            "PARTNER_MIN_OUTCOMES": "2",
            "PARTNER_MIN_RATING": "3",
            "PARTNER_MIN_REPORTERS": "1",  # one member reports every outcome here
        },
    ) as server:
        yield server


@pytest.fixture
def delegate_db(delegate_app: AppServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with use_database(monkeypatch, delegate_app.database_env()):
        yield


@pytest.fixture
def partner_sites(page: Page) -> list[str]:
    """Every partner page the browser asked for, answered by a stand-in here (nothing leaves the machine).

    Playwright does not route the hop of a redirect, so a `/go/` link is fetched from the app as is (the app counts
    the click and answers 303) and its redirect is handed to the browser as a fresh navigation, which is routed."""
    asked: list[str] = []

    def partner(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Partner stand-in</title><h1>Partner</h1>")

    def go(route: Route) -> None:
        answer = route.fetch(max_redirects=0)
        if answer.status != 303:
            route.fulfill(response=answer)
            return
        target = json.dumps(answer.headers["location"])
        route.fulfill(status=200, content_type="text/html", body=f"<script>location.replace({target})</script>")

    context: BrowserContext = page.context
    context.route(PARTNER_HOSTS, partner)
    context.route(re.compile(r"/go/[\w-]+$"), go)
    return asked


def add_task(username: str, title: str, notes: str = "", due_in_days: int | None = None) -> int:
    """The member's to-do item, as the task list adds it."""
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        due = datetime.now(UTC).date() + timedelta(days=due_in_days) if due_in_days else None
        task = TodoTask(owner_id=user.id, title=title, notes=notes, due_on=due)
        s.add(task)
        s.flush()
        assert task.id is not None
        return task.id


def open_menu(page: Page, base_url: str, task_id: int, title: str) -> Locator:
    page.goto(f"{base_url}/tasks/{task_id}/delegate")
    expect(page.get_by_role("heading", name="Delegate", exact=True)).to_be_visible()
    expect(page.get_by_text(title, exact=True).first).to_be_visible()
    routes = page.get_by_role("region", name="Routes")
    expect(routes.get_by_role("heading", name="Do it myself")).to_be_visible(timeout=45_000)  # made in the background
    return routes


def follow(page: Page, link: Locator) -> Page:
    with page.context.expect_page() as opened:
        link.click()
    partner = opened.value
    partner.wait_for_url(PARTNER_HOSTS)
    return partner


def test_a_product_task_offers_the_shop_first_and_its_link_lands_on_the_shop_with_the_tag(
    delegate_app: AppServer, delegate_db: None, page: Page, partner_sites: list[str]
) -> None:
    sign_up_new_member(page, delegate_app.url, "buyer", "Bo Buyer")
    page.goto(f"{delegate_app.url}/tasks")
    page.get_by_role("form", name="Add a task").get_by_label("Title", exact=True).fill("Buy lightbulbs")
    page.get_by_role("form", name="Add a task").get_by_role("button", name="Add task").click()
    page.get_by_role("link", name="Delegate Buy lightbulbs").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/delegate$"))
    task_id = int(urlsplit(page.url).path.split("/")[2])
    routes = open_menu(page, delegate_app.url, task_id, "Buy lightbulbs")
    expect(page.get_by_text("Something to buy")).to_be_visible()
    first = routes.get_by_role("listitem").first
    expect(first.get_by_role("heading")).to_have_text(re.compile(r"^Buy it: (Amazon|Instacart)$"))
    partner_name = (first.get_by_role("heading").text_content() or "").removeprefix("Buy it: ")
    expect(page.get_by_text(re.compile(r"^We may earn a commission from .*Amazon.* links\.$"))).to_be_visible()
    expect(page.get_by_label("Shopping list")).to_have_value("lightbulbs")
    expect(page.get_by_role("link", name="Read the terms on outside providers")).to_have_attribute(
        "href", "/terms#outside-providers"
    )

    shop = follow(page, first.get_by_role("link", name=f"Search on {partner_name}"))
    url = urlsplit(shop.url)
    assert url.hostname == f"www.{partner_name.lower()}.com" and "lightbulbs" in shop.url
    key, value = AFFILIATE[partner_name]
    assert parse_qs(url.query)[key] == [value]
    assert [u for u in partner_sites if "lightbulbs" in u] == [shop.url]
    history = page.get_by_role("region", name="Where this task went")
    expect(history).to_contain_text(f"Buy it: {partner_name}")
    with session_scope() as s:
        key_of = {"Amazon": "amazon", "Instacart": "instacart"}[partner_name]
        decision = s.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).one()
        assert (decision.route, decision.partner_key) == ("buy", key_of)


def test_a_digital_task_shows_an_outside_pro_with_a_drafted_post(
    delegate_app: AppServer, delegate_db: None, page: Page
) -> None:
    username = sign_up_new_member(page, delegate_app.url, "baker", "Bea Baker")
    task_id = add_task(username, "Design a logo for my bakery", "Warm colours and a croissant")
    routes = open_menu(page, delegate_app.url, task_id, "Design a logo for my bakery")
    expect(page.get_by_text("Digital work")).to_be_visible()
    fiverr = routes.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Hire an outside pro: Fiverr"))
    post = fiverr.get_by_label("Drafted post for Fiverr")
    expect(post).to_have_attribute("readonly", "")
    expect(post).to_have_value(re.compile(r"^Design a logo for my bakery"))
    expect(post).to_have_value(re.compile("Warm colours and a croissant"))
    expect(fiverr.get_by_role("button", name="Copy post for Fiverr")).to_be_visible()
    expect(fiverr.get_by_role("link", name="Open Fiverr")).to_have_attribute("href", re.compile(r"^/go/[\w-]{43}$"))
    expect(routes.get_by_role("heading", name="Post it here")).to_be_visible()
    assert unnamed_controls(page) == []


def test_a_local_task_shows_local_pros(delegate_app: AppServer, delegate_db: None, page: Page) -> None:
    username = sign_up_new_member(page, delegate_app.url, "mover", "Mo Mover")
    task_id = add_task(username, "Assemble IKEA wardrobe")
    routes = open_menu(page, delegate_app.url, task_id, "Assemble IKEA wardrobe")
    expect(page.get_by_text("Local, in-person work")).to_be_visible()
    for name in ("TaskRabbit", "Thumbtack", "Angi"):
        expect(routes.get_by_role("heading", name=f"Hire an outside pro: {name}")).to_be_visible()
    expect(routes.get_by_role("heading", name=re.compile("Fiverr|Amazon"))).to_have_count(0)


def test_a_task_posted_here_goes_through_the_pre_filled_wizard(
    delegate_app: AppServer, delegate_db: None, page: Page
) -> None:
    username = sign_up_new_member(page, delegate_app.url, "painter", "Pat Painter")
    task_id = add_task(username, "Paint the garden fence", "About 20 metres of old wooden fence, both sides.", 9)
    routes = open_menu(page, delegate_app.url, task_id, "Paint the garden fence")
    routes.get_by_role("button", name="Post it here: open the wizard").click()
    page.wait_for_url(re.compile(r"/post\?draft=\d+$"))
    expect(page.get_by_label("Title")).to_have_value("Paint the garden fence")
    expect(page.get_by_label("Description")).to_have_value(re.compile("About 20 metres"))
    page.get_by_label("Category").select_option(label="Home & repairs")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="2. Skills")).to_be_visible()
    page.get_by_role("textbox", name="Skills needed").fill("painting")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove skill painting")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="3. Budget and timing")).to_be_visible()
    page.get_by_label("Fixed budget").fill("150")
    expect(page.get_by_label("Deadline")).to_have_value((datetime.now(UTC).date() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Publish listing").click()
    page.wait_for_url(re.compile(r"/listings/\d+$"))
    expect(page.get_by_role("heading", name="Paint the garden fence")).to_be_visible()
    with session_scope() as s:
        decision = s.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).one()
        assert decision.route == "internal" and f"/listings/{decision.listing_id}" in page.url


def test_a_task_planned_as_a_problem_opens_the_form_pre_filled_and_shows_the_problem(
    delegate_app: AppServer, delegate_db: None, page: Page
) -> None:
    username = sign_up_new_member(page, delegate_app.url, "founder", "Fay Founder")
    task_id = add_task(
        username, "Open a second bakery shop", "Find a place, fit it out and hire two people; €3,000", 60
    )
    routes = open_menu(page, delegate_app.url, task_id, "Open a second bakery shop")
    routes.get_by_role("button", name="Plan it as a problem").click()
    page.wait_for_url(re.compile(rf"/problems/new\?task={task_id}$"))
    outcome = page.get_by_label("What outcome do you want?")
    expect(outcome).to_have_value(re.compile(r"^Open a second bakery shop\s+Find a place"))
    expect(page.get_by_label("Budget")).to_have_value("3000.00")  # the amount the task names, in its currency
    expect(page.get_by_label("Currency")).to_have_value("EUR")
    page.get_by_role("button", name="Make a plan").click()
    page.wait_for_url(re.compile(r"/problems/\d+/?$"))
    problem_path = urlsplit(page.url).path.rstrip("/")
    page.goto(f"{delegate_app.url}/tasks/{task_id}/delegate")
    history = page.get_by_role("region", name="Where this task went")
    expect(history).to_contain_text("Plan it as a problem")
    expect(history.get_by_role("link", name="Open the problem")).to_have_attribute("href", problem_path)
    page.goto(f"{delegate_app.url}/tasks")
    task = page.get_by_role("list", name="Your tasks").get_by_role("listitem").filter(has_text="Open a second bakery")
    expect(task.get_by_role("link", name="View the problem")).to_have_attribute("href", problem_path)


def test_bad_outcomes_suspend_the_partner_and_it_is_no_longer_offered(
    delegate_app: AppServer, delegate_db: None, page: Page, partner_sites: list[str]
) -> None:
    username = sign_up_new_member(page, delegate_app.url, "renter", "Ren Renter")
    for title in ("Assemble IKEA wardrobe", "Assemble IKEA bed frame"):
        task_id = add_task(username, title)
        routes = open_menu(page, delegate_app.url, task_id, title)
        pro = routes.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("TaskRabbit")))
        follow(page, pro.get_by_role("link", name="Open TaskRabbit")).close()
        expect(page.get_by_role("region", name="Where this task went")).to_contain_text("TaskRabbit")
        page.goto(f"{delegate_app.url}/tasks/{task_id}/delegate#outcome")
        form = page.get_by_role("form", name="Report outcome")
        form.get_by_role("radio", name="No").check()
        form.get_by_role("button", name="Report outcome").click()
        expect(page.get_by_text("Choose a rating from 1 to 5.")).to_be_visible()
        form.get_by_role("radio", name="1 of 5").check()
        form.get_by_label("Comment").fill("Nobody came")
        form.get_by_role("button", name="Report outcome").click()
        expect(page.get_by_role("status").filter(has_text="your report was saved")).to_be_visible()
    expect(page.get_by_text("That partner is no longer offered.")).to_be_visible()
    with session_scope() as s:
        partner = s.get(Partner, "taskrabbit")
        assert partner is not None and partner.status == "suspended" and partner.suspended_by == "rule"

    task_id = add_task(username, "Assemble IKEA desk")
    routes = open_menu(page, delegate_app.url, task_id, "Assemble IKEA desk")
    expect(routes.get_by_role("heading", name="Hire an outside pro: Thumbtack")).to_be_visible()
    expect(routes.get_by_role("heading", name=re.compile("TaskRabbit"))).to_have_count(0)


def test_the_menu_fits_a_phone(delegate_app: AppServer, delegate_db: None, mobile_page: Page) -> None:
    username = sign_up_new_member(mobile_page, delegate_app.url, "phone", "Pho Ne")
    task_id = add_task(username, "Design a logo for my bakery", "Warm colours and a croissant, " * 10)
    open_menu(mobile_page, delegate_app.url, task_id, "Design a logo for my bakery")
    expect(mobile_page.get_by_label("Drafted post for Fiverr")).to_be_visible()
    assert wider_than_the_screen(mobile_page) == []
    assert unnamed_controls(mobile_page) == []
