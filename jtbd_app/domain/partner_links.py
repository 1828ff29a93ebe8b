"""Links to outside partners, without I/O: a link template filled with a task's words (escaped, bounded), the
affiliate parameters added once, and the check that a URL goes where it says (https, one of the partner's hosts).

A template is an https URL with placeholders (`{query}`, `{title}`, `{category}`, `{location}`, `{zip}`), e.g.
`https://www.amazon.com/s?k={query}`. A value never becomes URL syntax: it is percent-encoded whole, so `&`, `#`, `?`,
quotes, newlines and `javascript:` stay text inside the parameter they fill.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit

PLACEHOLDERS: tuple[str, ...] = ("query", "title", "category", "location", "zip")
# Each value: at most this many characters of text (cut at a word), and of its percent-encoded form.
VALUE_CHARS: Mapping[str, int] = {"query": 120, "title": 150, "category": 40, "location": 80, "zip": 10}
ENCODED_CHARS = 300
MAX_TEMPLATE_CHARS = 600  # Partner.link_template
MAX_AFFILIATE_CHARS = 300  # Partner.affiliate_params
MAX_PLACEHOLDERS = 3  # with the bounds above a link stays under MAX_URL_CHARS
MAX_URL_CHARS = 2000  # RouteOffer.url
SAMPLE = {"query": "sample words", "title": "Sample task", "category": "handyman", "location": "Austin", "zip": "78701"}

_FIELD_RE = re.compile(r"\{([a-z_]+)\}")
_BRACE_RE = re.compile(r"[{}]")
_HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
_PARAM_KEY_RE = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,40}$")
_ZIP_RE = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


class LinkRefused(ValueError):
    """A template or URL that is not a safe link to the partner; `message` says why and is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_value(text: str, max_chars: int) -> str:
    """One line of plain text: control and format characters (newlines, zero-width, bidi overrides) become spaces,
    runs of space collapse, and a long text is cut at a word near `max_chars`."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text[:max_chars]
        space = cut.rfind(" ")
        text = (cut[:space] if space > max_chars // 2 else cut).rstrip()
    return text


def escape(text: str, max_chars: int) -> str:
    """`text` cleaned and percent-encoded whole (no character left that a URL reads as syntax), its encoded form at
    most ENCODED_CHARS long (never cutting inside a character's escape)."""
    value = clean_value(text, max_chars)
    encoded = quote(value, safe="")
    while len(encoded) > ENCODED_CHARS:
        value = value[:-1].rstrip()
        encoded = quote(value, safe="")
    return encoded


def zip_code(location: str) -> str:
    """The US ZIP code in a place ("Austin, TX 78701" -> "78701"), or ""."""
    found = _ZIP_RE.search(location)
    return found.group(1) if found else ""


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """Does `url` go to one of `hosts` (the host itself or a subdomain of it), over https, with no user name, odd port
    or backslash that browsers and parsers might read differently?"""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return False
    if "\\" in url or any(c.isspace() or unicodedata.category(c).startswith("C") for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "https" or "@" in parts.netloc or port not in (None, 443):
        return False
    host = (parts.hostname or "").rstrip(".")
    if not _HOST_RE.match(host):
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in (h.lower() for h in hosts))


def parse_affiliate_params(params: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of an affiliate query string, one per key (the last one given wins)."""
    pairs: dict[str, str] = {}
    for key, value in parse_qsl(params.strip().lstrip("?&"), keep_blank_values=False):
        if _PARAM_KEY_RE.match(key):
            pairs.pop(key, None)
            pairs[key] = clean_value(value, 100)
    return [(k, v) for k, v in pairs.items() if v]


def validate_affiliate_params(params: str) -> str | None:
    """Why an admin's affiliate parameters cannot be saved, or None when they can ("" means none)."""
    text = params.strip()
    if not text:
        return None
    if len(text) > MAX_AFFILIATE_CHARS:
        return f"Keep the affiliate parameters under {MAX_AFFILIATE_CHARS} characters."
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in text):
        return "Affiliate parameters cannot contain spaces or control characters."
    for part in text.lstrip("?&").split("&"):
        key, sep, value = part.partition("=")
        if not part:
            continue
        if not sep or not value:
            return f"Give {unquote_plus(key) or 'each parameter'} a value, as in tag=yourtag-20."
        if not _PARAM_KEY_RE.match(unquote_plus(key)):
            return "Parameter names use letters, digits, dots, dashes and underscores."
    return None


def validate_template(template: str, hosts: Iterable[str]) -> str | None:
    """Why an admin's link template cannot be saved, or None when it can: it must be an https link to one of the
    partner's `hosts` with only known placeholders, none of them in the host."""
    hosts = tuple(hosts)
    text = template.strip()
    if not text:
        return "Enter a link template, such as https://www.example.com/search?q={query}."
    if len(text) > MAX_TEMPLATE_CHARS:
        return f"Keep the link template under {MAX_TEMPLATE_CHARS} characters."
    if "\\" in text or any(c.isspace() or unicodedata.category(c).startswith("C") for c in text):
        return "A link template cannot contain spaces, backslashes or control characters."
    fields = _FIELD_RE.findall(text)
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown or _BRACE_RE.search(_FIELD_RE.sub("", text)):
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        return f"Use only these placeholders: {known}."
    if len(fields) > MAX_PLACEHOLDERS:
        return f"Use at most {MAX_PLACEHOLDERS} placeholders."
    if not text.lower().startswith("https://"):
        return "The link must start with https://."
    try:
        netloc = urlsplit(text).netloc
    except ValueError:
        return "That is not a link."
    if "{" in netloc:
        return "Placeholders go in the path or the query, never in the host."
    if "@" in netloc:
        return "A link template cannot carry a user name or password."
    if not host_allowed(fill(text, SAMPLE), hosts):
        return f"The link must go to {' or '.join(hosts)} (or a subdomain), on the standard port."
    return None


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with each placeholder replaced by its value, cleaned and percent-encoded; a query parameter whose
    whole value is a placeholder with nothing to fill is left out (`&zip_code=` says nothing)."""
    escaped = {name: escape(values.get(name, ""), VALUE_CHARS[name]) for name in PLACEHOLDERS}
    base, hash_mark, fragment = template.partition("#")
    path, question, query = base.partition("?")
    if question:
        kept = []
        for part in query.split("&"):
            whole = _FIELD_RE.fullmatch(part.partition("=")[2])
            if whole and whole.group(1) in escaped and not escaped[whole.group(1)]:
                continue
            kept.append(part)
        base = path + ("?" + "&".join(kept) if kept else "")
    filled = base + hash_mark + fragment
    return _FIELD_RE.sub(lambda m: escaped.get(m.group(1), ""), filled)


def with_affiliate_params(url: str, params: str) -> str:
    """`url` with the affiliate parameters added after its own query, each key exactly once (one the URL already had
    is replaced); the fragment stays last."""
    pairs = parse_affiliate_params(params)
    if not pairs:
        return url
    keys = {k for k, _ in pairs}
    base, hash_mark, fragment = url.partition("#")
    path, _, query = base.partition("?")
    kept = [p for p in query.split("&") if p and unquote_plus(p.partition("=")[0]) not in keys]
    kept += [f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs]
    return f"{path}?{'&'.join(kept)}{hash_mark}{fragment}"


def build(template: str, values: Mapping[str, str], affiliate_params: str, hosts: Iterable[str]) -> str:
    """The link to send a member to: `template` filled with `values` and the affiliate parameters added. Raises
    LinkRefused when the template is not a safe link to one of `hosts`."""
    hosts = tuple(hosts)
    problem = validate_template(template, hosts)
    if problem:
        raise LinkRefused(problem)
    url = with_affiliate_params(fill(template.strip(), values), affiliate_params[:MAX_AFFILIATE_CHARS])
    if not host_allowed(url, hosts):
        raise LinkRefused("That link does not go to the partner.")
    return url
