"""What a shared link shows before any JavaScript runs: the title, description and Open Graph tags of a public page.

A crawler or a chat app fetches the page without a cookie, so the tags say only what a visitor may see: a draft,
a listing hidden by the moderators, a suspended member or a hidden profile gets the site's generic tags (and
`noindex`), exactly as if it did not exist. `render` makes the `<head>` markup, every value escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import escape
from urllib.parse import quote

from sqlmodel import Session, select

from jtbd_app.domain.ids import id_or_none
from jtbd_app.domain.markdown_text import markdown_as_text
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.domain.page_titles import SITE_NAME, listing_subject, member_subject, page_title
from jtbd_app.models import Listing, Profile, User
from jtbd_app.services.accounts.profiles import skills_of

PUBLIC_LISTING = ("open", "closed", "cancelled")  # never a draft, nor one hidden by the moderators
SITE_DESCRIPTION = (
    "JTBD Marketplace turns a problem into a plan of small, checkable tasks and routes each one to whoever does it "
    "best: a contractor here, a trusted partner, or a product you can simply buy."
)
MARKETPLACE_DESCRIPTION = "Open tasks on JTBD Marketplace: browse by skill, budget and deadline, and bid on the work."
DESCRIPTION_LIMIT = 200
SHARE_IMAGE = "/icon-512.png"  # in assets/, served at the root
_LISTING_PATH = re.compile(r"/listings/(?P<id>[^/]+)/?")
_MEMBER_PATH = re.compile(r"/u/(?P<username>[^/]+)/?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ShareTags:
    title: str  # the document's <title>: "Logo for a bakery · $300 · JTBD Marketplace"
    og_title: str  # the subject alone ("Logo for a bakery · $300"); og:site_name carries the site's name
    description: str
    url: str  # absolute and canonical, on APP_URL
    kind: str = "website"  # og:type
    indexable: bool = True
    image: str = ""  # absolute: the app's icon, until listings and members have pictures of their own


def is_share_page(path: str) -> bool:
    """The pages whose served HTML carries tags from the database: the home page, the marketplace, a listing, a
    member's profile."""
    return path in ("/", "/marketplace", "/marketplace/") or bool(
        _LISTING_PATH.fullmatch(path) or _MEMBER_PATH.fullmatch(path)
    )


def tags_for(session: Session, *, path: str, app_url: str) -> ShareTags | None:
    """The tags for one of the share pages (None for any other path), with the app's icon as their image."""
    found = _tags_for(session, path=path, base=app_url.rstrip("/"))
    if found is None or not found.indexable:
        return found  # a page not shown: the generic tags, no picture
    return replace(found, image=f"{app_url.rstrip('/')}{SHARE_IMAGE}")


def _tags_for(session: Session, *, path: str, base: str) -> ShareTags | None:
    if path == "/":
        return ShareTags(page_title(), SITE_NAME, SITE_DESCRIPTION, f"{base}/")
    if path.rstrip("/") == "/marketplace":
        return ShareTags(page_title("Marketplace"), "Marketplace", MARKETPLACE_DESCRIPTION, f"{base}/marketplace")
    if found := _LISTING_PATH.fullmatch(path):
        return listing_tags(session, listing_id=found["id"], app_url=base)
    if found := _MEMBER_PATH.fullmatch(path):
        return member_tags(session, username=found["username"], app_url=base)
    return None


def _not_shown(title: str, base: str) -> ShareTags:
    return ShareTags(page_title(title), SITE_NAME, SITE_DESCRIPTION, f"{base}/", indexable=False)


def listing_tags(session: Session, *, listing_id: str, app_url: str) -> ShareTags:
    number = id_or_none(listing_id)
    listing = session.get(Listing, number) if number is not None else None
    if listing is None or listing.status not in PUBLIC_LISTING:
        return _not_shown("Listing not found", app_url)
    subject = listing_subject(listing.title, listing.budget_minor, listing.currency)
    budget = (
        Money(listing.budget_minor, listing.currency).format()
        if listing.budget_minor is not None and listing.currency in CURRENCIES
        else ""
    )
    description = plain(markdown_as_text(listing.description)) or f"A task on {SITE_NAME}" + (
        f", budget {budget}." if budget else "."
    )
    return ShareTags(page_title(subject), subject, shorten(description), f"{app_url}/listings/{listing.id}")


def member_tags(session: Session, *, username: str, app_url: str) -> ShareTags:
    row = session.exec(
        select(User, Profile)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(User.username == username.strip().lower())
    ).first()
    if row is None:
        return _not_shown("Member not found", app_url)
    user, profile = row
    if user.status != "active" or profile.hidden_at is not None or user.id is None:
        return _not_shown("Member profile", app_url)
    subject = member_subject(profile.display_name, user.username)
    name = plain(profile.display_name) or f"@{user.username}"
    skills = skills_of(session, user_id=user.id)
    rate = (
        Money(profile.hourly_rate_minor, profile.currency).format() + "/hour"
        if profile.hourly_rate_minor is not None and profile.currency in CURRENCIES
        else ""
    )
    facts = [plain(markdown_as_text(profile.bio)) or f"{name} on {SITE_NAME}."]
    facts += [f"Skills: {', '.join(skills[:8])}."] if skills else []
    facts += [f"Rate: {rate}."] if rate else []
    url = f"{app_url}/u/{quote(user.username, safe='')}"
    return ShareTags(page_title(subject), subject, shorten(" ".join(facts)), url, kind="profile")


def plain(text: str) -> str:
    """One line of text: control characters out, runs of whitespace as one space."""
    return " ".join(_CONTROL.sub("", text).split())


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    text = plain(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


def render(tags: ShareTags) -> str:
    """The `<head>` markup: title, description, canonical link, Open Graph and Twitter card; every value escaped."""
    meta = [
        ("name", "description", tags.description),
        ("property", "og:title", tags.og_title),
        ("property", "og:description", tags.description),
        ("property", "og:url", tags.url),
        ("property", "og:type", tags.kind),
        ("property", "og:site_name", SITE_NAME),
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", tags.og_title),
        ("name", "twitter:description", tags.description),
    ]
    if tags.image:
        meta.append(("property", "og:image", tags.image))
    if not tags.indexable:
        meta.append(("name", "robots", "noindex"))
    parts = [f"<title>{escape(plain(tags.title))}</title>"]
    parts += [f'<meta {kind}="{name}" content="{escape(plain(value))}"/>' for kind, name, value in meta]
    parts.append(f'<link rel="canonical" href="{escape(tags.url)}"/>')
    return "".join(parts)
