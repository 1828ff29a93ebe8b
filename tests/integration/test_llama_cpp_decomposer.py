"""The OpenAI-compatible decomposer against a real server and a real model no one here wrote: llama-cpp-python's server
with SmolLM2-135M-Instruct (tests/support/llama_server.py). The model is tiny and answers schema-shaped nonsense
(shares that do not sum, empty criteria, unrelated tasks); whatever it says, the repair-or-refuse path must never
yield a broken plan, and the adapter must find the structured output this server takes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from jtbd_app.adapters.decomposer_openai import OpenAIDecomposer
from jtbd_app.domain.plans import Brief, Evidence, Plan, PlanRefused, PlanTask, check, repair
from jtbd_app.services.ports import DecomposerFailed
from tests.support.llama_server import LlamaServer, run_llama_server

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the loop of the module's adapter fixture

BAKERY = Brief(
    text="Get 10K legit website visitors to my bakery's site in 60 days",
    budget_minor=300_000,
    currency="USD",
    deadline_days=60,
    success_measure="Sessions in Google Analytics",
)
MOVING = Brief(
    text="Move my two-room flat from Osaka to Kyoto next month, with the piano",
    budget_minor=250_000,
    currency="JPY",
    deadline_days=30,
    location="Osaka",
)


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with run_llama_server(tmp_path_factory.mktemp("llama")) as server:
        yield server


@pytest.fixture(scope="module")
async def decomposer(llama: LlamaServer) -> AsyncIterator[OpenAIDecomposer]:
    """One adapter for the module, as bootstrap keeps one: what it learns of the server carries over."""
    adapter = OpenAIDecomposer(
        api_key=llama.api_key, base_url=llama.url, model=llama.model, timeout=240, max_retries=0, max_tokens=1000
    )
    yield adapter
    await adapter.aclose()


def assert_whole(plan: Plan, brief: Brief) -> None:
    check(plan.tasks, brief)
    assert sum(t.budget_minor for t in plan.tasks) == brief.budget_minor
    assert all(1 <= t.due_in_days <= brief.deadline_days for t in plan.tasks)
    assert all(t.criteria for t in plan.tasks)


async def plan_or_reason(decomposer: OpenAIDecomposer, brief: Brief, **kwargs: object) -> tuple[Plan | None, str]:
    """What the planning service would get: a whole plan, or the reason it falls back to the offline playbooks."""
    shown: list[PlanTask] = []

    async def on_task(task: PlanTask) -> None:
        shown.append(task)

    try:
        draft = await decomposer.decompose(brief, on_task=on_task, **kwargs)  # type: ignore[arg-type]
    except DecomposerFailed as failed:
        assert failed.message.startswith("The AI planner")
        return None, failed.message
    assert draft.decomposer == "openai"
    assert [t.key for t in shown] == [t.key for t in draft.tasks]
    try:
        plan = repair(draft, brief)
    except PlanRefused as refused:
        assert str(refused)
        return None, str(refused)
    assert_whole(plan, brief)
    return plan, ""


async def test_the_model_answers_through_json_object_output_and_no_broken_plan_comes_out(
    decomposer: OpenAIDecomposer,
) -> None:
    plan, reason = await plan_or_reason(decomposer, BAKERY)

    assert decomposer.response_format == "json_object"  # it refuses json_schema, takes json_object with a schema
    assert decomposer.streams is True
    assert (plan is None) == bool(reason)


async def test_a_plan_in_a_currency_without_cents_is_whole_or_refused(decomposer: OpenAIDecomposer) -> None:
    plan, reason = await plan_or_reason(decomposer, MOVING)

    assert (plan is None) == bool(reason)


async def test_refining_a_plan_with_the_model_gives_a_whole_plan_or_a_reason(decomposer: OpenAIDecomposer) -> None:
    current = [
        PlanTask(
            key="pack",
            title="Pack the flat into boxes",
            criteria=["Everything is in labelled boxes"],
            evidence=Evidence(kind="photo", description="A photo of the packed boxes"),
            budget_minor=100_000,
            due_in_days=10,
            estimate_minor=100_000,
            duration_days=5,
        ),
        PlanTask(
            key="van",
            title="Van and two movers to Kyoto",
            criteria=["All boxes and the piano arrive unbroken"],
            evidence=Evidence(kind="photo", description="A photo of the unloaded flat"),
            depends_on=["pack"],
            budget_minor=150_000,
            due_in_days=20,
            estimate_minor=150_000,
            duration_days=2,
            route="external",
        ),
    ]

    plan, reason = await plan_or_reason(
        decomposer, MOVING, instruction="add a task for tuning the piano after the move", current=current
    )

    assert (plan is None) == bool(reason)
