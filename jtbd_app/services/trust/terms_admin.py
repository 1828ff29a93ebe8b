"""/admin/terms: administrators preview and publish a new version of the terms of service and see the past ones with
how many members accepted each. Publishing tells every active member and writes one audit entry, in one unit of work;
members then accept the new version before their next post, bid or payment (`accounts.terms.require_current_terms`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain.errors import PermissionDenied
from jtbd_app.domain.markdown_html import markdown_to_html
from jtbd_app.domain.terms_text import clean_terms
from jtbd_app.models import TermsAcceptance, TermsVersion, User
from jtbd_app.services import audit
from jtbd_app.services.accounts import terms
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_admin

PER_PAGE = 20
PUBLISH = "terms.publish"


@dataclass
class TermsVersionRow:
    version: int = 0
    title: str = ""
    summary: str = ""
    published: str = ""  # "2026-12-05"
    accepted: int = 0  # members who accepted this version
    current: bool = False


@dataclass
class TermsDraftView:
    """A draft that passed the checks, as the preview shows it (and as publishing will take it)."""

    title: str = ""
    body: str = ""  # the markdown, as publishing takes it
    summary: str = ""
    body_html: str = ""  # as /terms will show it (sanitized, headings under the preview's title, an h3)


@dataclass
class TermsHistory:
    rows: list[TermsVersionRow] = field(default_factory=list)
    members: int = 0  # active members now, to read the counts against
    page: int = 1
    pages: int = 1
    current_title: str = ""  # the current version's title and body, to start the next draft from
    current_body: str = ""


def preview(*, viewer: Viewer | None, title: object = "", body: object = "", summary: object = "") -> TermsDraftView:
    """The draft as it would be published (the page renders its markdown), or a message per bad field."""
    require_admin(viewer)
    draft = clean_terms(title, body, summary)
    return TermsDraftView(
        title=draft.title, body=draft.body, summary=draft.summary, body_html=markdown_to_html(draft.body, top_heading=4)
    )


def publish(session: Session, *, viewer: Viewer | None, title: object, body: object, summary: object) -> int:
    """The next version: published, announced to every active member, recorded in the audit log with the summary as
    its reason. The publishing admin accepts it (they wrote it). Returns the new version number."""
    admin = require_admin(viewer)
    draft = clean_terms(title, body, summary)
    version = terms.publish_terms(session, title=draft.title, body=draft.body, summary=draft.summary)
    terms.record_acceptance(session, user_id=admin.user_id, terms_version=version)
    members = session.exec(select(User.id).where(User.status == "active", User.id != admin.user_id)).all()
    for member_id in members:
        assert member_id is not None
        notify(
            session,
            user_id=member_id,
            kind="terms",
            title=f"The terms of service changed (version {version.version})",
            body=f"{draft.summary} Accept them before your next post, bid or payment.",
            link="/terms",
        )
    audit.record(
        session,
        actor_id=admin.user_id,
        action=PUBLISH,
        subject=f"terms:{version.version}",
        reason=draft.summary,
        detail={"version": version.version, "title": draft.title, "notified": len(members)},
    )
    return version.version


def publish_first(session: Session, *, title: object, body: object) -> int:
    """A fresh site's first terms, from the operator's command line: nobody can sign up before there are terms, so no
    admin exists yet to publish them on /admin/terms. Every later version goes through `publish`, by an admin."""
    current = terms.current_terms(session)
    if current is not None:
        raise PermissionDenied(
            f"Terms are published already (version {current.version}): an administrator publishes new versions on "
            "/admin/terms."
        )
    draft = clean_terms(title, body, "The first version.")
    return terms.publish_terms(session, title=draft.title, body=draft.body, summary=draft.summary).version


def history(session: Session, *, viewer: Viewer | None, page: int = 1) -> TermsHistory:
    """Every version, newest first, a page at a time, each with how many members accepted it (one grouped count)."""
    require_admin(viewer)
    total = int(session.exec(select(func.count()).select_from(TermsVersion)).one())
    pages = max(1, math.ceil(total / PER_PAGE))
    page = max(1, min(page, pages))
    versions = session.exec(
        select(TermsVersion).order_by(col(TermsVersion.version).desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    ids = [v.id for v in versions]
    counts = dict(
        session.exec(
            select(TermsAcceptance.terms_version_id, func.count())
            .where(col(TermsAcceptance.terms_version_id).in_(ids))
            .group_by(col(TermsAcceptance.terms_version_id))
        ).all()
    )
    current = terms.current_terms(session)
    members = int(session.exec(select(func.count()).select_from(User).where(User.status == "active")).one())
    return TermsHistory(
        rows=[
            TermsVersionRow(
                version=v.version,
                title=v.title,
                summary=v.summary,
                published=v.published_at.strftime("%Y-%m-%d %H:%M UTC"),
                accepted=int(counts.get(v.id or 0, 0)),
                current=current is not None and v.id == current.id,
            )
            for v in versions
        ],
        members=members,
        page=page,
        pages=pages,
        current_title=current.title if current else "",
        current_body=current.body if current else "",
    )
