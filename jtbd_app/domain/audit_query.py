"""What an administrator asks of the audit log, read from untrusted URL parameters: a bad value is dropped with a
message for its field and the rest of the filter still applies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

PATH = "/admin/audit"
PARAM_NAMES = ("action", "actor", "subject", "from", "to", "page")
MAX_PAGE = 10_000
_ACTION_RE = re.compile(r"^[a-z_.]{1,40}$")
_ACTOR_RE = re.compile(r"^[a-z0-9_-]{1,30}$")
SYSTEM = "system"  # the actor filter for entries with no actor (the ledger, the curation rule, the command line)


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""  # a prefix: "money." or "terms.publish"
    actor: str = ""  # a username, or "system"
    subject: str = ""  # text the subject contains: "contract:12"
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    page: int = 1

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this query, defaults left out."""
        params = {"action": self.action, "actor": self.actor, "subject": self.subject}
        params["from"] = self.date_from.isoformat() if self.date_from else ""
        params["to"] = self.date_to.isoformat() if self.date_to else ""
        params["page"] = str(self.page) if self.page > 1 else ""
        return {k: v for k, v in params.items() if v}

    def url(self) -> str:
        params = self.to_params()
        return f"{PATH}?{urlencode(params)}" if params else PATH

    def on_page(self, page: int) -> AuditQuery:
        return replace(self, page=max(1, min(page, MAX_PAGE)))

    @property
    def filtered(self) -> bool:
        return bool(self.action or self.actor or self.subject or self.date_from or self.date_to)


def _text(value: object) -> str:
    return value.strip()[:100] if isinstance(value, str) else ""


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def parse(params: Mapping[str, object]) -> tuple[AuditQuery, dict[str, str]]:
    """The valid part of the parameters and a message per bad field (keyed by its form field)."""
    errors: dict[str, str] = {}
    action = _text(params.get("action")).lower()
    if action and not _ACTION_RE.match(action):
        errors["action"] = "Write the start of an action, such as money. or terms.publish."
        action = ""
    actor = _text(params.get("actor")).lower().lstrip("@")
    if actor and not _ACTOR_RE.match(actor):
        errors["actor"] = "Write a username, or system for entries no one made."
        actor = ""
    subject = _text(params.get("subject"))
    if any(ch in subject for ch in "<>"):
        errors["subject"] = "The subject cannot contain < or >."
        subject = ""
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = _text(params.get(name))
        days[name] = _day(raw) if raw else None
        if raw and days[name] is None:
            errors[name] = "Pick a date (YYYY-MM-DD)."
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["to"] = "The end date is before the start date."
        days["to"] = None
    page = 1
    raw_page = _text(params.get("page"))
    if raw_page:
        if raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
            page = int(raw_page)
        else:
            errors["page"] = "That page does not exist."
    query = AuditQuery(action, actor, subject, days["from"], days["to"], page)
    return query, errors
