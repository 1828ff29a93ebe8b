"""The rules that keep any decomposer's plan whole: exact splits, no circles, due dates in order within the deadline,
honest work only; and the layered drawing of the plan."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jtbd_app.domain.honest_work import dishonest_reason
from jtbd_app.domain.plan_graph import NODE_H, NODE_W, layout
from jtbd_app.domain.plans import Plan, PlanRefused, check, repair, schedule, split_budget
from tests.support.problems import brief_for, task


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**9), min_size=1, max_size=30))
def test_a_split_always_sums_to_the_total_and_never_goes_negative(total: int, weights: list[int]) -> None:
    parts = split_budget(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    if sum(weights):
        assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_a_split_gives_the_leftover_cents_to_the_largest_remainders() -> None:
    assert split_budget(100, [1, 1, 1]) == [34, 33, 33]
    assert split_budget(1001, [2, 1]) == [667, 334]


def test_a_task_is_never_due_before_what_it_needs_and_all_fit_the_deadline() -> None:
    tasks = [
        task("a", "First step", estimate=1, days=30),
        task("b", "Second step", estimate=1, days=30, needs=("a",)),
        task("c", "Third step", estimate=1, days=30, needs=("b",)),
    ]
    due = schedule(tasks, deadline_days=45)
    assert due["a"] <= due["b"] <= due["c"] <= 45
    assert due["c"] == 45


@given(
    st.lists(
        st.tuples(st.integers(1, 60), st.integers(0, 10**7), st.sets(st.integers(0, 11))), min_size=1, max_size=12
    ),
    st.integers(100_000, 10**9),
    st.integers(1, 365),
)
def test_any_drafted_plan_is_repaired_into_a_whole_one(
    drafted: list[tuple[int, int, set[int]]], budget: int, deadline: int
) -> None:
    """Whatever a model drafts (dependencies in any direction, circles, unknown keys, any shares), repair returns a
    plan that passes the check."""
    tasks = [
        task(f"t{i}", f"Task number {i}", estimate=est, days=days, needs=tuple(f"t{n}" for n in needs))
        for i, (days, est, needs) in enumerate(drafted)
    ]
    brief = brief_for(budget_minor=budget, days=deadline)
    repaired = repair(Plan(decomposer="openai", tasks=tasks), brief)
    check(repaired.tasks, brief)


def test_a_circle_is_broken_at_the_later_link_with_a_note() -> None:
    tasks = [
        task("a", "First step", estimate=1, days=3, needs=("b",)),
        task("b", "Second step", estimate=1, days=3, needs=("a",)),
    ]
    repaired = repair(Plan(decomposer="openai", tasks=tasks), brief_for())
    assert {t.key: t.depends_on for t in repaired.tasks} == {"a": ["b"], "b": []}
    assert any("depended on each other" in note for note in repaired.notes)


def test_shares_that_do_not_sum_are_scaled_to_the_budget_with_a_note() -> None:
    tasks = [
        task("a", "First step", estimate=1, days=3, budget_minor=100),
        task("b", "Second step", estimate=1, days=3, budget_minor=300),
    ]
    repaired = repair(Plan(decomposer="openai", tasks=tasks), brief_for(budget_minor=1000))
    assert [t.budget_minor for t in repaired.tasks] == [250, 750]
    assert any("did not add up" in note for note in repaired.notes)


def test_a_plan_without_criteria_or_tasks_is_refused() -> None:
    bare = task("a", "First step", estimate=1, days=3).model_copy(update={"criteria": []})
    with pytest.raises(PlanRefused, match="no acceptance criteria"):
        repair(Plan(decomposer="openai", tasks=[bare]), brief_for())
    with pytest.raises(PlanRefused, match="no tasks"):
        repair(Plan(decomposer="openai", tasks=[]), brief_for())


def test_a_plan_proposing_deception_is_refused() -> None:
    fake = task("a", "Buy 500 five-star reviews", estimate=1, days=3)
    with pytest.raises(PlanRefused, match="fake or bought reviews"):
        repair(Plan(decomposer="openai", tasks=[fake]), brief_for())


@pytest.mark.parametrize(
    "text",
    ["Buy 1,000 Instagram followers", "Pay for Google reviews", "Send bot traffic to the site", "Spam the forums"],
)
def test_deception_is_named(text: str) -> None:
    assert dishonest_reason(text)


@pytest.mark.parametrize(
    "text",
    [
        "Get 10K legit website visitors",
        "No bot traffic: sessions come from real people",
        "Ask happy customers to leave a review",
        "Grow followers with useful posts",
    ],
)
def test_honest_work_passes(text: str) -> None:
    assert dishonest_reason(text) == ""


def test_the_graph_puts_each_task_right_of_what_it_needs_without_overlaps() -> None:
    drawn = layout(
        [
            ("a", "Audit the site", [], "planned"),
            ("b", "Write articles", ["a"], "open"),
            ("c", "Run ads", ["a"], "done"),
            ("d", "Report results", ["b", "c"], "planned"),
        ]
    )
    at = {n.key: n for n in drawn.nodes}
    assert at["a"].x < at["b"].x == at["c"].x < at["d"].x
    boxes = [(n.x, n.y) for n in drawn.nodes]
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= NODE_W or abs(y1 - y2) >= NODE_H
    assert {(e.source, e.target) for e in drawn.edges} == {("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")}
    assert at["c"].fill != at["b"].fill  # coloured by state
    assert all(0 <= n.x <= drawn.width - NODE_W and 0 <= n.y <= drawn.height - NODE_H for n in drawn.nodes)
