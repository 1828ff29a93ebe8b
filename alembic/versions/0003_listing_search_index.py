"""listing full-text search index (FTS5 on SQLite, weighted tsvector + GIN on PostgreSQL)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op
from jtbd_app.models.search_index import create_search_index, drop_search_index

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The same DDL runs when tests build tables with metadata.create_all; it also indexes existing listings.
    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
