"""Work this marketplace never plans or posts: deception bought as a service (fake reviews, followers, traffic, spam)."""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "fake or bought reviews",
        re.compile(
            r"\b(buy|bought|purchase|paid|pay for|fake|incentivi[sz]ed?)\b[^.\n]{0,40}\b(reviews?|ratings?|testimonials?)\b",
            re.I,
        ),
    ),
    (
        "fake followers, likes or engagement",
        re.compile(
            r"\b(buy|bought|purchase|fake|bot)\b[^.\n]{0,30}\b(followers?|likes|subscribers|views|engagement)\b", re.I
        ),
    ),
    (
        "bot or fake traffic",
        re.compile(
            r"\b(bot|fake|purchased|bought|paid-to-click|click[- ]farm|traffic exchange)\b[^.\n]{0,20}\b(traffic|visits|visitors|clicks)\b",
            re.I,
        ),
    ),
    ("spam", re.compile(r"\b(spam|spamming|unsolicited bulk|bulk (e-?mail|dm|message)s? to (bought|scraped))\b", re.I)),
    (
        "scraped or bought contact lists",
        re.compile(r"\b(buy|bought|purchase|scrape[d]?)\b[^.\n]{0,20}\b(e-?mail|contact|lead) lists?\b", re.I),
    ),
    ("a fake identity", re.compile(r"\b(sockpuppet|sock puppet|fake (accounts?|profiles?|identit(y|ies)))\b", re.I)),
]


# "no bot traffic", "without fake reviews", "not bought": a rule against it, not a request for it.
_NEGATED = re.compile(r"\b(no|not|never|without|avoid|excluding|free of|zero|non)\b", re.I)


def dishonest_reason(text: str) -> str:
    """What deception `text` asks for, in a few words; empty when it asks for none."""
    for reason, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if not _NEGATED.search(text[max(0, match.start() - 30) : match.start() + 8]):
                return reason
    return ""
