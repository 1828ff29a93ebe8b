"""A problem's escrow: one payment funds a problem's whole budget, its micro-tasks' contracts are funded from it.

Payments belong to a contract or to a problem (exactly one); ledger accounts and entries may name their problem;
contracts say where their escrow's money comes from; a problem keeps what a refund under way takes back.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.ledger import create_ledger_guards

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem_id", sa.Integer(), nullable=True))
        batch_op.alter_column("contract_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_payment_problem_id"), ["problem_id"], unique=False)
        batch_op.create_foreign_key("fk_payment_problem_id_problem", "problem", ["problem_id"], ["id"])
        batch_op.create_check_constraint("ck_payment_one_owner", "(contract_id IS NULL) <> (problem_id IS NULL)")
    # Added in place, never by copying the table: the ledger's tables carry the triggers that refuse edits. SQLite
    # takes "ADD COLUMN ... REFERENCES" in place too (the column defaults to NULL), so both get the foreign key.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("ledgeraccount", "journalentry"):
        if sqlite:  # alembic refuses a constraint here on SQLite, which takes it in place as plain SQL
            op.execute(f"ALTER TABLE {table} ADD COLUMN problem_id INTEGER REFERENCES problem (id)")
        else:
            reference = sa.ForeignKey("problem.id", name=f"fk_{table}_problem_id_problem")
            op.add_column(table, sa.Column("problem_id", sa.Integer(), reference, nullable=True))
        op.create_index(op.f(f"ix_{table}_problem_id"), table, ["problem_id"], unique=False)
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "funding_source", sqlmodel.sql.sqltypes.AutoString(length=8), server_default="payment", nullable=False
            )
        )
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returning_minor", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_column("returning_minor")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("funding_source")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("journalentry", "ledgeraccount"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if not sqlite:
                batch_op.drop_constraint(f"fk_{table}_problem_id_problem", type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_problem_id"))
            batch_op.drop_column("problem_id")
    if sqlite:  # SQLite copied the tables to drop the column, and their triggers went with the old ones
        create_ledger_guards(op.get_bind())
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint("ck_payment_one_owner", type_="check")
        batch_op.drop_constraint("fk_payment_problem_id_problem", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_payment_problem_id"))
        batch_op.drop_column("problem_id")
        batch_op.alter_column("contract_id", existing_type=sa.Integer(), nullable=False)
