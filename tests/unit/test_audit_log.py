"""The audit log keeps what happened: an entry is written in the unit of work that acts, and the database refuses
to edit or delete it (SQLite triggers here; PostgreSQL in the integration tier)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import AuditEntry
from jtbd_app.services import audit
from tests.support.members import make_user


def test_an_entry_records_who_what_to_what_why_and_more() -> None:
    admin = make_user("auditor")
    with session_scope() as session:
        audit.record(
            session,
            actor_id=admin.id,
            action="partner.suspend",
            subject="partner:fiverr",
            reason="Too many bad outcomes",
            detail={"average": "2.0", "rated": 5},
        )
    with session_scope() as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.subject, entry.reason) == (
        admin.id,
        "partner.suspend",
        "partner:fiverr",
        "Too many bad outcomes",
    )
    assert json.loads(entry.detail) == {"average": "2.0", "rated": 5} and entry.at is not None


def test_an_entry_rolls_back_with_the_action_it_records() -> None:
    with pytest.raises(RuntimeError), session_scope() as session:
        audit.record(session, actor_id=None, action="partner.suspend", subject="partner:angi", reason="rule")
        raise RuntimeError("the action failed")
    with session_scope() as session:
        assert session.exec(select(AuditEntry)).all() == []


@pytest.mark.parametrize("statement", ["UPDATE auditentry SET reason = 'changed'", "DELETE FROM auditentry"])
def test_the_database_refuses_to_edit_or_delete_an_entry(statement: str, db: Session) -> None:
    with session_scope() as session:
        audit.record(session, actor_id=None, action="partner.suspend", subject="partner:angi", reason="rule")
    with pytest.raises(DBAPIError, match="audit entries are never"), session_scope() as session:
        session.execute(text(statement))
    assert [e.reason for e in db.exec(select(AuditEntry)).all()] == ["rule"]
