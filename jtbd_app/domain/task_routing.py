"""The Delegate menu's reasoning, without I/O: what kind of task a to-do item is (product, digital, local, problem),
and which routes to offer for it, ranked, each with a one-line reason.

`classify` reads a title (and notes, which count for less) with rules plus text similarity: the verbs that say what
kind of work it is (the title's first strong verb counts twice), the nouns of each partner category weighted by how
rare they are across categories (a word only one category uses says more), and the patterns of big multi-part
outcomes ("launch my online store", "get 10K visitors", "plan a wedding"). A task that asks for two kinds of
hands-on work at once ("design a flyer and hand them out") is a problem too. Buying something on the way to a
deliverable does not make it a product task: "Buy a domain and build a website" is digital, since the outcome is a
website and no shop sells one.

`rank` orders the menu:
- product: Buy it (partners whose categories match first), Post it here, Plan it as a problem, Do it myself;
- digital and local: Post it here first (work here is paid through escrow, reviewed, and the platform stands behind
  it; outside providers are independent), then the outside pros of the task's kind (category matches and better
  scorecards first), Plan it as a problem, Do it myself;
- problem: Plan it as a problem, Post it here, Do it myself.
Scores are bands (the route's place for the kind) plus up to 0.15 for a partner's fit, so the list is sorted by score.
A reason says why ("Search Amazon for lightbulbs"), not the route's label, which the menu shows beside it.
Ranking only sees the partners it is given: the caller leaves out suspended ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from jtbd_app.domain.search_text import STOP_WORDS
from jtbd_app.domain.task_lexicon import (
    CATEGORIES,
    CONTEXT_WORDS,
    FILLER,
    GENERIC_ITEMS,
    MARKETPLACE_CATEGORY,
    PROBLEM_LABELS,
    PROBLEM_PATTERNS,
    VERB_CATEGORY,
    VERB_NOUNS,
    VERBS,
    PartnerKind,
)

TaskKind = Literal["product", "digital", "local", "problem"]
Route = Literal["buy", "outside", "internal", "problem", "self"]
KINDS: tuple[TaskKind, ...] = ("product", "digital", "local", "problem")
ROUTES: tuple[Route, ...] = ("buy", "outside", "internal", "problem", "self")


@dataclass(frozen=True)
class Classification:
    """What a to-do item is. `category` is a slug ("light-bulbs" is not one; "household", "groceries",
    "graphic-design", "furniture-assembly"...); `query` the few words a partner search should use; `items` a product
    task's shopping list; `location` a place named in the text; `reason` one line saying why, shown in the menu."""

    kind: TaskKind
    category: str
    query: str
    confidence: float
    reason: str
    items: tuple[str, ...] = ()
    location: str = ""


@dataclass(frozen=True)
class PartnerInfo:
    """What ranking knows of an offered partner: its kind and categories, and its scorecard so far (`rated` outcomes
    with a rating, their average, and the share reported done; None before any)."""

    key: str
    name: str
    kind: Literal["product", "digital", "local"]
    categories: tuple[str, ...] = ()
    rated: int = 0
    average_rating: float | None = None
    success_rate: float | None = None


@dataclass(frozen=True)
class RouteOption:
    """One line of the menu: a route, the partner it goes to ("" for internal, problem and self), why, its score."""

    route: Route
    partner: str
    reason: str
    score: float


MAX_TITLE_CHARS = 400  # longer text is read only this far (a task's title holds 200): fast on anything
MAX_NOTES_CHARS = 800
MAX_QUERY_WORDS = 6
MAX_QUERY_WORD_CHARS = 30
MAX_ITEMS = 25
MAX_ITEM_CHARS = 60
NOTES_WEIGHT = 0.4  # notes say more about a task than nothing, less than its title
LEAD_VERB_MIN = 1.5  # a verb at least this sure counts twice when it is the title's first one
CONTEXT_WEIGHT = 0.35
PHRASE_BONUS = 1.3  # a matched phrase of several words is more specific than a single word
MIXED_WORK = 2.0  # digital and local evidence both this strong, joined by "and": several kinds of work, a problem
PROBLEM_MIN = 2.5  # problem patterns this strong beat ordinary evidence of the other kinds
MAX_PHRASE_WORDS = 3
MANY_STEPS = 3  # a title with this many different actions is a multi-part outcome
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_FOLDS = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("sses", "ss"))


def fold(word: str) -> str:
    """A word without its plural ending ("batteries" -> "battery", "lightbulbs" -> "lightbulb")."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3:
        return word
    for end, repl in _FOLDS:
        if word.endswith(end) and len(word) > len(end) + 1:
            return word[: -len(end)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lowercased words with plurals folded, hyphens and apostrophes kept inside a word."""
    return [fold(w) for w in _WORD.findall(text.lower())]


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))


def _noun_index() -> dict[tuple[str, ...], tuple[tuple[str, float], ...]]:
    """Each noun phrase -> the categories it names, each with its rarity weight (1 + log(categories / users))."""
    users: dict[tuple[str, ...], list[str]] = {}
    for slug, (_, _, nouns) in CATEGORIES.items():
        for noun in nouns:
            key = _phrase_key(noun)
            if key and slug not in users.setdefault(key, []):
                users[key].append(slug)
    index = {}
    for key, slugs in users.items():
        rarity = 1.0 + math.log(len(CATEGORIES) / len(slugs)) / 2
        weight = rarity * (PHRASE_BONUS if len(key) > 1 else 1.0)
        if " ".join(key) in _CONTEXT:
            weight *= CONTEXT_WEIGHT
        index[key] = tuple((slug, weight) for slug in slugs)
    return index


def _verb_index() -> dict[tuple[str, ...], tuple[tuple[PartnerKind, float, str], ...]]:
    index: dict[tuple[str, ...], list[tuple[PartnerKind, float, str]]] = {}
    for kind, verbs in VERBS.items():
        for verb, weight in verbs.items():
            index.setdefault(_phrase_key(verb), []).append((kind, weight, verb))
    return {key: tuple(v) for key, v in index.items()}


_CONTEXT = frozenset(" ".join(_phrase_key(w)) for w in CONTEXT_WORDS)
_NOUNS = _noun_index()
_VERBS = _verb_index()
_PROBLEMS = tuple((re.compile(p), w, cat) for p, w, cat in PROBLEM_PATTERNS)
T = TypeVar("T")
_KIND_OF = {slug: kind for slug, (kind, _, _) in CATEGORIES.items()}


def _matches(tokens: Sequence[str], index: dict[tuple[str, ...], T]) -> list[tuple[int, int, T]]:
    """Longest phrases first, left to right: (start, end, what the phrase names); a word is used once."""
    found, i = [], 0
    while i < len(tokens):
        for n in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            hit = index.get(tuple(tokens[i : i + n]))
            if hit is not None:
                found.append((i, i + n, hit))
                i += n
                break
        else:
            i += 1
    return found


def _action_verbs(tokens: Sequence[str]) -> set[str]:
    """The distinct verbs of sure meaning in the text (weight at least 1)."""
    return {v for _, _, verbs in _matches(tokens, _VERBS) for _, w, v in verbs if w >= 1.0}


# Moving to a named place ("Move to Lisbon", "Relocating the family to Denver"): a relocation, not a moving job.
_RELOCATION = re.compile(
    r"\b(?:[Mm]ov(?:e|ing)|[Rr]elocat\w*)\s+(?:(?:us|our family|the family|the kids)\s+)?to\s+[A-Z]"
)


@dataclass
class _Evidence:
    kinds: dict[str, float]
    categories: dict[str, float]
    problem_category: str
    lead_verb: str


def _gather(title: str, notes: str) -> _Evidence:
    kinds: dict[str, float] = dict.fromkeys(KINDS, 0.0)
    categories: dict[str, float] = {}
    problem_category, best_problem, lead_verb = "", 0.0, ""
    for text, weight in ((title, 1.0), (notes, NOTES_WEIGHT)):
        if not text:
            continue
        tokens = words(text)
        lead_seen = weight < 1.0
        for _, _, verbs in _matches(tokens, _VERBS):
            strongest = max(w for _, w, _ in verbs)
            lead = not lead_seen and strongest >= LEAD_VERB_MIN
            for kind, w, verb in verbs:
                factor = 2.0 if lead and w == strongest else 1.0
                kinds[kind] += w * weight * factor
                if verb in VERB_CATEGORY and w == strongest:
                    cat = VERB_CATEGORY[verb]
                    categories[cat] = categories.get(cat, 0.0) + 0.6 * weight * factor
                if lead and w == strongest and not lead_verb:
                    lead_verb = verb
            lead_seen = lead_seen or lead
        for _, _, names in _matches(tokens, _NOUNS):
            for slug, w in names:
                categories[slug] = categories.get(slug, 0.0) + w * weight
                kinds[_KIND_OF[slug]] += w * weight / len(names)
        lowered = " ".join(_WORD.findall(text.lower()))
        for pattern, w, cat in _PROBLEMS:
            if pattern.search(lowered):
                kinds["problem"] += w * weight
                if w * weight > best_problem:
                    best_problem, problem_category = w * weight, cat
        if weight == 1.0 and len(_action_verbs(tokens)) >= MANY_STEPS:  # "write, design and publish a cookbook"
            kinds["problem"] += PROBLEM_MIN + 0.5
            problem_category = problem_category or "project"
        if weight == 1.0 and _RELOCATION.search(text):
            kinds["problem"] += 3.5
            best_problem, problem_category = 3.5, "relocation"
        joined = weight == 1.0 and re.search(r"\b(?:and|then|plus)\b|,", lowered)
        if joined and kinds["digital"] >= MIXED_WORK and kinds["local"] >= MIXED_WORK:
            kinds["problem"] += max(kinds["digital"], kinds["local"]) + 1.0
            problem_category = problem_category or "project"
    return _Evidence(kinds, categories, problem_category, lead_verb)


def _decide(ev: _Evidence) -> tuple[TaskKind, float]:
    """The kind with the most evidence (a problem's patterns, once strong enough, win); how sure, 0.2 to 0.99."""
    scores = ev.kinds
    if scores["problem"] >= PROBLEM_MIN and scores["problem"] >= 0.6 * max(scores.values()):
        kind: TaskKind = "problem"
    else:
        kind = max(("product", "digital", "local"), key=lambda k: scores[k])
    ordered = sorted(scores.values(), reverse=True)
    best, second = ordered[0], ordered[1]
    if best <= 0.0:
        return "local", 0.2
    confidence = 0.5 + 0.5 * (best - second) / (best + 1.0)
    return kind, round(min(0.99, max(0.2, confidence)), 2)


def _category(kind: TaskKind, ev: _Evidence) -> str:
    if kind == "problem":
        return ev.problem_category or "project"
    scored = [(s, slug) for slug, s in ev.categories.items() if _KIND_OF[slug] == kind and s > 0]
    if not scored:
        return ""
    best = max(s for s, _ in scored)
    return next(slug for s, slug in sorted(scored, key=lambda x: -x[0]) if s == best)


def _query(title: str, kind: TaskKind, lead_verb: str) -> str:
    """The few words a partner search should use: the object, then the work as a noun ("logo design bakery")."""
    raw = [w.strip("'-") for w in _WORD.findall(title.lower())]
    raw = [w[:-2] if w.endswith("'s") else w for w in raw]
    verb_words = tuple(lead_verb.split()) if lead_verb else ()
    at = next((i for i in range(len(raw)) if verb_words and tuple(raw[i : i + len(verb_words)]) == verb_words), -1)
    if at < 0:
        verb_words = ()
    start = at + len(verb_words)
    before = [w for w in raw[:at] if w not in FILLER and w not in STOP_WORDS and not w.isdigit()] if verb_words else []
    after = raw[start:] if verb_words else raw
    obj: list[str] = []
    rest: list[str] = []
    in_rest = False
    for w in after:
        if w in ("for", "in", "at", "on", "with", "from", "into", "to", "by", "near") and obj:
            in_rest = True
            continue
        if w in FILLER or w in STOP_WORDS or w.isdigit() or len(w) < 2:
            continue
        (rest if in_rest else obj).append(w)
    noun = VERB_NOUNS.get(lead_verb, "") if kind in ("digital", "local") and verb_words else ""
    picked = [*before, *obj, *([noun] if noun and noun not in obj else []), *rest]
    unique: list[str] = []
    for w in picked:
        if w not in unique:
            unique.append(w)
    return " ".join(w[:MAX_QUERY_WORD_CHARS] for w in unique[:MAX_QUERY_WORDS])


_LIST_SPLIT = re.compile(r"\s*(?:,|;|\n|&|\+|\band\b|\bplus\b|\bor\b)\s*", re.IGNORECASE)
_LIST_TAIL = re.compile(
    r"\s+(?:for|from|at|before|by|to|on|this|next|today|tonight|tomorrow|asap|please|when|if)\b.*$", re.IGNORECASE
)
_LIST_LEAD = re.compile(
    r"^(?:(?:buy|order|purchase|get|grab|pick up|restock|reorder|shop for|stock up on|more|some|a|an|the|new|"
    r"me|us|please|need|we need|i need|need to|to|ran out of|run out of|out of|we're out of|we are out of)\s+)+",
    re.IGNORECASE,
)


def _items(title: str, notes: str) -> tuple[str, ...]:
    """A product task's shopping list: "Buy milk, eggs and bread" -> ("milk", "eggs", "bread"); a list only in the
    notes ("Groceries" with "eggs, spinach" below) is read from there."""
    found = tuple(i for i in _split_list(title) if not _generic(i))
    if not found and notes.strip():
        return tuple(i for i in _split_list(notes) if not _generic(i))
    return found


def _generic(item: str) -> bool:
    """An item that names no thing ("groceries", "grocery run", "weekly shop")."""
    return all(w in GENERIC_ITEMS for w in item.split())


_ITEM_TAIL = re.compile(r"(?:\s+(?:pls|please|plz|asap|thanks|thx|today|tonight|tomorrow))+$")


def _split_list(text: str) -> tuple[str, ...]:
    text = " ".join(text.replace("\n", " , ").split())
    if ":" in text:  # "Costco trip: paper towels, water" -> the list after the colon
        text = text.rsplit(":", 1)[1] or text
    text = re.sub(r"^(?:(?:i|we)\s+)?(?:need to|have to|must|should|want to|please)\s+", "", text, flags=re.I)
    text = re.sub(r"^(?:buy|order|purchase|get|grab|pick up|restock|reorder|shop for|stock up on)\b\s*", "", text,
                  flags=re.I)  # fmt: skip
    text = _LIST_TAIL.sub("", text)
    items: list[str] = []
    for part in _LIST_SPLIT.split(text):
        part = _LIST_LEAD.sub("", part.strip(" .!?:-\"'()[]{}")).strip(" .!?:-\"'")
        part = _ITEM_TAIL.sub("", " ".join(_WORD.findall(part.lower()))) if part else ""
        if part and len(part) <= MAX_ITEM_CHARS and part not in items:
            items.append(part)
        if len(items) == MAX_ITEMS:
            break
    return tuple(items)


_PLACE = re.compile(
    r"\b(?:in|near|around|at)\s+((?:[A-Z][\w'.-]*|\d{5})(?:(?:,\s*|\s+)(?:[A-Z][\w'.-]*|[A-Z]{2}|\d{5}))*)"
)
_NOT_PLACES = frozenset(
    str.split(
        "My Our Your The A An This That I We IKEA Monday Tuesday Wednesday Thursday Friday Saturday Sunday January "
        "February March April May June July August September October November December Spanish English French German "
        "Italian Portuguese Chinese Japanese Excel Google WordPress Shopify Canva Figma Photoshop Python Amazon "
        "Instacart Fiverr Upwork TaskRabbit Thumbtack Angi Etsy Instagram Facebook TikTok LinkedIn YouTube Home"
    )
)


def _location(title: str, notes: str) -> str:
    for text in (title, notes):
        for m in _PLACE.finditer(text):
            place = m.group(1).strip(" ,.'\"")
            if place.split()[0].strip(",") not in _NOT_PLACES:
                return place[:80]
    return ""


def _label(category: str) -> str:
    return CATEGORIES[category][1] if category in CATEGORIES else category.replace("-", " ")


def _reason(kind: TaskKind, category: str, query: str, items: tuple[str, ...]) -> str:
    if kind == "product":
        what = ", ".join(items[:5]) if items else query
        return f"Sounds like something to buy: {what}" if what else "Sounds like something to buy"
    if kind in ("digital", "local"):
        where = "work a freelancer can do online" if kind == "digital" else "hands-on work at your place"
        label = f" ({_label(category)})" if category else ""
        return f"Sounds like {where}{label}" + (f": {query}" if query else "")
    return f"Sounds like {PROBLEM_LABELS.get(category, 'a project')} with several parts: plan it step by step"


def classify(title: str, notes: str = "") -> Classification:
    """What a to-do item is, offline: kind, category, search words, shopping list and place. Never fails: an empty or
    unreadable title is a local task of no known category, with low confidence."""
    title = " ".join((title or "")[:MAX_TITLE_CHARS].split())
    notes = (notes or "")[:MAX_NOTES_CHARS]
    if not title and not notes.strip():
        return Classification("local", "", "", 0.2, "Not enough to go on: choose a route")
    ev = _gather(title, notes)
    kind, confidence = _decide(ev)
    category = _category(kind, ev)
    query = _query(title or " ".join(notes.split())[:200], kind, ev.lead_verb) or _label(category)
    items = _items(title, notes) if kind == "product" else ()
    location = _location(title, notes)
    if location:  # the place goes to partners as the location, not as search words
        place = set(_WORD.findall(location.lower()))
        query = " ".join(w for w in query.split() if w not in place)
    reason = _reason(kind, category, query, items) if confidence > 0.2 else "Not sure what this is: choose a route"
    return Classification(kind, category, query, confidence, reason, items, location)


def marketplace_category(c: Classification) -> str:
    """The posting wizard's category for a task posted here ("other" when none fits: a product, a vague task)."""
    return MARKETPLACE_CATEGORY.get(c.category, "other")


# Where each route sits in the menu for each kind (higher first); a partner's fit adds up to PARTNER_FIT.
BANDS: dict[TaskKind, dict[Route, float]] = {
    "product": {"buy": 0.8, "internal": 0.6, "problem": 0.3, "self": 0.0},
    "digital": {"internal": 0.9, "outside": 0.7, "problem": 0.3, "self": 0.0},
    "local": {"internal": 0.9, "outside": 0.7, "problem": 0.3, "self": 0.0},
    "problem": {"problem": 0.9, "internal": 0.6, "self": 0.0},
}
PARTNER_FIT = 0.15
PRIOR_RATINGS, PRIOR_STARS, PRIOR_SUCCESS = 5, 3.5, 0.75  # every partner starts with 5 ratings of 3.5 stars, 75% done
GROCERY_LIKE = frozenset({"groceries", "baby", "pet-supplies", "health"})  # what a grocery delivery brings


def quality(p: PartnerInfo) -> float:
    """A partner's scorecard as 0..1, Bayesian: few ratings stay near the prior, many speak for themselves."""
    n = max(0, p.rated)
    stars = p.average_rating if p.average_rating is not None and n else PRIOR_STARS
    done = p.success_rate if p.success_rate is not None and n else PRIOR_SUCCESS
    stars = min(5.0, max(1.0, stars))
    done = min(1.0, max(0.0, done))
    mean_stars = (n * stars + PRIOR_RATINGS * PRIOR_STARS) / (n + PRIOR_RATINGS)
    mean_done = (n * done + PRIOR_RATINGS * PRIOR_SUCCESS) / (n + PRIOR_RATINGS)
    return 0.5 * (mean_stars - 1.0) / 4.0 + 0.5 * mean_done


def _fit(c: Classification, p: PartnerInfo) -> float:
    """0..1: a category match counts most (for groceries, more for a partner that mostly delivers groceries than for a
    shop of everything), then the scorecard."""
    if c.category and c.category in p.categories:
        grocery_share = sum(cat in GROCERY_LIKE for cat in p.categories) / len(p.categories)
        match = 0.8 + 0.2 * grocery_share if c.category in GROCERY_LIKE else 1.0
    elif not p.categories:
        match = 0.5
    else:
        match = 0.0
    return 0.6 * match + 0.4 * quality(p)


def _record(p: PartnerInfo) -> str:
    if p.rated <= 0 or p.average_rating is None:
        return "no member ratings yet"
    return f"rated {p.average_rating:.1f}/5 by {p.rated} member{'s' if p.rated != 1 else ''}"


def _partner_reason(c: Classification, p: PartnerInfo) -> str:
    if p.kind == "product":
        what = ", ".join(c.items[:3]) if c.items else (c.query or _label(c.category) or "it")
        if c.category in GROCERY_LIKE and c.category in p.categories:
            return f"{p.name} delivers {_label(c.category)}: {what}"
        return f"Search {p.name} for {what}"
    work = _label(c.category) if c.category else c.kind
    return f"Independent {work} pros on {p.name}; {_record(p)}"


def _partners_for(c: Classification, partners: Sequence[PartnerInfo]) -> list[PartnerInfo]:
    """Product tasks go to product partners, preferring those whose categories match (a grocery list is not for a
    shop that sells no groceries); digital and local tasks to every partner of their kind."""
    if c.kind == "product":
        same = [p for p in partners if p.kind == "product"]
        matching = [p for p in same if c.category and c.category in p.categories]
        if matching:
            return [p for p in same if p in matching or not p.categories]
        return same
    if c.kind in ("digital", "local"):
        return [p for p in partners if p.kind == c.kind]
    return []


def rank(c: Classification, partners: Sequence[PartnerInfo]) -> list[RouteOption]:
    """The menu for a classified task, best first: partner routes of the task's kind, and always Post it here, Plan it
    as a problem and Do it myself (last). Only `partners` are offered, each once."""
    bands = BANDS[c.kind]
    options: list[tuple[float, int, RouteOption]] = []
    seen: set[str] = set()
    for order, p in enumerate(_partners_for(c, partners)):
        if p.key in seen:
            continue
        seen.add(p.key)
        route: Route = "buy" if p.kind == "product" else "outside"
        score = round(bands[route] + PARTNER_FIT * _fit(c, p), 4)
        options.append((score, order, RouteOption(route, p.key, _partner_reason(c, p), score)))
    internal = (
        "Pros on this marketplace bid, and you pay through escrow"
        if c.kind in ("digital", "local")
        else "A member of this marketplace can do it for you"
    )
    problem = (
        "Split it into steps, each with its own pro and share of the budget"
        if c.kind == "problem"
        else "If it has several parts, split it into steps"
    )
    fixed: list[tuple[Route, str]] = [("internal", internal), ("problem", problem), ("self", "No one else needed")]
    for i, (route, reason) in enumerate(fixed):
        score = bands.get(route, 0.15)
        options.append((score, len(partners) + i, RouteOption(route, "", reason, score)))
    options.sort(key=lambda o: (-o[0], o[1]))
    return [o for _, _, o in options]
