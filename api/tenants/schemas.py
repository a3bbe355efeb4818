from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.validation import TimeZoneName


class SettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    retention_days: Literal[30, 90, 180]
    timezone: str
    language: Literal["zh-CN", "en"]
    updated_at: datetime


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retention_days: Literal[30, 90, 180] | None = Field(default=None, description="how long events are kept")
    timezone: TimeZoneName | None = Field(
        default=None, description="IANA time zone for days in charts and exports, e.g. Asia/Shanghai or UTC"
    )
    language: Literal["zh-CN", "en"] | None = Field(default=None, description="the tenant's default language")
