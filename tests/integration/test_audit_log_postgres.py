"""On PostgreSQL, too, the database itself refuses to edit or delete an audit entry."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import AuditEntry
from jtbd_app.services import audit

pytestmark = pytest.mark.usefixtures("database")


@pytest.mark.parametrize("statement", ["UPDATE auditentry SET reason = 'changed'", "DELETE FROM auditentry"])
def test_the_database_refuses_to_edit_or_delete_an_audit_entry(statement: str) -> None:
    with session_scope() as session:
        audit.record(session, actor_id=None, action="partner.suspend", subject="partner:angi", reason="rule")
    with pytest.raises(DBAPIError, match="audit entries are never edited or deleted"), session_scope() as session:
        session.execute(text(statement))
    with session_scope() as session:
        assert [e.reason for e in session.exec(select(AuditEntry)).all()] == ["rule"]
