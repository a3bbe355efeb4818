from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk


class ErrorGroup(Base):
    """A board row: the events that share a fingerprint (tenant, shop, error type, platform code, SKU). The id is
    derived from the fingerprint (api.errors.ingest.group_id_of)."""

    __tablename__ = "error_groups"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
        ForeignKeyConstraint(*tenant_fk("strategy_id", "strategies"), ondelete="SET NULL (strategy_id)"),
        ForeignKeyConstraint(*tenant_fk("assignee_id", "users"), ondelete="SET NULL (assignee_id)"),
        CheckConstraint("status IN ('open', 'handled', 'archived')", name="status"),
        CheckConstraint("severity IN ('error', 'warning')", name="severity"),
        Index(None, "tenant_id", "shop_id", "sku", "operation"),
        # The board: walk one status newest first (the severity tab filters on the included column). The included columns let the facets count the
        # window from the index alone (an index-only scan) instead of visiting every matching row.
        Index(
            "ix_error_groups_status_last_seen",
            "tenant_id",
            "status",
            text("last_seen DESC"),
            text("id DESC"),
            postgresql_include=[
                "severity",
                "error_type",
                "platform",
                "shop_id",
                "strategy_id",
                "assignee_id",
                "snoozed_until",
                "snoozed_until_count",
            ],
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    shop_id: Mapped[uuid.UUID]
    platform: Mapped[str] = mapped_column(String(16))
    error_type: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(8))
    platform_error_code: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sku: Mapped[str] = mapped_column(String(200), default="", server_default="")
    operation: Mapped[str | None] = mapped_column(String(16))
    strategy_id: Mapped[uuid.UUID | None]  # of the latest event
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest_event_id: Mapped[int | None] = mapped_column(BigInteger)
    latest_trace_id: Mapped[str | None] = mapped_column(String(64))
    latest_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    regression_count: Mapped[int] = mapped_column(default=0, server_default="0")
    regressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the last time it reopened
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(200))  # "user:<id>", "api_key:<id>" or "system"
    resolution: Mapped[str | None] = mapped_column(String(32))
    handled_note: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[uuid.UUID | None]
    pinned_note: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snoozed_until_count: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class ErrorGroupText(Base):
    """What the board's `q` matches in a group: SKU, platform code and latest message, lower-cased in one column,
    copied from error_groups by triggers (migration 0009).

    A table of its own so that the trigram index, some fifty entries a row, is written when a group is created or
    its message changes, not by every event that moves the group's counters."""

    __tablename__ = "error_group_texts"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("group_id", "error_groups"), ondelete="CASCADE"),
        Index(
            "ix_error_group_texts_search",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key(foreign_key=False)  # pinned by (tenant_id, group_id)
    group_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    search_text: Mapped[str] = mapped_column(Text)


class ErrorEvent(Base):
    """One observed failure or warning. Immutable; points at its trace, task, strategy, shop and SKU."""

    __tablename__ = "error_events"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("group_id", "error_groups"), ondelete="CASCADE"),
        CheckConstraint("severity IN ('error', 'warning')", name="severity"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_error_events_tenant_id_group_id_occurred_at", "tenant_id", "group_id", text("occurred_at DESC")),
        Index(None, "tenant_id", "occurred_at"),
        Index(None, "tenant_id", "trace_id"),
        Index(None, "tenant_id", "received_at"),  # alert rules count what arrived in their window
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key(foreign_key=False)  # pinned by (tenant_id, group_id)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    group_id: Mapped[uuid.UUID]
    idempotency_key: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = created_at()
    platform: Mapped[str] = mapped_column(String(16))
    shop_id: Mapped[uuid.UUID]
    strategy_id: Mapped[uuid.UUID | None]
    task_id: Mapped[uuid.UUID | None]
    trace_id: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(16))
    sku: Mapped[str] = mapped_column(String(200), default="", server_default="")
    platform_item_id: Mapped[str | None] = mapped_column(String(64))
    error_type: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(8))
    platform_error_code: Mapped[str] = mapped_column(String(200), default="", server_default="")
    platform_error_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    missing_fields: Mapped[list[str]] = mapped_column(ARRAY(String(200)), default=list, server_default="{}")
    raw_excerpt: Mapped[str] = mapped_column(Text, default="", server_default="")


class SavedView(Base):
    """A named board filter, private to its owner or shared with the tenant; at most one is the tenant's default."""

    __tablename__ = "saved_views"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("owner_id", "users"), ondelete="CASCADE"),
        Index("uq_saved_views_one_default", "tenant_id", unique=True, postgresql_where=text("is_default")),
        Index(None, "tenant_id", "owner_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    shared: Mapped[bool] = mapped_column(default=False, server_default="false")
    is_default: Mapped[bool] = mapped_column(default=False, server_default="false")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
