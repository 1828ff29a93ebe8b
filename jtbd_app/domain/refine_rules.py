"""Plain instructions that change a plan without a model ("make the blog task smaller", "add a task for a launch
email", "split the budget evenly", "more time for the venue", "remove the ads", "I'll do the interviews myself")."""

from __future__ import annotations

import re
from statistics import median_low

from jtbd_app.domain.honest_work import dishonest_reason
from jtbd_app.domain.plan_edits import drop_task, find_task, quantity_of, with_quantity
from jtbd_app.domain.plans import MAX_DEADLINE_DAYS, MAX_TASKS, Brief, Evidence, PlanTask, Route

HELP = (
    'Try for example: "make the blog task smaller", "more budget for the ads", "more time for the venue", '
    '"add a task for a launch email", "remove the photographer", "split the budget evenly", '
    '"I will do the interviews myself", "split the build task in two".'
)
_EVEN = re.compile(r"\b(even|evenly|equal|equally|same share|same amount)\b")
_ADD = re.compile(
    r"^(?:please\s+)?(?:add|include|also)\s+(?:an?\s+|one\s+)?(?:new\s+)?(?:(?:task|step)\s+)?(?:for|to|:)?\s*(?P<what>.+)$"
)
_REMOVE = re.compile(r"\b(?:remove|drop|delete|skip|cut out|cut|no need for|get rid of)\s+(?P<what>.+)$")
_SPLIT_TASK = re.compile(r"\bsplit\s+(?P<what>.+?)\s+(?:into|in)\s+(?:two|2|half|halves|parts)\b")
_MORE_TIME = re.compile(r"\b(more time|longer|extend|slower|more days|later)\b")
_LESS_TIME = re.compile(r"\b(less time|faster|quicker|sooner|shorter|earlier|fewer days)\b")
_SMALLER = re.compile(r"\b(smaller|less|cheaper|reduce|lower|shrink|fewer|cut down|trim)\b")
_BIGGER = re.compile(r"\b(bigger|larger|more|increase|expand|raise|double|grow)\b")
_SELF = re.compile(r"\b(myself|ourselves|i'll do|i will do|we'll do|we will do|do it ourselves)\b")
_HIRE = re.compile(r"\b(hire|outsource|someone else|a freelancer|a contractor)\b")
_TO_NUMBER = re.compile(r"\b(?:to|only|just)\s+(\d{1,6})\b")
_FILLER = re.compile(
    r"\b(make|the|a|an|task|tasks|step|please|for|give|it|more|less|time|budget|money|smaller|bigger|cheaper|"
    r"larger|days|i|we|will|do|myself|ourselves|i'll|we'll|should|be|to|only|just|faster|longer|sooner|hire|"
    r"outsource|someone|else|freelancer|contractor|share|of|on)\b"
)


def refine(tasks: list[PlanTask], instruction: str, brief: Brief, *, key: str = "") -> tuple[list[PlanTask], list[str]]:
    """The tasks changed as `instruction` says (about the task `key` when given), with a note of what changed; the
    tasks unchanged and a note with examples when the instruction is not understood. Shares are weights here: the
    caller's `repair` makes them sum to the budget again."""
    text = " ".join(instruction.lower().split())
    tasks = _with_weights(tasks)
    target = next((t for t in tasks if t.key == key), None) if key else None
    if dishonest_reason(text):
        return tasks, [f"The instruction asks for {dishonest_reason(text)}, which this marketplace does not plan."]
    if target is None and _EVEN.search(text) and re.search(r"\b(split|share|divide|budget|money)\b", text):
        paid = [t for t in tasks if t.route != "self"]
        note = f"The budget is split evenly across the {len(paid)} paid tasks."
        return [t.model_copy(update={"budget_minor": 1 if t.route != "self" else 0}) for t in tasks], [note]
    split = _SPLIT_TASK.search(text)
    if split or (target is not None and re.search(r"\bsplit\b", text)):
        found = target or find_task(tasks, split.group("what") if split else "")
        if found is not None and len(tasks) < MAX_TASKS:
            return _split(tasks, found), [f"{found.title!r} is now two tasks, one after the other."]
    added = _ADD.match(text)
    if added and target is None:
        return _add(tasks, added.group("what").strip(" ."), brief)
    removed = _REMOVE.search(text)
    if removed or (target is not None and re.search(r"\b(remove|drop|delete)\b", text)):
        found = target or find_task(tasks, removed.group("what") if removed else "")
        if found is not None and len(tasks) > 1:
            return drop_task(tasks, found.key), [
                f"{found.title!r} was removed; what needed it now needs what it needed."
            ]
    found = target or find_task(tasks, _FILLER.sub(" ", text))
    if found is None:
        return tasks, [
            f"The instruction {instruction.strip()[:80]!r} was not understood; the plan is unchanged. {HELP}"
        ]
    return _change_one(tasks, found, text, instruction)


def _with_weights(tasks: list[PlanTask]) -> list[PlanTask]:
    """Shares as weights: the current shares, or the estimates when there are no shares yet."""
    if sum(t.budget_minor for t in tasks) > 0:
        return list(tasks)
    return [t.model_copy(update={"budget_minor": t.estimate_minor if t.route != "self" else 0}) for t in tasks]


def _change_one(tasks: list[PlanTask], task: PlanTask, text: str, instruction: str) -> tuple[list[PlanTask], list[str]]:
    def replace(new: PlanTask) -> list[PlanTask]:
        return [new if t.key == task.key else t for t in tasks]

    if _SELF.search(text):
        return replace(task.model_copy(update={"route": "self", "budget_minor": 0})), [
            f"{task.title!r} is now yours to do; its share goes to the other tasks."
        ]
    if _HIRE.search(text) and task.route == "self":
        weight = max(1, median_low([t.budget_minor for t in tasks if t.route != "self"] or [1]))
        return replace(task.model_copy(update={"route": "internal", "budget_minor": weight})), [
            f"{task.title!r} will be hired here now, with a share of its own."
        ]
    if _MORE_TIME.search(text) or _LESS_TIME.search(text):
        longer = bool(_MORE_TIME.search(text))
        days = task.duration_days * 3 // 2 + 1 if longer else max(1, task.duration_days * 2 // 3)
        days = min(days, MAX_DEADLINE_DAYS)
        return replace(task.model_copy(update={"duration_days": days})), [
            f"{task.title!r} now takes {days} days instead of {task.duration_days}."
        ]
    number = _TO_NUMBER.search(text)
    smaller, bigger = bool(_SMALLER.search(text)), bool(_BIGGER.search(text))
    if number and quantity_of(task) is not None:
        new = with_quantity(task, int(number.group(1)))
        return replace(new), [f"{task.title!r} is now {new.title!r}."]
    if smaller or bigger:
        if smaller and task.route == "self":
            return tasks, [f"{task.title!r} is done by the client and has no share to make smaller."]
        n = quantity_of(task)
        if n is not None:
            new = with_quantity(task, max(1, n // 2) if smaller else n * 3 // 2)
            return replace(new), [f"{task.title!r} is now {new.title!r}; the shares are split again."]
        share = task.budget_minor // 2 if smaller else task.budget_minor * 3 // 2
        estimate = task.estimate_minor // 2 if smaller else task.estimate_minor * 3 // 2
        update = {"budget_minor": max(1, share), "estimate_minor": estimate}
        word = "half" if smaller else "one and a half times"
        return replace(task.model_copy(update=update)), [f"{task.title!r} now gets {word} its share."]
    return tasks, [f"The instruction {instruction.strip()[:80]!r} was not understood; the plan is unchanged. {HELP}"]


def _unique_key(base: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:20] or "task"
    key, n = stem, 2
    while key in taken:
        key = f"{stem[:20]}-{n}"
        n += 1
    return key


def _add(tasks: list[PlanTask], what: str, brief: Brief) -> tuple[list[PlanTask], list[str]]:
    if len(tasks) >= MAX_TASKS:
        return tasks, [f"A plan has at most {MAX_TASKS} tasks; remove one before adding another."]
    if len(what) < 3:
        return tasks, [f"Say what the new task is for. {HELP}"]
    if dishonest_reason(what):
        return tasks, [f"A task for {dishonest_reason(what)} cannot be added: this marketplace plans honest work only."]
    title = (what[:1].upper() + what[1:])[:120]
    paid = [t for t in tasks if t.route != "self"]
    route: Route = "product" if re.match(r"(buy|order|purchase)\b", what) else "internal"
    task = PlanTask(
        key=_unique_key(what, {t.key for t in tasks}),
        title=title if len(title) >= 3 else f"Task: {title}",
        description=f"{title}, as agreed with the client before work starts.",
        skills=[],
        criteria=[f"{title}: done as agreed with the client", f"Delivered by day {brief.deadline_days}"],
        evidence=Evidence(kind="file", description=f"A file or link that shows it done: {what}"[:300]),
        route=route,
        budget_minor=max(1, median_low([t.budget_minor for t in paid] or [1])),
        estimate_minor=median_low([t.estimate_minor for t in paid] or [0]),
        duration_days=max(1, median_low([t.duration_days for t in tasks] or [1])),
    )
    return [*tasks, task], [f"Added {task.title!r} with a typical share; edit its criteria to make them exact."]


def _split(tasks: list[PlanTask], task: PlanTask) -> list[PlanTask]:
    taken = {t.key for t in tasks}
    second_key = _unique_key(f"{task.key[:18]}-2", taken)
    first = task.model_copy(
        update={
            "title": f"{task.title[:108]} (part 1)",
            "budget_minor": task.budget_minor - task.budget_minor // 2,
            "estimate_minor": task.estimate_minor - task.estimate_minor // 2,
            "duration_days": max(1, task.duration_days - task.duration_days // 2),
        }
    )
    second = task.model_copy(
        update={
            "key": second_key,
            "title": f"{task.title[:108]} (part 2)",
            "budget_minor": task.budget_minor // 2,
            "estimate_minor": task.estimate_minor // 2,
            "duration_days": max(1, task.duration_days // 2),
            "depends_on": [task.key],
        }
    )
    out: list[PlanTask] = []
    for t in tasks:
        if t.key == task.key:
            out += [first, second]
        elif task.key in t.depends_on:
            out.append(t.model_copy(update={"depends_on": [second_key if d == task.key else d for d in t.depends_on]}))
        else:
            out.append(t)
    return out
