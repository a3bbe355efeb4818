from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ApprovalStatus = Literal["pending", "approved", "rejected"]


class ApprovalOut(BaseModel):
    id: uuid.UUID
    status: ApprovalStatus
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    note: str | None
    push_action_id: uuid.UUID
    task_id: uuid.UUID
    strategy_id: uuid.UUID | None
    shop_id: uuid.UUID
    shop_name: str
    sku: str
    operation: str
    value: dict[str, Any]
    previous_value: dict[str, Any] | None


class ApprovalList(BaseModel):
    items: list[ApprovalOut]
    next_cursor: str | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=2000)
