"""What an administrator may publish as terms of service: a plain title, a markdown body without HTML and a short
summary of what changed. HTML is refused (the page renders markdown with raw HTML off as well, so an old or hand-made
version holding a tag still shows it as text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.text import CONTROL_RE, clean_line, has_html

TITLE_MAX = 200
BODY_MAX = 50_000
SUMMARY_MAX = 300
# Markdown that would fetch or run something from the page: images (a tracking pixel) and script-like link targets.
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\s*[\(\[]")
_SCRIPT_LINK_RE = re.compile(r"\]\s*\(\s*<?\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class TermsDraft:
    title: str
    body: str
    summary: str


def clean_terms(title: object, body: object, summary: object) -> TermsDraft:
    """The draft, cleaned; or `ValidationFailed` with a message for each bad field."""
    errors: dict[str, str] = {}
    clean_title = clean_summary = ""
    try:
        clean_title = clean_line(title, label="Title", max_len=TITLE_MAX)
    except ValueError as exc:
        errors["title"] = str(exc)
    try:
        clean_summary = clean_line(summary, label="What changed", max_len=SUMMARY_MAX)
    except ValueError as exc:
        errors["summary"] = str(exc)
    text = CONTROL_RE.sub("", body if isinstance(body, str) else "").strip()
    if not text:
        errors["body"] = "The terms need a body."
    elif len(text) > BODY_MAX:
        errors["body"] = f"The terms must be at most {BODY_MAX:,} characters."
    elif has_html(text):
        errors["body"] = "Write the terms in markdown: HTML tags are not allowed."
    elif _IMAGE_RE.search(text):
        errors["body"] = "Images are not allowed in the terms."
    elif _SCRIPT_LINK_RE.search(text):
        errors["body"] = "Links must be web addresses (https://…)."
    if errors:
        raise ValidationFailed(errors)
    return TermsDraft(title=clean_title, body=text, summary=clean_summary)
