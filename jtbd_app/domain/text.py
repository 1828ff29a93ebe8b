"""Validation of user-typed text: the message for a field, or the cleaned value."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

EMAIL_RE = re.compile(
    r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{1,28})[a-z0-9]$")
RESERVED_USERNAMES = frozenset({"admin", "api", "root", "support", "system", "new", "me", "settings"})
MARKUP_RE = re.compile(r"[<>]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Something that reads as an HTML tag or comment: "<b>", "</script>", "<img src=x>", "<!-- ... -->".
# "a < b" or "<3" stays plain text. Text is always shown escaped; refusing tags keeps intent obvious.
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>|<!")  # as browsers read tags: no space after "<"


def has_html(text: str) -> bool:
    return HTML_TAG_RE.search(text) is not None


def clean_line(value: object, *, label: str, max_len: int, required: bool = True) -> str:
    """A single line of plain text: trimmed, no markup characters, bounded length."""
    text = value if isinstance(value, str) else ""
    text = CONTROL_RE.sub("", text).strip()
    if required and not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_len:
        raise ValueError(f"{label} must be at most {max_len} characters.")
    if MARKUP_RE.search(text):
        raise ValueError(f"{label} cannot contain < or >.")
    return text


def clean_paragraphs(value: object, *, label: str, max_len: int) -> str:
    """Free text shown escaped (never as HTML); only control characters are removed."""
    text = value if isinstance(value, str) else ""
    text = CONTROL_RE.sub("", text).strip()
    if len(text) > max_len:
        raise ValueError(f"{label} must be at most {max_len} characters.")
    return text


def clean_email(value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not text:
        raise ValueError("Email is required.")
    if len(text) > 254 or not EMAIL_RE.match(text):
        raise ValueError("Enter a valid email address, like name@example.com.")
    return text


def clean_username(value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not text:
        raise ValueError("Username is required.")
    if not USERNAME_RE.match(text):
        raise ValueError("Use 3-30 lowercase letters, digits, - or _, starting and ending with a letter or digit.")
    if text in RESERVED_USERNAMES:
        raise ValueError("That username is reserved.")
    return text


def clean_password(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) < 10:
        raise ValueError("Use at least 10 characters.")
    if len(text) > 256:
        raise ValueError("Use at most 256 characters.")
    return text


def clean_url(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > 500:
        raise ValueError("A link must be at most 500 characters.")
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or MARKUP_RE.search(text) or " " in text:
        raise ValueError(f"{text[:60] or 'That'} is not a valid http(s) link.")
    return text


def username_from(*seeds: object, fallback: str = "member") -> str:
    """A valid (maybe taken) username from what an outside provider knows: its login, an email, a name."""
    for seed in seeds:
        if not isinstance(seed, str):
            continue
        text = seed.strip().lower().split("@")[0]
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = re.sub(r"[^a-z0-9_-]+", "-", text)
        text = re.sub(r"-{2,}", "-", text).strip("-_")[:24].strip("-_")
        if USERNAME_RE.match(text) and text not in RESERVED_USERNAMES:
            return text
    return fallback
