"""Making a plan: the model's when it can be mended, the offline playbooks' (saying why) when it cannot; the page is
told of each task as it comes, and told to start over when the model's half-streamed plan is dropped."""

from __future__ import annotations

import asyncio

from jtbd_app.domain.plans import Brief, Plan, PlanTask, check
from jtbd_app.services.ports import DecomposerFailed
from jtbd_app.services.problems.planning import draft_plan
from tests.support.problems import brief_for, task


class ScriptedDecomposer:
    """A decomposer port that streams `tasks`, then fails with `failure` (or returns them as its plan)."""

    name = "openai"

    def __init__(self, tasks: list[PlanTask], failure: DecomposerFailed | None = None) -> None:
        self.tasks, self.failure, self.asked = tasks, failure, []  # type: ignore[var-annotated]

    async def decompose(self, brief: Brief, *, instruction="", current=None, on_task=None) -> Plan:  # type: ignore[no-untyped-def]
        self.asked.append((brief.text, instruction))
        for t in self.tasks:
            if on_task is not None:
                await on_task(t)
        if self.failure is not None:
            raise self.failure
        return Plan(decomposer="openai", tasks=self.tasks)


def _run(decomposer: ScriptedDecomposer | None, brief: Brief) -> tuple[Plan, list[str]]:
    seen: list[str] = []

    async def on_task(t: PlanTask) -> None:
        seen.append(t.key)

    async def on_restart() -> None:
        seen.append("<restart>")

    plan = asyncio.run(draft_plan(brief, decomposer=decomposer, on_task=on_task, on_restart=on_restart))  # type: ignore[arg-type]
    return plan, seen


def test_a_mendable_model_plan_is_used_and_streamed() -> None:
    model = ScriptedDecomposer(
        [task("a", "Audit the site", estimate=1, days=5), task("b", "Write posts", estimate=3, days=9)]
    )
    brief = brief_for(budget_minor=100_001)
    plan, seen = _run(model, brief)
    assert plan.decomposer == "openai" and seen == ["a", "b"]
    check(plan.tasks, brief)
    assert [t.budget_minor for t in plan.tasks] == [25_000, 75_001]


def test_a_failing_model_falls_back_to_the_playbooks_and_says_why() -> None:
    model = ScriptedDecomposer(
        [task("a", "Audit the site", estimate=1, days=5)], DecomposerFailed("The AI planner timed out.")
    )
    brief = brief_for(text="Get 10K legit website visitors to my bakery's site")
    plan, seen = _run(model, brief)
    assert plan.decomposer == "offline"
    assert "The AI planner timed out." in plan.notes[0] and "offline playbooks" in plan.notes[0]
    assert seen[:2] == ["a", "<restart>"] and seen[2:] == [t.key for t in plan.tasks]
    check(plan.tasks, brief)


def test_a_model_plan_that_cannot_be_mended_falls_back_too() -> None:
    bare = task("a", "Audit the site", estimate=1, days=5).model_copy(update={"criteria": []})
    plan, _ = _run(ScriptedDecomposer([bare]), brief_for())
    assert plan.decomposer == "offline" and "no acceptance criteria" in plan.notes[0]


def test_without_a_model_the_playbooks_plan_alone() -> None:
    plan, seen = _run(None, brief_for())
    assert plan.decomposer == "offline" and seen == [t.key for t in plan.tasks]
    assert not any("could not be used" in n for n in plan.notes)
