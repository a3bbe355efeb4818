"""ERP pushes in, tasks and push actions out."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.validation import Text

MAX_ROWS_PER_REQUEST = 5000

Sku = Annotated[Text, Field(min_length=1, max_length=200)]
RequestId = Annotated[Text, Field(min_length=1, max_length=200, description="the same request_id again starts nothing")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD")]


def _finite_positive(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value <= 0:
        raise ValueError("must be greater than 0")
    if value >= Decimal("1e12"):
        raise ValueError("must be below 1,000,000,000,000")
    return value


class PriceRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    price: Decimal = Field(description='a decimal string, e.g. "19.99"')
    currency: Currency
    sale_price: Decimal | None = None
    shop_id: uuid.UUID | None = Field(
        default=None, description="a direct push to this shop; without it, the ERP base price"
    )

    @field_validator("price", "sale_price")
    @classmethod
    def _positive(cls, value: Decimal | None) -> Decimal | None:
        return _finite_positive(value)


class PricesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: RequestId
    items: list[PriceRow] = Field(min_length=1, max_length=MAX_ROWS_PER_REQUEST)


class InventoryRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    quantity: int = Field(ge=0, le=10_000_000, strict=True)
    shop_id: uuid.UUID | None = Field(
        default=None, description="a direct push to this shop; without it, the ERP available quantity"
    )


class InventoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: RequestId
    items: list[InventoryRow] = Field(min_length=1, max_length=MAX_ROWS_PER_REQUEST)


class PushAccepted(BaseModel):
    task_ids: list[uuid.UUID]
    accepted: int


class TaskStarted(BaseModel):
    task_id: uuid.UUID


# --- tasks ----------------------------------------------------------------------------------------------------------

TaskStatus = Literal["queued", "running", "succeeded", "partially_failed", "failed", "cancelled"]
TaskSource = Literal["strategy", "erp", "manual", "schedule"]
ActionStatus = Literal[
    "pending", "sending", "applied", "failed", "awaiting_confirmation", "awaiting_approval", "rejected"
]


class TaskCounts(BaseModel):
    planned: int = 0
    applied: int = 0
    failed: int = 0
    awaiting_confirmation: int = 0
    awaiting_approval: int = 0
    rejected: int = 0
    in_flight: int = Field(default=0, description="pending or sending")


class TaskOut(BaseModel):
    id: uuid.UUID
    strategy_id: uuid.UUID | None
    strategy_name: str | None = None
    source: TaskSource
    operation: str | None
    request_id: str | None
    status: TaskStatus
    counts: TaskCounts
    summary: dict[str, Any]
    config_snapshot: dict[str, Any]
    error: str | None
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class TaskList(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = None


class ActionOut(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    sku: str
    shop_id: uuid.UUID
    shop_name: str | None = None
    operation: str
    value: dict[str, Any]
    previous_value: dict[str, Any] | None
    status: ActionStatus
    attempts: int
    last_trace_id: str | None
    error_type: str | None
    error_message: str | None
    confirm_deadline: datetime | None
    sent_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime


class ActionList(BaseModel):
    items: list[ActionOut]
    next_cursor: str | None = None


class Change(BaseModel):
    path: str
    before: Any = None
    after: Any = None


class TaskDiff(BaseModel):
    against: str = Field(description="the other task's id, or 'current' for the strategy's config now")
    changes: list[Change]


class RetryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(default=False, strict=True)


class RetryPreview(BaseModel):
    dry_run: bool
    task_id: uuid.UUID | None = Field(default=None, description="the retry's task (none for a dry run)")
    shop_id: uuid.UUID
    sku: str
    operation: str
    value: dict[str, Any] = Field(description="exactly the value that is (or would be) pushed")
    binding: dict[str, Any] = Field(description="the platform ids it is sent to")
    idempotency_key: str
