"""PostgreSQL: the search index writes changes into its tree at once (no pending list for searches to read through),
and listing pages keep room for in-place updates of a bid's count. Nothing to do on SQLite.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

from alembic import op
from jtbd_app.models.search_index import reset_search_storage, tune_search_storage

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The fillfactor applies to pages written from now on; `VACUUM FULL listing` applies it to every page at once
    # (it locks the table: docs/DEPLOYMENT.md, upgrading).
    tune_search_storage(op.get_bind())


def downgrade() -> None:
    reset_search_storage(op.get_bind())
