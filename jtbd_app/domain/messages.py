"""Rules for private messages: plain text of bounded length, and how fast one member may send."""

from __future__ import annotations

from jtbd_app.domain.text import CONTROL_RE, has_html

MAX_BODY = 5000
EXCERPT = 200
RATE_LIMIT = 30  # messages a member may send ...
RATE_WINDOW_SECONDS = 60  # ... within this many seconds


def clean_body(value: object) -> str:
    """The message as stored: control characters removed, trimmed; ValueError says what is wrong."""
    if not isinstance(value, str):
        raise ValueError("Write a message first.")
    if len(value) > MAX_BODY * 4:  # refuse huge payloads before any regex work
        raise ValueError(f"A message must be at most {MAX_BODY} characters.")
    text = CONTROL_RE.sub("", value).strip()
    if not text:
        raise ValueError("Write a message first.")
    if len(text) > MAX_BODY:
        raise ValueError(f"A message must be at most {MAX_BODY} characters.")
    if has_html(text):
        raise ValueError("Messages are plain text: remove HTML tags such as <b> or <script>.")
    return text


def excerpt(body: str, length: int = EXCERPT) -> str:
    """The start of a message for lists and notifications, on one line."""
    line = " ".join(body.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
