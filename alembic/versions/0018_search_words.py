"""the vocabulary of open listings for typo-forgiving search (FTS5 vocabulary on SQLite, counted words on PostgreSQL)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 21:40:00
"""

from collections.abc import Sequence

from alembic import op
from jtbd_app.models.search_words import create_search_words, drop_search_words

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The same DDL runs when tests build tables with metadata.create_all; it also counts the open listings there.
    create_search_words(op.get_bind())


def downgrade() -> None:
    drop_search_words(op.get_bind())
