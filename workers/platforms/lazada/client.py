"""Lazada Open Platform (LazOP) client: MY / TH / PH.

Every call is signed (HMAC-SHA256 over the API path and the sorted parameters, see `wire.sign`) and sent
form-encoded; Lazada answers most failures with HTTP 200 and a non-"0" `code`, sometimes with a per-SKU `detail[]`
list. UpdatePriceQuantity confirms nothing in its success body, so every accepted SKU is only *queued*: its result
is ok with `needs_confirmation=True` and the read-back (GetProductItem / GetProducts) decides.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

import httpx

from api.errors.taxonomy import ErrorType, Severity
from api.platforms import MARKETS as FACT_MARKETS
from workers.platforms.base import (
    CallOutcome,
    CatalogPage,
    ClientDeps,
    Connection,
    ItemResult,
    ListingDraft,
    ListingRef,
    ListingStatus,
    Operation,
    Platform,
    PlatformError,
    PlatformHttp,
    PriceUpdate,
    Rate,
    Response,
    StockUpdate,
    TokenRefreshError,
    TokenSet,
    chunks,
    make_error,
    transport_failure,
    unparseable,
)
from workers.platforms.lazada import catalog
from workers.platforms.lazada.codes import (
    BODY_THROTTLE_CODES,
    TOKEN_REJECTED_CODES,
    TRANSIENT_TYPES,
    classify,
    listing_state,
)
from workers.platforms.lazada.rules import ATTRIBUTES_PATH, draft_values, rules_from
from workers.platforms.lazada.wire import (
    batch_results,
    check_draft,
    check_price,
    check_stock,
    create_product_json,
    listing_status,
    missing_status,
    price_quantity_xml,
    products_of,
    sign,
    token_set,
)
from workers.platforms.rules import CategoryRules, DraftValues, RulesUnavailable

PLATFORM = Platform.lazada

# Regional gateways for business APIs; the auth host is global.
API_HOSTS: dict[str, str] = {
    "MY": "https://api.lazada.com.my/rest",
    "TH": "https://api.lazada.co.th/rest",
    "PH": "https://api.lazada.com.ph/rest",
}
AUTH_HOST = "https://auth.lazada.com/rest"
MARKET_CURRENCY: dict[str, str] = {code: m.currency for (p, code), m in FACT_MARKETS.items() if p == "lazada"}

PATHS: dict[str, str] = {
    "token_create": "/auth/token/create",
    "token_refresh": "/auth/token/refresh",
    "price_quantity": "/product/price_quantity/update",
    "create_product": "/product/create",
    "product_item": "/product/item/get",
    "products": "/products/get",
    "category_attributes": ATTRIBUTES_PATH,
}

# Most SKUs (or products) one call may carry.
BATCH_LIMITS: dict[Operation, int] = {
    Operation.price: 50,  # UpdatePriceQuantity: > 50 answers 4171 / E204
    Operation.stock: 50,  # same API
    Operation.listing: 1,  # CreateProduct: one product per request
    Operation.status: 50,  # GetProducts `limit` max 50 (GetProductItem reads one item_id per call)
}

# Lazada documents 50 calls/s per seller for the inventory write APIs together; price and stock are separate
# buckets here, so each gets half. Reads, creates and token calls have no published rate: conservative values.
RATES: dict[Operation, Rate] = {
    Operation.price: Rate(per_second=25, burst=25),
    Operation.stock: Rate(per_second=25, burst=25),
    Operation.listing: Rate(per_second=5, burst=5),
    Operation.status: Rate(per_second=10, burst=10),
    Operation.catalog: Rate(per_second=10, burst=10),
    Operation.auth: Rate(per_second=1, burst=2),
}

# -----------------------------------------------------------------------------------------------------------
# The client


class AuthFailed(TokenRefreshError):
    """A token create/refresh that Lazada refused; `errors` says why. The shared TokenRefreshError, under the name
    this module's callers and tests already use."""


Push = TypeVar("Push", PriceUpdate, StockUpdate)


class Client:
    platform: Platform = PLATFORM

    def __init__(self, connection: Connection, deps: ClientDeps) -> None:
        market = connection.market.upper()
        if not connection.base_url and market not in API_HOSTS:
            raise ValueError(f"Lazada market {connection.market!r} is not supported (MY, TH, PH)")
        missing = [name for name in ("app_key", "app_secret") if not connection.credentials.get(name)]
        if missing:
            raise ValueError(f"Lazada connection lacks credentials: {', '.join(missing)}")
        self._connection = connection
        self._market = market
        self._api_base = (connection.base_url or API_HOSTS[market]).rstrip("/")
        self._auth_base = (connection.auth_base_url or AUTH_HOST).rstrip("/")
        self._app_key = connection.credentials["app_key"]
        self._app_secret = connection.credentials["app_secret"]
        self._access_token = connection.access_token
        self._refresh_token = connection.refresh_token
        self._access_expires_at = connection.access_expires_at
        self._refresh_lock = deps.refresh_lock
        self._on_tokens = deps.on_tokens
        self._retry = deps.retry
        self._sleep = deps.sleep
        self._http = PlatformHttp(
            platform=PLATFORM,
            connection=connection,
            http=deps.http,
            recorder=deps.recorder,
            limiter=deps.limiter,
            retry=self._retry,
            sleep=deps.sleep,
        )

    # --- writes ---------------------------------------------------------------------------------------------

    async def update_prices(self, items: Sequence[PriceUpdate]) -> list[ItemResult]:
        currency = MARKET_CURRENCY.get(self._market)
        return await self._push(
            items,
            Operation.price,
            lambda i: check_price(i, self._market, currency),
            lambda b: price_quantity_xml(prices=b),
        )

    async def update_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        return await self._push(items, Operation.stock, check_stock, lambda b: price_quantity_xml(stocks=b))

    async def publish_listing(self, draft: ListingDraft) -> ItemResult:
        sku = draft.ref.sku
        problems = check_draft(draft, self._market, MARKET_CURRENCY.get(self._market))
        if problems:
            return ItemResult(sku=sku, ok=False, errors=problems)
        payload = create_product_json(draft)
        outcome = await self._call(Operation.listing, PATHS["create_product"], {"payload": payload})
        # Point attribute errors at this category's attribute list.
        errors = [
            replace(e, doc_url=make_error(e.error_type, PLATFORM, "", "", category_id=draft.category_id).doc_url)
            for e in outcome.errors
        ]
        # A created product may still be in QC (item_status "Pending QC"): the read-back or QC push decides.
        ok = not outcome.blocking  # notes on a success (image suggestions) ride along as warnings
        return ItemResult(sku=sku, ok=ok, errors=errors, trace_id=outcome.trace_id, needs_confirmation=ok)

    async def _push(
        self,
        items: Sequence[Push],
        operation: Operation,
        check: Callable[[Push], PlatformError | None],
        payload: Callable[[Sequence[Push]], str],
    ) -> list[ItemResult]:
        results: list[ItemResult | None] = [None] * len(items)
        pending: list[int] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            sku = item.ref.sku
            problem = check(item)
            if problem is None and sku in seen:  # Lazada refuses a call naming one SellerSku twice (4105)
                problem = make_error(
                    ErrorType.VALIDATION_FAILED, PLATFORM, "DUPLICATE_SELLER_SKU", "SellerSku twice in one push"
                )
            seen.add(sku)
            if problem is None:
                pending.append(index)
            else:
                results[index] = ItemResult(sku=sku, ok=False, errors=[problem])
        for batch in chunks(pending, BATCH_LIMITS[operation]):
            batch_items = [items[i] for i in batch]
            outcome = await self._call(operation, PATHS["price_quantity"], {"payload": payload(batch_items)})
            spread = batch_results([i.ref for i in batch_items], outcome.trace_id, outcome.errors)
            for index, result in zip(batch, spread, strict=True):
                results[index] = result
        return [result for result in results if result is not None]

    # --- read-back ------------------------------------------------------------------------------------------

    async def get_listing_status(self, refs: Sequence[ListingRef]) -> list[ListingStatus]:
        statuses: dict[int, ListingStatus] = {}
        by_item: dict[str, list[int]] = {}
        by_sku: list[int] = []
        for index, ref in enumerate(refs):
            (by_item.setdefault(ref.item_id, []) if ref.item_id else by_sku).append(index)
        # GetProductItem reads one product by item_id; bindings without one are found by SellerSku in GetProducts.
        for item_id, indexes in by_item.items():
            await self._read(refs, indexes, PATHS["product_item"], {"item_id": item_id}, statuses)
        for batch in chunks(by_sku, BATCH_LIMITS[Operation.status]):
            skus = json.dumps([refs[i].sku for i in batch], ensure_ascii=False)
            params = {"filter": "all", "sku_seller_list": skus, "limit": str(BATCH_LIMITS[Operation.status])}
            await self._read(refs, batch, PATHS["products"], params, statuses)
        return [statuses[index] for index in range(len(refs))]

    async def get_category_rules(self, category_id: str) -> CategoryRules:
        """GetCategoryAttributes of one category; RulesUnavailable when it cannot be read."""
        params = {"primary_category_id": category_id}
        outcome = await self._call(Operation.status, PATHS["category_attributes"], params, method="GET")
        if outcome.blocking:
            raise RulesUnavailable(outcome.blocking)
        return rules_from(category_id, outcome.data.get("data"), self._market)

    def draft_values(self, draft: ListingDraft) -> DraftValues:
        return draft_values(draft)

    async def _read(
        self,
        refs: Sequence[ListingRef],
        indexes: Sequence[int],
        path: str,
        params: Mapping[str, str],
        out: dict[int, ListingStatus],
    ) -> None:
        outcome = await self._call(Operation.status, path, params, method="GET")
        products = products_of(outcome.data.get("data"))
        trace_id = outcome.trace_id or ""
        for index in indexes:
            ref = refs[index]
            found = None
            if not outcome.blocking:
                found = listing_status(products, ref.sku, ref.variant_id, trace_id, self._state_reader(outcome))
            out[index] = found or missing_status(ref, outcome.blocking, outcome.trace_id)

    @staticmethod
    def _state_reader(outcome: CallOutcome) -> Callable[[Mapping[str, object]], list[PlatformError]]:
        """Classify the read-back again with each product's state: a QC-rejected product is LISTING_REJECTED."""

        def errors_of(product: Mapping[str, object]) -> list[PlatformError]:
            return classify(outcome.status or 200, outcome.body, Operation.status, state=listing_state(product))

        return errors_of

    # --- catalog --------------------------------------------------------------------------------------------

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        """One GetProducts page (50 products, every SKU of each); the cursor is Lazada's offset."""
        if cursor is not None and not cursor.isdigit():
            error = make_error(ErrorType.VALIDATION_FAILED, PLATFORM, "BAD_CURSOR", f"not a Lazada offset: {cursor!r}")
            return CatalogPage(listings=[], errors=[error])
        offset = int(cursor or 0)
        outcome = await self._call(Operation.catalog, PATHS["products"], catalog.page_params(offset), method="GET")
        if outcome.blocking:
            return CatalogPage(listings=[], errors=outcome.blocking)
        page = catalog.read_page(outcome.data.get("data"), offset)
        if page is None:
            return CatalogPage(listings=[], errors=[unparseable(PLATFORM, outcome.status or 200, outcome.body)])
        listings, following = page
        return CatalogPage(listings=listings, next_cursor=str(following) if following is not None else None)

    # --- tokens ---------------------------------------------------------------------------------------------

    async def refresh_access_token(self) -> TokenSet:
        async with self._refresh_lock(self._lock_key):
            outcome = await self._refresh()
        if outcome.tokens is None:
            raise AuthFailed(outcome.errors)
        return outcome.tokens

    async def exchange_code(self, code: str) -> TokenSet:
        """Turn a seller's authorisation code (single use, valid 30 minutes) into a token pair."""
        outcome = await self._token_call(PATHS["token_create"], {"code": code}, extra_secret=code)
        if outcome.tokens is None:
            raise AuthFailed(outcome.errors)
        return outcome.tokens

    @property
    def _lock_key(self) -> str:
        return f"{PLATFORM.value}:{self._connection.shop_id}"

    async def _refresh(self) -> CallOutcome:
        if not self._refresh_token:
            error = make_error(ErrorType.AUTH_EXPIRED, PLATFORM, "NO_REFRESH_TOKEN", "no refresh token stored")
            return CallOutcome(None, [error])
        outcome = await self._token_call(PATHS["token_refresh"], {"refresh_token": self._refresh_token})
        # A refused refresh means the seller must authorise again, whatever code carried it; outages stay outages.
        errors = [e if e.error_type in TRANSIENT_TYPES else _as_auth_expired(e) for e in outcome.blocking]
        return replace(outcome, errors=errors)

    async def _token_call(self, path: str, params: Mapping[str, str], extra_secret: str = "") -> CallOutcome:
        build = partial(self._request, "POST", self._auth_base, path, params, None)
        secrets = [*self._secrets(), extra_secret]
        response = await self._http.send(
            build, operation=Operation.auth, rate=RATES[Operation.auth], extra_secrets=secrets
        )
        outcome = self._outcome(response, Operation.auth)
        if outcome.blocking:
            return replace(outcome, errors=outcome.blocking)
        if not outcome.data.get("access_token"):
            return replace(outcome, errors=[unparseable(PLATFORM, response.status or 0, response.body)])
        tokens = token_set(outcome.data, datetime.now(UTC))
        if self._on_tokens is not None:  # stored before the new access token is ever used
            await self._on_tokens(tokens)
        self._access_token = tokens.access_token
        self._refresh_token = tokens.refresh_token or self._refresh_token
        self._access_expires_at = tokens.access_expires_at
        return replace(outcome, tokens=tokens)

    async def _refresh_replacing(self, stale_token: str | None) -> CallOutcome:
        async with self._refresh_lock(self._lock_key):
            if self._access_token != stale_token and not self._access_due():
                return CallOutcome(None, [])  # refreshed while we waited for the lock
            return await self._refresh()

    def _access_due(self) -> bool:
        expires_at = self._access_expires_at
        if not self._access_token:
            return True
        if expires_at is None:
            return False
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        return expires_at <= datetime.now(UTC)

    def _secrets(self) -> list[str]:
        return [s for s in (self._access_token, self._refresh_token, self._app_secret) if s]

    # --- sending --------------------------------------------------------------------------------------------

    async def _call(
        self, operation: Operation, path: str, params: Mapping[str, str], *, method: str = "POST"
    ) -> CallOutcome:
        """One business call with at most one token refresh + retry, and short retries of in-body throttling."""
        if self._access_due():
            refreshed = await self._refresh_replacing(self._access_token)
            if refreshed.blocking:
                return refreshed
        refreshed_once = False
        throttled = 0
        while True:
            token = self._access_token
            build = partial(self._request, method, self._api_base, path, params, token)
            response = await self._http.send(
                build, operation=operation, rate=RATES[operation], extra_secrets=self._secrets()
            )
            outcome = self._outcome(response, operation)
            codes = {e.platform_code for e in outcome.blocking}
            if not refreshed_once and codes & TOKEN_REJECTED_CODES:
                refreshed_once = True
                refreshed = await self._refresh_replacing(token)
                if refreshed.blocking:
                    return refreshed
                continue
            if codes and codes <= BODY_THROTTLE_CODES and throttled + 1 < self._retry.max_attempts:
                throttled += 1
                await self._sleep(min(float(throttled), self._retry.max_delay))
                continue
            return outcome

    def _outcome(self, response: Response, operation: Operation) -> CallOutcome:
        if response.status is None:
            return CallOutcome(response.trace_id, [transport_failure(PLATFORM, response)])
        errors = classify(response.status, response.body, operation)
        blocking = [e for e in errors if e.severity is Severity.error]
        body = {} if blocking else json.loads(response.body)
        return CallOutcome(response.trace_id, errors, body, status=response.status, body=response.body)

    def _request(
        self, method: str, base: str, path: str, params: Mapping[str, str], access_token: str | None
    ) -> httpx.Request:
        # Empty values are left out: the official SDKs disagree on whether they are signed.
        signed = {name: value for name, value in params.items() if value != ""}
        signed |= {"app_key": self._app_key, "sign_method": "sha256", "timestamp": str(int(time.time() * 1000))}
        if access_token:
            signed["access_token"] = access_token
        signed["sign"] = sign(self._app_secret, path, signed)
        if method == "GET":
            return httpx.Request("GET", base + path, params=signed)
        return httpx.Request("POST", base + path, data=signed)


def _as_auth_expired(error: PlatformError) -> PlatformError:
    message = error.platform_message or "token refresh refused"
    return make_error(ErrorType.AUTH_EXPIRED, PLATFORM, error.platform_code, message, raw=error.raw)
