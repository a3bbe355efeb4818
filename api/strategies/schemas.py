"""Strategies over the API: one body shape per kind (the config is validated by the kind's own model)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

Kind = Literal["price_adjust", "inventory_sync", "listing_publish"]
RoundTo = Literal["0.01", "0.99", "1"]

# Strings that reach PostgreSQL must not hold NUL (text refuses it mid-request).
_NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]
SkuCode = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]
# Decimals travel as strings ("12.5"); numbers are read too, NaN and infinities never.
Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False, max_digits=7, decimal_places=4)]
MarkupPct = Annotated[
    Decimal,
    Field(gt=-100, le=1000, allow_inf_nan=False, max_digits=8, decimal_places=4, description="-20 is 20 % below"),
]
Price = Annotated[Decimal, Field(gt=0, lt=10**9, allow_inf_nan=False, max_digits=13, decimal_places=4)]
SafetyStock = Annotated[int, Field(ge=0, le=10**9)]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PriceAdjustConfig(_Config):
    """The ERP base price in the shop's currency, marked up, rounded, and kept within bounds."""

    markup_pct: MarkupPct
    min_price: Price | None = None
    max_price: Price | None = None
    round_to: RoundTo = "0.01"

    @model_validator(mode="after")
    def _bounds_in_order(self) -> PriceAdjustConfig:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError("min_price must not be above max_price")
        return self


class InventorySyncConfig(_Config):
    """Per shop: floor((available - safety_stock) * share_pct / 100), never below 0."""

    share_pct: Percent = Decimal(100)
    safety_stock: SafetyStock = 0


class ListingPublishConfig(_Config):
    """Publishes the SKU's listing draft (title, category, attributes, images) with price and stock computed as
    price_adjust and inventory_sync do."""

    markup_pct: MarkupPct
    round_to: RoundTo = "0.01"
    share_pct: Percent = Decimal(100)
    safety_stock: SafetyStock = 0


Config = PriceAdjustConfig | InventorySyncConfig | ListingPublishConfig
CONFIG_MODELS: dict[str, type[PriceAdjustConfig | InventorySyncConfig | ListingPublishConfig]] = {
    "price_adjust": PriceAdjustConfig,
    "inventory_sync": InventorySyncConfig,
    "listing_publish": ListingPublishConfig,
}


class SkuFilter(BaseModel):
    """Which SKUs a strategy covers; both given means both must hold; neither means every SKU."""

    model_config = ConfigDict(extra="forbid")
    skus: list[SkuCode] | None = Field(default=None, max_length=5000)
    prefix: SkuCode | None = None


class ApprovalPolicy(BaseModel):
    """Risky changes that wait for a person: a price cut beyond the percentage, and stock set to zero."""

    model_config = ConfigDict(extra="forbid")
    max_price_cut_pct: Percent | None = Field(default=Decimal(30), description="null: no cut waits for approval")
    hold_stock_to_zero: StrictBool = True


class _StrategyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    shop_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    sku_filter: SkuFilter = Field(default_factory=SkuFilter)
    schedule: str | None = Field(
        default=None, max_length=100, description="A cron expression (UTC), e.g. '0 */2 * * *'; null: on demand"
    )
    monitoring_enabled: StrictBool = True
    approval_policy: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    is_active: StrictBool = True


class PriceAdjustIn(_StrategyIn):
    kind: Literal["price_adjust"]
    config: PriceAdjustConfig


class InventorySyncIn(_StrategyIn):
    kind: Literal["inventory_sync"]
    config: InventorySyncConfig = Field(default_factory=InventorySyncConfig)


class ListingPublishIn(_StrategyIn):
    kind: Literal["listing_publish"]
    config: ListingPublishConfig


# Create and update (a full replacement) take the same body; `kind` picks the config's shape.
StrategyIn = Annotated[PriceAdjustIn | InventorySyncIn | ListingPublishIn, Field(discriminator="kind")]


class StrategyOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: Kind
    shop_ids: list[uuid.UUID]
    sku_filter: SkuFilter
    config: Config
    schedule: str | None
    next_run_at: datetime | None
    monitoring_enabled: bool
    approval_policy: ApprovalPolicy
    is_active: bool
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class StrategyList(BaseModel):
    items: list[StrategyOut]
    next_cursor: str | None = None
