from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk


class Task(Base):
    """One run of a strategy or of an ERP push, with the strategy's config as it was at run time."""

    __tablename__ = "tasks"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("strategy_id", "strategies"), ondelete="SET NULL (strategy_id)"),
        CheckConstraint("source IN ('strategy', 'erp', 'manual')", name="source"),
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled')", name="status"
        ),
        Index(None, "tenant_id", "strategy_id", "created_at"),
        Index(None, "tenant_id", "created_at"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    strategy_id: Mapped[uuid.UUID | None]
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), default="queued", server_default="queued")
    config_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_by: Mapped[str | None] = mapped_column(String(200))  # "user:<id>", "api_key:<id>" or "system"
    created_at: Mapped[datetime] = created_at()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PushAction(Base):
    """One intended change (SKU x shop x operation x value) inside a task, applied at most once."""

    __tablename__ = "push_actions"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("task_id", "tasks"), ondelete="CASCADE"),
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
        CheckConstraint("operation IN ('price', 'stock', 'listing')", name="operation"),
        CheckConstraint(
            "status IN ('pending', 'applied', 'failed', 'awaiting_confirmation', 'awaiting_approval', 'rejected')",
            name="status",
        ),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index(None, "tenant_id", "task_id"),
        Index(None, "tenant_id", "shop_id", "sku", "operation"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID]
    shop_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(16))
    value: Mapped[dict[str, Any]] = mapped_column(JSONB)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(24), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_trace_id: Mapped[str | None] = mapped_column(String(64))
    confirm_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
