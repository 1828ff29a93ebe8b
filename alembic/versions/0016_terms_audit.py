"""Terms versions say what changed (the publishing admin's summary).

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("termsversion") as batch:
        batch.add_column(
            sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("termsversion") as batch:
        batch.drop_column("summary")
