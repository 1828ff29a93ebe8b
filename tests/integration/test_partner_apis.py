"""The partner API adapters over real HTTP, against the local server that answers like Amazon's Creators API, the
Instacart Developer Platform, Upwork's GraphQL and Thumbtack's v4 API (tests/support/partner_apis.py): what each
sends and makes of a good answer, and every failure a `PartnerFailed` with a safe message, no secret in it or in the
log."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Any

import pytest

from jtbd_app.adapters.partners.amazon import AmazonPartner
from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.instacart import InstacartPartner
from jtbd_app.adapters.partners.thumbtack import ThumbtackPartner
from jtbd_app.adapters.partners.upwork import UpworkPartner
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerFailed, Product, TaskBrief
from tests.support import partner_apis
from tests.support.partner_apis import Fault, PartnerAPIs

pytestmark = pytest.mark.asyncio(loop_scope="session")

TIMEOUT = 2.0  # an answer that comes at once must never miss it on a loaded machine
SECRETS = (
    partner_apis.AMAZON_SECRET,
    partner_apis.AMAZON_ID,
    partner_apis.INSTACART_KEY,
    partner_apis.UPWORK_TOKEN,
    partner_apis.THUMBTACK_TOKEN,
)
BULBS = TaskBrief(
    title="Buy lightbulbs", kind="product", query="led lightbulbs", items=("LED bulbs E27", "Batteries AA")
)
WARDROBE = TaskBrief(
    title="Assemble IKEA wardrobe",
    kind="local",
    query="furniture assembly",
    category="furniture-assembly",
    notes="PAX, two doors.",
    budget_minor=12000,
    due_on=date(2026, 12, 11),
    location="Austin, TX 78701",
)
LOGO = TaskBrief(
    title="Design a logo for my bakery",
    kind="digital",
    query="logo design bakery",
    category="graphic-design",
    budget_minor=15000,
)


@pytest.fixture(scope="module")
def server() -> Iterator[PartnerAPIs]:
    with PartnerAPIs() as running:
        yield running


@pytest.fixture
def apis(server: PartnerAPIs) -> PartnerAPIs:
    server.reset()
    return server


def amazon(apis: PartnerAPIs) -> AmazonPartner:
    return AmazonPartner(apis.options("amazon"), timeout=TIMEOUT)


def instacart(apis: PartnerAPIs) -> InstacartPartner:
    return InstacartPartner(apis.options("instacart"), timeout=TIMEOUT)


def upwork(apis: PartnerAPIs) -> UpworkPartner:
    return UpworkPartner(apis.options("upwork"), timeout=TIMEOUT)


def thumbtack(apis: PartnerAPIs) -> ThumbtackPartner:
    return ThumbtackPartner(apis.options("thumbtack"), timeout=TIMEOUT)


def drafted(partner: PartnerBase, brief: TaskBrief) -> DraftPost:
    draft = partner.draft(brief)
    assert draft is not None
    return draft


# Each partner's API call, and the endpoints whose fault makes it fail.
CALLS: dict[str, tuple[Callable[[PartnerAPIs], Awaitable[Any]], tuple[str, ...]]] = {
    "amazon": (lambda apis: amazon(apis).search_products(BULBS), ("amazon.token", "amazon.search")),
    "instacart": (lambda apis: instacart(apis).search_products(BULBS), ("instacart.products_link",)),
    "upwork": (lambda apis: upwork(apis).create_post(LOGO, drafted(upwork(apis), LOGO)), ("upwork.graphql",)),
    "thumbtack": (
        lambda apis: thumbtack(apis).create_post(WARDROBE, drafted(thumbtack(apis), WARDROBE)),
        ("thumbtack.search", "thumbtack.requests"),
    ),
}
ENDPOINT_CASES = [(partner, endpoint) for partner, (_, endpoints) in CALLS.items() for endpoint in endpoints]
FAULTS = {
    "unauthorized": (Fault(status=401), "refused our API keys"),
    "rate limited": (Fault(status=429), "busy right now"),
    "server error": (Fault(status=500), "had a problem on its side"),
    "bad request": (Fault(status=400), "did not accept the request"),
    "not json": (Fault(body="<html>oops</html>"), "could not read"),
    "json but not an object": (Fault(body="[1, 2]"), "could not read"),
    "truncated json": (Fault(body='{"searchResult": {"items": ['), "could not read"),
    "empty object": (Fault(json={}), "could not read"),
}


async def test_amazon_finds_products_with_price_image_and_a_tagged_link(apis: PartnerAPIs) -> None:
    products = await amazon(apis).search_products(BULBS)

    assert len(products) == 3
    first = products[0]
    assert first == Product(
        title="Led Lightbulbs pack of 1",
        url="https://www.amazon.com/dp/B000000000?linkCode=ogi&tag=jtbd-20",
        price_minor=999,
        currency="USD",
        image_url="https://m.media-amazon.com/images/I/0.jpg",
    )
    sent = apis.calls("amazon.search")[0]
    assert sent.body["keywords"] == "led lightbulbs" and sent.body["partnerTag"] == "jtbd-20"
    assert sent.headers["x-marketplace"] == "www.amazon.com"


async def test_amazon_keeps_its_token_until_it_is_refused_then_asks_for_a_new_one(apis: PartnerAPIs) -> None:
    partner = amazon(apis)
    await partner.search_products(BULBS)
    await partner.search_products(BULBS)
    assert apis.tokens_issued == 1

    apis.fault("amazon.search", Fault(status=401))
    products = await partner.search_products(BULBS)

    assert apis.tokens_issued == 2 and len(products) == 3
    assert [c.headers["Authorization"] for c in apis.calls("amazon.search")][-2:] == [
        "Bearer amzn-access-1",
        "Bearer amzn-access-2",
    ]


async def test_amazon_refusing_a_fresh_token_fails_without_asking_again(apis: PartnerAPIs) -> None:
    apis.fault("amazon.search", Fault(status=401), Fault(status=401))

    with pytest.raises(PartnerFailed) as failed:
        await amazon(apis).search_products(BULBS)

    assert "refused our API keys" in failed.value.message
    assert apis.tokens_issued == 1 and len(apis.calls("amazon.search")) == 1


async def test_amazon_products_without_a_tag_get_the_associate_tag(apis: PartnerAPIs) -> None:
    item = {"detailPageURL": "https://www.amazon.com/dp/B0X", "itemInfo": {"title": {"displayValue": "Bulb"}}}
    apis.fault("amazon.search", Fault(json={"searchResult": {"items": [item, {"itemInfo": {}}]}}))

    products = await amazon(apis).search_products(BULBS)

    assert products == [Product(title="Bulb", url="https://www.amazon.com/dp/B0X?tag=jtbd-20")]


async def test_amazon_finding_nothing_is_an_empty_list_not_a_failure(apis: PartnerAPIs) -> None:
    apis.fault("amazon.search", Fault(json={"searchResult": {"items": []}}))

    assert await amazon(apis).search_products(BULBS) == []


async def test_an_image_off_amazons_image_hosts_is_left_out(apis: PartnerAPIs) -> None:
    item = {
        "detailPageURL": "https://www.amazon.com/dp/B0X",
        "itemInfo": {"title": {"displayValue": "Bulb"}},
        "images": {"primary": {"medium": {"url": "https://tracker.example/pixel.gif"}}},
        "offersV2": {"listings": [{"price": {"money": {"amount": "NaN", "currency": "USD"}}}]},
    }
    apis.fault("amazon.search", Fault(json={"searchResult": {"items": [item]}}))

    [product] = await amazon(apis).search_products(BULBS)

    assert product.image_url == "" and product.price_minor is None


async def test_instacart_makes_a_shopping_list_page_of_the_tasks_items(apis: PartnerAPIs) -> None:
    [page] = await instacart(apis).search_products(BULBS)

    assert page.url == "https://www.instacart.com/store/shopping_lists/7741?utm_source=jtbd"
    assert page.title == "Your shopping list on Instacart (2 items)"
    sent = apis.calls("instacart.products_link")[0].body
    assert sent["link_type"] == "shopping_list"
    assert [i["name"] for i in sent["line_items"]] == ["LED bulbs E27", "Batteries AA"]


async def test_upwork_creates_the_confirmed_job_post(apis: PartnerAPIs) -> None:
    partner = upwork(apis)

    created = await partner.create_post(LOGO, drafted(partner, LOGO))

    assert created == CreatedPost(external_ref="~01f00dcafe", url="https://www.upwork.com/jobs/~01f00dcafe")
    sent = apis.calls("upwork.graphql")[0]
    assert sent.headers["X-Upwork-API-TenantId"] == partner_apis.UPWORK_ORG
    request = sent.body["variables"]["request"]
    assert request["title"] == "Design a logo for my bakery"
    assert request["budget"] == {"amount": "150.00", "currency": "USD"} and request["contractType"] == "FIXED_PRICE"
    assert "Done means:" in request["description"]


async def test_upwork_graphql_errors_in_a_200_answer_fail_the_post(apis: PartnerAPIs) -> None:
    apis.fault(
        "upwork.graphql", Fault(json={"errors": [{"message": "Insufficient scope", "extensions": {"code": "X"}}]})
    )

    with pytest.raises(PartnerFailed) as failed:
        await upwork(apis).create_post(LOGO, drafted(upwork(apis), LOGO))

    assert "did not accept the job post" in failed.value.message and "scope" not in failed.value.message


async def test_thumbtack_sends_the_request_to_the_pros_it_found_near_the_zip(apis: PartnerAPIs) -> None:
    partner = thumbtack(apis)

    created = await partner.create_post(WARDROBE, drafted(partner, WARDROBE))

    assert created == CreatedPost(external_ref="548955282027569156", url="https://www.thumbtack.com/projects/")
    search = apis.calls("thumbtack.search")[0].body
    assert search["zipCode"] == "78701" and search["utmData"]["utm_source"] == "jtbd"
    request = apis.calls("thumbtack.requests")[0].body
    assert request["searchID"] == "545691258236567552" and request["serviceIDs"] == ["533000", "533001"]
    assert "Assemble IKEA wardrobe" in request["description"] and "Location: Austin, TX 78701" in request["description"]


async def test_thumbtack_without_a_zip_code_says_what_it_needs(apis: PartnerAPIs) -> None:
    brief = TaskBrief(title="Fix my sink", kind="local", query="plumber", location="downtown")

    with pytest.raises(PartnerFailed) as failed:
        await thumbtack(apis).create_post(brief, drafted(thumbtack(apis), brief))

    assert "ZIP code" in failed.value.message and apis.seen == []


async def test_thumbtack_finding_no_pros_says_so(apis: PartnerAPIs) -> None:
    apis.fault("thumbtack.search", Fault(json={"searchID": "1", "data": []}))

    with pytest.raises(PartnerFailed) as failed:
        await thumbtack(apis).create_post(WARDROBE, drafted(thumbtack(apis), WARDROBE))

    assert "found no pros" in failed.value.message and apis.calls("thumbtack.requests") == []


@pytest.mark.parametrize(("partner", "endpoint"), ENDPOINT_CASES)
@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
async def test_every_failure_is_a_partner_failure_with_a_safe_message(
    apis: PartnerAPIs, partner: str, endpoint: str, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    scripted, message = FAULTS[fault]
    apis.fault(endpoint, scripted)
    call, _ = CALLS[partner]

    with caplog.at_level(logging.DEBUG), pytest.raises(PartnerFailed) as failed:
        await call(apis)

    assert message in failed.value.message
    assert failed.value.message.startswith(partner.title())
    shown = failed.value.message + str(failed.value) + caplog.text
    assert not any(secret in shown for secret in SECRETS)
    assert "127.0.0.1" not in failed.value.message


@pytest.mark.parametrize(("partner", "endpoint"), ENDPOINT_CASES)
async def test_a_partner_that_stalls_fails_after_the_timeout(apis: PartnerAPIs, partner: str, endpoint: str) -> None:
    apis.fault(endpoint, Fault(delay=TIMEOUT * 10))
    call, _ = CALLS[partner]
    started = time.monotonic()

    with pytest.raises(PartnerFailed) as failed:
        await call(apis)

    assert "did not answer in time" in failed.value.message
    assert time.monotonic() - started < TIMEOUT * 6  # well before the answer would have come


@pytest.mark.parametrize(("partner", "endpoint"), ENDPOINT_CASES)
async def test_an_answer_that_trickles_in_fails_after_the_timeout(
    apis: PartnerAPIs, partner: str, endpoint: str
) -> None:
    apis.fault(endpoint, Fault(body='{"a": "' + "x" * 200 + '"}', drip=TIMEOUT / 5))
    call, _ = CALLS[partner]
    started = time.monotonic()

    with pytest.raises(PartnerFailed) as failed:
        await call(apis)

    assert "did not answer in time" in failed.value.message
    assert time.monotonic() - started < TIMEOUT * 6  # well before the answer would have come


async def test_amazon_keeps_its_token_when_the_search_fails_for_another_reason(apis: PartnerAPIs) -> None:
    partner = amazon(apis)
    await partner.search_products(BULBS)
    apis.fault("amazon.search", Fault(status=500))

    with pytest.raises(PartnerFailed):
        await partner.search_products(BULBS)
    await partner.search_products(BULBS)

    assert apis.tokens_issued == 1


FOREIGN: dict[str, dict[str, Any]] = {
    "amazon.search": {
        "searchResult": {
            "items": [{"detailPageURL": "https://evil.example/dp/B0", "itemInfo": {"title": {"displayValue": "x"}}}]
        }
    },
    "instacart.products_link": {"products_link_url": "https://instacart.com.evil.example/list"},
    "upwork.graphql": {"data": {"createJobPosting": {"id": "~01ab", "url": "https://upwork.com@evil.example/"}}},
    "thumbtack.requests": {"request": {"requestID": "5489", "url": "javascript:alert(1)"}},
}


@pytest.mark.parametrize("endpoint", FOREIGN)
async def test_a_link_in_the_answer_on_a_foreign_host_fails(apis: PartnerAPIs, endpoint: str) -> None:
    apis.fault(endpoint, Fault(json=FOREIGN[endpoint]))
    partner = endpoint.split(".")[0]
    call, _ = CALLS[partner]

    with pytest.raises(PartnerFailed) as failed:
        await call(apis)

    assert "evil" not in failed.value.message and "javascript" not in failed.value.message


async def test_an_unreachable_partner_fails_with_a_safe_message(apis: PartnerAPIs) -> None:
    from tests.support.app_server import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    partner = InstacartPartner(f"api_key={partner_apis.INSTACART_KEY}&api_base={closed}", timeout=TIMEOUT)

    with pytest.raises(PartnerFailed) as failed:
        await partner.search_products(BULBS)

    assert "could not be reached" in failed.value.message
