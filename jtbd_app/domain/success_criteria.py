"""Measurable success criteria suggested from a problem as it is typed, so that the client states how the result will
be checked ("at least 10,000 visitors within 60 days, as counted by Google Analytics") before a plan is made."""

from __future__ import annotations

import re

from jtbd_app.domain.plans import Brief
from jtbd_app.domain.playbooks import GENERAL, choose
from jtbd_app.domain.playbooks.facts import extract
from jtbd_app.domain.playbooks.instantiate import fill, slots, target

MAX_SUGGESTIONS = 4
MIN_TEXT = 12  # fewer characters say too little to suggest anything
MAX_TEXT = 4000
_UNKNOWN = "\x00"
_WHEN = re.compile(r"(within \x00 days|by day \x00|before day \x00)")
_PERCENT = re.compile(
    r"\b(\d{1,3})\s*%\s*(more|fewer|less|higher|lower|increase in|growth in|drop in|cut in)?\s+([a-z]+)", re.I
)


def suggest(text: str) -> list[str]:
    """Up to four measurable criteria for the problem in `text`, in the problem's own numbers (none invented: a line
    about a number the text does not give is left out); [] when the text is too short. Fast enough for each keystroke."""
    text = " ".join(text.split())[:MAX_TEXT]
    if len(text) < MIN_TEXT:
        return []
    facts = extract(text)
    pb = choose(text)
    days = facts.days if facts.days and 1 <= facts.days <= 730 else None
    brief = Brief(text=text, budget_minor=1, currency="USD", deadline_days=days or 1)
    goal = target(pb, facts)
    values = slots(pb, brief, facts, goal)
    if days is None:
        values["days"] = _UNKNOWN
    out: list[str] = []
    for match in _PERCENT.finditer(text):
        change = (match.group(2) or "more").lower()
        out.append(f"{match.group(1)}% {change} {match.group(3).lower()} than the baseline, measured the same way "
                   "before and after")  # fmt: skip
    if pb is not GENERAL or not out:
        lines = [line for line in pb.success if goal.given or "{n}" not in line] or list(pb.success)
        out += [_WHEN.sub("by the deadline", fill(line, values, 300)) for line in lines]
    return list(dict.fromkeys(out))[:MAX_SUGGESTIONS]
