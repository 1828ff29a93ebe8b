"""Skill tags: one canonical form so that "Python ", "python" and "PYTHON" are one skill."""

from __future__ import annotations

import re

MAX_SKILLS = 20
MAX_SKILL_LEN = 40
_SPACES = re.compile(r"\s+")
_ALLOWED = re.compile(r"^[a-z0-9][a-z0-9 +#./&-]*$")


def normalise_skill(raw: object) -> str:
    """Lowercase, single-spaced, bounded; raises ValueError with a message for the field."""
    text = _SPACES.sub(" ", raw.strip().lower()) if isinstance(raw, str) else ""
    if not text:
        raise ValueError("A skill cannot be empty.")
    if len(text) > MAX_SKILL_LEN:
        raise ValueError(f"A skill must be at most {MAX_SKILL_LEN} characters.")
    if not _ALLOWED.match(text):
        raise ValueError(f"{text[:40]!r} has characters a skill cannot have.")
    return text


def normalise_skills(raw: object) -> list[str]:
    """Deduplicated skills in the order given."""
    items = raw if isinstance(raw, list) else []
    seen: list[str] = []
    for item in items:
        skill = normalise_skill(item)
        if skill not in seen:
            seen.append(skill)
    if len(seen) > MAX_SKILLS:
        raise ValueError(f"Choose at most {MAX_SKILLS} skills.")
    return seen
