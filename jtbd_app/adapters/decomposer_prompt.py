"""What the model is told: the rules of a plan, the problem in the client's words, and (to refine) the current plan.

The schema rides along in the system message too, so a server that ignores `response_format` still gets the shape.
"""

from __future__ import annotations

import json
from typing import Any

from jtbd_app.adapters.decomposer_wire import plan_json_schema, to_major
from jtbd_app.domain.plans import Brief, PlanTask

RULES = """You turn a client's problem into a plan of micro-tasks that freelancers, outside providers, bought products
or the client can do. Answer with one JSON object {"tasks": [...]} and nothing else.

Each task has:
- key: short lowercase id with hyphens, unique in the plan (e.g. "seo-audit").
- title: what gets done, specific to this problem; description: how, in one to three sentences.
- skills: the skills a person needs (e.g. "seo", "copywriting").
- estimate: what the task costs at market rates, in the client's currency, in whole units (e.g. 400 or 120.50).
- budget: the share of the client's budget you give it; the budgets of all tasks add up to the whole budget.
- duration_days: how many days it takes; due_in_days: the day (counted from today) it is due, after the tasks it
  depends on and no later than the deadline.
- depends_on: keys of tasks that must be done first (no circles).
- criteria: one to four acceptance criteria a reviewer can check, with numbers where the problem has them.
- evidence: what proves it done: kind "link", "file", "number" (a figure from a report; threshold is the least value
  that passes) or "photo"; description of that proof; threshold 0 unless the kind is "number".
- route: "internal" (hire a freelancer here), "external" (an outside provider), "product" (buy something) or "self"
  (the client does it; budget 0).
- optional: true when the plan still works without it.

Use 3 to 8 tasks. Use the problem's own words and numbers. Only honest work: never bought reviews, fake followers or
traffic, spam, or anything that deceives people."""


def _money(amount_minor: int, currency: str) -> str:
    return f"{to_major(amount_minor, currency)} {currency}"


def brief_text(brief: Brief) -> str:
    lines = [
        f"Problem: {brief.text.strip()}",
        f"Budget: {_money(brief.budget_minor, brief.currency)}",
        f"Deadline: {brief.deadline_days} days from today",
    ]
    if brief.constraints.strip():
        lines.append(f"Constraints: {brief.constraints.strip()}")
    if brief.success_measure.strip():
        lines.append(f"Success is measured by: {brief.success_measure.strip()}")
    lines.append(f"Location: {brief.location.strip()} (local work)" if brief.location.strip() else "Location: remote")
    return "\n".join(lines)


def _wire_task(task: PlanTask, currency: str) -> dict[str, Any]:
    """A current task as the model wrote it (money back in major units), so it can change what it needs."""
    return {
        "key": task.key,
        "title": task.title,
        "description": task.description,
        "skills": task.skills,
        "estimate": str(to_major(task.estimate_minor, currency)),
        "budget": str(to_major(task.budget_minor, currency)),
        "duration_days": task.duration_days,
        "due_in_days": task.due_in_days,
        "depends_on": task.depends_on,
        "criteria": task.criteria,
        "evidence": {
            "kind": task.evidence.kind,
            "description": task.evidence.description,
            "threshold": task.evidence.threshold or 0,
        },
        "route": task.route,
        "optional": task.optional,
    }


def messages(brief: Brief, *, instruction: str = "", current: list[PlanTask] | None = None) -> tuple[str, str]:
    """The system and user messages asking for a plan, or, with `current` and `instruction`, for the whole plan refined."""
    schema = json.dumps(plan_json_schema(bounded=False), separators=(",", ":"))
    system = f"{RULES}\n\nThe JSON schema of the answer:\n{schema}"
    user = brief_text(brief)
    if current:
        plan = json.dumps({"tasks": [_wire_task(t, brief.currency) for t in current]}, ensure_ascii=False)
        change = instruction.strip() or "Improve the plan."
        user += (
            f"\n\nThe current plan:\n{plan}\n\nChange it as the client asks: {change}\n"
            "Answer with the whole plan after the change, keeping the tasks and keys that do not need to change."
        )
    elif instruction.strip():
        user += f"\n\nThe client also asks: {instruction.strip()}"
    return system, user
