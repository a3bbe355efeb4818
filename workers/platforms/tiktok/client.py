"""TikTok Shop Open API client (versioned paths, API 202309): prices, stock, listings and OAuth2 tokens.

Most failures arrive inside HTTP 200 envelopes `{code, message, request_id, data}`; stock updates report per-SKU
failures in `data.errors[]` under `code: 0`, and product creation reports non-fatal `data.warnings[]`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import httpx

from api.errors.taxonomy import ErrorType, Severity
from api.platforms import TIKTOK_PRICE_RANGES
from workers.platforms.base import (
    CallOutcome,
    CatalogListing,
    CatalogPage,
    ClientDeps,
    Connection,
    ItemResult,
    ListingDraft,
    ListingRef,
    ListingState,
    ListingStatus,
    Operation,
    Platform,
    PlatformError,
    PlatformHttp,
    PriceUpdate,
    Rate,
    Response,
    StockUpdate,
    TokenSet,
    chunks,
    make_error,
    transport_failure,
    unparseable,
)
from workers.platforms.base import TokenRefreshError as PlatformTokenRefreshError
from workers.platforms.rules import CategoryRules, DraftValues, RulesUnavailable
from workers.platforms.tiktok import catalog
from workers.platforms.tiktok.codes import (
    BODY_RETRY_CODES,
    CODE_TYPES,
    classify,
    envelope_of,
    item_key,
    listing_state,
    listing_status,
    records,
    state_errors,
    token_set_from,
    unbound,
)
from workers.platforms.tiktok.rules import ATTRIBUTES_PATH, RULES_PATH, draft_values, rules_from
from workers.platforms.tiktok.wire import dumps, sign

PLATFORM = Platform.tiktok
_E = ErrorType

# -----------------------------------------------------------------------------------------------------------
# Tables (sources: the platform facts file; partner docs "Methods and endpoints", per-API specs, "Rate limits")

# One production host serves every market; there is no sandbox since 202309 (ours is a base_url override).
_API_HOST = "https://open-api.tiktokglobalshop.com"
API_HOSTS = {market: _API_HOST for market in ("US", "UK", "SEA", "MY", "TH", "PH", "ID", "SG", "VN")}
AUTH_HOST = "https://auth.tiktok-shops.com"

PATHS = {
    "price": "/product/202309/products/{product_id}/prices/update",
    "stock": "/product/202309/products/{product_id}/inventory/update",
    "create": "/product/202309/products",
    "product": "/product/202309/products/{product_id}",
    "token_get": "/api/v2/token/get",
    "token_refresh": "/api/v2/token/refresh",
}

# Price and stock updates take one product per call; a product has at most 300 SKUs in US/UK, 100 elsewhere.
SKUS_PER_CALL = {"US": 300, "UK": 300}
SKUS_PER_CALL_DEFAULT = 100

# Default 50 QPS per API, counted per app + shop. The token endpoints publish no rate: ours is conservative.
_QPS = Rate(per_second=50, burst=50)
RATES = {op: _QPS for op in (Operation.price, Operation.stock, Operation.listing, Operation.status, Operation.catalog)}
RATES[Operation.auth] = Rate(per_second=5, burst=5)

PRICE_RANGES = TIKTOK_PRICE_RANGES  # one table with the sandbox's (they had drifted: EUR was missing here)
MAX_QUANTITY = 99_999
CATEGORY_VERSIONS = {"US": "v2"}  # v1 elsewhere
TITLE_LENGTHS = {"US": (1, 255), "UK": (1, 255)}  # (25, 255) elsewhere
MAIN_IMAGES_MAX, IMAGE_PX, IMAGES_RECOMMENDED = 9, (300, 4000), 5
# ListingDraft.attributes keys sent as-is in the create-product body.
PASSTHROUGH_ATTRIBUTES = frozenset(
    [
        "brand_id",
        "package_weight",
        "package_dimensions",
        "product_attributes",
        "certifications",
        "size_chart",
        "is_cod_allowed",
        "save_mode",
        "idempotency_key",
        "manufacturer_ids",
        "responsible_person_ids",
    ]
)
REFRESH_MARGIN = timedelta(seconds=60)

# -----------------------------------------------------------------------------------------------------------
# The client


class TikTokAuthError(PlatformTokenRefreshError):
    """A token call that gave no usable token; `error` is what every affected item reports."""

    def __init__(self, error: PlatformError, trace_id: str | None) -> None:
        super().__init__([error])
        self.error = error
        self.trace_id = trace_id


# The name this module has always raised; it is the shared contract's subclass, so callers may catch either.
TokenRefreshError = TikTokAuthError


T = TypeVar("T", PriceUpdate, StockUpdate)


class Client:
    platform = PLATFORM

    def __init__(self, connection: Connection, deps: ClientDeps) -> None:
        market = connection.market.upper()
        if market not in API_HOSTS:
            raise ValueError(f"TikTok Shop has no market {connection.market!r}")
        self.connection = connection
        self.market = market
        self.app_key = connection.credentials["app_key"]
        self.app_secret = connection.credentials["app_secret"]
        self.shop_cipher = connection.credentials.get("shop_cipher", "")
        self.api_base = (connection.base_url or API_HOSTS[market]).rstrip("/")
        self.auth_base = (connection.auth_base_url or AUTH_HOST).rstrip("/")
        self.retry = deps.retry
        self._http = PlatformHttp(
            platform=PLATFORM,
            connection=connection,
            http=deps.http,
            recorder=deps.recorder,
            limiter=deps.limiter,
            retry=self.retry,
            sleep=deps.sleep,
        )
        self._sleep = deps.sleep
        self._refresh_lock = deps.refresh_lock
        self._on_tokens = deps.on_tokens
        self._access = connection.access_token
        self._refresh = connection.refresh_token
        self._expires_at = connection.access_expires_at
        # Bindings of listings created by publish_listing (seller SKU -> product_id / sku_id), for the caller.
        self.published_refs: dict[str, ListingRef] = {}

    # --- prices and stock ------------------------------------------------------------------------------------

    async def update_prices(self, items: Sequence[PriceUpdate]) -> list[ItemResult]:
        def body(item: PriceUpdate) -> dict[str, Any]:
            return {"id": item.ref.variant_id, "price": {"amount": format(item.price, "f"), "currency": item.currency}}

        return await self._per_product(items, _check_price, body, "price", Operation.price)

    async def update_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        def body(item: StockUpdate) -> dict[str, Any]:
            inventory: dict[str, Any] = {"quantity": item.quantity}
            if item.ref.extra.get("warehouse_id"):
                inventory = {"warehouse_id": item.ref.extra["warehouse_id"], **inventory}
            return {"id": item.ref.variant_id, "inventory": [inventory]}

        return await self._per_product(items, _check_stock, body, "stock", Operation.stock)

    async def _per_product(
        self,
        items: Sequence[T],
        check: Callable[[T], PlatformError | None],
        sku_body: Callable[[T], dict[str, Any]],
        path_name: str,
        operation: Operation,
    ) -> list[ItemResult]:
        """Pre-check, group by product (one product per call), split to the SKU cap, map errors to items."""
        results: dict[int, ItemResult] = {}
        groups: dict[str, list[tuple[int, T]]] = {}
        seen: set[str] = set()
        for index, item in enumerate(items):
            error = check(item) or _check_binding(item.ref, seen)
            if error is not None:
                results[index] = ItemResult(sku=item.ref.sku, ok=False, errors=[error])
            else:
                groups.setdefault(str(item.ref.item_id), []).append((index, item))
        size = SKUS_PER_CALL.get(self.market, SKUS_PER_CALL_DEFAULT)
        for product_id, group in groups.items():
            for batch in chunks(group, size):
                payload = {"skus": [sku_body(item) for _, item in batch]}
                path = PATHS[path_name].format(product_id=product_id)
                outcome = await self._call("POST", path, operation, payload)
                for index, item in batch:
                    results[index] = _item_result(item.ref, outcome)
        return [results[i] for i in range(len(items))]

    # --- listings --------------------------------------------------------------------------------------------

    async def publish_listing(self, draft: ListingDraft) -> ItemResult:
        problems = self._check_draft(draft)
        if any(p.severity is Severity.error for p in problems):
            return ItemResult(sku=draft.ref.sku, ok=False, errors=problems)
        outcome = await self._call(
            "POST", PATHS["create"], Operation.listing, self._draft_body(draft), draft.category_id
        )
        errors = problems + outcome.errors
        if outcome.blocking:
            return ItemResult(sku=draft.ref.sku, ok=False, errors=errors, trace_id=outcome.trace_id)
        skus = records(outcome.data.get("skus"))
        sku_id = next((str(s.get("id")) for s in skus if s.get("seller_sku") == draft.ref.sku), None)
        product_id = outcome.data.get("product_id")
        self.published_refs[draft.ref.sku] = ListingRef(
            sku=draft.ref.sku,
            item_id=str(product_id) if product_id is not None else None,
            variant_id=sku_id,
            extra=draft.ref.extra,
        )
        ids = {"item_id": str(product_id)} if product_id is not None else {}
        ids |= {"variant_id": sku_id} if sku_id else {}
        # A created product goes to audit: the read-back (status PENDING -> ACTIVATE/FAILED) confirms it.
        return ItemResult(
            sku=draft.ref.sku,
            ok=True,
            errors=errors,
            trace_id=outcome.trace_id,
            needs_confirmation=True,
            platform_ids=ids,
        )

    def _check_draft(self, draft: ListingDraft) -> list[PlatformError]:
        low, high = TITLE_LENGTHS.get(self.market, (25, 255))
        rules = [
            (not low <= len(draft.title) <= high, f"title must be {low}-{high} characters"),
            (not draft.description.strip(), "description is required"),
            (not draft.images, "at least one main image is required"),
            (len(draft.images) > MAIN_IMAGES_MAX, f"at most {MAIN_IMAGES_MAX} main images"),
            ("package_weight" not in draft.attributes, "attributes.package_weight is required"),
            (not draft.ref.extra.get("warehouse_id"), "ref.extra.warehouse_id is required to create a product"),
            (
                any(
                    not IMAGE_PX[0] <= (d or IMAGE_PX[0]) <= IMAGE_PX[1]
                    for i in draft.images
                    for d in (i.width, i.height)
                ),
                f"main images must be {IMAGE_PX[0]}-{IMAGE_PX[1]} px on each side",
            ),
        ]
        errors = [_validation(message) for failed, message in rules if failed]
        price_error = _check_price(PriceUpdate(ref=draft.ref, price=draft.price, currency=draft.currency))
        errors += [price_error] if price_error else []
        errors += [_validation("quantity must be 0-99999")] if not 0 <= draft.quantity <= MAX_QUANTITY else []
        if 0 < len(draft.images) < IMAGES_RECOMMENDED:
            message = f"{len(draft.images)} main images; TikTok Shop recommends at least {IMAGES_RECOMMENDED}"
            errors.append(make_error(_E.MEDIA_QUALITY, PLATFORM, "PRECHECK", message))
        return errors

    def _draft_body(self, draft: ListingDraft) -> dict[str, Any]:
        sku = {
            "seller_sku": draft.ref.sku,
            "price": {"amount": format(draft.price, "f"), "currency": draft.currency},
            "inventory": [{"warehouse_id": draft.ref.extra.get("warehouse_id"), "quantity": draft.quantity}],
        }
        body: dict[str, Any] = {
            "title": draft.title,
            "description": draft.description,
            "category_id": draft.category_id,
            "category_version": CATEGORY_VERSIONS.get(self.market, "v1"),
            # TikTok takes image URIs returned by its Upload Product Image API, not public URLs.
            "main_images": [{"uri": image.url} for image in draft.images],
            "skus": [sku],
        }
        body.update({k: draft.attributes[k] for k in PASSTHROUGH_ATTRIBUTES if k in draft.attributes})
        return body

    async def get_category_rules(self, category_id: str) -> CategoryRules:
        """Get Attributes and Get Category Rules of one category; RulesUnavailable when either cannot be read."""
        query = {"category_version": CATEGORY_VERSIONS.get(self.market, "v1")}
        answers = []
        for path in (ATTRIBUTES_PATH, RULES_PATH):
            outcome = await self._call("GET", path.format(category_id=category_id), Operation.status, query=query)
            if outcome.blocking or not outcome.data:
                raise RulesUnavailable(outcome.blocking, reason="" if outcome.blocking else f"{path}: no data")
            answers.append(outcome.data)  # the envelope's `data`
        return rules_from(category_id, answers[0], answers[1], self.market)

    def draft_values(self, draft: ListingDraft) -> DraftValues:
        return draft_values(draft)

    async def get_listing_status(self, refs: Sequence[ListingRef]) -> list[ListingStatus]:
        results: dict[int, ListingStatus] = {}
        by_product: dict[str, list[tuple[int, ListingRef]]] = {}
        for index, ref in enumerate(refs):
            if ref.item_id:
                by_product.setdefault(ref.item_id, []).append((index, ref))
            else:
                results[index] = ListingStatus(sku=ref.sku, found=False, errors=[unbound(ref)])
        for product_id, group in by_product.items():
            outcome = await self._call("GET", PATHS["product"].format(product_id=product_id), Operation.status)
            for index, ref in group:
                if outcome.blocking:
                    status = ListingStatus(ref.sku, found=False, errors=outcome.errors, trace_id=outcome.trace_id)
                else:
                    # Read with the listing's state: a failed audit is the platform refusing the listing.
                    state = listing_state(outcome.data)
                    errors = classify(outcome.status or 200, outcome.body, Operation.status, state=state)
                    status = listing_status(ref, outcome.data, outcome.trace_id, errors)
                results[index] = status
        return [results[i] for i in range(len(refs))]

    # --- catalog ---------------------------------------------------------------------------------------------

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        """One Search Products page (100 products, every SKU of each); the cursor is TikTok's page_token."""
        query = {"page_size": str(catalog.PAGE_SIZE)}
        if cursor:
            query["page_token"] = cursor
        outcome = await self._call("POST", catalog.SEARCH_PATH, Operation.catalog, catalog.SEARCH_BODY, query=query)
        if outcome.blocking:
            return CatalogPage(listings=[], errors=outcome.blocking)
        products = catalog.products_of(outcome.data)
        if products is None:
            return CatalogPage(listings=[], errors=[unparseable(PLATFORM, outcome.status or 200, outcome.body)])
        listings: list[CatalogListing] = []
        for product in products:
            rejected = await self._audit_failures(product) if catalog.refused(product) else []
            listings += catalog.product_listings(product, rejected)
        return CatalogPage(listings=listings, next_cursor=catalog.next_token(outcome.data))

    async def _audit_failures(self, product: dict[str, Any]) -> list[PlatformError]:
        """Why the audit refused a product: Get Product's `audit_failed_reasons`; without them (the read failed),
        the refusal still stands with a generic reason."""
        path = PATHS["product"].format(product_id=product.get("id"))
        outcome = await self._call("GET", path, Operation.catalog)
        reasons = () if outcome.blocking else listing_state(outcome.data).reasons
        return state_errors(ListingState("FAILED", reasons))

    # --- tokens ----------------------------------------------------------------------------------------------

    async def refresh_access_token(self) -> TokenSet:
        """Refresh under the shop's lock; raises TokenRefreshError when no new token comes back."""
        async with self._refresh_lock(self._lock_key):
            return await self._refresh_locked()

    async def exchange_code(self, auth_code: str) -> TokenSet:
        """Trade the single-use authorisation code from the OAuth callback for the shop's first token pair."""
        query = {
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "auth_code": auth_code,
            "grant_type": "authorized_code",
        }
        async with self._refresh_lock(self._lock_key):
            return await self._token_call(PATHS["token_get"], query, [auth_code])

    @property
    def _lock_key(self) -> str:
        return f"{PLATFORM.value}:{self.connection.shop_id}"

    async def _refresh_locked(self) -> TokenSet:
        if not self._refresh:
            error = make_error(_E.AUTH_EXPIRED, PLATFORM, "NO_REFRESH_TOKEN", "no refresh token: re-authorise the shop")
            raise TokenRefreshError(error, None)
        query = {
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "refresh_token": self._refresh,
            "grant_type": "refresh_token",
        }
        return await self._token_call(PATHS["token_refresh"], query, [self._refresh])

    async def _token_call(self, path: str, query: dict[str, str], secrets: list[str]) -> TokenSet:
        url = self.auth_base + path
        response = await self._http.send(
            lambda: httpx.Request("GET", url, params=query),
            operation=Operation.auth,
            rate=RATES[Operation.auth],
            extra_secrets=secrets,
        )
        outcome = _outcome(response, Operation.auth)
        tokens = token_set_from(outcome.data)
        if outcome.blocking or tokens is None:
            cause = (outcome.blocking or [make_error(_E.AUTH_EXPIRED, PLATFORM, "NO_TOKEN", "no token returned")])[0]
            raise TokenRefreshError(_as_auth_failure(cause), outcome.trace_id)
        # Hand the pair to the caller to store before the new access token is used.
        if self._on_tokens is not None:
            await self._on_tokens(tokens)
        self._access, self._refresh, self._expires_at = (
            tokens.access_token,
            tokens.refresh_token,
            tokens.access_expires_at,
        )
        return tokens

    async def _refresh_unless_done(self, stale_token: str | None) -> TokenRefreshError | None:
        async with self._refresh_lock(self._lock_key):
            if self._access and self._access != stale_token:
                return None  # another call of this client refreshed while we waited
            try:
                await self._refresh_locked()
            except TokenRefreshError as exc:
                return exc
        return None

    def _token_is_stale(self) -> bool:
        expires_at = self._expires_at
        return not self._access or (expires_at is not None and expires_at - REFRESH_MARGIN <= datetime.now(UTC))

    # --- one signed business call, with one refresh-and-retry on an expired token ----------------------------

    async def _call(
        self,
        method: str,
        path: str,
        operation: Operation,
        payload: Any = None,
        category_id: str = "",
        *,
        query: dict[str, str] | None = None,
    ) -> CallOutcome:
        body = dumps(payload) if payload is not None else b""  # serialised once: these bytes are signed and sent
        if self._token_is_stale():
            failure = await self._refresh_unless_done(self._access)
            if failure is not None:
                return CallOutcome(failure.trace_id, [failure.error])
        refreshed = False
        body_retries = 0
        while True:
            token = self._access
            response = await self._http.send(
                partial(self._signed_request, method, path, body, token or "", query or {}),
                operation=operation,
                rate=RATES[operation],
                extra_secrets=[s for s in (self._access, self._refresh) if s],
            )
            outcome = _outcome(response, operation, category_id)
            if not refreshed and any(e.error_type is _E.AUTH_EXPIRED for e in outcome.blocking):
                refreshed = True
                failure = await self._refresh_unless_done(token)
                if failure is not None:
                    return CallOutcome(failure.trace_id, [failure.error])
                continue
            if response.status == 200 and body_retries + 1 < self.retry.max_attempts and _retryable(outcome):
                body_retries += 1
                await self._sleep(min(self.retry.max_delay, self.retry.base_delay * 2 ** (body_retries - 1)))
                continue
            return outcome

    def _signed_request(
        self, method: str, path: str, body: bytes, token: str, query: dict[str, str] | None = None
    ) -> httpx.Request:
        url = httpx.URL(self.api_base + path)
        params = {**(query or {}), "app_key": self.app_key, "timestamp": str(int(time.time()))}
        if self.shop_cipher:
            params["shop_cipher"] = self.shop_cipher
        params["sign"] = sign(self.app_secret, url.path, params, body)
        headers = {"content-type": "application/json", "x-tts-access-token": token}
        return httpx.Request(method, url, params=params, headers=headers, content=body or None)


# -----------------------------------------------------------------------------------------------------------
# Helpers


def _outcome(response: Response, operation: Operation, category_id: str = "") -> CallOutcome:
    if response.status is None:
        return CallOutcome(response.trace_id, [transport_failure(PLATFORM, response)])
    errors = classify(response.status, response.body, operation, category_id=category_id)
    envelope = envelope_of(response.body) or {}
    data = envelope.get("data")
    return CallOutcome(
        response.trace_id, errors, data if isinstance(data, dict) else {}, status=response.status, body=response.body
    )


def _retryable(outcome: CallOutcome) -> bool:
    return any(e.platform_code in {str(c) for c in BODY_RETRY_CODES} for e in outcome.blocking)


def _as_auth_failure(error: PlatformError) -> PlatformError:
    """A token call that failed is an expired authorisation, unless the platform was merely unreachable."""
    if error.error_type in (_E.PLATFORM_UNAVAILABLE, _E.RATE_LIMITED, _E.AUTH_EXPIRED):
        return error
    return make_error(_E.AUTH_EXPIRED, PLATFORM, error.platform_code, error.platform_message, raw=error.raw)


def _validation(message: str) -> PlatformError:
    return make_error(_E.VALIDATION_FAILED, PLATFORM, "PRECHECK", message)


def _check_binding(ref: ListingRef, seen: set[str]) -> PlatformError | None:
    if not ref.item_id or not ref.variant_id:
        return unbound(ref)
    if ref.variant_id in seen:  # the platform refuses the whole call on a duplicate (12052553)
        return _validation(f"SKU id {ref.variant_id} appears twice in one push")
    seen.add(ref.variant_id)
    return None


def _check_price(item: PriceUpdate) -> PlatformError | None:
    if item.price <= 0:
        return _validation(f"price must be positive, got {item.price}")
    if item.sale_price is not None:
        # The price update has no promotional price: TikTok promotions are a separate API.
        return _validation("TikTok Shop price updates take no sale_price; promotions are set elsewhere")
    bounds = PRICE_RANGES.get(item.currency.upper())
    if bounds is None:
        return _validation(f"currency {item.currency} is not a TikTok Shop currency")
    if not bounds[0] <= item.price <= bounds[1]:
        return _validation(f"price {item.price} {item.currency} is outside {bounds[0]}-{bounds[1]}")
    return None


def _check_stock(item: StockUpdate) -> PlatformError | None:
    if not 0 <= item.quantity <= MAX_QUANTITY:
        return _validation(f"quantity must be 0-{MAX_QUANTITY}, got {item.quantity}")
    return None


def _item_result(ref: ListingRef, outcome: CallOutcome) -> ItemResult:
    """Whole-call errors apply to every item; per-SKU errors only to the item with that SKU id."""
    mine = [e for e in outcome.errors if item_key(e) in (None, ref.variant_id, ref.item_id)]
    ok = not any(e.severity is Severity.error for e in mine)
    return ItemResult(sku=ref.sku, ok=ok, errors=mine, trace_id=outcome.trace_id)


__all__ = [
    "API_HOSTS",
    "CODE_TYPES",
    "PATHS",
    "RATES",
    "Client",
    "TikTokAuthError",
    "TokenRefreshError",
    "classify",
    "item_key",
    "sign",
]
