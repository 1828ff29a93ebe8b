"""A payment that failed only because the gateway's answer was lost (it may have been made): paying again asks the
gateway again under the same idempotency key instead of charging a second time.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("answer_lost", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("answer_lost")
