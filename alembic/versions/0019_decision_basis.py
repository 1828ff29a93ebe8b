"""A decision on a frozen contract records what it decides over and the payment's refunded total it reaches, so a
gateway report of its refund that arrives before the refund's answer is booked once.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("freezedecision") as batch:
        batch.add_column(
            sa.Column("over", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("refund_to_total", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("freezedecision") as batch:
        batch.drop_column("refund_to_total")
        batch.drop_column("over")
