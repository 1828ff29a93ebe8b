"""The decomposer that needs no model: a playbook chosen by the problem's words, filled with its numbers and names,
fitted to its budget and deadline, and refined by plain instructions ("make the blog task smaller")."""

from __future__ import annotations

from jtbd_app.domain.honest_work import dishonest_reason
from jtbd_app.domain.plan_edits import drop_task
from jtbd_app.domain.plans import (
    MAX_TASKS,
    Brief,
    Plan,
    PlanRefused,
    PlanTask,
    check,
    min_share_minor,
    repair,
    split_budget,
)
from jtbd_app.domain.playbooks import Playbook, choose, ranked
from jtbd_app.domain.playbooks.facts import Facts, extract, stem
from jtbd_app.domain.playbooks.instantiate import build
from jtbd_app.domain.refine_rules import refine

RESCALED = "The shares did not add up to the budget; they were scaled to sum to it exactly."
SECOND_PLAYBOOK_RATIO = 0.6  # a second kind of problem adds its measured task when it scores this close to the first


def decompose(brief: Brief, *, instruction: str = "", current: list[PlanTask] | None = None) -> Plan:
    """A whole plan for `brief` (repaired: exact shares, due dates in order); with `instruction` and `current`, the
    current plan refined as the instruction says, or unchanged with a note saying it was not understood."""
    if instruction.strip():
        base = current if current else decompose(brief).tasks
        tasks, notes = refine(base, instruction, brief)
        return _fit(Plan(decomposer="offline", tasks=tasks, notes=notes), brief, reset=False)
    if current:
        return _fit(Plan(decomposer="offline", tasks=list(current), notes=[]), brief, reset=False)
    return _fit(_draft(brief), brief, reset=True)


def _draft(brief: Brief) -> Plan:
    facts = extract(brief.text)
    pb = choose(brief.text)
    tasks, goal = build(pb, brief, facts)
    notes = [f"Planned as {pb.label.lower()} work."]
    if not goal.given and pb.name != "general":
        notes.append(f"The problem names no number of {pb.units[0]}; the plan assumes {goal.n:,}. Edit it if not.")
    reason = dishonest_reason(brief.text)
    if reason:
        notes.append(
            f"The problem asks for {reason}. This marketplace plans honest work only, so the plan reaches the goal "
            "with real people and real results instead, which also keeps the client safe from bans and penalties."
        )
    tasks = _second_kind(brief, facts, pb, tasks, notes)
    measure = next((t for t in reversed(tasks) if t.evidence.threshold is not None), tasks[-1])
    extra = _client_lines(brief)
    if extra:
        tasks = [_with_client_lines(t, extra, measure.key) for t in tasks]
    return Plan(decomposer="offline", tasks=tasks, notes=notes)


def _second_kind(
    brief: Brief, facts: Facts, first: Playbook, tasks: list[PlanTask], notes: list[str]
) -> list[PlanTask]:
    """A problem that also counts another kind's unit ("2,000 subscribers" for a blog) gets that kind's measured task,
    unless the first playbook counts the same unit."""
    counted = {stem(q.noun) for q in facts.quantities}
    own = {stem(u) for u in first.units}
    for value, pb in ranked(brief.text)[:3]:
        units = {stem(u) for u in pb.units}
        if pb.name == first.name or not counted & units or counted & own or value < 3.0 or len(tasks) >= MAX_TASKS:
            continue
        more, _ = build(pb, brief, facts)
        pick = next((t for t in more if t.evidence.threshold is not None), None)
        if pick is None:
            continue
        keys = {t.key for t in tasks}
        key = pick.key if pick.key not in keys else f"{pb.name[:10]}-{pick.key}"[:24]
        tasks = [*tasks, pick.model_copy(update={"key": key, "depends_on": []})]
        notes.append(f"It is also {pb.label.lower()} work, so the plan adds {pick.title!r}.")
        break
    return tasks


def _client_lines(brief: Brief) -> tuple[str, str]:
    measure = " ".join(brief.success_measure.split())[:250]
    constraints = " ".join(brief.constraints.split())[:300]
    return (
        measure if measure and not dishonest_reason(measure) else "",
        constraints if constraints and not dishonest_reason(constraints) else "",
    )


def _with_client_lines(task: PlanTask, extra: tuple[str, str], measure_key: str) -> PlanTask:
    measure, constraints = extra
    update: dict[str, object] = {}
    if constraints and task.route != "self":
        update["description"] = (task.description + f" The client's constraints: {constraints}")[:2000]
    if measure and task.key == measure_key and len(task.criteria) < 8:
        update["criteria"] = [*task.criteria, f"Meets the client's measure of success: {measure}"]
    return task.model_copy(update=update)


def _fit(plan: Plan, brief: Brief, *, reset: bool) -> Plan:
    """Repair the plan so that every paid task gets at least the least share: the least to each, the rest by weight;
    when the budget cannot give every paid task that much, the least needed tasks are left out."""
    tasks = [t.model_copy(update={"budget_minor": 0}) for t in plan.tasks] if reset else list(plan.tasks)
    notes = list(plan.notes)
    least = min_share_minor(brief.currency)
    while sum(1 for t in tasks if t.route != "self") * least > brief.budget_minor:
        victim = _least_needed(tasks)
        if victim is None:
            break
        notes.append(f"The budget is too small for every task; {victim.title!r} was left out.")
        tasks = drop_task(tasks, victim.key)
    whole = repair(plan.model_copy(update={"tasks": tasks, "notes": notes}), brief)
    paid = [t for t in whole.tasks if t.route != "self"]
    if paid and any(t.budget_minor < least for t in paid) and len(paid) * least <= brief.budget_minor:
        rest = split_budget(brief.budget_minor - len(paid) * least, [t.budget_minor for t in paid])
        shares = {t.key: least + extra for t, extra in zip(paid, rest, strict=True)}
        whole = whole.model_copy(
            update={"tasks": [t.model_copy(update={"budget_minor": shares.get(t.key, 0)}) for t in whole.tasks]}
        )
        check(whole.tasks, brief)
    if not reset:  # a refinement changes shares on purpose: that they were rescaled is no news
        whole.notes[:] = [n for n in whole.notes if n != RESCALED]
    return whole


def _least_needed(tasks: list[PlanTask]) -> PlanTask | None:
    """Optional tasks first (the last first), then the cheapest, never the first task nor the measured one."""
    paid = [t for t in tasks if t.route != "self"]
    if len(paid) <= 1:
        return None
    optional = [t for t in paid if t.optional]
    if optional:
        return optional[-1]
    measured = [t.key for t in paid if t.evidence.threshold is not None]
    keep = {paid[0].key, *measured[-1:]}
    rest = [t for t in paid if t.key not in keep] or paid[1:]
    return min(reversed(rest), key=lambda t: t.estimate_minor)


__all__ = ["PlanRefused", "decompose", "refine_task"]


def refine_task(brief: Brief, tasks: list[PlanTask], key: str, instruction: str) -> Plan:
    """The plan with one task changed as `instruction` says ("smaller", "more time", "I'll do it myself", "split it
    in two", "remove it"); unchanged with a note when the instruction is not understood."""
    changed, notes = refine(tasks, instruction, brief, key=key)
    return _fit(Plan(decomposer="offline", tasks=changed, notes=notes), brief, reset=False)
