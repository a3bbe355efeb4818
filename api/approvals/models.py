from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, uuid_pk


class Approval(Base):
    """A risky push action held until a person approves or rejects it."""

    __tablename__ = "approvals"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("push_action_id", "push_actions"), ondelete="CASCADE"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        Index(None, "tenant_id", "status", "requested_at"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    push_action_id: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    requested_at: Mapped[datetime] = created_at()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
