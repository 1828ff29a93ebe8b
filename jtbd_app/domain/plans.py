"""A problem's plan: micro-tasks with budget shares, due dates and dependencies, and the rules that keep it whole.

Every decomposer (offline playbooks, an OpenAI-compatible model) produces a `Plan`; `repair` turns what it produced
into a plan whose shares sum to the budget exactly, whose dependencies form no cycle and whose due dates respect
both the dependencies and the deadline, or refuses it with `PlanRefused`. Nothing else is ever saved.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jtbd_app.domain.money import CURRENCIES

Route = Literal["internal", "external", "product", "self"]
EvidenceKind = Literal["link", "file", "number", "photo"]
ROUTE_LABELS: dict[str, str] = {
    "internal": "Hire here",
    "external": "Outside provider",
    "product": "Buy a product",
    "self": "Do it yourself",
}
EVIDENCE_LABELS: dict[str, str] = {"link": "A link", "file": "A file", "number": "A number", "photo": "A photo"}
MAX_TASKS = 24
MAX_DEADLINE_DAYS = 730
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Key = Annotated[str, StringConstraints(pattern=KEY_RE.pattern)]


def min_share_minor(currency: str) -> int:
    """The least a paid micro-task may be given: 5 in the currency's major unit (500 yen for JPY)."""
    digits = CURRENCIES[currency]
    return 500 if digits == 0 else 5 * 10**digits


def min_budget_minor(currency: str) -> int:
    """The least budget a problem may have: enough for two paid micro-tasks at the least share each."""
    return 2 * min_share_minor(currency)


def max_budget_minor(currency: str) -> int:
    """The most a problem may budget: ten million in the currency's major unit (a billion yen)."""
    digits = CURRENCIES[currency]
    return 1_000_000_000 if digits == 0 else 10_000_000 * 10**digits


class Evidence(BaseModel):
    """What will prove a micro-task done; `threshold` is the least value a "number" must reach."""

    model_config = ConfigDict(extra="ignore")
    kind: EvidenceKind
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]
    threshold: int | None = Field(default=None, ge=0, le=10**12)


class PlanTask(BaseModel):
    """One micro-task. `estimate_minor` and `duration_days` are what it costs and takes at market rates; the budget
    share and the due date are what the plan gives it."""

    model_config = ConfigDict(extra="ignore")
    key: Key
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    skills: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=8
    )
    budget_minor: int = Field(default=0, ge=0)
    due_in_days: int = Field(default=1, ge=1, le=MAX_DEADLINE_DAYS)
    criteria: list[Line] = Field(default_factory=list, max_length=8)
    evidence: Evidence
    depends_on: list[Key] = Field(default_factory=list, max_length=MAX_TASKS)
    route: Route = "internal"
    estimate_minor: int = Field(default=0, ge=0, le=10**13)
    duration_days: int = Field(default=1, ge=1, le=MAX_DEADLINE_DAYS)
    optional: bool = False


class Brief(BaseModel):
    """The problem as the client put it, which every decomposer works from."""

    model_config = ConfigDict(frozen=True)
    text: str
    budget_minor: int = Field(gt=0)
    currency: str
    deadline_days: int = Field(ge=1, le=MAX_DEADLINE_DAYS)
    constraints: str = ""
    success_measure: str = ""
    location: str = ""  # empty: remote work is fine


class Plan(BaseModel):
    decomposer: Literal["offline", "openai"]
    tasks: list[PlanTask]
    notes: list[str] = Field(default_factory=list)


class PlanRefused(ValueError):
    """A plan that cannot be made whole; the message says why, fit to show."""


def split_budget(total_minor: int, weights: list[int]) -> list[int]:
    """`total_minor` in parts proportional to `weights`, largest remainder first: the parts sum to it exactly."""
    if total_minor < 0 or any(w < 0 for w in weights):
        raise ValueError("Amounts and weights cannot be negative.")
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total_minor * w // whole for w in weights]
    rest = total_minor - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total_minor * weights[i] % whole), i))
    for i in by_remainder[:rest]:
        parts[i] += 1
    return parts


def topological_order(tasks: list[PlanTask]) -> list[str]:
    """Keys in an order where each task comes after its dependencies (the given order where free); PlanRefused on a
    cycle or an unknown dependency."""
    keys = [t.key for t in tasks]
    known = set(keys)
    deps = {t.key: [d for d in t.depends_on] for t in tasks}
    for key, needs in deps.items():
        for need in needs:
            if need not in known:
                raise PlanRefused(f"Task {key!r} depends on {need!r}, which is not in the plan.")
    done: list[str] = []
    placed: set[str] = set()
    while len(done) < len(keys):
        ready = [k for k in keys if k not in placed and all(d in placed for d in deps[k])]
        if not ready:
            stuck = ", ".join(k for k in keys if k not in placed)
            raise PlanRefused(f"The tasks {stuck} depend on each other in a circle.")
        done.append(ready[0])
        placed.add(ready[0])
    return done


def schedule(tasks: list[PlanTask], deadline_days: int) -> dict[str, int]:
    """Due day of each task: when its dependencies are due plus its duration, squeezed (keeping the order) into the
    deadline when the chain is longer than it. A task is never due before what it depends on."""
    by_key = {t.key: t for t in tasks}
    finish: dict[str, int] = {}
    for key in topological_order(tasks):
        task = by_key[key]
        start = max((finish[d] for d in task.depends_on), default=0)
        finish[key] = start + task.duration_days
    longest = max(finish.values(), default=0)
    if longest <= deadline_days:
        return finish
    return {key: max(1, math.ceil(day * deadline_days / longest)) for key, day in finish.items()}


def critical_path_days(tasks: list[PlanTask]) -> int:
    """How many days the plan takes at its tasks' own durations, doing in parallel what can be."""
    by_key = {t.key: t for t in tasks}
    finish: dict[str, int] = {}
    for key in topological_order(tasks):
        task = by_key[key]
        finish[key] = max((finish[d] for d in task.depends_on), default=0) + task.duration_days
    return max(finish.values(), default=0)


def _unique_keys(tasks: list[PlanTask], notes: list[str]) -> list[PlanTask]:
    seen: set[str] = set()
    out: list[PlanTask] = []
    for task in tasks:
        key = task.key
        n = 2
        while key in seen:
            key = f"{task.key[:20]}-{n}"
            n += 1
        if key != task.key:
            notes.append(f"Two tasks were both called {task.key!r}; the second is now {key!r}.")
        seen.add(key)
        out.append(task.model_copy(update={"key": key}))
    return out


def _drop_bad_edges(tasks: list[PlanTask], notes: list[str]) -> list[PlanTask]:
    """Unknown and self dependencies go; an edge that would close a circle goes (the earlier task keeps its place)."""
    known = {t.key for t in tasks}
    out: list[PlanTask] = []
    reach: dict[str, set[str]] = {}  # key -> everything it depends on, directly or not

    def ancestors(key: str) -> set[str]:
        return reach.get(key, set())

    edges = {t.key: [d for d in dict.fromkeys(t.depends_on) if d in known and d != t.key] for t in tasks}
    for task in tasks:
        if len(edges[task.key]) != len(task.depends_on):
            notes.append(f"Task {task.key!r} named dependencies that are not in the plan; they were removed.")
    # Insert edges in the plan's order, refusing any that closes a circle.
    kept: dict[str, list[str]] = {t.key: [] for t in tasks}
    for task in tasks:
        for need in edges[task.key]:
            if task.key == need or task.key in ancestors(need):
                notes.append(f"Task {task.key!r} and {need!r} depended on each other; the later link was removed.")
                continue
            kept[task.key].append(need)
            gained = {need} | ancestors(need)
            for key in [task.key, *[k for k, a in reach.items() if task.key in a]]:
                reach.setdefault(key, set()).update(gained)
    for task in tasks:
        out.append(task.model_copy(update={"depends_on": kept[task.key]}))
    return out


def finalise(tasks: list[PlanTask], brief: Brief) -> list[PlanTask]:
    """Shares from the tasks' weights (their current shares, else their estimates) summing to the budget exactly,
    and due dates from the schedule. The tasks must already be free of cycles."""
    paid = [t for t in tasks if t.route != "self"]
    weights = [t.budget_minor for t in paid]
    if sum(weights) == 0:
        weights = [t.estimate_minor for t in paid]
    shares = dict(zip([t.key for t in paid], split_budget(brief.budget_minor, weights), strict=True))
    if not paid and tasks:
        shares = dict(zip([t.key for t in tasks], split_budget(brief.budget_minor, [1] * len(tasks)), strict=True))
    due = schedule(tasks, brief.deadline_days)
    return [t.model_copy(update={"budget_minor": shares.get(t.key, 0), "due_in_days": due[t.key]}) for t in tasks]


def check(tasks: list[PlanTask], brief: Brief) -> None:
    """PlanRefused unless the tasks are a whole plan: exact sum, no cycle, dates in order and within the deadline."""
    if not tasks:
        raise PlanRefused("The plan has no tasks.")
    if len(tasks) > MAX_TASKS:
        raise PlanRefused(f"A plan has at most {MAX_TASKS} tasks.")
    if len({t.key for t in tasks}) != len(tasks):
        raise PlanRefused("Two tasks have the same key.")
    if sum(t.budget_minor for t in tasks) != brief.budget_minor:
        raise PlanRefused("The tasks' shares do not add up to the budget.")
    topological_order(tasks)
    by_key = {t.key: t for t in tasks}
    for task in tasks:
        if not task.criteria:
            raise PlanRefused(f"Task {task.title!r} has no acceptance criteria.")
        if task.due_in_days > brief.deadline_days:
            raise PlanRefused(f"Task {task.title!r} is due after the deadline.")
        for need in task.depends_on:
            if by_key[need].due_in_days > task.due_in_days:
                raise PlanRefused(f"Task {task.title!r} is due before {by_key[need].title!r}, which it needs.")


def repair(plan: Plan, brief: Brief) -> Plan:
    """A whole plan from what a decomposer produced, with a note for each thing mended; PlanRefused when it cannot be
    mended (no tasks, too many, a task without criteria or a way to prove it, dishonest work)."""
    from jtbd_app.domain.honest_work import dishonest_reason

    notes = list(plan.notes)
    if not plan.tasks:
        raise PlanRefused("The plan has no tasks.")
    if len(plan.tasks) > MAX_TASKS:
        raise PlanRefused(f"The plan has {len(plan.tasks)} tasks; at most {MAX_TASKS} are allowed.")
    for task in plan.tasks:
        if not task.criteria:
            raise PlanRefused(f"Task {task.title!r} has no acceptance criteria.")
        reason = dishonest_reason(" ".join([task.title, task.description, *task.criteria]))
        if reason:
            raise PlanRefused(f"Task {task.title!r} proposes {reason}, which this marketplace does not allow.")
    tasks = _drop_bad_edges(_unique_keys(plan.tasks, notes), notes)
    if sum(t.budget_minor for t in tasks) not in (0, brief.budget_minor):
        notes.append("The shares did not add up to the budget; they were scaled to sum to it exactly.")
    if any(t.due_in_days > brief.deadline_days for t in tasks):
        notes.append("Some tasks were due after the deadline; the schedule was fitted into it.")
    tasks = finalise(tasks, brief)
    check(tasks, brief)
    return plan.model_copy(update={"tasks": tasks, "notes": notes})
