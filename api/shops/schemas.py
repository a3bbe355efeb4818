from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from api import platforms
from api.shops.markets import MARKETS, is_supported
from api.validation import Text

PlatformName = Literal["amazon", "tiktok", "shopee", "lazada"]
Market = Literal["US", "CA", "UK", "DE", "JP", "SEA", "MY", "TH", "PH", "ID"]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD, MYR")]


def market_currency(platform: str, market: str) -> str:
    """The currency a market's prices are in (api/platforms.py)."""
    found = platforms.market(platform, market)
    return found.currency if found else ""


def _check_market(platform: str, market: str) -> None:
    if not is_supported(platform, market):
        allowed = ", ".join(MARKETS[platform])
        raise ValueError(f"{platform} has no market {market}; use one of {allowed}")


# Markets whose shops price in a currency of their own choosing (TikTok SEA spans several countries); every other
# market has one currency, and a shop there that claimed another would get every price push refused.
OWN_CURRENCY_MARKETS = frozenset({("tiktok", "SEA")})


def check_currency(platform: str, market: str, currency: str) -> None:
    expected = market_currency(platform, market)
    if currency != expected and (platform, market) not in OWN_CURRENCY_MARKETS:
        raise ValueError(f"{platform} {market} prices are in {expected}, not {currency}")


class ShopCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=200)
    platform: PlatformName
    market: Market
    currency: CurrencyCode | None = Field(
        default=None, description="defaults to the market's currency; only TikTok SEA shops may choose another"
    )

    @model_validator(mode="after")
    def _market_of_platform(self) -> ShopCreate:
        _check_market(self.platform, self.market)
        if self.currency is not None:
            check_currency(self.platform, self.market, self.currency)
        return self


class ShopUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    market: Market | None = None
    currency: CurrencyCode | None = Field(default=None, description="a market change resets it to the new market's")


ConnectionHealth = Literal["unknown", "ok", "expiring", "expired", "scope_missing", "failing"]


class ConnectionSummary(BaseModel):
    """A shop's connection health in the shop list: what the Connections screen shows as a dot and a date."""

    health: ConnectionHealth
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    authorization_expires_at: datetime | None = Field(
        description="when the authorisation ends: the refresh token or the grant, or the access token where "
        "nothing refreshes it"
    )
    missing_scopes: list[str]
    last_success_at: datetime | None


class ShopOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    platform: PlatformName
    market: Market
    currency: str = Field(description="ISO 4217: the currency this shop's prices are in")
    archived_at: datetime | None = Field(
        description="set when the shop was deleted while it had history: it keeps its board rows, takes no pushes"
    )
    created_at: datetime
    updated_at: datetime
    connection: ConnectionSummary | None = Field(
        default=None, description="the connection's health (GET /v1/shops); null when the shop is not connected"
    )

    @field_validator("currency", mode="before")
    @classmethod
    def _market_currency_when_unset(cls, value: str | None, info: ValidationInfo) -> str:
        # Shops created before shops had a currency of their own use their market's.
        return value or market_currency(info.data.get("platform", ""), info.data.get("market", ""))


class ShopList(BaseModel):
    items: list[ShopOut]
    next_cursor: str | None = None


# --- connections -------------------------------------------------------------------------------------------------


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError("must be an http(s) URL such as https://sellingpartnerapi-na.amazon.com")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


HttpUrlText = Annotated[str, Field(max_length=500), AfterValidator(_http_url)]
SecretText = Annotated[str, Field(min_length=1, max_length=8192), AfterValidator(_no_nul)]
CredentialName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]

# Expiry times far outside this window are a caller's bug; inside it, every time survives the trip through UTC.
_EXPIRY_MIN, _EXPIRY_MAX = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def _expiry_in_utc(value: datetime) -> datetime:
    if not _EXPIRY_MIN <= value <= _EXPIRY_MAX:
        raise ValueError("must be between 2000-01-01 and 2200-01-01")
    return value.astimezone(UTC)


def _time_not_number(value: Any) -> Any:
    # pydantic would read 1700000000 as a Unix time; the spec says RFC 3339.
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("+-").isdigit()):
        raise ValueError("a time is an RFC 3339 string such as 2026-12-07T08:00:00Z, not a number")
    return value


ExpiryTime = Annotated[AwareDatetime, BeforeValidator(_time_not_number), AfterValidator(_expiry_in_utc)]


class ConnectionPut(BaseModel):
    """A shop's connection, as the sandbox's `GET /_sandbox/shops` lists one: an entry of it can be sent as is.

    Keys this API does not use (the listing's id, name, currency, sku_count, ...) are ignored; `platform` and
    `market`, when sent, must be the shop's."""

    model_config = ConfigDict(extra="ignore")
    base_url: HttpUrlText | None = Field(default=None, description="the platform API host; null: the market's own")
    auth_base_url: HttpUrlText | None = Field(default=None, description="the token host; null: the platform's own")
    credentials: dict[CredentialName, SecretText] = Field(
        max_length=32,
        description="Amazon client_id, client_secret, seller_id; TikTok app_key, app_secret, shop_cipher; "
        "Shopee partner_id, partner_key, shop_id; Lazada app_key, app_secret. Other names are kept.",
    )
    access_token: SecretText | None = None
    refresh_token: SecretText | None = None
    access_expires_at: ExpiryTime | None = None
    refresh_expires_at: ExpiryTime | None = None
    grant_expires_at: ExpiryTime | None = Field(
        default=None, description="when the seller's authorisation itself ends, where the platform caps it"
    )
    scopes: list[Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_no_nul)]] = Field(
        default_factory=list, max_length=200, description="scopes the seller granted, where the platform says"
    )
    platform: PlatformName | None = None
    market: Market | None = None


class ConnectionOut(BaseModel):
    """A shop's connection without any secret."""

    shop_id: uuid.UUID
    base_url: str | None
    auth_base_url: str | None
    credential_names: list[str]
    has_access_token: bool
    has_refresh_token: bool
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    grant_expires_at: datetime | None = Field(description="when the seller's authorisation itself ends, if capped")
    scopes: list[str]
    missing_scopes: list[str] = Field(
        description="scopes the platform requires for prices, stock, listings and catalog reads that the grant "
        "lacks; empty where the platform's grants name no scopes (Amazon, Shopee, Lazada)"
    )
    health: ConnectionHealth = Field(description="as of now; unknown until a call or a token refresh has tried it")
    last_success_at: datetime | None
    last_checked_at: datetime | None
    last_error: str | None
    updated_at: datetime


class AuthorizeUrlOut(BaseModel):
    url: str = Field(description="the platform's (or the sandbox's) authorisation page, with a single-use state")
    expires_at: datetime = Field(description="the state is refused after this (10 minutes)")


# --- catalog -----------------------------------------------------------------------------------------------------

MAX_CATALOG_ROWS = 5000


def _printable(value: str) -> str:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("must not contain control characters")
    return value


def _json_without_nul(value: Any) -> Any:
    # PostgreSQL's jsonb cannot hold \u0000, in keys or values, at any depth.
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _json_without_nul(item)
    elif isinstance(value, list):
        for item in value:
            _json_without_nul(item)
    return value


SkuCode = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
PlatformId = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable)]


class ListingImageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, Field(min_length=8, max_length=2000, pattern=r"^https?://"), AfterValidator(_printable)]
    width: int | None = Field(default=None, ge=1, le=100_000, strict=True)
    height: int | None = Field(default=None, ge=1, le=100_000, strict=True)


class ListingDraftIn(BaseModel):
    """What a listing_publish strategy publishes for a SKU; its price and stock come from the strategy."""

    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_no_nul)]
    category_id: PlatformId = Field(description="Amazon product type, or the TikTok/Shopee/Lazada category id")
    description: Annotated[str, Field(max_length=20_000), AfterValidator(_no_nul)] = ""
    brand: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)] | None = None
    images: list[ListingImageIn] = Field(default_factory=list, max_length=20)
    attributes: Annotated[dict[str, Any], AfterValidator(_json_without_nul)] = Field(
        default_factory=dict, max_length=200, description="the category's attributes, as the platform names them"
    )


class SkuIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: SkuCode = Field(description="the seller's own SKU code")
    title: Annotated[str, Field(max_length=500), AfterValidator(_no_nul)]
    listing_draft: ListingDraftIn | None = Field(
        default=None, description="for listing_publish strategies; a row without it keeps the SKU's draft"
    )


class SkusUpsert(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[SkuIn] = Field(min_length=1, max_length=MAX_CATALOG_ROWS)


class BindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: SkuCode = Field(description="a SKU created with POST /v1/skus")
    platform_sku: SkuCode = Field(description="the seller SKU as the platform knows it")
    platform_item_id: PlatformId | None = Field(
        default=None, description="ASIN / TikTok product_id / Shopee item_id / Lazada item_id"
    )
    platform_variant_id: PlatformId | None = Field(
        default=None, description="TikTok sku_id / Shopee model_id / Lazada sku_id"
    )
    extra: Annotated[dict[str, Any], AfterValidator(_json_without_nul)] = Field(
        default_factory=dict, max_length=50, description="platform-specific ids a client may need (kept as is)"
    )


class BindingsUpsert(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[BindingIn] = Field(min_length=1, max_length=MAX_CATALOG_ROWS)


class UpsertResult(BaseModel):
    created: int
    updated: int


class BindingOut(BaseModel):
    shop_id: uuid.UUID
    shop_name: str
    platform: PlatformName
    platform_sku: str
    platform_item_id: str | None
    platform_variant_id: str | None
    bound_by: Literal["user", "sync"] = Field(
        description="user: set through the API or SPA; a sync never overwrites it"
    )


class SkuOut(BaseModel):
    sku: str
    title: str
    base_prices: dict[str, Any] = Field(description='the ERP base prices per currency: {"USD": {"price": "19.99"}}')
    available_quantity: int | None = Field(description="the ERP's available stock; null until it sent one")
    has_listing_draft: bool
    bindings: list[BindingOut]


class SkuList(BaseModel):
    items: list[SkuOut]
    next_cursor: str | None = None


class PushedValue(BaseModel):
    """A value OpenClaw pushed (or is pushing) to a shop, and the task that set it."""

    value: dict[str, Any]
    status: str = Field(description="the push action's status: pending, applied, failed, awaiting_confirmation, ...")
    task_id: uuid.UUID
    task_source: str = Field(description="strategy, erp, manual or schedule")
    request_id: str | None = Field(description="the ERP's request_id, when an ERP push set it")
    created_by: str | None
    strategy_id: uuid.UUID | None
    strategy_name: str | None
    created_at: datetime
    finished_at: datetime | None


class OpenGroup(BaseModel):
    id: uuid.UUID
    error_type: str
    platform_error_code: str
    message: str
    last_seen: datetime


class ShopTrace(BaseModel):
    shop_id: uuid.UUID
    shop_name: str
    platform: str
    market: str
    currency: str
    bound: bool
    platform_item_id: str | None
    platform_variant_id: str | None
    platform_status: str | None = Field(description="the listing's status word on the platform, as last read")
    platform_price: Decimal | None = Field(description="the price the platform showed at platform_seen_at")
    platform_quantity: int | None
    platform_seen_at: datetime | None = Field(description="when a read-back or catalog sync last read the listing")
    current_price: Decimal | None = Field(description="the platform's price, else the last price applied")
    price_in_reporting: Decimal | None = Field(description="current_price in the tenant's reporting currency")
    desired_price: PushedValue | None = Field(description="the price asked for last, applied or not")
    applied_price: PushedValue | None
    desired_stock: PushedValue | None
    applied_stock: PushedValue | None
    open_groups: list[OpenGroup]


class SkuTrace(BaseModel):
    sku: str
    title: str
    base_prices: dict[str, Any] = Field(description="the ERP's base prices by currency")
    available_quantity: int | None
    reporting_currency: str
    spread_pct: Decimal | None = Field(description="highest shop price above the lowest, in % (reporting currency)")
    spread_limit_pct: int
    flagged: bool = Field(description="spread_pct is over the tenant's price_spread_pct")
    missing_rates: list[str] = Field(description="currencies with a price but no FX rate: left out of the spread")
    shops: list[ShopTrace]
