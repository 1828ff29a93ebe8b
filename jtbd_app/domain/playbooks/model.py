"""The shape of a playbook (a kind of problem and the micro-tasks that usually solve it) and how one is chosen for a
problem's text: weighted token overlap, rarer words across playbooks weighing more, with synonyms."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from jtbd_app.domain.plans import EvidenceKind, Route
from jtbd_app.domain.playbooks.facts import LANGUAGES, stem


@dataclass(frozen=True)
class TaskTemplate:
    """One micro-task with `{slots}` the problem fills ({n}, {unit}, {subject}, {site}, {city}, {platform}, ...).

    Cost is in US dollars (converted to the problem's currency): `cost` fixed plus `unit_cents` per unit of the
    playbook's main quantity. Duration is `days` plus `unit_days` per unit.
    """

    key: str
    title: str
    description: str
    skills: tuple[str, ...]
    criteria: tuple[str, ...]
    evidence: tuple[EvidenceKind, str]
    route: Route = "internal"
    cost: int = 0
    unit_cents: int = 0
    days: int = 1
    unit_days: tuple[int, int] = (0, 1)  # (days, per units): 3 days a feature is (3, 1), a day per 1,000 is (1, 1000)
    threshold: bool = False  # the evidence is a number that must reach the main quantity
    depends_on: tuple[str, ...] = ()
    optional: bool = False
    when: tuple[str, ...] = ()  # only when the text has one of these words or phrases, "@city" when it names a place,
    # "@otherwise" when no other task of the playbook with a `when` applies
    unless: tuple[str, ...] = ()  # never when the text has one of these
    each: str = ""  # "language" or "place": one task per language or place named, slot {item}
    until_deadline: bool = False  # runs (measures, promotes) until the deadline rather than for a fixed time


@dataclass(frozen=True)
class Playbook:
    name: str
    label: str
    keywords: tuple[str, ...]  # words and two-word phrases that point to this kind of problem
    units: tuple[str, ...]  # nouns of the main quantity; the first is the default
    default_n: int
    default_subject: str
    tasks: tuple[TaskTemplate, ...]
    success: tuple[str, ...]  # suggested success criteria, with the same slots
    derived: tuple[tuple[str, int, int, int], ...] = ()  # (slot, divisor, least, most): a number from the quantity
    unit_factor: tuple[tuple[str, int], ...] = ()  # ("page", 250): a quantity in pages counts as 250 units each
    tokens: dict[str, float] = field(default_factory=dict, compare=False)


SYNONYMS: dict[str, str] = {
    "visit": "visitor", "traffic": "visitor", "session": "visitor", "audience": "visitor", "seo": "search",
    "advert": "ad", "advertis": "ad", "advertising": "ad", "promot": "market", "promotion": "market",
    "marketing": "market", "article": "post", "blog": "post", "blogpost": "post", "copywrit": "copy",
    "app": "software", "website": "site", "webapp": "software", "saas": "software", "mvp": "software",
    "logo": "brand", "branding": "brand", "identity": "brand", "survey": "research", "interview": "research",
    "wedding": "event", "party": "event", "conference": "event", "meetup": "event", "workshop": "event",
    "relocat": "move", "moving": "move", "mover": "move", "flat": "apartment", "bookkeep": "account",
    "accounting": "account", "tax": "account", "invoice": "account", "course": "learn", "lesson": "learn",
    "tutor": "learn", "teach": "learn", "train": "learn", "translat": "translate", "locali": "translate",
    "localization": "translate", "translation": "translate", "translate": "translate", "subtitl": "translate", "localisation": "translate", "recruit": "hire", "hiring": "hire", "candidate": "hire",
    "clean": "home", "repair": "home", "garden": "home", "errand": "home", "handyman": "home", "plumb": "home",
    "promote": "market", "relocate": "move", "localize": "translate", "localise": "translate",
    "subtitle": "translate", "teacher": "learn", "class": "learn",
}  # fmt: skip
SYNONYMS.update({name.lower(): "language" for name in LANGUAGES})
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'+#-]*")


def tokens(text: str) -> list[str]:
    """Stemmed words of `text` with synonyms folded together."""
    out = []
    for raw in _WORD_RE.findall(text.lower()):
        word = stem(raw.strip("'-"))
        out.append(SYNONYMS.get(word, SYNONYMS.get(raw, word)))
    return out


def index(playbooks: tuple[Playbook, ...]) -> None:
    """Weigh each playbook's keywords by how few playbooks share them (an inverse document frequency)."""
    sets = {pb.name: {t for k in pb.keywords if " " not in k for t in tokens(k)} for pb in playbooks}
    for pb in playbooks:
        for token in sets[pb.name]:
            df = sum(1 for s in sets.values() if token in s)
            pb.tokens[token] = 1.0 + math.log(len(playbooks) / df)


def score(pb: Playbook, words: list[str], text_lower: str, counted: set[str]) -> float:
    """How well `words` (the problem's tokens) fit the playbook: matched keyword weights (a repeated word counts a
    little more), phrases 2 each, and 3 when a number in the text counts this playbook's unit (`counted`: stems)."""
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    total = sum(weight * (1 + 0.5 * (min(counts[t], 3) - 1)) for t, weight in pb.tokens.items() if t in counts)
    total += sum(2.0 for k in pb.keywords if " " in k and k in text_lower)
    if counted & {stem(u) for u in pb.units}:
        total += 3.0
    return total
