from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.pagination import MAX_LIMIT
from api.timewindow import check_window
from api.validation import UtcDateTime

PlatformName = Literal["amazon", "tiktok", "shopee", "lazada"]
OperationName = Literal["price", "stock", "listing", "status", "auth"]
# ok: a 2xx answer; error: any other answer; transport_error: no answer at all (timeout, refused connection).
Outcome = Literal["ok", "error", "transport_error"]
SeverityName = Literal["error", "warning"]
VerdictName = Literal["ok", "failed", "partial"]


class TraceFilter(BaseModel):
    """The system-log search. Time window: started_at at or after `since` and before `until`."""

    task_id: uuid.UUID | None = None
    shop_id: uuid.UUID | None = None
    platform: PlatformName | None = None
    operation: OperationName | None = None
    outcome: Outcome | None = None
    since: UtcDateTime | None = Field(default=None, description="RFC 3339 with offset; default 24 hours before until")
    until: UtcDateTime | None = Field(default=None, description="RFC 3339 with offset; default now")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=200, description="next_cursor of the previous page")

    @model_validator(mode="after")
    def _window(self) -> TraceFilter:
        check_window(self.since, self.until)
        return self


class TraceVerdictOut(BaseModel):
    """What the platform said of the call, read from its response body: an error body under HTTP 200 is a failure."""

    verdict: VerdictName = Field(
        description="failed: the platform refused the call (or never answered); partial: the call went through but "
        "the platform refused some of its items; ok: nothing in the answer says anything failed"
    )
    code: str | None = Field(default=None, description="The platform's own code for the refusal, verbatim")
    message: str | None = Field(default=None, description="The platform's own message for the refusal")
    failed_items: int = Field(default=0, description="Items the platform listed as refused")


class _TraceBase(BaseModel):
    """What a trace attempt says about itself, without its bodies."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    trace_id: str
    attempt: int
    started_at: datetime
    duration_ms: int
    platform: PlatformName
    operation: OperationName
    outcome: Outcome
    method: str
    url: str = Field(description="Redacted: secret query parameters read [REDACTED]")
    response_status: int | None
    transport_error: str | None
    task_id: uuid.UUID | None
    strategy_id: uuid.UUID | None
    strategy_name: str | None = None
    shop_id: uuid.UUID | None
    shop_name: str | None = None
    verdict: TraceVerdictOut


class TraceSummary(_TraceBase):
    """One attempt in the search list."""


class TraceList(BaseModel):
    items: list[TraceSummary]
    next_cursor: str | None = None


class TraceAttemptOut(_TraceBase):
    """One attempt with its redacted exchange. Bodies are returned as stored (the SPA pretty-prints JSON)."""

    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str


class TraceEventOut(BaseModel):
    """An error event that cites this trace."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    group_id: uuid.UUID
    error_type: str
    severity: SeverityName
    sku: str
    platform_error_code: str
    platform_error_message: str
    occurred_at: datetime


class TraceOut(BaseModel):
    trace_id: str
    attempts: list[TraceAttemptOut] = Field(description="Every attempt of the call, first attempt first")
    events: list[TraceEventOut] = Field(description="Error events citing this trace, oldest first")
