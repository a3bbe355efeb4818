"""Alert rules, their deliveries and the SLA reminders already sent (migration 0013)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk


class AlertRule(Base):
    """A condition over the board's errors, sent to channels with a cooldown, quiet hours and a daily digest.

    The channels' URLs and secrets (a robot URL carries its key) are one encrypted JSON list; `channels_public`
    describes them without secrets, for answers and the SPA."""

    __tablename__ = "alert_rules"
    __table_args__ = (
        CheckConstraint("digest_hour BETWEEN 0 AND 23", name="digest_hour"),
        CheckConstraint("cooldown_minutes >= 0", name="cooldown"),
        UniqueConstraint("tenant_id", "name"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    condition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    channels_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    channels_public: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    cooldown_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    quiet_hours: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    digest_hour: Mapped[int | None] = mapped_column(SmallInteger)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "any" rules: events received up to here were looked at (quiet hours and cooldowns leave it behind).
    checked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class AlertDelivery(Base):
    """One message of one rule for one window to one of its channels. Unique per (rule, window, channel): a second
    evaluator, a retried job or a re-run cron finds the row and sends nothing. Rows of one `batch_id` share one
    target and go out as one merged message."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        CheckConstraint("kind IN ('alert', 'digest', 'reminder', 'test')", name="kind"),
        CheckConstraint("status IN ('pending', 'sending', 'retrying', 'sent', 'failed')", name="status"),
        ForeignKeyConstraint(*tenant_fk("rule_id", "alert_rules"), ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "rule_id", "window_key", "channel_index"),
        Index("ix_alert_deliveries_tenant_created", "tenant_id", "created_at"),
        Index("ix_alert_deliveries_batch", "tenant_id", "batch_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    rule_id: Mapped[uuid.UUID]
    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    channel_index: Mapped[int] = mapped_column(SmallInteger)
    channel_kind: Mapped[str] = mapped_column(String(16))
    target_hint: Mapped[str] = mapped_column(String(300), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(16))
    window_key: Mapped[str] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    response_status: Mapped[int | None]
    response_code: Mapped[str | None] = mapped_column(String(64))
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the last send began
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AlertReminder(Base):
    """An SLA rule reminded of this opening of a group (first seen, or reopened at): never again for it."""

    __tablename__ = "alert_reminders"
    __table_args__ = (ForeignKeyConstraint(*tenant_fk("rule_id", "alert_rules"), ondelete="CASCADE"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    rule_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    group_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    created_at: Mapped[datetime] = created_at()
