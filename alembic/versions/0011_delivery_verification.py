"""Deliveries on micro-tasks checked against their acceptance criteria; the number a delivery reports.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "criterioncheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Text(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id", "position", "method", name="uq_criterioncheck_delivery_position_method"),
    )
    with op.batch_alter_table("criterioncheck", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterioncheck_delivery_id"), ["delivery_id"], unique=False)
        batch_op.create_index("ix_criterioncheck_contract_delivery", ["contract_id", "delivery_id"], unique=False)
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_number", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("reported_number")
    with op.batch_alter_table("criterioncheck", schema=None) as batch_op:
        batch_op.drop_index("ix_criterioncheck_contract_delivery")
        batch_op.drop_index(batch_op.f("ix_criterioncheck_delivery_id"))
    op.drop_table("criterioncheck")
