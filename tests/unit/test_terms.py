"""Versioned terms: a new version must be accepted again, and only the version shown can be accepted."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from jtbd_app.domain.errors import NotSignedIn, ValidationFailed
from jtbd_app.services.accounts import terms
from tests.support.members import make_user


def test_a_new_version_needs_accepting_again_and_a_stale_one_is_refused(db: Session) -> None:
    user_id = make_user("ann").id
    assert user_id is not None
    assert not terms.needs_acceptance(db, user_id=user_id)
    terms.publish_terms(db, title="Terms", body="Version two.")
    assert terms.needs_acceptance(db, user_id=user_id)
    with pytest.raises(ValidationFailed):
        terms.accept_current(db, user_id=user_id, version=1)
    terms.accept_current(db, user_id=user_id, version=2)
    assert not terms.needs_acceptance(db, user_id=user_id)


def test_the_signed_in_viewer_accepts_the_version_shown(db: Session) -> None:
    from jtbd_app.services.viewer import Viewer

    ann = make_user("ann", status="suspended")
    assert ann.id is not None
    terms.publish_terms(db, title="Terms", body="Version two.")
    with pytest.raises(NotSignedIn):
        terms.accept_terms(db, viewer=None, version=2)
    viewer = Viewer(ann.id, "ann", "Ann", "user", "suspended")
    with pytest.raises(ValidationFailed):
        terms.accept_terms(db, viewer=viewer, version=1)
    terms.accept_terms(db, viewer=viewer, version=2)
    assert not terms.needs_acceptance(db, user_id=ann.id)
