from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Split = Literal["severity", "error_type"]


class TrendDay(BaseModel):
    day: date = Field(description="a calendar day in the tenant's time zone")
    new_groups: dict[str, int] = Field(description="groups first seen that day, by the split key")
    events: dict[str, int] = Field(description="events that occurred that day, by the split key")


class TrendOut(BaseModel):
    days: int
    split: Split
    timezone: str
    keys: list[str] = Field(description="the split keys every day carries (zero when nothing happened)")
    items: list[TrendDay] = Field(description="oldest day first; days without errors included")


class Durations(BaseModel):
    handled: int
    median_seconds: float | None = Field(description="median of handled_at - first_seen")
    p90_seconds: float | None = Field(description="90th percentile of handled_at - first_seen")


class SlaByUser(Durations):
    handled_by: str = Field(description="user:<id>, api_key:<id> or system")
    kind: Literal["user", "api_key", "system"]
    id: uuid.UUID | None
    email: str | None = None
    display_name: str | None = None
    label: str = Field(description="the display name, email or key name to show")


class SlaByErrorType(Durations):
    error_type: str


class SlaOut(BaseModel):
    since: datetime
    until: datetime
    overall: Durations
    by_user: list[SlaByUser]
    by_error_type: list[SlaByErrorType]


class RootCause(BaseModel):
    error_type: str
    title: str
    count: int
    share: float = Field(description="count / total, 0..1")


class RootCausesOut(BaseModel):
    days: int
    timezone: str
    since: datetime
    total: int = Field(description="new error groups in the window")
    items: list[RootCause] = Field(description="most frequent first")
