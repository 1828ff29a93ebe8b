"""Login grants bound to the browser that asked (a nonce hash), and mailed links that connect a provider identity.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Grants live a minute: any left from before the upgrade have no nonce and would be refused anyway.
    op.execute("DELETE FROM logingrant")
    with op.batch_alter_table("logingrant") as batch_op:
        batch_op.add_column(
            sa.Column(
                "browser_nonce_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("accountlink") as batch_op:
        batch_op.add_column(
            sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("accountlink") as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_column("provider")
    with op.batch_alter_table("logingrant") as batch_op:
        batch_op.drop_column("browser_nonce_hash")
