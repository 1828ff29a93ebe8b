"""Money events in any order: disputes, early events that wait for their payment, reversals by running total, and
an administrator's decision on a frozen contract.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import jtbd_app.models
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispute",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", jtbd_app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", jtbd_app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_dispute_amount_positive"),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_dispute_payment_id"), "dispute", ["payment_id"], unique=False)
    op.create_table(
        "freezedecision",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("contractor_minor", sa.Integer(), nullable=False),
        sa.Column("client_minor", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("decided_at", jtbd_app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["admin_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reversed_minor", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("webhookevent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("waiting_for", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
        batch_op.add_column(sa.Column("payload", sa.Text(), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_webhookevent_waiting_for"), ["waiting_for"], unique=False)
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("frozen_reason", sqlmodel.sql.sqltypes.AutoString(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("revision_due_at", jtbd_app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("revision_due_at")
        batch_op.drop_column("frozen_reason")
    with op.batch_alter_table("webhookevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhookevent_waiting_for"))
        batch_op.drop_column("payload")
        batch_op.drop_column("waiting_for")
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.drop_column("reversed_minor")
    op.drop_table("freezedecision")
    op.drop_index(op.f("ix_dispute_payment_id"), table_name="dispute")
    op.drop_table("dispute")
