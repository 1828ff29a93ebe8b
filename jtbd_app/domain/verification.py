"""Checking a delivery on a micro-task against its acceptance criteria: the checklist's items, the automatic checks
its evidence allows, and which verdict counts when several methods judged one item (the client's wins).

Pure: what the outside world said (a link's HTTP answer, an AI reviewer's verdicts) comes in as plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from jtbd_app.domain.file_types import KINDS

Outcome = Literal["passed", "failed", "unknown"]
Method = Literal["automatic", "model", "client"]
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "unknown")
METHODS: tuple[Method, ...] = ("automatic", "model", "client")
EVIDENCE_POSITION = 0  # the checklist's first item is the evidence; criteria follow from 1
MAX_LINKS_CHECKED = 3  # a delivery may carry 10 links; the first three are enough to prove one resolves
MAX_REPORTED = 10**15
IMAGE_KINDS = frozenset(name for name, kind in KINDS.items() if kind.mime.startswith("image/"))
_KIND_WORDS: dict[str, frozenset[str]] = {
    **{name: frozenset({name}) for name in KINDS},
    "jpg": frozenset({"jpeg"}),
    "spreadsheet": frozenset({"csv", "xlsx"}),
    "excel": frozenset({"xlsx"}),
    "word": frozenset({"docx", "odt"}),
    "video": frozenset({"mp4"}),
    "audio": frozenset({"mp3"}),
    "slides": frozenset({"pptx"}),
    "presentation": frozenset({"pptx"}),
}
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class LinkAnswer:
    """What checking one link found: `ok` for a 2xx/3xx answer; no `status` when there was no HTTP answer."""

    url: str
    ok: bool
    status: int | None
    reason: str


@dataclass(frozen=True)
class Judgement:
    """One method's verdict on one item, as stored."""

    position: int
    method: Method
    outcome: Outcome
    reason: str = ""


def criteria_lines(criteria: str) -> list[str]:
    """A micro-task's criteria, one per line, blank lines dropped."""
    return [line.strip() for line in criteria.splitlines() if line.strip()]


def evidence_item(kind: str, description: str, threshold: int | None) -> str:
    """The checklist's first item: the evidence the task promised, in words."""
    what = description.strip() or {
        "link": "A link to the result",
        "file": "A file with the result",
        "photo": "A photo of the result",
        "number": "A number from a report",
    }.get(kind, "Evidence of the result")
    if kind == "number" and threshold is not None:
        return f"Evidence: {what} (at least {threshold:,})"
    return f"Evidence: {what}"


def checklist_items(criteria: str, kind: str, description: str, threshold: int | None) -> list[str]:
    """Every item a delivery is checked against: the evidence (position 0), then each criterion."""
    return [evidence_item(kind, description, threshold), *criteria_lines(criteria)]


def parse_reported_number(value: object) -> int | None:
    """The number a delivery states: digits only, or grouped by commas ("10,000"); None when left empty.
    ValueError for anything else: no decimals, signs, units or words, so "10k" or "about 9000" are refused."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not (text.isascii() and text.isdigit()) or len(text) > 16:
        raise ValueError("Enter a whole number, such as 10000 or 10,000.")
    number = int(text)
    if number > MAX_REPORTED:
        raise ValueError("That number is too large.")
    return number


def number_check(reported: int | None, threshold: int | None) -> Verdict:
    """The stated number against the task's threshold (the contractor's statement; the evidence proves it)."""
    if reported is None:
        return Verdict("failed", "No number was reported with the delivery.")
    if threshold is None:
        return Verdict("passed", f"Reported {reported:,}; the task set no threshold.")
    if reported >= threshold:
        return Verdict("passed", f"Reported {reported:,}, at least the {threshold:,} asked for.")
    return Verdict("failed", f"Reported {reported:,}, below the {threshold:,} asked for.")


def expected_file_kinds(kind: str, description: str) -> frozenset[str]:
    """The file kinds that prove the task: images for a photo; for a file, the kinds its description names
    ("a PDF report", "a spreadsheet"), or any accepted kind when it names none (empty set)."""
    if kind == "photo":
        return IMAGE_KINDS
    words = set(re.findall(r"[a-z0-9]+", description.lower()))
    named: set[str] = set()
    for word in words:
        named |= _KIND_WORDS.get(word, frozenset())
    return frozenset(named)


def kind_of_mime(mime: str) -> str:
    return next((name for name, kind in KINDS.items() if kind.mime == mime), "")


def file_check(kind: str, description: str, files: Sequence[tuple[str, str]]) -> Verdict:
    """`files` are (filename, content type checked from the bytes) of the delivery."""
    if not files:
        return Verdict("failed", "No file was attached." if kind == "file" else "No photo was attached.")
    expected = expected_file_kinds(kind, description)
    if not expected:
        return Verdict("passed", f"{files[0][0]} is attached.")
    for name, mime in files:
        if kind_of_mime(mime) in expected:
            return Verdict("passed", f"{name} is attached ({KINDS[kind_of_mime(mime)].label}).")
    wanted = ", ".join(sorted(KINDS[k].label for k in expected))
    return Verdict("failed", f"None of the attached files is a {wanted}.")


def links_to_check(links: Iterable[str]) -> list[str]:
    return [link for link in links if link][:MAX_LINKS_CHECKED]


def link_check(links: Sequence[str], answers: Sequence[LinkAnswer]) -> Verdict:
    """At least one link resolves (2xx/3xx) and none of those checked is broken; a link that could not be checked
    (no answer, a private address) leaves it unknown rather than failed."""
    if not links:
        return Verdict("failed", "No link was delivered.")
    broken = [a for a in answers if not a.ok and a.status is not None]
    if broken:
        first = broken[0]
        return Verdict("failed", f"{first.url} answered HTTP {first.status}: {first.reason}".rstrip(": "))
    working = [a for a in answers if a.ok]
    if working:
        return Verdict("passed", f"{working[0].url} answered HTTP {working[0].status}.")
    if answers:
        return Verdict("unknown", f"{answers[0].url} could not be checked: {answers[0].reason}")
    return Verdict("unknown", "The links could not be checked.")


def evidence_check(
    kind: str,
    description: str,
    threshold: int | None,
    *,
    links: Sequence[str],
    link_answers: Sequence[LinkAnswer],
    files: Sequence[tuple[str, str]],
    reported: int | None,
) -> Verdict:
    """The automatic check of the evidence item, by the evidence's kind."""
    if kind == "link":
        return link_check(links, link_answers)
    if kind in ("file", "photo"):
        return file_check(kind, description, files)
    if kind == "number":
        return number_check(reported, threshold)
    return Verdict("unknown", "This kind of evidence cannot be checked automatically.")


def final(judgements: Iterable[Judgement]) -> Judgement | None:
    """The verdict that counts for one item: the client's, else the automatic check's, else the model's; an
    "unknown" from a machine gives way to a machine that knew."""
    rank = {"client": 0, "automatic": 1, "model": 2}
    ordered = sorted(judgements, key=lambda j: (rank[j.method], j.outcome == "unknown"))
    if not ordered:
        return None
    client = [j for j in ordered if j.method == "client"]
    if client:
        return client[0]
    known = [j for j in ordered if j.outcome != "unknown"]
    return known[0] if known else ordered[0]


def pass_rate_label(passed: int, checked: int) -> str:
    """ "Met 95% of acceptance criteria (40 checked)"; "" with nothing checked. The percent rounds down, so 39 of 40
    never reads as 100%."""
    if checked <= 0:
        return ""
    return f"Met {passed * 100 // checked}% of acceptance criteria ({checked} checked)"
