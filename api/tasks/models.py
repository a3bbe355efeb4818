from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk

TASK_STATUSES = ("queued", "running", "succeeded", "partially_failed", "failed", "cancelled")
# pending: planned, not sent; sending: a call is (or may have been) under way; the rest are outcomes, of which
# awaiting_confirmation and awaiting_approval are not final.
ACTION_STATUSES = ("pending", "sending", "applied", "failed", "awaiting_confirmation", "awaiting_approval", "rejected")


class Task(Base):
    """One run of a strategy or of an ERP push, with the strategy's config as it was at run time."""

    __tablename__ = "tasks"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("strategy_id", "strategies"), ondelete="SET NULL (strategy_id)"),
        CheckConstraint("source IN ('strategy', 'erp', 'manual', 'schedule')", name="source"),
        CheckConstraint(f"status IN {TASK_STATUSES!r}", name="status"),
        Index(None, "tenant_id", "strategy_id", "created_at"),
        Index(None, "tenant_id", "created_at"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    strategy_id: Mapped[uuid.UUID | None]
    source: Mapped[str] = mapped_column(String(16))
    operation: Mapped[str | None] = mapped_column(String(16))  # price / stock / listing, or catalog_sync
    request_id: Mapped[str | None] = mapped_column(String(200))  # the ERP's request_id, when it came from one
    status: Mapped[str] = mapped_column(String(24), default="queued", server_default="queued")
    config_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # What planning saw besides actions: {"skipped_no_base_value": n, ...}.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    error: Mapped[str | None] = mapped_column(Text)
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
        CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="status"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index(None, "tenant_id", "task_id", "status"),
        Index(None, "tenant_id", "shop_id", "sku", "operation"),
        # The reconciler's and the confirmer's walk: actions not yet final, oldest heartbeat first.
        Index(
            "ix_push_actions_open",
            "tenant_id",
            "status",
            "heartbeat_at",
            postgresql_where=text("status IN ('pending', 'sending', 'awaiting_confirmation')"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID]
    shop_id: Mapped[uuid.UUID]
    batch_id: Mapped[uuid.UUID | None]  # the actions sent in one platform call share it
    sku: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(16))
    value: Mapped[dict[str, Any]] = mapped_column(JSONB)
    previous_value: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the last applied value at planning time
    idempotency_key: Mapped[str] = mapped_column(String(200))
    retry_of: Mapped[uuid.UUID | None]  # the failed action a retry from the board re-pushes
    status: Mapped[str] = mapped_column(String(24), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_trace_id: Mapped[str | None] = mapped_column(String(64))
    error_type: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    confirm_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class ErpRequest(Base):
    """An ERP call's request_id and its answer: the same request_id again answers the same and starts nothing."""

    __tablename__ = "erp_requests"
    tenant_id: Mapped[uuid.UUID] = tenant_key()
    endpoint: Mapped[str] = mapped_column(String(16), primary_key=True)  # prices / inventory
    request_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    accepted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()
