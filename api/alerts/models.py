from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, uuid_pk


class AlertRule(Base):
    """A threshold over error counts, sent to a robot webhook or email with a cooldown."""

    __tablename__ = "alert_rules"
    __table_args__ = (CheckConstraint("channel IN ('wecom', 'dingtalk', 'feishu', 'email')", name="channel"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    filter: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    threshold: Mapped[int]
    window_minutes: Mapped[int] = mapped_column(default=1440, server_default="1440")
    channel: Mapped[str] = mapped_column(String(16))
    # Webhook URL or address list, and a signing secret: encrypted, they carry credentials.
    target_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    cooldown_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()


class AlertDelivery(Base):
    """One send of one rule for one window; unique per window so a retried job never sends twice."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("rule_id", "alert_rules"), ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "rule_id", "window_key"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    rule_id: Mapped[uuid.UUID]
    window_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    error_count: Mapped[int] = mapped_column(default=0, server_default="0")
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
