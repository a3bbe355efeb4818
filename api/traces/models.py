from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, tenant_key


class Trace(Base):
    """One platform HTTP exchange (one attempt of a call; attempts of one call share trace_id), redacted."""

    __tablename__ = "traces"
    __table_args__ = (
        UniqueConstraint("tenant_id", "trace_id", "attempt"),
        Index(None, "tenant_id", "started_at"),
        Index(None, "tenant_id", "task_id", "started_at"),
        Index(None, "tenant_id", "shop_id", "started_at"),
        # People search the log for failed calls; they are few, so a partial index answers them directly.
        Index("ix_traces_not_ok", "tenant_id", "outcome", "started_at", postgresql_where=text("outcome <> 'ok'")),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    trace_id: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    task_id: Mapped[uuid.UUID | None]
    strategy_id: Mapped[uuid.UUID | None]
    shop_id: Mapped[uuid.UUID | None]
    platform: Mapped[str] = mapped_column(String(16))
    operation: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | error | transport_error
    method: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(Text)
    request_headers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    request_body: Mapped[str] = mapped_column(Text, default="")
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    response_body: Mapped[str] = mapped_column(Text, default="")
    transport_error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
