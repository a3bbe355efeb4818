from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk


class Strategy(Base):
    """A named rule set of a kind over a group of shops."""

    __tablename__ = "strategies"
    __table_args__ = (
        CheckConstraint("kind IN ('price_adjust', 'inventory_sync', 'listing_publish')", name="kind"),
        UniqueConstraint("tenant_id", "name"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # Which SKUs it covers: {"skus": [...]} and/or {"prefix": "AMZ-"}; empty = every SKU.
    sku_filter: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    schedule: Mapped[str | None] = mapped_column(String(100))  # a cron expression, or None: runs on demand only
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    monitoring_enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    # e.g. {"max_price_cut_pct": 20, "hold_stock_to_zero": true}
    approval_policy: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class StrategyShop(Base):
    """The group of shops a strategy runs over."""

    __tablename__ = "strategy_shops"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("strategy_id", "strategies"), ondelete="CASCADE"),
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    strategy_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    shop_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
