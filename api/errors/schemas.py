from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.errors.filters import ErrorFilter
from api.errors.taxonomy import ErrorType
from api.validation import OccurredAt, StrictBool, Text, UtcDateTime


class ErrorTypeOut(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    title: str
    suggestion: str
    doc_url_template: str
    sla_paused: bool = Field(description="waiting on the platform or a person: left out of the time-to-handle figures")


class ErrorTypeList(BaseModel):
    items: list[ErrorTypeOut]
    next_cursor: str | None = None


# --- ingest -------------------------------------------------------------------------------------------------------

Operation = Literal["price", "stock", "listing", "auth"]


class ErrorEventIn(BaseModel):
    """One observed failure or warning, as a worker or an ERP reports it."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: Text = Field(min_length=1, max_length=200, description="a repeat is a no-op")
    occurred_at: OccurredAt = Field(description="RFC 3339 with offset, from 2000-01-01 to now; stored in UTC")
    shop_id: uuid.UUID
    error_type: ErrorType
    severity: Literal["error", "warning"] | None = Field(default=None, description="default: the taxonomy's")
    operation: Operation | None = None
    sku: Text = Field(default="", max_length=200)
    platform_item_id: Text | None = Field(default=None, max_length=64)
    strategy_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    trace_id: Text | None = Field(default=None, max_length=64)
    platform_error_code: Text = Field(default="", max_length=200)
    platform_error_message: Text = Field(default="", max_length=10_000)
    missing_fields: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list, max_length=100)
    raw_excerpt: Text = Field(default="", max_length=20_000)


MAX_EVENTS_PER_REQUEST = 1000


class ErrorEventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[ErrorEventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_REQUEST)


class IngestedEvent(BaseModel):
    idempotency_key: str
    event_id: int
    group_id: uuid.UUID
    duplicate: bool = Field(description="the key was seen before: nothing was written, this is the first result")


class IngestResult(BaseModel):
    items: list[IngestedEvent]
    created: int
    duplicates: int


class SuccessIn(BaseModel):
    """A push that succeeded: resolves the SKU's open groups of that operation."""

    model_config = ConfigDict(extra="forbid")
    shop_id: uuid.UUID
    sku: Text = Field(min_length=1, max_length=200)
    operation: Operation
    occurred_at: OccurredAt


# --- board ----------------------------------------------------------------------------------------------------------

GroupStatus = Literal["open", "handled", "archived"]
Resolution = Literal["fixed_data", "repushed", "platform_side", "ignored", "other"]


class LatestEventOut(BaseModel):
    id: int | None
    occurred_at: datetime
    trace_id: str | None
    platform_error_message: str
    task_id: uuid.UUID | None = None
    platform_item_id: str | None = None
    missing_fields: list[str] = Field(default_factory=list)


class ErrorGroupOut(BaseModel):
    id: uuid.UUID
    status: GroupStatus
    snoozed: bool
    snoozed_until: datetime | None
    snoozed_until_count: int | None
    severity: Literal["error", "warning"]
    error_type: str
    title: str
    suggestion: str
    doc_url: str
    platform: str
    shop_id: uuid.UUID
    shop_name: str
    market: str
    strategy_id: uuid.UUID | None
    strategy_name: str | None
    sku: str
    operation: str | None
    platform_error_code: str
    count: int
    first_seen: datetime
    last_seen: datetime
    regression_count: int
    regressed_at: datetime | None = Field(description="when a new event last reopened the group by itself")
    latest_event: LatestEventOut
    assignee_id: uuid.UUID | None
    assignee_name: str | None
    handled_at: datetime | None
    handled_by: str | None
    handled_by_name: str | None
    resolution: str | None
    handled_note: str | None
    pinned_note: str | None


class ErrorGroupList(BaseModel):
    items: list[ErrorGroupOut]
    next_cursor: str | None = None


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class ErrorFacets(BaseModel):
    total: int = Field(description="groups matching every filter: the list's total")
    severity: list[FacetCount]
    error_type: list[FacetCount]
    platform: list[FacetCount]
    shop_id: list[FacetCount]
    strategy_id: list[FacetCount]


class ErrorEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: datetime
    received_at: datetime
    trace_id: str | None
    task_id: uuid.UUID | None
    strategy_id: uuid.UUID | None
    operation: str | None
    sku: str
    platform_item_id: str | None
    severity: str
    platform_error_code: str
    platform_error_message: str
    missing_fields: list[str]
    raw_excerpt: str


class ErrorEventList(BaseModel):
    items: list[ErrorEventOut]
    next_cursor: str | None = None


class ActivityOut(BaseModel):
    at: datetime
    kind: str = Field(description="occurrence, handled, reopened, regressed, auto_resolved, assigned, snoozed, ...")
    actor: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorGroupDetail(ErrorGroupOut):
    missing_fields: list[str]
    raw_excerpt: str
    activity: list[ActivityOut]


# --- handling -------------------------------------------------------------------------------------------------------


class HandleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: Resolution
    note: Text = Field(default="", max_length=2000)


class Selection(BaseModel):
    """Either explicit ids or every group matching a filter (with an optional saved view)."""

    model_config = ConfigDict(extra="forbid")
    ids: list[uuid.UUID] | None = Field(default=None, max_length=1000)
    filter: ErrorFilter | None = None
    view_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Selection:
        if (self.ids is None) == (self.filter is None and self.view_id is None):
            raise ValueError("give either ids or a filter (and/or view_id)")
        return self


class BulkHandleIn(Selection, HandleIn):
    pass


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee_id: uuid.UUID | None = Field(description="null unassigns")


class BulkAssignIn(Selection, AssignIn):
    pass


class SnoozeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: UtcDateTime | None = None
    events: int | None = Field(default=None, ge=1, le=1_000_000, description="wake after this many more events")

    @model_validator(mode="after")
    def _one_of(self) -> SnoozeIn:
        if (self.until is None) == (self.events is None):
            raise ValueError("give either until or events")
        return self


class BulkSnoozeIn(Selection, SnoozeIn):
    pass


class PinnedNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Text | None = Field(max_length=2000, description="null removes the pinned note")


class ArchiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handled_before: UtcDateTime


class BulkResult(BaseModel):
    affected: int


# --- saved views ----------------------------------------------------------------------------------------------------


class ViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=200)
    filters: ErrorFilter
    shared: StrictBool = False
    is_default: StrictBool = Field(default=False, description="the tenant's default view; a default is always shared")


class ViewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    filters: ErrorFilter | None = None
    shared: StrictBool | None = None
    is_default: StrictBool | None = None


class ViewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    filters: dict[str, Any]
    shared: bool
    is_default: bool
    owner_id: uuid.UUID
    mine: bool = False
    created_at: datetime
    updated_at: datetime


class ViewList(BaseModel):
    items: list[ViewOut]
    next_cursor: str | None = None
