from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.shops.markets import MARKETS, is_supported

PlatformName = Literal["amazon", "tiktok", "shopee", "lazada"]
Market = Literal["US", "CA", "UK", "DE", "JP", "SEA", "MY", "TH", "PH", "ID"]


def _check_market(platform: str, market: str) -> None:
    if not is_supported(platform, market):
        allowed = ", ".join(MARKETS[platform])
        raise ValueError(f"{platform} has no market {market}; use one of {allowed}")


class ShopCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    platform: PlatformName
    market: Market

    @model_validator(mode="after")
    def _market_of_platform(self) -> ShopCreate:
        _check_market(self.platform, self.market)
        return self


class ShopUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    market: Market | None = None


class ShopOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    platform: PlatformName
    market: Market
    created_at: datetime
    updated_at: datetime


class ShopList(BaseModel):
    items: list[ShopOut]
    next_cursor: str | None = None
