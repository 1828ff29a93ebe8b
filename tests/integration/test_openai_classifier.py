"""The task classifier end to end: the real `openai` client against the local chat server the tests script
(tests/support/openai_server.py). A good answer becomes the menu's Classification; anything else (unreadable JSON,
a kind we do not route, a timeout, a server error) is a `ClassifierFailed`, so the menu falls back to the offline
rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

import pytest

from jtbd_app import bootstrap
from jtbd_app.adapters.classifier_openai import OpenAIClassifier
from jtbd_app.adapters.openai_json import ResponseFormat
from jtbd_app.config import Settings
from jtbd_app.domain.task_routing import Classification, classify
from jtbd_app.services.ports import ClassifierFailed
from tests.support.openai_server import LocalOpenAI, Reply

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalOpenAI]:
    with LocalOpenAI() as running:
        yield running


@pytest.fixture
def openai_server(server: LocalOpenAI) -> LocalOpenAI:
    server.reset()
    return server


TIMEOUT = 5.0  # generous: a loaded CI machine must not turn a prompt answer into a timeout


def classifier(server: LocalOpenAI, response_format: ResponseFormat | Literal["auto"] = "auto") -> OpenAIClassifier:
    return OpenAIClassifier(
        api_key=server.api_key,
        base_url=server.url,
        model="test-model",
        timeout=TIMEOUT,
        max_retries=0,
        response_format=response_format,
    )


def answer(**fields: Any) -> str:
    base: dict[str, Any] = {"kind": "product", "category": "groceries", "query": "milk eggs", "items": [],
                            "location": "", "reason": "Sounds like something to buy", "confidence": 0.9}  # fmt: skip
    return json.dumps({**base, **fields})


async def ask(c: OpenAIClassifier, title: str, notes: str = "") -> Classification:
    try:
        return await c.classify(title, notes)
    finally:
        await c.aclose()


async def test_a_good_answer_is_the_classification(openai_server: LocalOpenAI) -> None:
    openai_server.reply(
        Reply(text=answer(items=["Milk", "eggs", "milk"], reason="Sounds like groceries: milk, eggs", location=""))
    )

    c = await ask(classifier(openai_server), "Buy milk and eggs", notes="the oat kind")

    assert c == Classification(
        "product", "groceries", "milk eggs", 0.9, "Sounds like groceries: milk, eggs", ("milk", "eggs"), ""
    )
    sent = openai_server.requests[0]
    assert sent.response_format == "json_schema"
    assert "<<<TASK\nTitle: Buy milk and eggs\nNotes: the oat kind\nTASK>>>" in sent.prompt
    assert "furniture-assembly" in sent.prompt  # the categories it may answer are listed


async def test_a_digital_answer_keeps_no_shopping_list_and_a_local_one_its_place(openai_server: LocalOpenAI) -> None:
    openai_server.reply(
        Reply(text=answer(kind="digital", category="graphic-design", query="logo design bakery", items=["logo"])),
        Reply(text=answer(kind="Local", category="Furniture-Assembly", query="ikea wardrobe", location="Brooklyn")),
    )
    c = classifier(openai_server)
    try:
        logo = await c.classify("Design a logo for my bakery")
        wardrobe = await c.classify("Assemble IKEA wardrobe in Brooklyn")
    finally:
        await c.aclose()

    assert (logo.kind, logo.category, logo.query, logo.items) == ("digital", "graphic-design", "logo design bakery", ())
    assert (wardrobe.kind, wardrobe.category, wardrobe.location) == ("local", "furniture-assembly", "Brooklyn")


async def test_an_answer_in_prose_around_the_json_is_read(openai_server: LocalOpenAI) -> None:
    openai_server.reply(Reply(text="Sure! Here it is:\n" + answer(kind="problem", category="launch") + "\nHope so."))

    c = await ask(classifier(openai_server, "none"), "Launch my online store")

    assert (c.kind, c.category) == ("problem", "launch")
    assert openai_server.requests[0].response_format == ""


async def test_a_category_it_does_not_know_or_of_another_kind_becomes_none(openai_server: LocalOpenAI) -> None:
    openai_server.reply(Reply(text=answer(kind="local", category="graphic-design")))

    c = await ask(classifier(openai_server), "Assemble IKEA wardrobe")

    assert (c.kind, c.category) == ("local", "")


async def test_hostile_fields_are_cut_to_short_plain_lines(openai_server: LocalOpenAI) -> None:
    openai_server.reply(
        Reply(
            text=answer(
                reason="<script>alert(1)</script>",
                query="<b>milk</b> ; DROP TABLE",
                items=["<img src=x onerror=alert(1)>", "x" * 500, "eggs\n\n\x00"],
                location="Somewhere\nelse " * 40,
                confidence=7,
            )
        )
    )

    c = await ask(classifier(openai_server), "Buy milk and eggs")

    assert c.reason == "Sorted by the task classifier"
    assert "<" not in c.query and len(c.query.split()) <= 6
    assert c.items == ("x" * 60, "eggs")
    assert "\n" not in c.location and len(c.location) <= 80
    assert c.confidence == 0.5


async def test_an_empty_query_is_filled_from_the_offline_rules(openai_server: LocalOpenAI) -> None:
    openai_server.reply(Reply(text=answer(kind="local", category="furniture-assembly", query="")))

    c = await ask(classifier(openai_server), "Assemble IKEA wardrobe")

    assert c.query == classify("Assemble IKEA wardrobe").query == "ikea wardrobe assembly"


async def test_a_server_that_refuses_json_schema_is_asked_with_json_object(openai_server: LocalOpenAI) -> None:
    openai_server.refuse_json_schema = 500  # as llama-cpp-python's server answers
    openai_server.reply(Reply(text=answer()))
    c = classifier(openai_server)

    result = await ask(c, "Buy milk and eggs")

    assert result.kind == "product"
    assert [r.response_format for r in openai_server.requests] == ["json_schema", "json_object"]
    assert c.response_format == "json_object"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(text="I think this is a product task."), "was not readable"),
        (Reply(text='{"kind": "product", "category": '), "was not readable"),
        (Reply(text='{"category": "groceries"}'), "was not readable"),
        (Reply(text='{"kind": ["product"]}'), "was not readable"),
        (Reply(text=""), "was not readable"),
        (Reply(text=answer(kind="chore")), "a kind of task it was not offered"),
        (Reply(text=answer(kind="self")), "a kind of task it was not offered"),
        (Reply(delay=TIMEOUT + 2), "did not answer in time"),
        (Reply(status=500, error="The server had an error."), "refused the request (HTTP 500)"),
        (Reply(status=429, error="Rate limited."), "refused the request (HTTP 429)"),
    ],
    ids=str.split("prose cut-short no-kind kind-not-text empty unknown-kind route-not-kind timeout http-500 http-429"),
)
async def test_every_failure_is_a_classifier_failed_the_menu_can_fall_back_from(
    openai_server: LocalOpenAI, reply: Reply, message: str
) -> None:
    openai_server.reply(reply)

    with pytest.raises(ClassifierFailed) as failed:
        await ask(classifier(openai_server, "json_schema"), "Buy milk and eggs")

    assert message in failed.value.message
    assert "sk-" not in failed.value.message


async def test_a_wrong_api_key_is_a_classifier_failed(openai_server: LocalOpenAI) -> None:
    c = OpenAIClassifier(api_key="sk-wrong", base_url=openai_server.url, model="m", timeout=1.0, max_retries=0)

    with pytest.raises(ClassifierFailed) as failed:
        await ask(c, "Buy milk")

    assert "HTTP 401" in failed.value.message


async def test_an_unreachable_server_is_a_classifier_failed() -> None:
    c = OpenAIClassifier(api_key="sk-x", base_url="http://127.0.0.1:9/v1", model="m", timeout=1.0, max_retries=0)

    with pytest.raises(ClassifierFailed) as failed:
        await ask(c, "Buy milk")

    assert failed.value.message == "The task classifier could not be reached."


async def test_the_bootstrap_gives_a_classifier_only_with_an_api_key() -> None:
    assert bootstrap.task_classifier(Settings(OPENAI_API_KEY="")) is None
    made = bootstrap.task_classifier(Settings(OPENAI_API_KEY="sk-x", OPENAI_TIMEOUT=120))
    assert isinstance(made, OpenAIClassifier)
    assert made._client.timeout == bootstrap.CLASSIFIER_TIMEOUT
