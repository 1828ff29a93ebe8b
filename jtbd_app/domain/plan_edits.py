"""Edits to a plan's tasks that keep it connected: drop a task (what needed it inherits its needs), change the number
a task is about ("12 blog posts" to 6) with its cost, and find a task by the words a person uses for it."""

from __future__ import annotations

import re

from jtbd_app.domain.plans import PlanTask
from jtbd_app.domain.playbooks.model import tokens

_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]*\d)")
_IGNORED = frozenset(tokens("the a an task tasks step one part for of to make it this that please and more less"))


def drop_task(tasks: list[PlanTask], key: str) -> list[PlanTask]:
    """The tasks without `key`; what depended on it depends on what it depended on."""
    gone = next((t for t in tasks if t.key == key), None)
    if gone is None:
        return list(tasks)
    out = []
    for t in tasks:
        if t.key == key:
            continue
        if key in t.depends_on:
            deps = [d for d in t.depends_on if d != key] + [d for d in gone.depends_on if d not in t.depends_on]
            t = t.model_copy(update={"depends_on": deps})
        out.append(t)
    return out


def quantity_of(task: PlanTask) -> int | None:
    """The number a task's title is about ("Write 12 blog posts" is 12), if any above 1."""
    match = _NUMBER_RE.search(task.title)
    if not match:
        return None
    value = int(match.group(1).replace(",", ""))
    return value if value > 1 else None


def with_quantity(task: PlanTask, new: int) -> PlanTask:
    """The task about `new` units instead of its own number: texts, threshold, estimate, share and time scaled."""
    old = quantity_of(task)
    if old is None or new < 1:
        return task
    patterns = {f"{old:,}", str(old)}

    def swap(text: str) -> str:
        for p in sorted(patterns, key=len, reverse=True):
            text = re.sub(r"(?<![\w.,])" + re.escape(p) + r"(?![\w]|[.,]\d)", f"{new:,}", text)
        return text

    evidence = task.evidence.model_copy(
        update={
            "description": swap(task.evidence.description),
            "threshold": None if task.evidence.threshold is None else task.evidence.threshold * new // old,
        }
    )
    return task.model_copy(
        update={
            "title": swap(task.title),
            "description": swap(task.description),
            "criteria": [swap(c) for c in task.criteria],
            "evidence": evidence,
            "estimate_minor": task.estimate_minor * new // old,
            "budget_minor": task.budget_minor * new // old,
            "duration_days": max(1, task.duration_days * new // old),
        }
    )


def find_task(tasks: list[PlanTask], words: str) -> PlanTask | None:
    """The task whose title, key and skills share most words with `words`; None when none shares any."""
    wanted = set(tokens(words)) - _IGNORED
    best: tuple[float, int] = (0.0, -1)
    for i, t in enumerate(tasks):
        own = set(tokens(" ".join([t.title, t.key.replace("-", " "), *t.skills])))
        overlap = len(wanted & own)
        if overlap:
            value = overlap + (0.5 if set(tokens(t.key.replace("-", " "))) & wanted else 0.0)
            if value > best[0]:
                best = (value, i)
    return tasks[best[1]] if best[1] >= 0 else None
