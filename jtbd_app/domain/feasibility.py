"""Whether a plan fits its budget and deadline at market prices and pace, and when it does not, concrete cuts (drop
or shrink a named task, extend the deadline) that the client applies with one click, before any money moves."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from jtbd_app.domain.money import Money
from jtbd_app.domain.plan_edits import drop_task, quantity_of, with_quantity
from jtbd_app.domain.plans import MAX_DEADLINE_DAYS, Brief, PlanRefused, PlanTask, check, critical_path_days, finalise

MAX_CUTS = 6


class Cut(BaseModel):
    kind: Literal["drop", "shrink", "extend"]
    task_key: str = ""
    label: str
    saves_minor: int = 0
    new_deadline_days: int | None = None
    new_quantity: int | None = None  # for "shrink": the number the task is cut down to


class Feasibility(BaseModel):
    fits: bool
    cost_fits: bool
    time_fits: bool
    budget_minor: int
    estimated_cost_minor: int
    deadline_days: int
    estimated_days: int
    summary: str
    cuts: list[Cut]


def estimated_cost_minor(tasks: list[PlanTask]) -> int:
    return sum(t.estimate_minor for t in tasks if t.route != "self")


def assess(tasks: list[PlanTask], brief: Brief) -> Feasibility:
    """Estimated cost (the paid tasks' market estimates) and time (the critical path) against the brief."""
    cost = estimated_cost_minor(tasks)
    days = critical_path_days(tasks)
    cost_fits, time_fits = cost <= brief.budget_minor, days <= brief.deadline_days
    cuts: list[Cut] = []
    if not cost_fits:
        cuts += _money_cuts(tasks, brief, cost - brief.budget_minor)[: MAX_CUTS - (0 if time_fits else 2)]
    if not time_fits:
        cuts += _time_cuts(tasks, brief, days, {c.task_key for c in cuts if c.kind == "drop"})[:2]
    return Feasibility(
        fits=cost_fits and time_fits,
        cost_fits=cost_fits,
        time_fits=time_fits,
        budget_minor=brief.budget_minor,
        estimated_cost_minor=cost,
        deadline_days=brief.deadline_days,
        estimated_days=days,
        summary=_summary(brief, cost, days, cost_fits, time_fits),
        cuts=cuts[:MAX_CUTS],
    )


def _money(amount: int, brief: Brief) -> str:
    return Money(amount, brief.currency).format()


def _summary(brief: Brief, cost: int, days: int, cost_fits: bool, time_fits: bool) -> str:
    money = f"estimated {_money(cost, brief)} against a budget of {_money(brief.budget_minor, brief)}"
    time = f"about {days} days of work against a deadline of {brief.deadline_days}"
    if cost_fits and time_fits:
        return f"Fits: {money}, {time}."
    parts = []
    if not cost_fits:
        parts.append(f"over budget by {_money(cost - brief.budget_minor, brief)} ({money})")
    if not time_fits:
        parts.append(f"late by {days - brief.deadline_days} days ({time})")
    text = " and ".join(parts)
    return f"Does not fit: {text}. Apply a cut below, or raise the budget or the deadline."


def _money_cuts(tasks: list[PlanTask], brief: Brief, over: int) -> list[Cut]:
    paid = [t for t in tasks if t.route != "self" and t.estimate_minor > 0]
    cuts = [
        Cut(kind="drop", task_key=t.key, label=f"Drop {t.title!r} (optional): saves {_money(t.estimate_minor, brief)}",
            saves_minor=t.estimate_minor)
        for t in sorted((t for t in paid if t.optional), key=lambda t: (-t.estimate_minor, t.key))
        if len(tasks) > 1
    ]  # fmt: skip
    for n, group in _quantity_groups(paid):
        estimate = sum(t.estimate_minor for t in group)
        new = max(1, n - math.ceil(over * n / estimate))
        if new >= n:
            continue
        saves = estimate - sum(t.estimate_minor * new // n for t in group)
        also = f" (and {len(group) - 1} more task{'s' if len(group) > 2 else ''} about them)" if len(group) > 1 else ""
        label = f"Shrink {group[0].title!r} to {new:,}{also}: saves {_money(saves, brief)}"
        cuts.append(Cut(kind="shrink", task_key=group[0].key, label=label, saves_minor=saves, new_quantity=new))
    if sum(c.saves_minor for c in cuts) < over and len(tasks) > 1:
        core = sorted((t for t in paid if not t.optional), key=lambda t: (-t.estimate_minor, t.key))[1:3]
        cuts += [
            Cut(kind="drop", task_key=t.key, label=f"Drop {t.title!r}: saves {_money(t.estimate_minor, brief)}",
                saves_minor=t.estimate_minor)
            for t in core
        ]  # fmt: skip
    return cuts


def _quantity_groups(tasks: list[PlanTask]) -> list[tuple[int, list[PlanTask]]]:
    """Tasks about the same number ("Write 12 posts", "Edit the 12 posts"), the costliest group first."""
    groups: dict[int, list[PlanTask]] = {}
    for t in tasks:
        n = quantity_of(t)
        if n is not None:
            groups.setdefault(n, []).append(t)
    ordered = sorted(groups.items(), key=lambda kv: (-sum(t.estimate_minor for t in kv[1]), kv[0]))
    return [(n, sorted(g, key=lambda t: -t.estimate_minor)) for n, g in ordered]


def _time_cuts(tasks: list[PlanTask], brief: Brief, days: int, dropped: set[str]) -> list[Cut]:
    new_deadline = min(days, MAX_DEADLINE_DAYS)
    cuts = []
    if new_deadline > brief.deadline_days:
        cuts.append(
            Cut(kind="extend", label=f"Extend the deadline to {new_deadline} days", new_deadline_days=new_deadline)
        )
    for t in tasks:
        if t.optional and t.key not in dropped and len(tasks) > 1:
            shorter = critical_path_days(drop_task(tasks, t.key))
            if shorter < days:
                cuts.append(
                    Cut(kind="drop", task_key=t.key, label=f"Drop {t.title!r} (optional): done in {shorter} days")
                )
    return cuts


def apply_cut(tasks: list[PlanTask], brief: Brief, cut: Cut) -> tuple[list[PlanTask], Brief]:
    """The plan and brief with `cut` applied, finalised (shares summing to the budget, dates in order) and checked;
    PlanRefused when the cut no longer applies to this plan."""
    if cut.kind == "extend":
        if cut.new_deadline_days is None or not brief.deadline_days < cut.new_deadline_days <= MAX_DEADLINE_DAYS:
            raise PlanRefused("That deadline cannot be used.")
        brief = brief.model_copy(update={"deadline_days": cut.new_deadline_days})
    else:
        task = next((t for t in tasks if t.key == cut.task_key), None)
        if task is None:
            raise PlanRefused("That task is no longer in the plan.")
        if cut.kind == "drop":
            if len(tasks) <= 1:
                raise PlanRefused("A plan needs at least one task.")
            tasks = drop_task(tasks, task.key)
        else:
            n = quantity_of(task)
            if n is None or cut.new_quantity is None or not 1 <= cut.new_quantity < n:
                raise PlanRefused("That task can no longer be shrunk this way.")
            new = cut.new_quantity
            tasks = [with_quantity(t, new) if t.route != "self" and quantity_of(t) == n else t for t in tasks]
    tasks = finalise(tasks, brief)
    check(tasks, brief)
    return tasks, brief
