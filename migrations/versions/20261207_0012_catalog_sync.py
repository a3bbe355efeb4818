"""Catalog sync and price tracing: tasks started by the daily schedule; what each binding's platform listing looked
like when it was last read (status, price, stock, when); the tenant's FX table, reporting currency and the price
spread across shops beyond which a SKU is flagged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_tasks_source"), "tasks", type_="check")
    op.create_check_constraint("source", "tasks", "source IN ('strategy', 'erp', 'manual', 'schedule')")
    op.add_column("sku_bindings", sa.Column("platform_status", sa.String(64)))
    op.add_column("sku_bindings", sa.Column("platform_price", sa.Numeric(18, 4)))
    op.add_column("sku_bindings", sa.Column("platform_quantity", sa.Integer()))
    op.add_column("sku_bindings", sa.Column("platform_seen_at", sa.DateTime(timezone=True)))
    op.add_column("tenant_settings", sa.Column("reporting_currency", sa.String(3), server_default="CNY", nullable=False))
    op.add_column(
        "tenant_settings",
        sa.Column("fx_rates", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("tenant_settings", sa.Column("price_spread_pct", sa.Integer(), server_default="20", nullable=False))


def downgrade() -> None:
    for column in ("price_spread_pct", "fx_rates", "reporting_currency"):
        op.drop_column("tenant_settings", column)
    for column in ("platform_seen_at", "platform_quantity", "platform_price", "platform_status"):
        op.drop_column("sku_bindings", column)
    op.execute("DELETE FROM tasks WHERE source = 'schedule'")
    op.drop_constraint(op.f("ck_tasks_source"), "tasks", type_="check")
    op.create_check_constraint("source", "tasks", "source IN ('strategy', 'erp', 'manual')")
