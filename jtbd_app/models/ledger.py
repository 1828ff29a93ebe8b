"""The double-entry ledger: accounts, journal entries and their postings.

Sign convention: a posting's amount is positive for a debit and negative for a credit; the postings of an
entry sum to zero. An account's `balance_minor` is kept on its normal side (debit for assets, credit for
what we owe), so "escrow holds $100" reads as 100; the database refuses a negative balance where it must not
go below zero, refuses postings of zero, and refuses any edit or deletion of a posted entry. On PostgreSQL a
deferred trigger also refuses an entry whose postings do not sum to zero at commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, event, text
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class LedgerAccount(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("may_go_negative OR balance_minor >= 0", name="ck_ledger_account_not_negative"),
        CheckConstraint("normal_side IN ('debit', 'credit')", name="ck_ledger_account_side"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=80, unique=True)  # e.g. "escrow:contract:42:USD", "problem_escrow:problem:3:USD"
    kind: str = Field(max_length=24, index=True)  # platform_cash | escrow | payable | fee_revenue | ...
    currency: str = Field(max_length=3)
    normal_side: str = Field(max_length=6)
    may_go_negative: bool = Field(default=False)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    problem_id: int | None = Field(default=None, foreign_key="problem.id", index=True)  # a problem's escrow
    balance_minor: int = Field(default=0)  # on the normal side; kept by the ledger service under a row lock
    created_at: datetime = ts()


class JournalEntry(SQLModel, table=True):
    """One money movement; its idempotency key names the business action ("release:contract:42")."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=24, index=True)  # fund | release | refund | payout | payout_reversal | ...
    currency: str = Field(max_length=3)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    problem_id: int | None = Field(default=None, foreign_key="problem.id", index=True)  # money of a problem's escrow
    memo: str = Field(default="", max_length=300)
    created_at: datetime = ts()


class Posting(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("amount_minor <> 0", name="ck_posting_not_zero"),
        Index("ix_posting_account_entry", "account_id", "entry_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journalentry.id", index=True)
    account_id: int = Field(foreign_key="ledgeraccount.id")
    amount_minor: int  # + debit, - credit


IMMUTABLE_TABLES = ("journalentry", "posting")
BALANCE_TRIGGER = "posting_entry_balanced"


def _sqlite_immutability(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'posted ledger entries are never edited'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'posted ledger entries are never deleted'); END",
    ]


_PG_CREATE = [
    "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'posted ledger entries are never edited or deleted'; END; $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger AS $$ "
    "DECLARE total bigint; BEGIN "
    "SELECT COALESCE(SUM(amount_minor), 0) INTO total FROM posting WHERE entry_id = NEW.entry_id; "
    "IF total <> 0 THEN RAISE EXCEPTION 'journal entry % does not balance (%)', NEW.entry_id, total; END IF; "
    "RETURN NULL; END; $$ LANGUAGE plpgsql",
    *[
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        for table in IMMUTABLE_TABLES
    ],
    f"CREATE CONSTRAINT TRIGGER {BALANCE_TRIGGER} AFTER INSERT ON posting DEFERRABLE INITIALLY DEFERRED "
    "FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced()",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS {BALANCE_TRIGGER} ON posting",
    *[f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}" for table in IMMUTABLE_TABLES],
    "DROP FUNCTION IF EXISTS ledger_check_entry_balanced()",
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]


def create_ledger_guards(connection: Connection) -> None:
    """The database's own refusals of edits and unbalanced entries (migration 0005 and create_all)."""
    if connection.dialect.name == "postgresql":
        statements = _PG_CREATE
    else:
        statements = [s for table in IMMUTABLE_TABLES for s in _sqlite_immutability(table)]
    for statement in statements:
        connection.execute(text(statement))


def drop_ledger_guards(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        statements = _PG_DROP
    else:
        statements = [f"DROP TRIGGER IF EXISTS {t}_{op}" for t in IMMUTABLE_TABLES for op in ("no_update", "no_delete")]
    for statement in statements:
        connection.execute(text(statement))


@event.listens_for(Posting.__table__, "after_create")  # type: ignore[attr-defined]
def _after_create(_target: Any, connection: Connection, **_kw: Any) -> None:
    create_ledger_guards(connection)
