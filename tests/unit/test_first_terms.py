"""A fresh site's first terms of service come from the operator's command line (`python -m jtbd_app.cli
publish-terms`): nobody can sign up, so no administrator exists, before there are terms. Later versions are an
administrator's, on /admin/terms."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.models import TermsVersion
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import terms_admin

BODY = "# Terms\n\n1. Be kind.\n2. Pay through escrow."


@pytest.fixture
def fresh_site(db: Session) -> None:
    """No terms yet, as after the first migration (the unit tier's database starts with version 1)."""
    db.exec(delete(TermsVersion))  # type: ignore[call-overload]
    db.commit()


def test_the_first_terms_of_a_fresh_site_are_published_as_version_one(fresh_site: None) -> None:
    with session_scope() as s:
        assert terms_admin.publish_first(s, title="Terms of service", body=BODY) == 1
    with session_scope() as s:
        current = terms.current_terms(s)
    assert current is not None and (current.version, current.title, current.body) == (1, "Terms of service", BODY)


@pytest.mark.parametrize(
    ("title", "body"), [("", BODY), ("Terms of service", ""), ("Terms of service", "<script>alert(1)</script>")]
)
def test_empty_or_hostile_first_terms_are_refused_and_nothing_is_published(
    fresh_site: None, db: Session, title: str, body: str
) -> None:
    with pytest.raises(ValidationFailed), session_scope() as s:
        terms_admin.publish_first(s, title=title, body=body)
    assert db.exec(select(TermsVersion)).all() == []


def test_once_there_are_terms_the_command_line_publishes_no_more(db: Session) -> None:
    with pytest.raises(PermissionDenied, match=r"version 1\): an administrator publishes"), session_scope() as s:
        terms_admin.publish_first(s, title="Sneaky terms", body=BODY)
    assert [v.version for v in db.exec(select(TermsVersion)).all()] == [1]
