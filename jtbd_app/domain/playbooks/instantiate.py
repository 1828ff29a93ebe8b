"""A playbook made into a problem's own micro-tasks: its numbers, names and places in every title, criterion and
piece of evidence, costs converted to its currency, and the tasks that do not apply left out."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from jtbd_app.domain.honest_work import dishonest_reason
from jtbd_app.domain.plans import MAX_DEADLINE_DAYS, Brief, Evidence, PlanTask
from jtbd_app.domain.playbooks.facts import Facts, stem
from jtbd_app.domain.playbooks.model import Playbook, TaskTemplate

# Minor units of each currency worth one US cent, in thousandths: rough market rates, for estimates only.
PER_MILLE_OF_USD_CENT: dict[str, int] = {"USD": 1000, "EUR": 920, "GBP": 790, "CAD": 1360, "AUD": 1520, "JPY": 1500}
MAX_EACH = 6
MAX_ESTIMATE_MINOR = 10**12  # a quantity in the billions would price beyond any plan; an estimate stops here
_SLOT_RE = re.compile(r"\{(\w+)\}")
# The platforms that make sense in each kind of plan ("Python" is no place to post a job ad); others take any.
_PLATFORMS_FOR: dict[str, frozenset[str]] = {
    "traffic": frozenset({"Instagram", "TikTok", "YouTube", "Facebook", "LinkedIn", "Pinterest", "Twitter", "Reddit",
                          "Twitch", "Discord", "Meetup", "Etsy", "Amazon", "eBay"}),
    "content": frozenset({"Instagram", "TikTok", "YouTube", "Facebook", "LinkedIn", "Pinterest", "Twitter", "Medium",
                          "Substack", "WordPress", "Squarespace", "Wix", "Webflow", "Mailchimp"}),
    "hiring": frozenset({"LinkedIn"}),
    "admin": frozenset({"QuickBooks", "Xero", "Excel", "Google Sheets", "Stripe"}),
    "learning": frozenset({"Udemy", "Teachable", "Kajabi", "YouTube", "Zoom"}),
}  # fmt: skip
_SITE_WORDS = re.compile(r"\b(site|website|shop|store|blog|page|app|webshop|channel|instagram|profile)\b", re.I)
_EVENT_RE = re.compile(
    r"\b((?:launch |birthday |wedding |summer |company |team |christmas |holiday |charity |product |book |opening )?"
    r"(?:party|reception|wedding|conference|meetup|workshop|dinner|gala|festival|retreat|celebration|fundraiser|"
    r"launch|opening|summit|hackathon))\b",
    re.I,
)


@dataclass(frozen=True)
class Target:
    """The playbook's main quantity as this problem states it (or the playbook's default, `given` False)."""

    n: int
    unit: str
    given: bool


def estimate_minor(usd_cents: int, currency: str) -> int:
    return usd_cents * PER_MILLE_OF_USD_CENT[currency] // 1000


def target(pb: Playbook, facts: Facts) -> Target:
    wanted = {stem(u) for u in pb.units}
    factors = {stem(k): v for k, v in pb.unit_factor}
    for q in facts.quantities:
        noun = stem(q.noun)
        if noun in wanted:
            if noun in factors:
                return Target(min(q.value * factors[noun], 10**9), pb.units[0], True)
            return Target(q.value, q.phrase, True)
    return Target(pb.default_n, pb.units[0] if pb.default_n != 1 else pb.units[0].removesuffix("s"), False)


def _has(text_lower: str, word: str) -> bool:
    return re.search(r"\b" + re.escape(word) + r"\b", text_lower) is not None


def _items(pb: Playbook, facts: Facts, text: str) -> list[str]:
    """The languages to translate into: those named (less the source language), else numbered ones."""
    names = list(facts.languages)
    sources = [n for n in names if re.search(r"\b(from|our|my|the|in)\s+" + n + r"\b", text)]
    if len(names) > 1:
        names = [n for n in names if n not in sources] or names
        if "English" in names and not re.search(r"\b(into|to)\s+English\b", text) and len(names) > 1:
            names.remove("English")
    if names:
        return names[:MAX_EACH]
    counted = next((q.value for q in facts.quantities if stem(q.noun) == "language"), 1)
    count = max(1, min(MAX_EACH, counted))
    return ["the target language"] if count == 1 else [f"target language {i}" for i in range(1, count + 1)]


def slots(pb: Playbook, brief: Brief, facts: Facts, goal: Target) -> dict[str, str]:
    place = facts.places[0] if facts.places else brief.location.strip()
    moving = len(facts.places) >= 2
    days = brief.deadline_days
    items = _items(pb, facts, brief.text) if any(t.each for t in pb.tasks) else []
    subject = f"the {facts.subject}" if facts.subject else (facts.urls[0] if facts.urls else pb.default_subject)
    allowed = _PLATFORMS_FOR.get(pb.name)
    platforms = [p for p in facts.platforms if allowed is None or p in allowed]
    if facts.urls:
        site = facts.urls[0]
    elif facts.subject and _SITE_WORDS.search(facts.subject):
        site = subject
    else:
        site = platforms[0] if platforms else "the website"
    event = _EVENT_RE.search(brief.text)
    out = {
        "n": f"{goal.n:,}",
        "unit": goal.unit,
        "subject": subject,
        "site": site,
        "event": f"the {event.group(1).lower()}" if event else "the event",
        "city": place or "the local area",
        "origin": facts.places[0] if moving else (place or "the old home"),
        "destination": facts.places[1] if moving else "the new home",
        "platform": " and ".join(platforms[:2]) or _default_platform(pb.name),
        "languages": _join(items) if items else "the target languages",
        "n_items": str(len(items)),
        "days": str(days),
        "days_soon": str(max(1, days * 2 // 3)),
        "weeks": str(max(1, days // 7)),
    }
    for name, divisor, least, most in pb.derived:
        out[name] = str(max(least, min(most, goal.n // divisor)))
    for name, value in list(out.items()):  # nothing the client wrote may carry deception into a task
        if dishonest_reason(value):
            out[name] = pb.default_subject if name in ("subject", "site") else pb.units[0]
    return out


def _default_platform(name: str) -> str:
    return {"traffic": "Instagram", "admin": "QuickBooks or Xero", "learning": "a course platform",
            "hiring": "LinkedIn", "content": "LinkedIn"}.get(name, "the main channel")  # fmt: skip


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def fill(template: str, values: dict[str, str], limit: int) -> str:
    text = _SLOT_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def applies(t: TaskTemplate, text_lower: str, has_place: bool) -> bool:
    if any(_has(text_lower, w) for w in t.unless):
        return False
    if not t.when or t.when == ("@otherwise",):
        return True
    return any((w == "@city" and has_place) or _has(text_lower, w) for w in t.when)


def chosen_templates(pb: Playbook, brief: Brief, facts: Facts) -> list[TaskTemplate]:
    low = brief.text.lower()
    has_place = bool(facts.places or brief.location.strip())
    picked = [t for t in pb.tasks if applies(t, low, has_place)]
    conditional = [t for t in picked if t.when and t.when != ("@otherwise",)]
    return [t for t in picked if t.when != ("@otherwise",) or not conditional]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:10] or "x"


def _texts(t: TaskTemplate, values: dict[str, str]) -> list[str]:
    """Title, description, evidence and then the criteria, filled."""
    head = [fill(t.title, values, 120), fill(t.description, values, 2000), fill(t.evidence[1], values, 300)]
    return head + [fill(c, values, 300) for c in t.criteria]


def _neutral(pb: Playbook) -> dict[str, str]:
    return {
        "subject": pb.default_subject,
        "site": "the website",
        "city": "the local area",
        "origin": "the old home",
        "destination": "the new home",
        "platform": _default_platform(pb.name),
        "unit": pb.units[0],
    }


def build(pb: Playbook, brief: Brief, facts: Facts) -> tuple[list[PlanTask], Target]:
    """The playbook's tasks for this brief, in dependency order, with estimates and durations; shares left at 0."""
    goal = target(pb, facts)
    values = slots(pb, brief, facts, goal)
    templates = chosen_templates(pb, brief, facts)
    items = _items(pb, facts, brief.text) if any(t.each for t in templates) else []
    present = {t.key for t in templates}
    by_key = {t.key: t for t in pb.tasks}
    keys_of: dict[str, list[tuple[str, str]]] = {}  # template key -> [(task key, item)]
    finish: dict[str, int] = {}
    needed_later = {d for t in templates for d in t.depends_on}
    tasks: list[PlanTask] = []

    def resolve(dep: str) -> list[str]:
        if dep in present:
            return [dep]
        return [k for d in by_key[dep].depends_on for k in resolve(d)] if dep in by_key else []

    for t in templates:
        for item in items if t.each else [""]:
            key = f"{t.key}-{_slug(item)}" if item else t.key
            local = dict(values, item=item)
            deps = [
                k
                for d in t.depends_on
                for r in resolve(d)
                for k, it in keys_of.get(r, [])
                if not item or it in ("", item)
            ]
            deps = list(dict.fromkeys(deps))
            start = max((finish[d] for d in deps), default=0)
            days = t.days + (math.ceil(goal.n * t.unit_days[0] / t.unit_days[1]) if t.unit_days[0] else 0)
            if t.until_deadline:
                days = max(days, brief.deadline_days - start - (1 if t.key in needed_later else 0))
            days = max(1, min(MAX_DEADLINE_DAYS, days))
            finish[key] = start + days
            keys_of.setdefault(t.key, []).append((key, item))
            cents = 0 if t.route == "self" else t.cost * 100 + t.unit_cents * goal.n
            threshold = goal.n if t.threshold and t.evidence[0] == "number" else None
            texts = _texts(t, local)
            if dishonest_reason(" ".join(texts)):  # the client's words, put together, read as deception: use none
                texts = _texts(t, dict(local, **_neutral(pb)))
            tasks.append(
                PlanTask(
                    key=key,
                    title=texts[0],
                    description=texts[1],
                    skills=list(t.skills),
                    criteria=texts[3:],
                    evidence=Evidence(kind=t.evidence[0], description=texts[2], threshold=threshold),
                    depends_on=deps,
                    route=t.route,
                    estimate_minor=0
                    if t.route == "self"
                    else max(1, min(MAX_ESTIMATE_MINOR, estimate_minor(cents, brief.currency))),
                    duration_days=days,
                    optional=t.optional,
                )
            )
    return tasks, goal
