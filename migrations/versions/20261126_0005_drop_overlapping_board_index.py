"""Drop the board index that the newest-first status index (0004) now covers: one less index for every ingest

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 00:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_error_groups_board", table_name="error_groups")


def downgrade() -> None:
    op.create_index(
        "ix_error_groups_board",
        "error_groups",
        ["tenant_id", "status", "severity", sa.literal_column("last_seen DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
