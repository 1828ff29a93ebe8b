"""The Delegate menu with partner APIs configured, against a local server that answers like them: Amazon's product
search shows products (their links through /go/), Instacart a shopping-list page, and a drafted post goes to Upwork
once the member confirms. When an API fails, the menu still works with its search link and says why, and a post that
failed records nothing and can be tried again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import RoutingDecision, TodoTask, User
from tests.support.app_server import AppServer, own_app
from tests.support.browser import sign_up_new_member
from tests.support.database import use_database
from tests.support.partner_apis import Fault, PartnerAPIs


@pytest.fixture(scope="module")
def apis() -> Iterator[PartnerAPIs]:
    with PartnerAPIs() as running:
        yield running


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory, apis: PartnerAPIs) -> Iterator[AppServer]:
    with own_app(
        workdir=tmp_path_factory.mktemp("delegate-api-app"),
        extra_env={
            "PARTNER_AMAZON": apis.options("amazon"),
            "PARTNER_INSTACART": apis.options("instacart"),
            "PARTNER_UPWORK": apis.options("upwork"),
            "PARTNER_TIMEOUT": "3",  # prompt answers never miss it on a loaded machine
        },
    ) as server:
        yield server


@pytest.fixture
def api_db(api_app: AppServer, apis: PartnerAPIs, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    apis.reset()
    with use_database(monkeypatch, api_app.database_env()):
        yield


def add_task(username: str, title: str, notes: str = "") -> int:
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        task = TodoTask(owner_id=user.id, title=title, notes=notes)
        s.add(task)
        s.flush()
        assert task.id is not None
        return task.id


def open_menu(page: Page, base_url: str, task_id: int) -> None:
    page.goto(f"{base_url}/tasks/{task_id}/delegate")
    routes = page.get_by_role("region", name="Routes")
    expect(routes.get_by_role("heading", name="Do it myself")).to_be_visible(timeout=20_000)


def test_products_from_the_apis_are_shown_through_offered_links(
    api_app: AppServer, api_db: None, apis: PartnerAPIs, page: Page
) -> None:
    username = sign_up_new_member(page, api_app.url, "shopper", "Sam Shopper")
    open_menu(page, api_app.url, add_task(username, "Buy lightbulbs"))
    products = page.get_by_role("region", name="Products")
    expect(products.get_by_text("Lightbulbs pack of 1", exact=True)).to_be_visible()
    expect(products.get_by_text("$9.99")).to_be_visible()
    link = products.get_by_role("link", name="View Lightbulbs pack of 1 on Amazon")
    expect(link).to_have_attribute("href", re.compile(r"^/go/[\w-]{43}$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(products.get_by_role("link", name=re.compile(r"^View Your shopping list on Instacart"))).to_be_visible()
    expect(page.get_by_label("Shopping list")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^We may earn a commission from"))).to_be_visible()
    [search] = apis.calls("amazon.search")
    assert search.body["keywords"] == "lightbulbs" and username not in str(search.body)


def test_a_failing_product_api_leaves_the_search_link_and_says_why(
    api_app: AppServer, api_db: None, apis: PartnerAPIs, page: Page
) -> None:
    apis.fault("amazon.search", Fault(status=503))
    apis.fault("instacart.products_link", Fault(delay=8))
    username = sign_up_new_member(page, api_app.url, "shopper", "Sam Shopper")
    open_menu(page, api_app.url, add_task(username, "Buy lightbulbs"))
    notes = page.get_by_role("status").filter(has_text="did not answer")
    expect(notes).to_contain_text("Amazon's product search did not answer; here is a search link instead.")
    expect(notes).to_contain_text("Instacart's product search did not answer; here is a search link instead.")
    routes = page.get_by_role("region", name="Routes")
    expect(routes.get_by_role("link", name="Search on Amazon")).to_have_attribute("href", re.compile(r"^/go/"))
    expect(page.get_by_label("Shopping list")).to_have_value("lightbulbs")
    expect(page.get_by_role("region", name="Products")).to_have_count(0)


def test_a_post_goes_to_upwork_after_the_member_confirms_and_a_failure_can_be_retried(
    api_app: AppServer, api_db: None, apis: PartnerAPIs, page: Page
) -> None:
    username = sign_up_new_member(page, api_app.url, "baker", "Bea Baker")
    task_id = add_task(username, "Design a logo for my bakery", "Warm colours and a croissant")
    open_menu(page, api_app.url, task_id)
    upwork = (
        page.get_by_role("region", name="Routes")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name="Hire an outside pro: Upwork"))
    )
    upwork.get_by_role("button", name="Post it on Upwork for me").click()
    confirm = page.get_by_role("alertdialog", name="Confirm the post on Upwork")
    expect(confirm).to_contain_text("Post this job on Upwork now?")
    assert apis.calls("upwork.graphql") == []  # nothing is sent before the member confirms

    apis.fault("upwork.graphql", Fault(status=500))
    confirm.get_by_role("button", name="Yes, post it").click()
    expect(page.get_by_role("alert")).to_contain_text("Upwork did not take the post")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was posted; try again.")
    with session_scope() as s:
        assert s.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all() == []

    confirm.get_by_role("button", name="Yes, post it").click()
    expect(page.get_by_role("status").filter(has_text="Posted")).to_be_visible()
    history = page.get_by_role("region", name="Where this task went")
    expect(history).to_contain_text("Hire an outside pro: Upwork")
    sent = apis.calls("upwork.graphql")[-1].body["variables"]["request"]
    assert sent["title"] == "Design a logo for my bakery" and "croissant" in sent["description"]
    with session_scope() as s:
        decision = s.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).one()
        assert (decision.route, decision.partner_key, decision.external_ref) == ("outside", "upwork", "~01f00dcafe")
