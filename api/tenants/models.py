from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, updated_at, uuid_pk

DEFAULT_APPROVAL_POLICY: dict[str, Any] = {"max_price_cut_pct": 30, "hold_stock_to_zero": True}


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = created_at()


class TenantSettings(Base):
    __tablename__ = "tenant_settings"
    __table_args__ = (
        CheckConstraint("retention_days IN (30, 90, 180)", name="retention_days"),
        CheckConstraint("language IN ('zh-CN', 'en')", name="language"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    retention_days: Mapped[int] = mapped_column(default=90, server_default="90")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    language: Mapped[str] = mapped_column(String(8), default="zh-CN", server_default="zh-CN")
    # Price tracing: shop prices compared in one currency; 1 unit of each currency is fx_rates[code] of it.
    reporting_currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    fx_rates: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict, server_default="{}")
    price_spread_pct: Mapped[int] = mapped_column(default=20, server_default="20")
    # The approval policy of direct ERP pushes (strategies carry their own).
    approval_policy: Mapped[dict[str, Any]] = mapped_column(
        JSONB,
        default=lambda: dict(DEFAULT_APPROVAL_POLICY),
        server_default=text("""'{"max_price_cut_pct": 30, "hold_stock_to_zero": true}'::jsonb"""),
    )
    updated_at: Mapped[datetime] = updated_at()
