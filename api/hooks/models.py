from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, uuid_pk


class PlatformNotification(Base):
    """One notification a platform pushed for a shop, kept as it came (the raw body), once per dedupe key: the
    platform's own notification id, or the body's SHA-256 when the platform gives none."""

    __tablename__ = "platform_notifications"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "shop_id", "dedupe_key"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    shop_id: Mapped[uuid.UUID]
    platform: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    notification_id: Mapped[str | None] = mapped_column(String(200))  # the platform's, when it gives one
    kind: Mapped[str] = mapped_column(String(64))  # the platform's type: "6", "LISTINGS_ITEM_ISSUES_CHANGE", ...
    # What it means to us: auth_expired, auth_expiring, listing_rejected, listing_cleared, ignored.
    effect: Mapped[str] = mapped_column(String(32))
    # applied (something changed), unbound (a listing no SKU is bound to), ignored (nothing to do).
    outcome: Mapped[str] = mapped_column(String(16))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the platform's timestamp
    raw_body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = created_at()
