"""Rate-limit counters for sign-in, sign-up, posting, bidding, messaging and model calls (when Redis is not used).

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-06 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0021"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratelimitcounter",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(op.f("ix_ratelimitcounter_expires_at"), "ratelimitcounter", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ratelimitcounter_expires_at"), table_name="ratelimitcounter")
    op.drop_table("ratelimitcounter")
