"""The OpenAI-compatible decomposer end to end: the real `openai` client against a local chat server the tests script
(tests/support/openai_server.py), then `domain.plans.repair` on what it drafted, as the planning service does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from jtbd_app import bootstrap
from jtbd_app.adapters.decomposer_openai import OpenAIDecomposer
from jtbd_app.config import Settings
from jtbd_app.domain.plans import Brief, Plan, PlanRefused, PlanTask, check, repair
from jtbd_app.services.ports import DecomposerFailed
from tests.support.openai_server import LocalOpenAI, Reply

# One event loop for the tests and the fixture that closes their clients' connections.
pytestmark = pytest.mark.asyncio(loop_scope="session")

BRIEF = Brief(
    text="Get 10K legit website visitors to my bakery's site in 60 days",
    budget_minor=300_000,
    currency="USD",
    deadline_days=60,
    success_measure="Sessions in Google Analytics",
)


def task(key: str, **fields: Any) -> dict[str, Any]:
    """A task as a model writes it on the wire (money in major units)."""
    wire: dict[str, Any] = {
        "key": key,
        "title": f"Do the {key} work",
        "description": f"The {key} part of the plan.",
        "skills": ["seo"],
        "estimate": 1000,
        "budget": 1000,
        "duration_days": 10,
        "due_in_days": 10,
        "depends_on": [],
        "criteria": [f"The {key} work is done and checked"],
        "evidence": {"kind": "link", "description": "A link to the result", "threshold": 0},
        "route": "internal",
        "optional": False,
    }
    wire.update(fields)
    return wire


GOOD_PLAN = {
    "tasks": [
        task(
            "seo-audit",
            title="SEO audit of the bakery site",
            estimate=400.50,
            budget=400.50,
            duration_days=7,
            due_in_days=7,
            skills=["seo", "analytics"],
        ),
        task(
            "local-content",
            title="Write 12 posts about the bakery",
            estimate=1200,
            budget=1200,
            duration_days=30,
            due_in_days=37,
            depends_on=["seo-audit"],
            route="internal",
        ),
        task(
            "visitors-report",
            title="Report 10,000 sessions",
            estimate=1399.50,
            budget=1399.50,
            duration_days=20,
            due_in_days=57,
            depends_on=["local-content"],
            evidence={"kind": "number", "description": "Sessions in Google Analytics", "threshold": 10000},
        ),
    ]
}


def answer(plan: dict[str, Any]) -> str:
    return json.dumps(plan, indent=1)


@pytest.fixture
async def decomposer_for() -> AsyncIterator[Callable[..., OpenAIDecomposer]]:
    """Makes adapters on a server (no retries, a 10 s timeout unless told) and closes their connections after."""
    made: list[OpenAIDecomposer] = []

    def make(server: LocalOpenAI, **options: Any) -> OpenAIDecomposer:
        options.setdefault("timeout", 10)
        options.setdefault("max_retries", 0)
        options.setdefault("api_key", server.api_key)
        made.append(OpenAIDecomposer(base_url=server.url, model="local-test-model", **options))
        return made[-1]

    yield make
    for decomposer in made:
        await decomposer.aclose()


async def decompose(decomposer: OpenAIDecomposer, **kwargs: Any) -> tuple[Plan, list[PlanTask]]:
    shown: list[PlanTask] = []

    async def on_task(t: PlanTask) -> None:
        shown.append(t)

    plan = await decomposer.decompose(BRIEF, on_task=on_task, **kwargs)
    return plan, shown


async def failure(decomposer: OpenAIDecomposer) -> DecomposerFailed:
    with pytest.raises(DecomposerFailed) as caught:
        await decomposer.decompose(BRIEF)
    return caught.value


async def test_a_streamed_plan_shows_each_task_as_it_arrives_before_the_answer_ends(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    text = json.dumps(GOOD_PLAN)
    first_task_ends = text.index("}, {") + 1
    openai_server.reply(Reply(text=text, pause_at=first_task_ends))
    shown: list[str] = []

    async def on_task(t: PlanTask) -> None:
        shown.append(t.key)
        openai_server.release()  # the server holds the rest of the stream until the first task has been shown

    plan = await decomposer_for(openai_server).decompose(BRIEF, on_task=on_task)

    assert openai_server.released_in_time is True
    assert shown == ["seo-audit", "local-content", "visitors-report"]
    assert plan.decomposer == "openai"
    assert [t.key for t in plan.tasks] == shown
    request = openai_server.requests[0]
    assert request.body["stream"] is True
    assert request.body["model"] == "local-test-model"
    assert request.response_format == "json_schema"
    assert request.body["response_format"]["json_schema"]["schema"]["required"] == ["tasks"]
    assert BRIEF.text in request.prompt and "3000.00 USD" in request.prompt and "60 days" in request.prompt


async def test_money_on_the_wire_becomes_exact_minor_units(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))

    plan, _ = await decompose(decomposer_for(openai_server))

    assert [t.estimate_minor for t in plan.tasks] == [40_050, 120_000, 139_950]
    assert [t.budget_minor for t in plan.tasks] == [40_050, 120_000, 139_950]
    assert plan.tasks[2].evidence.threshold == 10_000
    assert plan.tasks[0].evidence.threshold is None


async def test_a_server_that_does_not_stream_is_asked_for_whole_answers_from_then_on(
    openai_server: LocalOpenAI,
    decomposer_for: Callable[..., OpenAIDecomposer],
) -> None:
    openai_server.refuse_stream = True
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))
    decomposer = decomposer_for(openai_server)

    plan, shown = await decompose(decomposer)
    await decompose(decomposer)

    assert [t.key for t in shown] == [t.key for t in plan.tasks] == ["seo-audit", "local-content", "visitors-report"]
    assert [r.body["stream"] for r in openai_server.requests] == [True, False, False]
    assert decomposer.streams is False


@pytest.mark.parametrize("status", [400, 500])
async def test_a_server_refusing_json_schema_gets_json_object_with_the_schema_from_then_on(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer], status: int
) -> None:
    openai_server.refuse_json_schema = status  # llama-cpp-python's server refuses with a 500, retried once here
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))
    decomposer = decomposer_for(openai_server, max_retries=1)

    plan, _ = await decompose(decomposer)
    await decompose(decomposer)

    assert len(plan.tasks) == 3
    refused = ["json_schema"] * (2 if status == 500 else 1)
    assert [r.response_format for r in openai_server.requests] == [*refused, "json_object", "json_object"]
    schema = openai_server.requests[-1].body["response_format"]["schema"]
    assert schema["properties"]["tasks"]["items"]["required"][:2] == ["key", "title"]
    assert decomposer.response_format == "json_object"


async def test_a_server_refusing_both_structured_outputs_is_asked_by_the_prompt_alone(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.refuse_json_schema = openai_server.refuse_json_object = 400
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))
    decomposer = decomposer_for(openai_server)

    plan, _ = await decompose(decomposer)

    assert len(plan.tasks) == 3
    assert [r.response_format for r in openai_server.requests] == ["json_schema", "json_object", ""]
    assert '"required":["tasks"]' in openai_server.requests[-1].prompt  # the schema rides in the prompt
    assert decomposer.response_format == "none"


async def test_refining_sends_the_current_plan_and_the_instruction(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))
    current, _ = await decompose(decomposer_for(openai_server))
    refined = {"tasks": [*GOOD_PLAN["tasks"], task("launch-email", title="Send a launch email to 500 customers")]}
    openai_server.reply(Reply(text=answer(refined)))

    plan, _ = await decompose(
        decomposer_for(openai_server), instruction="add a task for a launch email", current=current.tasks
    )

    prompt = openai_server.requests[-1].prompt
    assert "add a task for a launch email" in prompt
    assert "SEO audit of the bakery site" in prompt and '"estimate": "400.50"' in prompt
    assert [t.key for t in plan.tasks][-1] == "launch-email"


async def test_malformed_output_fails_with_a_message(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text='Sure! Here is your plan: {"tasks": [{"key": "a", "title": '))

    failed = await failure(decomposer_for(openai_server))

    assert failed.message == "The AI planner's answer was not a usable plan (not valid JSON)."
    assert failed.retryable is True


async def test_an_answer_cut_off_at_the_token_limit_says_so(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=answer(GOOD_PLAN)[:200], finish_reason="length"))

    failed = await failure(decomposer_for(openai_server))

    assert failed.message == "The AI planner's answer was cut off before the plan was complete."


async def test_a_task_without_evidence_fails_saying_where(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    broken = task("seo-audit")
    del broken["evidence"]
    openai_server.reply(Reply(text=answer({"tasks": [broken]})))

    failed = await failure(decomposer_for(openai_server))

    assert failed.message == "The AI planner's answer was not a usable plan (tasks.0.evidence: Field required)."


async def test_an_empty_answer_fails_with_a_message(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=""))

    failed = await failure(decomposer_for(openai_server))

    assert failed.message == "The AI planner gave an empty answer."


async def test_shares_that_do_not_sum_are_scaled_by_repair_to_the_budget_exactly(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    wrong = {"tasks": [task("a", budget=1000), task("b", budget=1000), task("c", budget=500.01)]}
    openai_server.reply(Reply(text=answer(wrong)))

    draft, _ = await decompose(decomposer_for(openai_server))
    plan = repair(draft, BRIEF)

    assert sum(t.budget_minor for t in draft.tasks) == 250_001
    assert sum(t.budget_minor for t in plan.tasks) == BRIEF.budget_minor
    assert [t.budget_minor for t in plan.tasks] == [120_000, 119_999, 60_001]
    assert "scaled to sum to it exactly" in " ".join(plan.notes)


async def test_a_cycle_is_broken_by_repair(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    circle = {
        "tasks": [
            task("a", depends_on=["c"]),
            task("b", depends_on=["a"]),
            task("c", depends_on=["b"]),
        ]
    }
    openai_server.reply(Reply(text=answer(circle)))

    draft, _ = await decompose(decomposer_for(openai_server))
    plan = repair(draft, BRIEF)

    check(plan.tasks, BRIEF)
    assert {t.key: t.depends_on for t in plan.tasks} == {"a": ["c"], "b": ["a"], "c": []}
    assert any("depended on each other" in note for note in plan.notes)


async def test_dates_past_the_deadline_are_fitted_into_it_by_repair(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    late = {
        "tasks": [
            task("research", duration_days=40, due_in_days=40),
            task("build", duration_days=45, due_in_days=85, depends_on=["research"]),
            task("launch", duration_days=15, due_in_days=100, depends_on=["build"]),
        ]
    }
    openai_server.reply(Reply(text=answer(late)))

    draft, _ = await decompose(decomposer_for(openai_server))
    plan = repair(draft, BRIEF)

    due = {t.key: t.due_in_days for t in plan.tasks}
    assert due["research"] < due["build"] < due["launch"] <= BRIEF.deadline_days
    assert "fitted into it" in " ".join(plan.notes)


async def test_a_task_proposing_fake_reviews_is_refused_by_repair(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    dishonest = task("reviews", title="Buy 200 five-star Google reviews", criteria=["200 new 5-star reviews"])
    openai_server.reply(Reply(text=answer({"tasks": [task("a"), dishonest]})))

    draft, _ = await decompose(decomposer_for(openai_server))

    with pytest.raises(PlanRefused, match="Buy 200 five-star Google reviews"):
        repair(draft, BRIEF)


async def test_an_answer_in_a_code_fence_with_braces_and_quotes_in_its_text_streams_each_task(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    tricky = {
        "summary": 'A "plan" with {braces} and [brackets]',
        "tasks": [
            task("a", title='Write the "About {us}" page', description="Uses \\ and } and ]"),
            task("b", title="Close the {loop}", depends_on=["a"]),
        ],
    }
    openai_server.reply(Reply(text=f"```json\n{json.dumps(tricky)}\n```", chunk_size=3))

    plan, shown = await decompose(decomposer_for(openai_server))

    assert [t.title for t in shown] == ['Write the "About {us}" page', "Close the {loop}"]
    assert [t.key for t in plan.tasks] == ["a", "b"]


async def test_a_task_without_criteria_is_refused_by_repair(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=answer({"tasks": [task("a"), task("b", title="Post flyers", criteria=[" "])]})))

    draft, _ = await decompose(decomposer_for(openai_server))

    with pytest.raises(PlanRefused, match="Task 'Post flyers' has no acceptance criteria"):
        repair(draft, BRIEF)


async def test_a_server_too_slow_to_answer_fails_with_a_message(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(text=answer(GOOD_PLAN), delay=3))

    failed = await failure(decomposer_for(openai_server, timeout=0.5))

    assert failed.message == "The AI planner did not answer within 0.5 seconds."
    assert failed.retryable is True


async def test_a_stream_that_stalls_part_way_fails_with_a_message_after_showing_what_came(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    text = json.dumps(GOOD_PLAN)
    openai_server.reply(Reply(text=text, pause_at=text.index("}, {") + 1))  # never released: the server stalls
    shown: list[str] = []

    async def on_task(t: PlanTask) -> None:
        shown.append(t.key)

    with pytest.raises(DecomposerFailed) as caught:
        await decomposer_for(openai_server, timeout=1).decompose(BRIEF, on_task=on_task)

    assert caught.value.message == "The AI planner did not answer within 1 second."
    assert shown == ["seo-audit"]  # the caller drops what it showed when it falls back


async def test_a_rate_limit_fails_with_a_message_to_try_later(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(status=429, error="Rate limit reached for requests"))

    failed = await failure(decomposer_for(openai_server))

    assert failed.message == "The AI planner is busy right now (too many requests); try again in a minute."
    assert failed.retryable is True


async def test_a_server_error_is_retried_then_fails_with_a_message(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(status=500, error="boom: secret stack trace"))

    failed = await failure(decomposer_for(openai_server, max_retries=1))

    assert failed.message == "The AI planner's server failed (HTTP 500)."
    assert failed.retryable is True
    assert len(openai_server.requests) == 2


async def test_a_server_error_that_clears_on_retry_gives_the_plan(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    openai_server.reply(Reply(status=503, error="overloaded"), Reply(text=answer(GOOD_PLAN)))

    plan, _ = await decompose(decomposer_for(openai_server, max_retries=1))

    assert len(plan.tasks) == 3


async def test_a_wrong_api_key_fails_without_retrying_or_showing_the_key(
    openai_server: LocalOpenAI, decomposer_for: Callable[..., OpenAIDecomposer]
) -> None:
    decomposer = decomposer_for(openai_server, api_key="sk-wrong-key-42", max_retries=2)

    failed = await failure(decomposer)

    assert failed.message == "The AI planner refused our credentials; an operator must check its API key."
    assert failed.retryable is False
    assert "sk-wrong-key-42" not in failed.message
    assert len(openai_server.requests) == 1


async def test_bootstrap_gives_no_decomposer_without_a_key_and_one_kept_adapter_with_it(
    openai_server: LocalOpenAI,
    decomposer_for: Callable[..., OpenAIDecomposer],
) -> None:
    openai_server.reply(Reply(text=answer(GOOD_PLAN)))

    def settings(key: str) -> Settings:
        return Settings(_env_file=None, OPENAI_API_KEY=key, OPENAI_BASE_URL=openai_server.url, OPENAI_MODEL="m1")  # type: ignore[call-arg]

    without = bootstrap.decomposer(settings(""))
    first = bootstrap.decomposer(settings(openai_server.api_key))
    again = bootstrap.decomposer(settings(openai_server.api_key))
    assert first is not None
    plan = await first.decompose(BRIEF)
    await first.aclose()  # type: ignore[attr-defined]

    assert without is None
    assert first is again
    assert first.name == "openai"
    assert len(plan.tasks) == 3
    assert openai_server.requests[0].body["model"] == "m1"
