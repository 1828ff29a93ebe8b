"""The audit log: every admin action and every money movement, with who, what, when and why. Entries are never
edited or deleted: the database refuses it, as it does for ledger entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text, event, text
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class AuditEntry(SQLModel, table=True):
    """One thing that happened. `actor_id` is the admin or member who did it (None for the system, such as the
    partner curation rule); `action` a dotted name ("partner.suspend"); `subject` what it was done to
    ("partner:fiverr", "contract:42"); `reason` the words given; `detail` more, as JSON text."""

    __table_args__ = (Index("ix_auditentry_action_at", "action", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=40)
    subject: str = Field(default="", max_length=80, index=True)
    reason: str = Field(default="", sa_type=Text)
    detail: str = Field(default="", sa_type=Text)


_SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS auditentry_no_update BEFORE UPDATE ON auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are never edited'); END",
    "CREATE TRIGGER IF NOT EXISTS auditentry_no_delete BEFORE DELETE ON auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS auditentry_no_update", "DROP TRIGGER IF EXISTS auditentry_no_delete"]
_PG_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'audit entries are never edited or deleted'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER auditentry_immutable BEFORE UPDATE OR DELETE ON auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS auditentry_immutable ON auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def create_audit_guards(connection: Connection) -> None:
    """The database's own refusal to edit or delete an audit entry (migration 0012 and create_all)."""
    for statement in _PG_CREATE if connection.dialect.name == "postgresql" else _SQLITE_CREATE:
        connection.execute(text(statement))


def drop_audit_guards(connection: Connection) -> None:
    for statement in _PG_DROP if connection.dialect.name == "postgresql" else _SQLITE_DROP:
        connection.execute(text(statement))


@event.listens_for(AuditEntry.__table__, "after_create")  # type: ignore[attr-defined]
def _after_create(_target: Any, connection: Connection, **_kw: Any) -> None:
    create_audit_guards(connection)
