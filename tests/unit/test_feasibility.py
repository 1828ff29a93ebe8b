"""Feasibility: a plan's market cost and time against the budget and deadline, and cuts that make it fit."""

from __future__ import annotations

import pytest

from jtbd_app.domain.feasibility import Cut, apply_cut, assess
from jtbd_app.domain.offline_decomposer import decompose
from jtbd_app.domain.plans import Brief, PlanRefused, PlanTask, check, critical_path_days

BLOG = "Write 12 blog posts for greenleafgardens.com about organic gardening"


def blog(budget_minor: int = 100_000, days: int = 60) -> tuple[list[PlanTask], Brief]:
    brief = Brief(text=BLOG, budget_minor=budget_minor, currency="USD", deadline_days=days)
    return decompose(brief).tasks, brief


def cut_of(kind: str, tasks: list[PlanTask], brief: Brief, key: str = "") -> Cut:
    return next(c for c in assess(tasks, brief).cuts if c.kind == kind and (not key or c.task_key == key))


def test_a_plan_within_budget_and_deadline_fits_with_no_cuts() -> None:
    tasks, brief = blog(budget_minor=400_000, days=60)
    result = assess(tasks, brief)
    assert result.fits and result.cost_fits and result.time_fits and result.cuts == []
    assert result.summary.startswith("Fits: estimated $2,550.00 against a budget of $4,000.00")


def test_estimated_cost_is_the_paid_tasks_estimates_and_time_the_critical_path() -> None:
    tasks, brief = blog()
    result = assess(tasks, brief)
    assert result.estimated_cost_minor == sum(t.estimate_minor for t in tasks if t.route != "self")
    assert result.estimated_days == critical_path_days(tasks)


def test_work_the_client_does_costs_nothing() -> None:
    tasks, brief = blog()
    mine = [t.model_copy(update={"route": "self"}) if t.key == "publish" else t for t in tasks]
    publish = next(t for t in tasks if t.key == "publish")
    assert (
        assess(mine, brief).estimated_cost_minor == assess(tasks, brief).estimated_cost_minor - publish.estimate_minor
    )


def test_over_budget_proposes_named_cuts_with_what_each_saves() -> None:
    tasks, brief = blog(budget_minor=200_000)
    result = assess(tasks, brief)
    labels = [c.label for c in result.cuts]
    assert not result.fits and not result.cost_fits
    assert "Over budget".lower() in result.summary.lower() and "$550.00" in result.summary
    assert "Drop 'Share each piece in the newsletter and on LinkedIn' (optional): saves $200.00" in labels
    assert "Drop 'Images for the 12 blog posts' (optional): saves $180.00" in labels
    assert any(label.startswith("Shrink 'Write 12 blog posts for greenleafgardens.com' to 9") for label in labels)


def test_dropping_a_task_saves_its_estimate_and_hands_its_dependencies_on() -> None:
    tasks, brief = blog(budget_minor=200_000)
    cut = cut_of("drop", tasks, brief, "images")
    after, same = apply_cut(tasks, brief, cut)
    assert same == brief and "images" not in [t.key for t in after]
    assert "edit" in next(t for t in after if t.key == "publish").depends_on
    assert assess(after, brief).estimated_cost_minor == assess(tasks, brief).estimated_cost_minor - cut.saves_minor
    assert sum(t.budget_minor for t in after) == brief.budget_minor


def test_shrinking_changes_every_task_about_that_number_and_then_the_plan_fits_the_budget() -> None:
    tasks, brief = blog(budget_minor=200_000)
    cut = cut_of("shrink", tasks, brief)
    after, _ = apply_cut(tasks, brief, cut)
    titles = [t.title for t in after]
    assert cut.new_quantity == 9
    assert "Write 9 blog posts for greenleafgardens.com" in titles and "Edit and proofread the 9 blog posts" in titles
    assert assess(after, brief).estimated_cost_minor == assess(tasks, brief).estimated_cost_minor - cut.saves_minor
    assert assess(after, brief).cost_fits
    check(after, brief)


def test_a_late_plan_proposes_extending_the_deadline_to_its_length() -> None:
    tasks, brief = blog(budget_minor=400_000, days=10)
    result = assess(tasks, brief)
    extend = cut_of("extend", tasks, brief)
    assert not result.time_fits and result.cost_fits
    assert extend.label == f"Extend the deadline to {result.estimated_days} days"
    after, longer = apply_cut(tasks, brief, extend)
    assert longer.deadline_days == result.estimated_days and assess(after, longer).fits
    assert max(t.due_in_days for t in after) <= longer.deadline_days


def test_a_late_plan_offers_dropping_an_optional_task_that_shortens_it() -> None:
    tasks, brief = blog(budget_minor=400_000, days=10)
    drop = cut_of("drop", tasks, brief)
    assert drop.task_key == "promote" and "done in" in drop.label


def test_applying_a_cut_is_deterministic() -> None:
    tasks, brief = blog(budget_minor=200_000)
    cut = cut_of("shrink", tasks, brief)
    assert apply_cut(tasks, brief, cut) == apply_cut(tasks, brief, cut)


def test_a_cut_for_a_task_no_longer_in_the_plan_is_refused() -> None:
    tasks, brief = blog(budget_minor=200_000)
    cut = cut_of("drop", tasks, brief, "images")
    after, _ = apply_cut(tasks, brief, cut)
    with pytest.raises(PlanRefused):
        apply_cut(after, brief, cut)


def test_an_extension_that_does_not_extend_is_refused() -> None:
    tasks, brief = blog()
    with pytest.raises(PlanRefused):
        apply_cut(tasks, brief, Cut(kind="extend", label="Extend", new_deadline_days=brief.deadline_days))
