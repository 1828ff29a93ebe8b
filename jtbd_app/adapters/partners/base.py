"""What every partner adapter shares: its options from its one setting, the words a link is filled with, the drafted
job post, and the refusals of a partner without an API (or without keys for it)."""

from __future__ import annotations

import logging
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from jtbd_app.domain import partner_links
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerFailed, PartnerKind, Product, TaskBrief

log = logging.getLogger(__name__)
ENDPOINT_OPTIONS = ("api_base", "auth_url")  # where an adapter sends its keys, when not the partner's own API
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
MAX_DRAFT_TITLE = 100
MAX_DRAFT_NOTES = 2000
DONE_MEANS: dict[str, tuple[str, ...]] = {
    "product": (),
    "digital": (
        "You deliver the finished work as files or links I can open, in the formats we agree on.",
        "Up to two rounds of changes are included.",
        "I confirm it matches this description before the job is marked complete.",
    ),
    "local": (
        "The job is finished at the place below, as described, and the area is left clean.",
        "We check the work together before you leave.",
        "Your quote lists the total price, including any materials.",
    ),
}


def parse_options(raw: str) -> dict[str, str]:
    """A partner's setting, a query string ("tag=jtbd-20&credential_id=..."), as a dict; blank values are absent."""
    return {key.strip(): value.strip() for key, value in parse_qsl(raw or "", keep_blank_values=False) if value.strip()}


def safe_endpoint(url: str) -> bool:
    """May keys be sent to this endpoint? Over https, or over plain http only to this machine (a test server)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def link_values(brief: TaskBrief) -> dict[str, str]:
    """The words a link template is filled with (partner_links escapes and bounds them)."""
    query = partner_links.clean_value(brief.query, partner_links.VALUE_CHARS["query"])
    title = partner_links.clean_value(brief.title, partner_links.VALUE_CHARS["title"])
    return {
        "query": query or title,
        "title": title,
        "category": brief.category,
        "location": brief.location,
        "zip": partner_links.zip_code(brief.location),
    }


def budget_text(brief: TaskBrief) -> str:
    if brief.budget_minor is None or brief.budget_minor <= 0 or brief.currency not in CURRENCIES:
        return ""
    return f"Up to {Money(brief.budget_minor, brief.currency).format()}"


def timing_text(brief: TaskBrief) -> str:
    due = brief.due_on
    return f"Done by {due:%A}, {due:%B} {due.day}, {due.year}" if due else "Flexible: tell me when you can do it"


class PartnerBase:
    """One partner: class attributes say who it is; an instance holds its options (from `settings.partner_<key>`)
    and the HTTP timeout. Subclasses with an API override `search_products` or `create_post`."""

    key: str
    name: str
    kind: PartnerKind
    categories: tuple[str, ...]
    hosts: tuple[str, ...]
    default_template: str
    affiliate_keys: ClassVar[tuple[str, ...]] = UTM_KEYS  # which options are affiliate parameters of its links
    api_keys: ClassVar[tuple[str, ...]] = ()  # the options its API needs; none: it has no API we use
    done_means: ClassVar[tuple[str, ...]] = ()  # the acceptance lines of its drafted post; () -> its kind's

    def __init__(self, options: str = "", *, timeout: float = 8.0) -> None:
        self.options = parse_options(options)
        self.timeout = timeout
        self.default_affiliate_params = urlencode(
            [(k, self.options[k]) for k in self.affiliate_keys if k in self.options]
        )
        has_keys = bool(self.api_keys) and all(self.options.get(k) for k in self.api_keys)
        self.api_enabled = has_keys and all(
            safe_endpoint(self.options[k]) for k in ENDPOINT_OPTIONS if k in self.options
        )
        if has_keys and not self.api_enabled:
            log.warning("%s: api_base/auth_url must be https (or http on loopback, for tests); API not used", self.key)

    @classmethod
    def settings_key(cls) -> str:
        """The Settings field holding this partner's options (PARTNER_<KEY> in the environment)."""
        return f"partner_{cls.key}"

    def __repr__(self) -> str:  # never the options: they hold secrets
        return f"<{type(self).__name__} {self.key} api_enabled={self.api_enabled}>"

    def deep_link(self, brief: TaskBrief, *, template: str, affiliate_params: str) -> str:
        """The partner's search or posting page for the brief. An admin's template that no longer passes the checks
        (say the partner's hosts changed) gives way to the partner's own."""
        values = link_values(brief)
        try:
            return partner_links.build(template or self.default_template, values, affiliate_params, self.hosts)
        except partner_links.LinkRefused:
            if not template:
                raise
            return partner_links.build(self.default_template, values, affiliate_params, self.hosts)

    def draft(self, brief: TaskBrief) -> DraftPost | None:
        """A job post ready to copy for a pro (None for a product partner: there is no one to brief)."""
        if self.kind == "product":
            return None
        title = partner_links.clean_value(brief.title, MAX_DRAFT_TITLE)
        notes = _clean_notes(brief.notes)
        lines = [f"I am looking for help with this: {title}."]
        if notes:
            lines += ["", notes]
        lines += ["", "Done means:"] + [f"- {line}" for line in self.done_means or DONE_MEANS[self.kind]]
        lines += ["", "Please reply with your price, when you could do it and any questions."]
        location = partner_links.clean_value(brief.location, 120) if self.kind == "local" else ""
        return DraftPost(
            title=title,
            description="\n".join(lines),
            budget=budget_text(brief),
            timing=timing_text(brief),
            location=location,
        )

    async def search_products(self, brief: TaskBrief) -> list[Product]:
        raise PartnerFailed(f"{self.name} has no product search here; use the link instead.")

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
        raise PartnerFailed(f"Posting to {self.name} from here is not available; copy the post and use the link.")

    def require_api(self) -> None:
        if not self.api_enabled:
            raise PartnerFailed(f"{self.name} is not connected here (no API keys); the link still works.")


def _clean_notes(notes: str) -> str:
    """The task's notes as paragraphs: control characters gone, lines kept, bounded."""
    lines = [partner_links.clean_value(line, MAX_DRAFT_NOTES) for line in (notes or "").splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if len(text) > MAX_DRAFT_NOTES:
        cut = text[:MAX_DRAFT_NOTES]
        space = max(cut.rfind(" "), cut.rfind("\n"))
        text = (cut[:space] if space > MAX_DRAFT_NOTES // 2 else cut).rstrip() + " ..."
    return text
