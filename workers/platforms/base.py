"""The contract between workers and the four platform clients, and the plumbing they share.

Each platform package (`workers/platforms/<platform>/client.py`) defines `Client(connection, deps)`: a `Connection`
and the `ClientDeps` (the shared `httpx.AsyncClient`, a `TraceRecorder`, a `RateLimiter`, a `RefreshLock`, ...);
clients import no database and no settings, and return only the types below.
"""

from __future__ import annotations

import asyncio
import importlib
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

import httpx
import structlog

from api import metrics
from api.errors.taxonomy import ErrorType, Severity, doc_url
from api.errors.taxonomy import info as taxonomy_info

# Platform, Operation and TraceExchange live where the API may import them too; re-exported so clients keep
# importing them from here.
from api.platforms import Platform as Platform
from api.traces.records import Operation as Operation
from api.traces.records import TraceExchange as TraceExchange
from api.traces.redaction import redact_headers, redact_text, redact_url, scrub

# -----------------------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class ListingRef:
    """One SKU of one shop, with its platform-native ids (the SKU binding)."""

    sku: str  # the seller's SKU (Amazon seller SKU, Lazada SellerSku, TikTok/Shopee seller_sku)
    item_id: str | None = None  # ASIN / TikTok product_id / Shopee item_id / Lazada item_id
    variant_id: str | None = None  # TikTok sku_id / Shopee model_id / Lazada sku_id
    # Platform-specific extras of the binding, e.g. {"product_type": "LUGGAGE"} for Amazon,
    # {"warehouse_id": "..."} for TikTok, {"location_id": "..."} for Shopee.
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    ref: ListingRef
    price: Decimal
    currency: str
    sale_price: Decimal | None = None  # a promotional price, where the platform has one


@dataclass(frozen=True, slots=True)
class StockUpdate:
    ref: ListingRef
    quantity: int


@dataclass(frozen=True, slots=True)
class ListingImage:
    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class ListingDraft:
    ref: ListingRef
    title: str
    category_id: str  # Amazon product type, TikTok/Shopee/Lazada category id
    price: Decimal
    currency: str
    quantity: int
    description: str = ""
    brand: str | None = None
    images: Sequence[ListingImage] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)


# -----------------------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True, slots=True)
class PlatformError:
    error_type: ErrorType
    severity: Severity
    platform_code: str
    platform_message: str
    missing_fields: tuple[str, ...] = ()
    doc_url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)  # the platform's error object as received


@dataclass(frozen=True, slots=True)
class ItemResult:
    sku: str
    ok: bool
    errors: list[PlatformError] = field(default_factory=list)
    trace_id: str | None = None
    # Set when the platform only queued the change (Amazon ACCEPTED, Lazada): a read-back must confirm it.
    needs_confirmation: bool = False
    # Ids the platform assigned (e.g. a published listing's item_id / sku_id), for the SKU binding.
    platform_ids: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListingStatus:
    sku: str
    found: bool
    status: str | None = None  # the platform's own status word (BUYABLE, ACTIVATE, NORMAL, active, ...)
    price: Decimal | None = None
    sale_price: Decimal | None = None
    quantity: int | None = None
    updated_at: datetime | None = None
    errors: list[PlatformError] = field(default_factory=list)
    trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class ListingState:
    """What a read-back found of a listing on the platform's side: the platform's own status word (TikTok
    `FAILED`, Shopee `BANNED`, Lazada `rejected`, Amazon's summary statuses) and the reasons it gives for it (audit
    failure reasons, violation details, QC reject reasons, listing issues), each as received."""

    status: str | None
    reasons: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogListing:
    """One sellable variant as the shop's listing API lists it; a catalog sync binds it by its seller SKU."""

    # sku: the seller SKU ("" when the platform holds none); item_id / variant_id and extra as a binding keeps them
    # (Amazon {"product_type"}, TikTok {"warehouse_id"}, Shopee {"location_id"}).
    ref: ListingRef
    title: str = ""
    status: str | None = None  # the platform's own status word, as received
    price: Decimal | None = None
    quantity: int | None = None
    # LISTING_REJECTED errors, one per reason the platform gives (its code and words verbatim) when the listing is
    # rejected, banned, suppressed or failed review; empty when the listing is healthy.
    rejected: tuple[PlatformError, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogPage:
    """One page of a shop's listings. `errors` (blocking) when the page could not be read; `next_cursor` is None on
    the last page and opaque to callers (each client encodes its platform's own paging in it)."""

    listings: list[CatalogListing]
    next_cursor: str | None = None
    errors: list[PlatformError] = field(default_factory=list)
    trace_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """One platform call after retries (and at most one token refresh), as the clients read it: its trace, our
    errors, and what came back."""

    trace_id: str | None
    errors: list[PlatformError]
    data: dict[str, Any] = field(default_factory=dict)  # the decoded JSON body; {} when there was none
    status: int | None = None  # None when no answer came back, or the token refresh failed first
    body: bytes = b""  # the raw body, for platforms that parse it themselves
    tokens: TokenSet | None = None  # the new pair a token call returned

    @property
    def blocking(self) -> list[PlatformError]:
        """The errors that stop the call (warnings ride along on a success)."""
        return [e for e in self.errors if e.severity is Severity.error]


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    access_expires_at: datetime
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()


# -----------------------------------------------------------------------------------------------------------
# The stored connection, as the workers hand it to a client


@dataclass(frozen=True, slots=True)
class Connection:
    platform: Platform
    shop_id: str  # our shop id: the rate-limit and refresh-lock key
    market: str  # US, CA, UK, DE, JP, SEA, MY, TH, PH, ID
    # App and shop credentials by name: Amazon client_id/client_secret/seller_id; TikTok app_key/app_secret/
    # shop_cipher; Shopee partner_id/partner_key/shop_id; Lazada app_key/app_secret.
    credentials: Mapping[str, str]
    access_token: str | None = None
    refresh_token: str | None = None
    access_expires_at: datetime | None = None
    base_url: str | None = None  # overrides the market's API host (the sandbox sets this)
    auth_base_url: str | None = None  # overrides the token host

    def secrets(self) -> list[str]:
        """Every secret value this connection holds, for scrubbing recorded traces."""
        values = [self.access_token or "", self.refresh_token or ""]
        values += [v for k, v in self.credentials.items() if "secret" in k or "key" in k or "token" in k]
        return [v for v in values if v]


TokenSink = Callable[[TokenSet], Awaitable[None]]
TokenSource = Callable[[], Awaitable[TokenSet | None]]


# -----------------------------------------------------------------------------------------------------------
# Protocols


@runtime_checkable
class PlatformClient(Protocol):
    platform: Platform

    async def update_prices(self, items: Sequence[PriceUpdate]) -> list[ItemResult]: ...

    async def update_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]: ...

    async def publish_listing(self, draft: ListingDraft) -> ItemResult: ...

    async def get_listing_status(self, refs: Sequence[ListingRef]) -> list[ListingStatus]: ...

    async def refresh_access_token(self) -> TokenSet: ...


@runtime_checkable
class CatalogReader(Protocol):
    """A client that can page through its shop's listings (the catalog sync's reading half)."""

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        """One page of the shop's listings with their platform-side state, from `cursor` (None: the first)."""
        ...


class TraceRecorder(Protocol):
    async def record(self, exchange: TraceExchange) -> None: ...


class ListTraceRecorder:
    """Keeps exchanges in memory: for tests and for callers that persist them in one batch."""

    def __init__(self) -> None:
        self.exchanges: list[TraceExchange] = []

    async def record(self, exchange: TraceExchange) -> None:
        self.exchanges.append(exchange)


class RateLimiter(Protocol):
    async def acquire(self, key: str, rate: float, burst: int) -> None:
        """Wait until one call under `key` fits a token bucket of `rate` per second and `burst` tokens."""
        ...


class NoRateLimit:
    async def acquire(self, key: str, rate: float, burst: int) -> None:
        return None


class RefreshLock(Protocol):
    def __call__(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold an exclusive lock (across worker processes) on refreshing one shop's token."""
        ...


_local_locks: dict[str, asyncio.Lock] = {}


@asynccontextmanager
async def local_refresh_lock(key: str) -> Any:
    """A process-local RefreshLock, for tests and single-process use; production uses the Redis one."""
    lock = _local_locks.setdefault(key, asyncio.Lock())
    async with lock:
        yield


class TokenRefreshError(Exception):
    """`refresh_access_token()` (or a code exchange) was refused; `errors` says why (AUTH_EXPIRED, ...)."""

    def __init__(self, errors: list[PlatformError]) -> None:
        super().__init__("; ".join(f"{e.platform_code}: {e.platform_message}" for e in errors) or "refresh failed")
        self.errors = errors


# -----------------------------------------------------------------------------------------------------------
# Errors built the same way by every platform


def make_error(
    error_type: ErrorType,
    platform: Platform,
    code: str,
    message: str,
    *,
    raw: Mapping[str, Any] | None = None,
    missing_fields: Sequence[str] = (),
    severity: Severity | None = None,
    category_id: str = "",
    url: str | None = None,
) -> PlatformError:
    return PlatformError(
        error_type=error_type,
        severity=severity or taxonomy_info(error_type).severity,
        platform_code=code,
        platform_message=message,
        missing_fields=tuple(missing_fields),
        doc_url=url or doc_url(error_type, platform.value, category_id),
        raw=dict(raw or {}),
    )


# A refusal of one item inside an accepted batch means what the call was for: a price that did not take effect in
# a price call, a stock that did not sync in a stock call. Only these types (and the unknown) depend on it; a
# mapping, authorisation, limit or compliance failure means the same in every call.
OPERATION_FAILURES: dict[Operation, ErrorType] = {
    Operation.price: ErrorType.PRICE_NOT_EFFECTIVE,
    Operation.stock: ErrorType.INVENTORY_SYNC_FAILED,
}
OPERATION_DEPENDENT_TYPES = frozenset(
    {ErrorType.PRICE_NOT_EFFECTIVE, ErrorType.INVENTORY_SYNC_FAILED, ErrorType.UNKNOWN_PLATFORM_ERROR}
)


def per_item_type(error_type: ErrorType, operation: Operation | None) -> ErrorType:
    """The type of a per-item failure inside an accepted batch, read with the operation of the call."""
    if operation in OPERATION_FAILURES and error_type in OPERATION_DEPENDENT_TYPES:
        return OPERATION_FAILURES[operation]
    if operation is Operation.listing and error_type is ErrorType.UNKNOWN_PLATFORM_ERROR:
        return ErrorType.LISTING_REJECTED
    return error_type


# Refusals a gateway answers by status before the API reads the request, often in HTML or with no body at all:
# their meaning does not depend on the body.
GATEWAY_STATUSES: dict[int, tuple[ErrorType, str]] = {
    413: (ErrorType.PLATFORM_LIMIT_EXCEEDED, "request too large: the gateway refused the body before the API read it"),
    # We sent a content type the gateway does not take: a defect of the integration, not of the seller's data.
    415: (ErrorType.UNKNOWN_PLATFORM_ERROR, "unsupported media type: the gateway refused the request's content type"),
    429: (ErrorType.RATE_LIMITED, "too many requests"),
    500: (ErrorType.PLATFORM_UNAVAILABLE, "internal server error"),
    502: (ErrorType.PLATFORM_UNAVAILABLE, "bad gateway"),
    503: (ErrorType.PLATFORM_UNAVAILABLE, "service unavailable"),
    504: (ErrorType.PLATFORM_UNAVAILABLE, "gateway timeout"),
}


def gateway_refusal(platform: Platform, status: int, body: bytes) -> PlatformError | None:
    """The error of a status the gateway answers whatever the body says (None for other statuses)."""
    known = GATEWAY_STATUSES.get(status)
    if known is None and status >= 500:
        known = (ErrorType.PLATFORM_UNAVAILABLE, f"HTTP {status} from the platform")
    if known is None:
        return None
    error_type, message = known
    raw = {"status": status, "body": body.decode("utf-8", "replace")}
    return make_error(error_type, platform, f"HTTP_{status}", message, raw=raw)


def retyped(error: PlatformError, error_type: ErrorType, platform: Platform, category_id: str = "") -> PlatformError:
    """The same platform error read as another type: its link follows the type; code, message, raw and severity
    stay."""
    if error.error_type is error_type:
        return error
    return replace(error, error_type=error_type, doc_url=doc_url(error_type, platform.value, category_id))


def fail_all(skus: Sequence[str], errors: list[PlatformError], trace_id: str | None) -> list[ItemResult]:
    """A whole-call failure: one result per item, each carrying the same errors."""
    return [ItemResult(sku=sku, ok=False, errors=list(errors), trace_id=trace_id) for sku in skus]


T = TypeVar("T")


def as_decimal(value: Any) -> Decimal | None:
    """A price as a platform sent it (number or string) as a Decimal; None when absent, a bool, unparseable or not
    finite."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# -----------------------------------------------------------------------------------------------------------
# Sending: rate limit, retries with jittered backoff honouring Retry-After, and a trace per attempt


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    budget_seconds: float = 45.0  # total time a call may spend waiting between attempts
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    burst: int


@dataclass(frozen=True, slots=True)
class Response:
    """The final outcome of a call after retries: a response, or a transport error (status None)."""

    trace_id: str
    status: int | None
    headers: httpx.Headers
    body: bytes
    transport_error: str | None = None
    attempts: int = 1


Sleep = Callable[[float], Awaitable[None]]


def retry_after_seconds(headers: httpx.Headers, now: float | None = None) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class PlatformHttp:
    """One platform's view of the shared httpx client: limiter, retries and trace recording in one place."""

    def __init__(
        self,
        *,
        platform: Platform,
        connection: Connection,
        http: httpx.AsyncClient,
        recorder: TraceRecorder,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.platform = platform
        self.connection = connection
        self.http = http
        self.recorder = recorder
        self.limiter = limiter or NoRateLimit()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep

    async def send(
        self,
        build: Callable[[], httpx.Request],
        *,
        operation: Operation,
        rate: Rate | None = None,
        extra_secrets: Sequence[str] = (),
    ) -> Response:
        """Send the request `build()` makes (called again per attempt, so signatures and timestamps are fresh).

        429, 5xx, timeouts and connection errors are retried with jittered exponential backoff honouring
        Retry-After, within the policy's attempts and time budget; the last outcome is returned, never raised.
        """
        trace_id = new_trace_id()
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            if rate is not None:
                await self.limiter.acquire(
                    f"{self.platform.value}:{self.connection.shop_id}:{operation.value}",
                    rate.per_second,
                    rate.burst,
                )
            request = build()
            outcome = await self._exchange(request, trace_id, operation, attempt, extra_secrets)
            retryable = outcome.status is None or outcome.status in self.retry.retry_statuses
            if not retryable or attempt >= self.retry.max_attempts:
                return outcome
            delay = self._delay(attempt, outcome.headers)
            if waited + delay > self.retry.budget_seconds:
                return outcome
            waited += delay
            await self.sleep(delay)

    def _delay(self, attempt: int, headers: httpx.Headers) -> float:
        hinted = retry_after_seconds(headers)
        if hinted is not None:
            return min(hinted, self.retry.max_delay)
        backoff = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        return random.uniform(backoff / 2, backoff)  # "equal jitter"

    async def _exchange(
        self,
        request: httpx.Request,
        trace_id: str,
        operation: Operation,
        attempt: int,
        extra_secrets: Sequence[str],
    ) -> Response:
        secrets = [*self.connection.secrets(), *extra_secrets]
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        request_body = request.content.decode("utf-8", "replace")
        sent = TraceExchange(
            trace_id=trace_id,
            platform=self.platform,
            shop_id=self.connection.shop_id,
            operation=operation,
            method=request.method,
            url=scrub(redact_url(str(request.url)), secrets),
            request_headers=redact_headers(request.headers.multi_items()),
            request_body=redact_text(request_body, secrets),
            started_at=started_at,
            duration_ms=0,
            attempt=attempt,
        )
        try:
            with structlog.contextvars.bound_contextvars(trace_id=trace_id):
                response = await self.http.send(request)
                body = await response.aread()
        except httpx.TransportError as exc:
            message = f"{type(exc).__name__}: {exc}".strip()
            self._observe(operation, None, started)
            await self.recorder.record(
                replace(sent, duration_ms=_ms_since(started), transport_error=scrub(message, secrets))
            )
            return Response(trace_id, None, httpx.Headers(), b"", transport_error=message, attempts=attempt)
        self._observe(operation, response.status_code, started)
        await self.recorder.record(
            replace(
                sent,
                duration_ms=_ms_since(started),
                response_status=response.status_code,
                response_headers=redact_headers(response.headers.multi_items()),
                response_body=redact_text(body.decode("utf-8", "replace"), secrets),
            )
        )
        return Response(trace_id, response.status_code, response.headers, body, attempts=attempt)

    def _observe(self, operation: Operation, status: int | None, started: float) -> None:
        """Every exchange of every client passes here: the platform-call metrics (docs/metrics.md)."""
        labels = (self.platform.value, operation.value)
        metrics.PLATFORM_CALLS.labels(*labels, metrics.platform_call_outcome(status)).inc()
        metrics.PLATFORM_CALL_DURATION.labels(*labels).observe(time.perf_counter() - started)


def new_trace_id() -> str:
    return uuid.uuid4().hex


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def transport_failure(platform: Platform, response: Response) -> PlatformError:
    """A call that never got an answer (timeout, refused connection) after its retries."""
    return make_error(
        ErrorType.PLATFORM_UNAVAILABLE,
        platform,
        "TRANSPORT_ERROR",
        response.transport_error or "no response",
    )


def unparseable(platform: Platform, status: int, body: bytes) -> PlatformError:
    """A body that is not the JSON the platform documents: keep the raw text in full."""
    text = body.decode("utf-8", "replace")
    return make_error(
        ErrorType.UNKNOWN_PLATFORM_ERROR,
        platform,
        f"HTTP_{status}",
        "malformed response body" if text.strip() else "empty response body",
        raw={"status": status, "body": text},
    )


# -----------------------------------------------------------------------------------------------------------
# The factory


@dataclass(frozen=True, slots=True)
class ClientDeps:
    """What every platform client is built with besides its connection: shared by all the clients of a process.

    `on_tokens` is awaited with every new token pair *before* the new access token is used, so the caller stores
    it (Shopee refresh tokens work once). `token_source` reads the stored pair again, so a client holding the
    refresh lock can see that another process already refreshed."""

    http: httpx.AsyncClient
    recorder: TraceRecorder
    limiter: RateLimiter = NoRateLimit()  # noqa: RUF009 (stateless: one shared instance is right)
    refresh_lock: RefreshLock = local_refresh_lock
    on_tokens: TokenSink | None = None
    token_source: TokenSource | None = None
    retry: RetryPolicy = RetryPolicy()
    sleep: Sleep = asyncio.sleep


def platform_http(platform: Platform, connection: Connection, deps: ClientDeps) -> PlatformHttp:
    """The sending half of a client, from its dependencies."""
    return PlatformHttp(
        platform=platform,
        connection=connection,
        http=deps.http,
        recorder=deps.recorder,
        limiter=deps.limiter,
        retry=deps.retry,
        sleep=deps.sleep,
    )


def get_client(connection: Connection, deps: ClientDeps) -> PlatformClient:
    """Build the client for a stored connection: `workers.platforms.<platform>.client.Client(connection, deps)`."""
    # Imported by name: the platform packages import this module.
    module = importlib.import_module(f"workers.platforms.{connection.platform.value}.client")
    client: PlatformClient = module.Client(connection, deps)
    return client
