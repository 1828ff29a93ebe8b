"""Versioned terms of service and who accepted which version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists
from sqlmodel import Session, col, select

from jtbd_app.domain.errors import TermsNotAccepted, ValidationFailed
from jtbd_app.domain.markdown_html import markdown_to_html
from jtbd_app.models import TermsAcceptance, TermsVersion
from jtbd_app.services.viewer import Viewer, require_viewer


def current_terms(session: Session) -> TermsVersion | None:
    return session.exec(select(TermsVersion).order_by(col(TermsVersion.version).desc())).first()


def body_html(terms_version: TermsVersion) -> str:
    """The version's markdown as /terms shows it: sanitized HTML, its headings under the page's title (an h1)."""
    return markdown_to_html(terms_version.body, top_heading=2)


def publish_terms(session: Session, *, title: str, body: str, summary: str = "") -> TermsVersion:
    """The next version, as given (the admin use case, `services/trust/terms_admin.publish`, checks the text)."""
    latest = current_terms(session)
    version = TermsVersion(version=(latest.version + 1) if latest else 1, title=title, body=body, summary=summary)
    session.add(version)
    session.flush()
    return version


def record_acceptance(session: Session, *, user_id: int, terms_version: TermsVersion) -> None:
    assert terms_version.id is not None
    if not has_accepted(session, user_id=user_id, terms_version=terms_version):
        session.add(TermsAcceptance(user_id=user_id, terms_version_id=terms_version.id))
        session.flush()


def has_accepted(session: Session, *, user_id: int, terms_version: TermsVersion) -> bool:
    return (
        session.exec(
            select(TermsAcceptance).where(
                TermsAcceptance.user_id == user_id,
                TermsAcceptance.terms_version_id == terms_version.id,
            )
        ).first()
        is not None
    )


def needs_acceptance(session: Session, *, user_id: int) -> bool:
    """Whether a current version exists that this user has not accepted yet."""
    return bool(session.exec(select(needs_acceptance_of(user_id))).one())


def needs_acceptance_of(user_id: Any) -> Any:
    """`needs_acceptance` as a SQL condition (`user_id`: a value or a column), for a statement that reads more."""
    current = select(TermsVersion.id).order_by(col(TermsVersion.version).desc()).limit(1).scalar_subquery()
    accepted = select(TermsAcceptance.id).where(
        col(TermsAcceptance.user_id) == user_id, col(TermsAcceptance.terms_version_id) == current
    )
    return and_(exists(select(TermsVersion.id)), ~exists(accepted))


def require_current_terms(session: Session, viewer: Viewer | None) -> None:
    """No post, bid or payment until the member has accepted the current version: called by those services after
    they checked who is asking (a visitor is refused there). Nothing is required while no terms were published."""
    if viewer is None:
        return
    if needs_acceptance(session, user_id=viewer.user_id):
        raise TermsNotAccepted()


def accept_current(session: Session, *, user_id: int, version: object) -> None:
    """Accept the current version; refuses a stale version the viewer never saw."""
    current = current_terms(session)
    if current is None or version != current.version:
        raise ValidationFailed({"terms": "The terms have changed; please read the current version."})
    record_acceptance(session, user_id=user_id, terms_version=current)


def accept_terms(session: Session, *, viewer: Viewer | None, version: object) -> None:
    """The signed-in viewer accepts the version they were shown (suspended members too: they may still read)."""
    actor = require_viewer(viewer)
    accept_current(session, user_id=actor.user_id, version=version)
