"""The scenario file: which shops the sandbox emulates, their credentials, catalogs and faults.

A scenario is JSON validated by the pydantic models below (unknown keys are refused, so a typo is an error, not a
silently ignored fault). Catalogs may list SKUs one by one or generate them from compact rules; generation is
deterministic (seeded by the scenario seed, the shop id and the rule's position), so the same file always yields
the same 6,000 SKUs.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from api.platforms import PLATFORMS, markets_of

PlatformName = Literal["amazon", "tiktok", "shopee", "lazada"]
# What a request does, in the same words on every platform: rate buckets, permissions and faults are keyed by it.
OperationName = Literal["price", "stock", "listing", "status", "auth"]
API_OPERATIONS: tuple[OperationName, ...] = ("price", "stock", "listing", "status")

# Markets each platform emulator serves.
MARKETS: dict[str, frozenset[str]] = {platform: frozenset(markets_of(platform)) for platform in PLATFORMS}

# Credential names each platform needs (the same names the workers' platform clients read from a connection).
REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "amazon": ("client_id", "client_secret", "seller_id"),
    "tiktok": ("app_key", "app_secret", "shop_cipher"),
    "shopee": ("partner_id", "partner_key", "shop_id"),
    "lazada": ("app_key", "app_secret"),
}

DEFAULT_SCENARIO = Path(__file__).parent / "data" / "default-scenario.json"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and every problem in it."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaultRate(_Model):
    """A fault that strikes a share of requests (chosen by the shop's seeded random stream)."""

    rate: float = Field(ge=0, le=1)
    # Operations it strikes; empty means every API operation (price, stock, listing, status) but not the token
    # endpoint, so an "intermittent 5xx" shop can still log in. List "auth" to strike the token endpoint too.
    operations: list[OperationName] = []
    status: int = Field(default=503, ge=500, le=599)  # for server errors
    delay_seconds: float = Field(default=15.0, ge=0, le=300)  # for slow answers (timeouts)

    def strikes(self, operation: OperationName) -> bool:
        return operation in self.operations if self.operations else operation in API_OPERATIONS


class RateLimitSpec(_Model):
    """A token bucket replacing the platform's documented rate for the listed operations (all when empty)."""

    per_second: float = Field(gt=0)
    burst: int = Field(ge=1)
    operations: list[OperationName] = []


class SlowConfirmation(_Model):
    skus: list[str]
    delay_seconds: float = Field(ge=0)


class Faults(_Model):
    # The seller revoked the app: access and refresh tokens are refused (the platform's invalid-grant answer).
    revoked: bool = False
    # Operations the app has no permission (role, scope) for: the platform's permission-denied answer.
    missing_permissions: list[OperationName] = []
    # SKUs our side has bound but the platform does not know (deleted there, or never created).
    unknown_skus: list[str] = []
    # Writes to these SKUs are accepted but confirmed only after `delay_seconds` of sandbox clock.
    slow_confirmation: SlowConfirmation | None = None
    # Writes to these SKUs are accepted and never applied.
    lost_confirmation_skus: list[str] = []
    server_errors: FaultRate | None = None  # answered with a 5xx; nothing is applied
    timeouts: FaultRate | None = None  # answered only after delay_seconds; the change is still applied
    malformed: FaultRate | None = None  # answered 200 with a truncated body; nothing is applied
    rate_limit: RateLimitSpec | None = None  # a tighter bucket than the platform documents
    max_body_bytes: int | None = Field(default=None, ge=1)  # larger request bodies are refused as too large
    # Units per SKU held by orders or a campaign: a stock update below them is refused (the platform's stock
    # rejection, e.g. Lazada's "negative sellable", TikTok/Shopee's reserved-stock errors).
    reserved_stock: dict[str, int] = {}
    # The shop's quota of products: creating a listing beyond it is refused as over the platform's limit.
    max_listings: int | None = Field(default=None, ge=0)


class CategorySpec(_Model):
    """Rules of one platform category (Amazon product type, TikTok/Shopee/Lazada category id)."""

    name: str = ""
    # Attributes a listing of this category must carry; "item_weight.unit" requires the `unit` key of every
    # value of `item_weight` (e.g. a weight without its unit).
    required_attributes: list[str] = []
    promo_price_allowed: bool = True  # a sale/discount price is refused when False
    restricted: bool = False  # new listings are refused by policy (approval needed)
    min_image_px: int | None = Field(default=None, ge=1)  # longest side recommended; smaller images get a warning
    # Apparel: the attribute that holds the size and the size values the category takes (a listing whose size is
    # none of them is refused); the rules APIs serve them as the attribute's options.
    size_attribute: str | None = None
    size_values: list[str] = []
    # Units the "x.unit" attributes accept, as the rules APIs list them.
    units: list[str] = ["g", "kg", "ml", "l"]


class Tokens(_Model):
    """The shop's initial tokens. Lifetimes are seconds from sandbox start; negative means already expired."""

    access_token: str = Field(min_length=8)
    refresh_token: str = Field(min_length=8)
    access_expires_in: int = 3600
    refresh_expires_in: int | None = None  # None: the refresh token does not expire


class SkuSpec(_Model):
    sku: str = Field(min_length=1, max_length=200)
    item_id: str | None = None  # ASIN / TikTok product_id / Shopee item_id / Lazada item_id
    variant_id: str | None = None  # TikTok sku_id / Shopee model_id / Lazada sku_id
    title: str = ""
    category: str
    price: Decimal = Field(gt=0)
    sale_price: Decimal | None = Field(default=None, gt=0)
    stock: int = Field(ge=0)
    image_url: str | None = None


class SkuRule(_Model):
    """Generates `count` SKUs. Patterns are str.format templates over `n` (the running number from `start`)
    and `shop` (the shop id); categories are assigned round-robin; price and stock are drawn uniformly."""

    count: int = Field(ge=1, le=100_000)
    start: int = 1
    sku: str = Field(min_length=1)
    item_id: str | None = None
    variant_id: str | None = None
    title: str = "Sandbox item {n}"
    categories: list[str] = Field(min_length=1)
    price_min: Decimal = Field(gt=0)
    price_max: Decimal = Field(gt=0)
    price_decimals: int = Field(default=2, ge=0, le=4)
    stock_min: int = Field(default=0, ge=0)
    stock_max: int = Field(default=500, ge=0)
    image_url: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> SkuRule:
        if self.price_max < self.price_min:
            raise ValueError("price_max is below price_min")
        if self.stock_max < self.stock_min:
            raise ValueError("stock_max is below stock_min")
        for name in ("sku", "item_id", "variant_id", "title", "image_url"):
            pattern = getattr(self, name)
            if pattern is not None:
                try:
                    pattern.format(n=1, shop="s")
                except (KeyError, IndexError, ValueError) as exc:
                    raise ValueError(f"{name} pattern {pattern!r} is not a template over n and shop: {exc}") from exc
        return self

    def expand(self, seed: str, shop_id: str) -> list[SkuSpec]:
        rng = random.Random(seed)
        step = Decimal(1).scaleb(-self.price_decimals)
        low, high = int(self.price_min / step), int(self.price_max / step)
        items = []
        for index in range(self.count):
            n = self.start + index

            def fill(pattern: str | None, n: int = n) -> str | None:
                return pattern.format(n=n, shop=shop_id) if pattern is not None else None

            price = (Decimal(rng.randint(low, high)) * step).quantize(step, rounding=ROUND_HALF_UP)
            items.append(
                SkuSpec(
                    sku=fill(self.sku) or "",
                    item_id=fill(self.item_id),
                    variant_id=fill(self.variant_id),
                    title=fill(self.title) or "",
                    category=self.categories[index % len(self.categories)],
                    price=price,
                    stock=rng.randint(self.stock_min, self.stock_max),
                    image_url=fill(self.image_url),
                )
            )
        return items


class Catalog(_Model):
    items: list[SkuSpec] = []
    rules: list[SkuRule] = []
    # More listings whose seller SKU another item of the shop already carries (TikTok and Shopee do not enforce
    # unique seller SKUs): they show in the listing APIs only, as the conflict a catalog sync must report.
    duplicates: list[SkuSpec] = []


# The platform-side states a listing can be put in, in each platform's own words: Amazon suppresses a listing
# (issues of severity ERROR), TikTok's audit FAILED it, Shopee BANNED or deleted it, Lazada's QC rejected it.
LISTING_STATES: dict[str, frozenset[str]] = {
    "amazon": frozenset({"SUPPRESSED"}),
    "tiktok": frozenset({"FAILED"}),
    "shopee": frozenset({"BANNED", "SHOPEE_DELETE"}),
    "lazada": frozenset({"rejected"}),
}


class ListingStateSpec(_Model):
    """A listing refused on the platform's side: its status word and the reasons the platform gives, each in the
    platform's own shape (an Amazon issue, a TikTok `audit_failed_reasons[]` entry, a Shopee
    `item_status_details[]` entry, a Lazada `rejectReason[]` entry); the emulators serve them verbatim."""

    status: str = Field(min_length=1)
    reasons: list[dict[str, Any]] = []


class ShopSpec(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = ""
    platform: PlatformName
    market: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    credentials: dict[str, str]
    tokens: Tokens
    # Sandbox seconds between an accepted write and its effect on the listing (the platform's processing).
    confirmation_delay_seconds: float = Field(default=30.0, ge=0)
    categories: dict[str, CategorySpec] = {}
    catalog: Catalog = Catalog()
    # Seller SKU -> the platform-side state of that listing (healthy when absent).
    listing_states: dict[str, ListingStateSpec] = {}
    faults: Faults = Faults()

    @model_validator(mode="after")
    def _consistent(self) -> ShopSpec:
        if self.market not in MARKETS[self.platform]:
            raise ValueError(f"market {self.market!r} is not one of {self.platform}'s {sorted(MARKETS[self.platform])}")
        missing = [k for k in REQUIRED_CREDENTIALS[self.platform] if not self.credentials.get(k)]
        if missing:
            raise ValueError(f"credentials lack {', '.join(missing)} (a {self.platform} shop needs them)")
        for sku, state in self.listing_states.items():
            if state.status not in LISTING_STATES[self.platform]:
                words = sorted(LISTING_STATES[self.platform])
                raise ValueError(f"listing state of {sku!r}: {state.status!r} is not one of {self.platform}'s {words}")
        return self

    def expand_catalog(self, seed: int) -> list[SkuSpec]:
        """Every SKU the platform knows in this shop, in a stable order (explicit items first)."""
        items = list(self.catalog.items)
        for index, rule in enumerate(self.catalog.rules):
            items += rule.expand(f"{seed}:{self.id}:{index}", self.id)
        unknown = set(self.faults.unknown_skus)
        return [item for item in items if item.sku not in unknown]


class Scenario(_Model):
    version: Literal[1] = 1
    seed: int = 0
    description: str = ""
    shops: list[ShopSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Scenario:
        _no_duplicates("shop id", [shop.id for shop in self.shops])
        tokens = [t for shop in self.shops for t in (shop.tokens.access_token, shop.tokens.refresh_token)]
        _no_duplicates("token", tokens)
        for shop in self.shops:
            skus = [item.sku for item in shop.expand_catalog(self.seed)]
            _no_duplicates(f"SKU in shop {shop.id}", skus)
            unknown = sorted(set(shop.listing_states) - set(skus))
            if unknown:
                raise ValueError(f"shop {shop.id}: listing_states name SKUs not in its catalog: {unknown}")
            items = {item.sku: item for item in shop.expand_catalog(self.seed)}
            for duplicate in shop.catalog.duplicates:
                original = items.get(duplicate.sku)
                if original is None or duplicate.item_id in (None, original.item_id):
                    raise ValueError(
                        f"shop {shop.id}: duplicate {duplicate.sku!r} must repeat a catalog SKU on another item_id"
                    )
            categories = {item.category for item in shop.catalog.items} | {
                c for rule in shop.catalog.rules for c in rule.categories
            }
            undeclared = sorted(categories - set(shop.categories)) if shop.categories else []
            if undeclared:
                raise ValueError(f"shop {shop.id}: catalog uses undeclared categories {undeclared}")
        return self

    def shop(self, shop_id: str) -> ShopSpec:
        for shop in self.shops:
            if shop.id == shop_id:
                return shop
        raise KeyError(shop_id)


def _no_duplicates(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value!r}")
        seen.add(value)


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "(top level)"
            problems.append(f"  {where}: {error['msg']}")
        raise ScenarioError(f"{source} is not a valid sandbox scenario:\n" + "\n".join(problems)) from None


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file (the shipped default when `path` is None)."""
    source = Path(path) if path is not None else DEFAULT_SCENARIO
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {source}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{source} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return parse_scenario(data, str(source))
