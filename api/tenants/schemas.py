from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    retention_days: Literal[30, 90, 180]
    timezone: str
    language: Literal["zh-CN", "en"]
    updated_at: datetime


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retention_days: Literal[30, 90, 180] | None = Field(default=None, description="how long events are kept")
    timezone: str | None = Field(default=None, description="IANA time zone for days in charts and exports")
    language: Literal["zh-CN", "en"] | None = Field(default=None, description="the tenant's default language")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value
