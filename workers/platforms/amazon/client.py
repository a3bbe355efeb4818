"""Amazon Selling Partner API client: prices, MFN stock and listings through Listings Items API v2021-08-01.

Auth is a Login with Amazon (LWA) access token in `x-amz-access-token`; SP-API has required no AWS SigV4 since
2023-10, so requests are not signed. Listing writes answer HTTP 200 with `ACCEPTED` (queued, not yet applied:
a read-back confirms) or `INVALID` plus `issues[]`. One SKU per call: the bulk path would be JSON_LISTINGS_FEED.
The raw-code tables and `classify()` live in `codes`, the request shapes in `wire`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from api.errors.taxonomy import ErrorType, Severity, doc_url
from api.platforms import ACCESS_TOKEN_LIFETIME as LIFETIMES
from workers.platforms.amazon.catalog import CATALOG_INCLUDED_DATA, PAGE_SIZE, SEARCH_PATH, search_page
from workers.platforms.amazon.codes import (
    HOSTS,
    LWA_HOST,
    MARKET_ALIASES,
    MARKETS,
    PLATFORM,
    check_price,
    check_stock,
    classify,
    first_match,
    for_marketplace,
    json_object,
    listing_state,
    precheck_error,
    to_datetime,
    to_decimal,
    token_rejected,
)
from workers.platforms.amazon.rules import (
    DEFINITIONS_PATH,
    definition_params,
    draft_values,
    rules_from_schema,
    schema_link,
)
from workers.platforms.amazon.wire import (
    FULFILLMENT_CHANNEL,
    USER_AGENT,
    listing_attributes,
    listing_path,
    lwa_refresh_form,
    product_type,
    purchasable_offer,
    sp_api_headers,
)
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
    PlatformError,
    PlatformHttp,
    PriceUpdate,
    Rate,
    RateLimiter,
    Response,
    StockUpdate,
    TokenRefreshError,
    TokenSet,
    make_error,
    transport_failure,
)
from workers.platforms.rules import CategoryRules, DraftValues, RulesUnavailable

__all__ = ["Client", "classify", "lwa_refresh_form", "sp_api_headers"]

# -----------------------------------------------------------------------------------------------------------
# Tables

LWA_TOKEN_PATH = "/auth/o2/token"

# Default usage plans of the Listings Items API v2021-08-01 model (rate per second, burst).
RATES: dict[str, Rate] = {
    "patchListingsItem": Rate(5, 5),
    "putListingsItem": Rate(5, 10),
    "getListingsItem": Rate(5, 10),
    "searchListingsItems": Rate(5, 5),
}
# Our operation -> the Amazon operation whose token bucket it draws from. Price and stock both patch the listing,
# so they share Amazon's one patchListingsItem bucket. The LWA endpoint documents no rate: not limited.
AMAZON_OPERATIONS: dict[Operation, str] = {
    Operation.price: "patchListingsItem",
    Operation.stock: "patchListingsItem",
    Operation.listing: "putListingsItem",
    Operation.status: "getListingsItem",
    Operation.catalog: "searchListingsItems",
}
# Batch sizes: every Listings Items operation takes exactly one SKU per call, so each item is its own request
# (`_each`); the bulk alternative, JSON_LISTINGS_FEED, is asynchronous and not used here.
CONCURRENCY = 5  # calls in flight per client; the shared limiter still holds the rate

# `replace` for the price is the documented tutorial form; `merge` for stock changes the quantity without
# dropping the seller's handling time or restock date, which `replace` would remove.
PATCH_OPS: dict[str, str] = {"purchasable_offer": "replace", "fulfillment_availability": "merge"}
WRITE_INCLUDED_DATA = "issues"
READ_INCLUDED_DATA = "summaries,offers,fulfillmentAvailability,issues"
TOKEN_SKEW = timedelta(seconds=60)  # refresh a little before Amazon would refuse the token


# -----------------------------------------------------------------------------------------------------------
# The client


class AmazonAuthError(TokenRefreshError):
    """A token refresh that failed; `errors` say why (AUTH_EXPIRED, or PLATFORM_UNAVAILABLE when LWA was down).
    A TokenRefreshError, so callers catch every platform's refused refresh the same way."""

    def __init__(self, errors: list[PlatformError], trace_id: str | None) -> None:
        super().__init__(errors)
        self.trace_id = trace_id


class _OperationBuckets:
    """Rename limiter keys from our operation to Amazon's, so that price and stock share one patch bucket."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def acquire(self, key: str, rate: float, burst: int) -> None:
        prefix, _, operation = key.rpartition(":")
        bucket = _BUCKETS.get(operation, operation)
        await self.limiter.acquire(f"{prefix}:{bucket}", rate, burst)


_BUCKETS = {operation.value: name for operation, name in AMAZON_OPERATIONS.items()}


class Client:
    platform = PLATFORM

    def __init__(self, connection: Connection, deps: ClientDeps) -> None:
        market_code = MARKET_ALIASES.get(connection.market.upper(), connection.market.upper())
        if market_code not in MARKETS:
            raise ValueError(f"Amazon market {connection.market!r} is not supported (one of {sorted(MARKETS)})")
        self.connection = connection
        self.market = MARKETS[market_code]
        self.base_url = (connection.base_url or HOSTS[self.market.region]).rstrip("/")
        self.auth_base_url = (connection.auth_base_url or LWA_HOST).rstrip("/")
        self.seller_id = connection.credentials.get("seller_id", "")
        self.http = PlatformHttp(
            platform=PLATFORM,
            connection=connection,
            http=deps.http,
            recorder=deps.recorder,
            limiter=_OperationBuckets(deps.limiter),
            retry=deps.retry,
            sleep=deps.sleep,
        )
        self.refresh_lock = deps.refresh_lock
        self.on_tokens = deps.on_tokens
        self.access_token = connection.access_token
        self.refresh_token = connection.refresh_token
        self.access_expires_at = connection.access_expires_at
        self._refresh_failure: AmazonAuthError | None = None  # a refused refresh is not retried by this client
        self._issued: set[str] = set()  # access tokens LWA gave this client: refreshing again cannot help them
        self._slots = asyncio.Semaphore(CONCURRENCY)

    # -- protocol ------------------------------------------------------------------------------------------

    async def update_prices(self, items: Sequence[PriceUpdate]) -> list[ItemResult]:
        return await self._each(items, self._update_price)

    async def update_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        return await self._each(items, self._update_stock)

    async def publish_listing(self, draft: ListingDraft) -> ItemResult:
        sku = draft.ref.sku
        errors = check_price(sku, self.market, draft.price, draft.currency, None) + check_stock(sku, draft.quantity)
        if not draft.title.strip():
            errors.append(precheck_error(sku, "title is empty"))
        if errors:
            return ItemResult(sku=sku, ok=False, errors=errors)
        ptype = draft.category_id or product_type(draft.ref)
        body = {"productType": ptype, "requirements": "LISTING", "attributes": listing_attributes(draft, self.market)}
        return await self._write(Operation.listing, "PUT", sku, body, ptype)

    async def get_listing_status(self, refs: Sequence[ListingRef]) -> list[ListingStatus]:
        return await self._each(refs, self._status)

    async def get_category_rules(self, category_id: str) -> CategoryRules:
        """The product type's rules: getDefinitionsProductType, then the schema it links to (a pre-signed URL,
        fetched without our token). Raises RulesUnavailable when either cannot be read."""
        path = DEFINITIONS_PATH.format(product_type=quote(category_id, safe=""))
        params = definition_params(self.market.marketplace_id, self.seller_id)
        call = await self._call(Operation.status, "GET", "", params, None, path=path)
        if call.errors:
            raise RulesUnavailable(call.errors)
        link = schema_link(call.body)
        schema = await self.http.send(
            lambda: httpx.Request("GET", link, headers={"user-agent": USER_AGENT}), operation=Operation.status
        )
        if schema.status != 200:
            raise RulesUnavailable(reason=f"the product type schema answered HTTP {schema.status}")
        return rules_from_schema(category_id, schema.body, self.market.code)

    def draft_values(self, draft: ListingDraft) -> DraftValues:
        return draft_values(draft, self.market)

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        """One searchListingsItems page (20 SKUs); the cursor is Amazon's own pageToken."""
        params = {
            "marketplaceIds": self.market.marketplace_id,
            "includedData": CATALOG_INCLUDED_DATA,
            "pageSize": str(PAGE_SIZE),
        }
        if cursor:
            params["pageToken"] = cursor
        path = SEARCH_PATH.format(seller_id=quote(self.seller_id, safe=""))
        call = await self._call(Operation.catalog, "GET", "", params, None, path=path)
        if call.errors:
            return CatalogPage(listings=[], next_cursor=None, errors=call.errors)
        page = search_page(call.body, self.market.marketplace_id)
        if isinstance(page, PlatformError):
            return CatalogPage(listings=[], next_cursor=None, errors=[page])
        listings, next_token = page
        return CatalogPage(listings=listings, next_cursor=next_token)

    async def refresh_access_token(self) -> TokenSet:
        """Refresh now (under the shop's refresh lock); raises AmazonAuthError when LWA refuses or is down."""
        async with self.refresh_lock(f"{PLATFORM.value}:{self.connection.shop_id}"):
            return await self._refresh()

    # -- operations ----------------------------------------------------------------------------------------

    async def _update_price(self, item: PriceUpdate) -> ItemResult:
        sku = item.ref.sku
        errors = check_price(sku, self.market, item.price, item.currency, item.sale_price)
        if errors:
            return ItemResult(sku=sku, ok=False, errors=errors)
        offer = purchasable_offer(self.market, item.price, item.currency, item.sale_price)
        return await self._patch(Operation.price, item.ref, "purchasable_offer", offer)

    async def _update_stock(self, item: StockUpdate) -> ItemResult:
        errors = check_stock(item.ref.sku, item.quantity)
        if errors:
            return ItemResult(sku=item.ref.sku, ok=False, errors=errors)
        value = {"fulfillment_channel_code": FULFILLMENT_CHANNEL, "quantity": item.quantity}
        return await self._patch(Operation.stock, item.ref, "fulfillment_availability", value)

    async def _patch(self, operation: Operation, ref: ListingRef, attribute: str, value: Any) -> ItemResult:
        ptype = product_type(ref)
        patch = {"op": PATCH_OPS[attribute], "path": f"/attributes/{attribute}", "value": [value]}
        return await self._write(operation, "PATCH", ref.sku, {"productType": ptype, "patches": [patch]}, ptype)

    async def _write(self, operation: Operation, method: str, sku: str, body: Any, ptype: str) -> ItemResult:
        params = {"marketplaceIds": self.market.marketplace_id, "includedData": WRITE_INCLUDED_DATA}
        call = await self._call(operation, method, sku, params, json.dumps(body).encode())
        errors = call.errors
        if call.status == 200 and not errors:
            errors = _expect_submission(call.body)
        errors = _with_product_type(errors, ptype)
        ok = not any(e.severity is Severity.error for e in errors)
        # ACCEPTED only means queued: the change is not applied until a read-back shows it.
        return ItemResult(sku=sku, ok=ok, errors=errors, trace_id=call.trace_id, needs_confirmation=ok)

    async def _status(self, ref: ListingRef) -> ListingStatus:
        params = {"marketplaceIds": self.market.marketplace_id, "includedData": READ_INCLUDED_DATA}
        call = await self._call(Operation.status, "GET", ref.sku, params, None)
        item = json_object(call.body) if call.status == 200 else None
        if item is None:  # 404 (not found), auth, outage or an unreadable body: the errors say which
            return ListingStatus(sku=ref.sku, found=False, errors=call.errors, trace_id=call.trace_id)
        mp = self.market.marketplace_id
        summary = for_marketplace(item.get("summaries"), mp)
        offer = for_marketplace(item.get("offers"), mp, prefer={"offerType": "B2C"})
        stock = first_match(item.get("fulfillmentAvailability"), {"fulfillmentChannelCode": FULFILLMENT_CHANNEL})
        quantity = stock.get("quantity")
        ptype = str(summary.get("productType") or product_type(ref))
        state = listing_state(item, mp)
        return ListingStatus(
            sku=ref.sku,
            found=True,
            status=state.status,
            price=to_decimal((offer.get("price") or {}).get("amount")),
            quantity=quantity if isinstance(quantity, int) else None,
            updated_at=to_datetime(summary.get("lastUpdatedDate")),
            # Issues of this marketplace: an ERROR one rejects (suppresses) the listing, even after an ACCEPTED write.
            errors=classify(200, call.body, Operation.status, state=state, category_id=ptype),
            trace_id=call.trace_id,
        )

    # -- sending, with one refresh on a rejected token -----------------------------------------------------

    async def _call(
        self,
        operation: Operation,
        method: str,
        sku: str,
        params: Mapping[str, str],
        body: bytes | None,
        *,
        path: str | None = None,
    ) -> CallOutcome:
        url = f"{self.base_url}{path or listing_path(self.seller_id, sku)}"
        try:
            token = await self._current_token()
            response = await self._send(operation, method, url, params, body, token)
            errors = _outcome(response, operation)
            if errors and all(token_rejected(e) for e in errors) and token not in self._issued:
                token = await self._refresh_after_rejection(token)
                response = await self._send(operation, method, url, params, body, token)
                errors = _outcome(response, operation)
            # Refused although the token is brand-new: not an expiry but a missing role or the wrong region.
            errors = [_as_scope_missing(e) if token_rejected(e) else e for e in errors]
        except AmazonAuthError as failure:
            return CallOutcome(failure.trace_id, failure.errors)
        return CallOutcome(response.trace_id, errors, status=response.status, body=response.body)

    async def _send(
        self, operation: Operation, method: str, url: str, params: Mapping[str, str], body: bytes | None, token: str
    ) -> Response:
        def build() -> httpx.Request:
            headers = sp_api_headers(token, datetime.now(UTC), json_body=body is not None)
            return httpx.Request(method, url, params=params, headers=headers, content=body)

        rate = RATES[AMAZON_OPERATIONS[operation]]
        return await self.http.send(build, operation=operation, rate=rate, extra_secrets=self._secrets())

    async def _current_token(self) -> str:
        expires = self.access_expires_at
        if self.access_token and (expires is None or expires - TOKEN_SKEW > datetime.now(UTC)):
            return self.access_token
        return await self._refresh_after_rejection(self.access_token)

    async def _refresh_after_rejection(self, rejected: str | None) -> str:
        async with self.refresh_lock(f"{PLATFORM.value}:{self.connection.shop_id}"):
            # Another call of this client may have refreshed while we waited for the lock: use its token.
            if self.access_token and self.access_token != rejected:
                return self.access_token
            return (await self._refresh()).access_token

    async def _refresh(self) -> TokenSet:
        """Call LWA; the caller holds the refresh lock. The sink stores the pair before anyone uses it."""
        if self._refresh_failure is not None:  # the other items of this batch must not each try again
            raise self._refresh_failure
        try:
            tokens = await self._request_tokens()
        except AmazonAuthError as failure:
            self._refresh_failure = failure
            raise
        if self.on_tokens is not None:
            await self.on_tokens(tokens)
        self._issued.add(tokens.access_token)
        self.access_token, self.refresh_token = tokens.access_token, tokens.refresh_token
        self.access_expires_at = tokens.access_expires_at
        return tokens

    async def _request_tokens(self) -> TokenSet:
        creds = self.connection.credentials
        if not self.refresh_token:
            error = make_error(
                ErrorType.AUTH_EXPIRED, PLATFORM, "NO_REFRESH_TOKEN", "no refresh token stored for this shop"
            )
            raise AmazonAuthError([error], None)
        form = lwa_refresh_form(self.refresh_token, creds.get("client_id", ""), creds.get("client_secret", ""))

        def build() -> httpx.Request:
            headers = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8", "user-agent": USER_AGENT}
            return httpx.Request("POST", f"{self.auth_base_url}{LWA_TOKEN_PATH}", headers=headers, content=form)

        response = await self.http.send(build, operation=Operation.auth, extra_secrets=self._secrets())
        errors = _outcome(response, Operation.auth)
        tokens = None if errors else _token_set(response.body, self.refresh_token)
        if tokens is None:
            failures = [_as_refresh_failure(e) for e in errors] or [_bad_token_body(response)]
            raise AmazonAuthError(failures, response.trace_id)
        return tokens

    def _secrets(self) -> list[str]:
        return [s for s in (self.access_token, self.refresh_token) if s]

    async def _each(self, items: Sequence[Any], one: Callable[[Any], Awaitable[Any]]) -> list[Any]:
        async def guarded(item: Any) -> Any:
            async with self._slots:
                return await one(item)

        return list(await asyncio.gather(*(guarded(item) for item in items)))


# -----------------------------------------------------------------------------------------------------------
# Helpers


def _outcome(response: Response, operation: Operation) -> list[PlatformError]:
    if response.status is None:
        return [transport_failure(PLATFORM, response)]
    return classify(response.status, response.body, operation)


def _expect_submission(body: bytes) -> list[PlatformError]:
    """A write answered 200 must carry a submission status; anything else is not what Amazon documents."""
    status = (json_object(body) or {}).get("status")
    if status in ("ACCEPTED", "VALID"):
        return []
    text = body.decode("utf-8", "replace")
    return [
        make_error(
            ErrorType.UNKNOWN_PLATFORM_ERROR,
            PLATFORM,
            "HTTP_200",
            "no submission status",
            raw={"status": 200, "body": text},
        )
    ]


def _with_product_type(errors: list[PlatformError], ptype: str) -> list[PlatformError]:
    """Point category-compliance errors at that product type's attribute requirements."""
    link = doc_url(ErrorType.CATEGORY_COMPLIANCE_FAILED, PLATFORM.value, ptype)
    return [replace(e, doc_url=link) if e.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED else e for e in errors]


def _as_scope_missing(error: PlatformError) -> PlatformError:
    message = f"{error.platform_message} (still refused after a token refresh: role or region)"
    return make_error(ErrorType.AUTH_SCOPE_MISSING, PLATFORM, error.platform_code, message, raw=error.raw)


def _as_refresh_failure(error: PlatformError) -> PlatformError:
    # An outage or throttling of LWA is not an expired authorisation: keep those types so the push is retried.
    if error.error_type in (ErrorType.PLATFORM_UNAVAILABLE, ErrorType.RATE_LIMITED, ErrorType.AUTH_EXPIRED):
        return error
    return make_error(ErrorType.AUTH_EXPIRED, PLATFORM, error.platform_code, error.platform_message, raw=error.raw)


def _bad_token_body(response: Response) -> PlatformError:
    text = response.body.decode("utf-8", "replace")
    return make_error(
        ErrorType.AUTH_EXPIRED, PLATFORM, "NO_ACCESS_TOKEN", "token response without access_token", raw={"body": text}
    )


def _token_set(body: bytes, previous_refresh_token: str | None) -> TokenSet | None:
    try:
        data = json.loads(body)
        access_token = str(data["access_token"])
        lifetime = int(data.get("expires_in", LIFETIMES["amazon"].total_seconds()))
    except (ValueError, KeyError, TypeError):
        return None
    return TokenSet(
        access_token=access_token,
        refresh_token=data.get("refresh_token") or previous_refresh_token,
        access_expires_at=datetime.now(UTC) + timedelta(seconds=lifetime),
    )
