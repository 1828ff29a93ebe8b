"""The AI reviewer end to end: the real `openai` client against the local chat server the tests script
(tests/support/openai_server.py): verdicts per criterion, a server that refuses json_schema, and every failure a
`ReviewFailed` the checklist can show."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Literal

import pytest

from jtbd_app import bootstrap
from jtbd_app.adapters.openai_json import ResponseFormat
from jtbd_app.adapters.reviewer_openai import OpenAIReviewer
from jtbd_app.config import Settings
from jtbd_app.services.ports import ReviewFailed, ReviewVerdict
from tests.support.openai_server import LocalOpenAI, Reply

pytestmark = pytest.mark.asyncio(loop_scope="session")

CRITERIA = ["At least 10,000 sessions in Google Analytics", "Traffic is organic, no bought visits"]
DELIVERY = "Sessions reached 12,400 (screenshot attached). All from search and social."


@pytest.fixture(scope="module")
def server() -> Iterator[LocalOpenAI]:
    with LocalOpenAI() as running:
        yield running


@pytest.fixture
def openai_server(server: LocalOpenAI) -> LocalOpenAI:
    server.reset()
    return server


def reviewer(server: LocalOpenAI, response_format: ResponseFormat | Literal["auto"] = "auto") -> OpenAIReviewer:
    return OpenAIReviewer(
        api_key=server.api_key,
        base_url=server.url,
        model="test-model",
        timeout=2.0,
        max_retries=0,
        response_format=response_format,
    )


def answer(*verdicts: tuple[int, str, str]) -> str:
    return json.dumps({"verdicts": [{"criterion": c, "outcome": o, "reason": r} for c, o, r in verdicts]})


async def review(r: OpenAIReviewer) -> list[ReviewVerdict]:
    try:
        return await r.review(
            criteria=CRITERIA, delivery_text=DELIVERY, links=["https://bakery.example"], file_names=["ga.png"]
        )
    finally:
        await r.aclose()


async def test_each_criterion_gets_the_models_verdict_and_reason(openai_server: LocalOpenAI) -> None:
    openai_server.reply(Reply(text=answer((1, "passed", "12,400 sessions stated."), (2, "Unknown", "Not shown."))))

    verdicts = await review(reviewer(openai_server))

    assert verdicts == [
        ReviewVerdict(0, "passed", "12,400 sessions stated."),
        ReviewVerdict(1, "unknown", "Not shown."),
    ]
    sent = openai_server.requests[0]
    assert sent.response_format == "json_schema"
    assert "1. At least 10,000 sessions" in sent.prompt and "<<<DELIVERY" in sent.prompt and "ga.png" in sent.prompt


async def test_a_server_that_refuses_json_schema_is_asked_with_json_object(openai_server: LocalOpenAI) -> None:
    openai_server.refuse_json_schema = 500  # as llama-cpp-python's server answers
    openai_server.reply(Reply(text=answer((1, "passed", "ok"), (2, "failed", "bought traffic mentioned"))))
    r = reviewer(openai_server)

    verdicts = await review(r)

    assert [v.outcome for v in verdicts] == ["passed", "failed"]
    assert [q.response_format for q in openai_server.requests] == ["json_schema", "json_object"]
    assert r.response_format == "json_object"


async def test_verdicts_on_criteria_that_do_not_exist_are_dropped(openai_server: LocalOpenAI) -> None:
    openai_server.reply(Reply(text=answer((7, "passed", "no such"), (2, "failed", "x"), (2, "passed", "again"))))

    verdicts = await review(reviewer(openai_server))

    assert verdicts == [ReviewVerdict(1, "failed", "x")]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(text="I think it is all fine."), "The AI reviewer's answer was not readable."),
        (
            Reply(text='{"verdicts": [{"criterion": 1, "outcome": "great"}]}'),
            "The AI reviewer's answer was not readable.",
        ),
        (Reply(text=answer((9, "passed", "x"))), "The AI reviewer gave no verdict on any criterion."),
        (Reply(status=500, error="boom"), "The AI reviewer's server refused the request (HTTP 500)."),
        (Reply(text=answer((1, "passed", "late")), delay=3.0), "The AI reviewer did not answer in time."),
    ],
)
async def test_every_failure_is_a_review_failed_with_a_message_to_show(
    openai_server: LocalOpenAI, reply: Reply, message: str
) -> None:
    openai_server.reply(reply)

    with pytest.raises(ReviewFailed) as failed:
        await review(reviewer(openai_server, response_format="json_object"))

    assert failed.value.message == message


async def test_a_wrong_api_key_fails_without_stepping_down(openai_server: LocalOpenAI) -> None:
    r = OpenAIReviewer(api_key="sk-wrong", base_url=openai_server.url, model="m", timeout=2.0, max_retries=0)

    with pytest.raises(ReviewFailed, match="HTTP 401"):
        await review(r)

    assert len(openai_server.requests) == 1


async def test_no_reviewer_is_wired_without_an_api_key() -> None:
    assert bootstrap.delivery_reviewer(Settings(OPENAI_API_KEY="")) is None
    assert isinstance(bootstrap.delivery_reviewer(Settings(OPENAI_API_KEY="sk-x")), OpenAIReviewer)
