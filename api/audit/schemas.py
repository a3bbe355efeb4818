from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

ActorKind = Literal["user", "api_key", "system"]


class Actor(BaseModel):
    kind: ActorKind
    id: str | None
    label: str = Field(description="the user's email or the key's name at the time")


class AuditEntryOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: Actor
    action: str = Field(examples=["shop.update", "error.handle"])
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    payload: dict[str, Any] | None
    request_id: str | None


class AuditLogPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page; null at the end")
