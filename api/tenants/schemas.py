from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.validation import TimeZoneName

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# Units of the reporting currency one unit of a currency is worth (e.g. USD: 7.1 when reporting in CNY).
FxRate = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=16, decimal_places=8)]


class SettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    retention_days: Literal[30, 90, 180]
    timezone: str
    language: Literal["zh-CN", "en"]
    reporting_currency: str
    fx_rates: dict[str, Decimal]
    price_spread_pct: int
    updated_at: datetime


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retention_days: Literal[30, 90, 180] | None = Field(default=None, description="how long events are kept")
    timezone: TimeZoneName | None = Field(
        default=None, description="IANA time zone for days in charts and exports, e.g. Asia/Shanghai or UTC"
    )
    language: Literal["zh-CN", "en"] | None = Field(default=None, description="the tenant's default language")
    reporting_currency: CurrencyCode | None = Field(default=None, description="ISO 4217 code prices are compared in")
    fx_rates: dict[CurrencyCode, FxRate] | None = Field(
        default=None,
        max_length=60,
        description="units of the reporting currency per unit of each currency; replaced whole",
    )
    price_spread_pct: int | None = Field(
        default=None, ge=1, le=1000, description="a SKU whose shop prices spread wider than this (in %) is flagged"
    )
