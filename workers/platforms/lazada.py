"""Lazada Open Platform (LazOP) client: MY / TH / PH.

Every call is signed (HMAC-SHA256 over the API path and the sorted parameters, see `lazada_wire.sign`) and sent
form-encoded; Lazada answers most failures with HTTP 200 and a non-"0" `code`, sometimes with a per-SKU `detail[]`
list. UpdatePriceQuantity confirms nothing in its success body, so every accepted SKU is only *queued*: its result
is ok with `needs_confirmation=True` and the read-back (GetProductItem / GetProducts) decides.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import httpx

from api.errors.taxonomy import ErrorType, Severity
from workers.platforms.base import (
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
    RateLimiter,
    RefreshLock,
    Response,
    RetryPolicy,
    Sleep,
    StockUpdate,
    TokenRefreshError,
    TokenSet,
    TokenSink,
    TraceRecorder,
    chunks,
    make_error,
    transport_failure,
    unparseable,
)
from workers.platforms.lazada_wire import (
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

PLATFORM = Platform.lazada

# Regional gateways for business APIs; the auth host is global.
API_HOSTS: dict[str, str] = {
    "MY": "https://api.lazada.com.my/rest",
    "TH": "https://api.lazada.co.th/rest",
    "PH": "https://api.lazada.com.ph/rest",
}
AUTH_HOST = "https://auth.lazada.com/rest"
MARKET_CURRENCY: dict[str, str] = {"MY": "MYR", "TH": "THB", "PH": "PHP"}

PATHS: dict[str, str] = {
    "token_create": "/auth/token/create",
    "token_refresh": "/auth/token/refresh",
    "price_quantity": "/product/price_quantity/update",
    "create_product": "/product/create",
    "product_item": "/product/item/get",
    "products": "/products/get",
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
    Operation.auth: Rate(per_second=1, burst=2),
}

# Raw codes (numeric business codes and named gateway/business codes, as both appear in `code` and in `detail[]`
# messages) grouped by the error type they mean.
_CODES_BY_TYPE: dict[ErrorType, str] = {
    ErrorType.AUTH_EXPIRED: "IllegalAccessToken IllegalRefreshToken AUTH_TYPE_UNSUPPORTED InvalidCode",
    # Gateway refusals of the app itself: missing API permission group, IP allow-list, bad key or signature,
    # seller account not verified / not active. Refreshing the token cannot fix any of these.
    ErrorType.AUTH_SCOPE_MISSING: """
        InsufficientPermission AppWhiteIpLimit IncompleteSignature APP_KEY_INVALID SellerNotVerified SellerNotActive
    """,
    ErrorType.RATE_LIMITED: "ApiCallLimit AppCallLimit 901 998 4154 SYS_REQUEST_TOO_FAST",
    ErrorType.PLATFORM_UNAVAILABLE: "6 513 1000 ServiceTimeout",
    ErrorType.PLATFORM_LIMIT_EXCEEDED: "204 4171 4148 BIZ_CHECK_ITEM_HAS_REACH_LIMIT 4169 CHK_IMAGE_MAX_ITEMS",
    ErrorType.SKU_MAPPING_FAILED: """
        200 207 208 4105 4126 4136 4137 4141 4150
        SELLER_SKU_NOT_FOUND ITEM_NOT_FOUND SELLER_SKU_INVALID EDIT_ITEM_NOT_BELONG_SELLER BIZ_CHECK_SELLER_SKU_DUPLICATE
    """,
    ErrorType.PRICE_NOT_EFFECTIVE: """
        4104 4114 4117 4118 4119 4121 4157 10006
        BIZ_CHECK_PRICE_PRECISION_INVALID BIZ_CHECK_PRICE_SAMPLE_NON_ZERO BIZ_CHECK_SPECIAL_PRICE_FROM_DATE_AFTER_TO_DATE
        BIZ_CHECK_PRICE_IS_ZERO BIZ_CHECK_SPECIAL_PRICE_RATE_OUT_OF_RANGE BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID
        BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE
    """,
    ErrorType.INVENTORY_SYNC_FAILED: "212 4170 4152 INV_NEGATIVE_SELLABLE THD_INVENTORY_ERR_INV_PARAM_ILLEGAL",
    ErrorType.CATEGORY_COMPLIANCE_FAILED: """
        201 202 205 206 209 4106 4107 4108 4109 4110 4111 4112 4113 4115 4120 4125 4133 4134 4140 4142 4143 4144
        4145 4161 4167 10002
        CHK_CATPROP_CPV_INPUT_SIZE_LIMIT CHECK_CAT_PROP_INVALID_NUMBER CHK_BASIC_REQUIRED CHK_SKU_PROPS_NOT_MATCH_SALE_PROP
        BIZ_CHECK_CAT_PROP_MANDATORY CHK_CATPROP_CPV_NOT_ENUM THD_IC_F_IC_DOMAIN_PROPERTY_002
        THD_IC_ERR_F_IC_DOMAIN_PROPERTY_002 CHK_ENUM_PROP_VALUE_NOT_IN_OPTION CHK_CATEGORY_ID_NOT_LEAF_CATEGORY
        THD_BRAND_ID_IS_NOT_VALID_IN_CATEGORY BIZ_CHECK_SALEPROP_ATTRIBUTE_INVALID VARIATION_CATEGORY_ATTRIBUTE_INVALID
    """,
    ErrorType.MEDIA_QUALITY: """
        4116 4138 4139 4146 4153 4158
        BIZ_CHECK_MAIN_IMAGE_DUPLICATE BIZ_CHECK_EXIST_OUTER_IMAGE BIZ_CHECK_MAIN_IMAGE_REQUIRE
        THD_IC_ERR_FC_IC_SKU_IMAGE_001
    """,
    ErrorType.LISTING_REJECTED: """
        512 4123 4124 4128 4129 4130 4131 4151 4155 4162 4163 4218 4221
        BIZ_CHECK_MANGROVE_RULE BIZ_CHECK_MANGROVE_RULE_QC BIZ_CHECK_PROP_SPECIAL_CHAR
        BIZ_CHECK_OFFICIAL_STORE_BRAND_UNAUTHORIZED BIZ_CHECK_CAT_PROP_SENSITIVE_WORDS BIZ_CHECK_MTEE_RULE_QC
        BIZ_CHECK_NO_EDIT_ITEM_LOCK BIZ_CHECK_RESTRICTED_CATEGORY
    """,
    # Our own request was malformed: nothing the seller can fix, so it stays visible as unknown with its raw body.
    ErrorType.UNKNOWN_PLATFORM_ERROR: "1 5 30 1001 4132 MissingParameter",
}
CODE_TYPES: dict[str, ErrorType] = {code: kind for kind, codes in _CODES_BY_TYPE.items() for code in codes.split()}

# Generic codes whose meaning depends on what the call did ("check the detail field", says Lazada).
GENERIC_CODE_TYPES: dict[tuple[str, Operation], ErrorType] = {
    ("501", Operation.price): ErrorType.PRICE_NOT_EFFECTIVE,
    ("501", Operation.stock): ErrorType.INVENTORY_SYNC_FAILED,
    ("4225", Operation.price): ErrorType.PRICE_NOT_EFFECTIVE,  # semi-hosted (GSP) item: edit it in GSP
    ("4225", Operation.stock): ErrorType.INVENTORY_SYNC_FAILED,
    ("500", Operation.listing): ErrorType.LISTING_REJECTED,
    ("501", Operation.listing): ErrorType.LISTING_REJECTED,
}

# Free-text `detail[].message` values seen without a code.
MESSAGE_HINTS: tuple[tuple[str, ErrorType], ...] = (
    ("negative sellable", ErrorType.INVENTORY_SYNC_FAILED),
    ("category is inactive", ErrorType.CATEGORY_COMPLIANCE_FAILED),
)

# Image codes come back on refused calls, so here they block (the taxonomy default is a warning).
SEVERITY_OVERRIDES: dict[ErrorType, Severity] = {ErrorType.MEDIA_QUALITY: Severity.error}

TOKEN_REJECTED_CODES = frozenset({"IllegalAccessToken"})
# Throttling answered inside HTTP 200: Lazada asks to retry in the next second.
BODY_THROTTLE_CODES = frozenset({"ApiCallLimit", "AppCallLimit", "901", "4154", "SYS_REQUEST_TOO_FAST"})
TRANSIENT_TYPES = frozenset({ErrorType.RATE_LIMITED, ErrorType.PLATFORM_UNAVAILABLE})
# `detail[].field` values that name a container, not an attribute.
_CONTAINER_FIELD = re.compile(r"^(product|skus?|request|attributes)\d*$", re.IGNORECASE)
_CODE_TOKEN = re.compile(r"\b[A-Z][A-Z0-9_]{3,}\b")


# -----------------------------------------------------------------------------------------------------------
# classify: any Lazada response -> our errors


def classify(status: int, body: bytes, operation: Operation | None = None) -> list[PlatformError]:
    """Map one Lazada response to our errors; empty for a clean success. `operation` sharpens Lazada's generic
    codes (501 "update product failed" is a price problem on a price push, a stock problem on a stock push)."""
    text = body.decode("utf-8", "replace")
    if status == 429:
        return [
            make_error(ErrorType.RATE_LIMITED, PLATFORM, "HTTP_429", "too many requests", raw=_http_raw(status, text))
        ]
    if status == 413:  # the gateway refuses the body before the API sees it
        message = "request body too large"
        return [
            make_error(ErrorType.PLATFORM_LIMIT_EXCEEDED, PLATFORM, "HTTP_413", message, raw=_http_raw(status, text))
        ]
    if status >= 500:
        message = f"HTTP {status} from Lazada"
        return [
            make_error(ErrorType.PLATFORM_UNAVAILABLE, PLATFORM, f"HTTP_{status}", message, raw=_http_raw(status, text))
        ]
    try:
        payload = json.loads(body)
    except ValueError:
        return [unparseable(PLATFORM, status, body)]
    if not isinstance(payload, dict) or "code" not in payload:
        return [unparseable(PLATFORM, status, body)]
    code = str(payload["code"])
    if code == "0":
        return [] if status < 400 else [unparseable(PLATFORM, status, body)]
    message = str(payload.get("message") or "")
    details = [item for item in payload.get("detail") or [] if isinstance(item, Mapping)]
    if not details:
        return [_error(_type_of(code, operation), code, message, payload)]
    envelope = {"response_code": code, "response_message": message, "request_id": payload.get("request_id")}
    return [_detail_error(item, code, operation, envelope) for item in details]


def _detail_error(
    item: Mapping[str, Any], code: str, operation: Operation | None, envelope: Mapping[str, Any]
) -> PlatformError:
    """One `detail[]` entry, e.g. {"field": "Product", "seller_sku": "A-1", "message": "SELLER_SKU_NOT_FOUND"}."""
    message = str(item.get("message") or "")
    candidates = [str(item["code"])] if item.get("code") not in (None, "") else []
    candidates += _CODE_TOKEN.findall(message)
    specific = next((c for c in candidates if c in CODE_TYPES), None)
    hint = next((kind for text, kind in MESSAGE_HINTS if text in message.lower()), None)
    kind = CODE_TYPES[specific] if specific else hint or _type_of(code, operation)
    name = str(item.get("field") or "")
    missing = (
        (name,) if kind is ErrorType.CATEGORY_COMPLIANCE_FAILED and name and not _CONTAINER_FIELD.match(name) else ()
    )
    return _error(kind, specific or code, message, {**item, **envelope}, missing)


def _type_of(code: str, operation: Operation | None) -> ErrorType:
    if code in CODE_TYPES:
        return CODE_TYPES[code]
    if operation is not None and (code, operation) in GENERIC_CODE_TYPES:
        return GENERIC_CODE_TYPES[(code, operation)]
    return ErrorType.UNKNOWN_PLATFORM_ERROR


def _error(
    kind: ErrorType, code: str, message: str, raw: Mapping[str, Any], missing: Sequence[str] = ()
) -> PlatformError:
    severity = SEVERITY_OVERRIDES.get(kind)
    return make_error(kind, PLATFORM, code, message, raw=raw, missing_fields=missing, severity=severity)


def _http_raw(status: int, text: str) -> dict[str, Any]:
    return {"status": status, "body": text}


# -----------------------------------------------------------------------------------------------------------
# The client


class AuthFailed(TokenRefreshError):
    """A token create/refresh that Lazada refused; `errors` says why. The shared TokenRefreshError, under the name
    this module's callers and tests already use."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    trace_id: str | None
    body: Mapping[str, Any]
    errors: list[PlatformError]
    tokens: TokenSet | None = None


Push = TypeVar("Push", PriceUpdate, StockUpdate)


class Client:
    platform: Platform = PLATFORM

    def __init__(
        self,
        connection: Connection,
        *,
        http: httpx.AsyncClient,
        recorder: TraceRecorder,
        limiter: RateLimiter | None,
        refresh_lock: RefreshLock,
        on_tokens: TokenSink | None,
        retry: RetryPolicy | None,
        sleep: Sleep,
    ) -> None:
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
        self._refresh_lock = refresh_lock
        self._on_tokens = on_tokens
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = PlatformHttp(
            platform=PLATFORM,
            connection=connection,
            http=http,
            recorder=recorder,
            limiter=limiter,
            retry=self._retry,
            sleep=sleep,
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
        return ItemResult(
            sku=sku, ok=not errors, errors=errors, trace_id=outcome.trace_id, needs_confirmation=not errors
        )

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

    async def _read(
        self,
        refs: Sequence[ListingRef],
        indexes: Sequence[int],
        path: str,
        params: Mapping[str, str],
        out: dict[int, ListingStatus],
    ) -> None:
        outcome = await self._call(Operation.status, path, params, method="GET")
        products = products_of(outcome.body.get("data"))
        trace_id = outcome.trace_id or ""
        for index in indexes:
            ref = refs[index]
            found = None if outcome.errors else listing_status(products, ref.sku, ref.variant_id, trace_id)
            out[index] = found or missing_status(ref, outcome.errors, outcome.trace_id)

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

    async def _refresh(self) -> _Outcome:
        if not self._refresh_token:
            error = make_error(ErrorType.AUTH_EXPIRED, PLATFORM, "NO_REFRESH_TOKEN", "no refresh token stored")
            return _Outcome(None, {}, [error])
        outcome = await self._token_call(PATHS["token_refresh"], {"refresh_token": self._refresh_token})
        # A refused refresh means the seller must authorise again, whatever code carried it; outages stay outages.
        errors = [e if e.error_type in TRANSIENT_TYPES else _as_auth_expired(e) for e in outcome.errors]
        return replace(outcome, errors=errors)

    async def _token_call(self, path: str, params: Mapping[str, str], extra_secret: str = "") -> _Outcome:
        build = partial(self._request, "POST", self._auth_base, path, params, None)
        secrets = [*self._secrets(), extra_secret]
        response = await self._http.send(
            build, operation=Operation.auth, rate=RATES[Operation.auth], extra_secrets=secrets
        )
        outcome = self._outcome(response, Operation.auth)
        if outcome.errors:
            return outcome
        if not outcome.body.get("access_token"):
            return replace(outcome, errors=[unparseable(PLATFORM, response.status or 0, response.body)])
        tokens = token_set(outcome.body, datetime.now(UTC))
        if self._on_tokens is not None:  # stored before the new access token is ever used
            await self._on_tokens(tokens)
        self._access_token = tokens.access_token
        self._refresh_token = tokens.refresh_token or self._refresh_token
        self._access_expires_at = tokens.access_expires_at
        return replace(outcome, tokens=tokens)

    async def _refresh_replacing(self, stale_token: str | None) -> _Outcome:
        async with self._refresh_lock(self._lock_key):
            if self._access_token != stale_token and not self._access_due():
                return _Outcome(None, {}, [])  # refreshed while we waited for the lock
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
    ) -> _Outcome:
        """One business call with at most one token refresh + retry, and short retries of in-body throttling."""
        if self._access_due():
            refreshed = await self._refresh_replacing(self._access_token)
            if refreshed.errors:
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
            codes = {e.platform_code for e in outcome.errors}
            if not refreshed_once and codes & TOKEN_REJECTED_CODES:
                refreshed_once = True
                refreshed = await self._refresh_replacing(token)
                if refreshed.errors:
                    return refreshed
                continue
            if codes and codes <= BODY_THROTTLE_CODES and throttled + 1 < self._retry.max_attempts:
                throttled += 1
                await self._sleep(min(float(throttled), self._retry.max_delay))
                continue
            return outcome

    def _outcome(self, response: Response, operation: Operation) -> _Outcome:
        if response.status is None:
            return _Outcome(response.trace_id, {}, [transport_failure(PLATFORM, response)])
        errors = classify(response.status, response.body, operation)
        body = {} if errors else json.loads(response.body)
        return _Outcome(response.trace_id, body, errors)

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
