"""Shopee Open Platform v2 client: partner-signed shop calls, single-use refresh tokens, per-model results.

Sources: open.shopee.com developer guides "API calls" and "Authorization and Authentication", and the per-API pages
of v2.product.update_price / update_stock / add_item / get_item_base_info / get_model_list / get_attribute_tree and
v2.auth.token.get / access_token.get. The error vocabulary and `classify` live in `shopee_codes`.

Token contract (Shopee refresh tokens work once; a second use of a spent one fails and the shop must re-authorise):
- every refresh runs under `refresh_lock("shopee:<shop_id>")`, shared by all workers;
- the holder awaits `on_tokens(new pair)` *inside* the lock and before the new access token is used, so by the time
  the lock is free again the new pair is stored;
- inside the lock the client first re-checks whether its refresh token was already spent by someone else: through
  `token_source` (an optional callable returning the stored pair, so a refresh done by another process is seen),
  and through a per-process memo of rotations (so concurrent clients of one worker process never both spend it).
  If it was, the client adopts the stored pair instead of refreshing.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from api import platforms
from api.errors.taxonomy import ErrorType, doc_url
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
    PriceUpdate,
    Rate,
    StockUpdate,
    TokenSet,
    chunks,
    fail_all,
    make_error,
)
from workers.platforms.base import PlatformHttp as _PlatformHttp
from workers.platforms.rules import CategoryRules, DraftValues, RulesUnavailable
from workers.platforms.shopee import catalog
from workers.platforms.shopee.codes import classify
from workers.platforms.shopee.items import (
    VIOLATION_STATUSES,
    Entry,
    ShopeeAuthError,
    add_item_body,
    invalid,
    listing_problem,
    model_results,
    numeric,
    outcome_of,
    price_problem,
    price_value,
    read_status,
    response_of,
    sent_attribute_ids,
    tokens_from,
    unbound,
    violation_states,
)
from workers.platforms.shopee.rules import draft_values, rules_from
from workers.platforms.shopee.wire import public_base_string, shop_base_string, sign

__all__ = ["Client", "ShopeeAuthError", "classify", "public_base_string", "shop_base_string", "sign"]

SHOPEE = Platform.shopee
E = ErrorType

DEFAULT_HOST = "https://partner.shopeemobile.com"
# Every market uses the same host; the market is a property of the shop (developer guide "API calls").
HOSTS: dict[str, str] = {"MY": DEFAULT_HOST, "TH": DEFAULT_HOST, "PH": DEFAULT_HOST, "ID": DEFAULT_HOST}
# Decimal places update_price accepts: MY two, TH/PH/ID whole numbers only (v2.product.update_price page).
PRICE_DECIMALS: dict[str, int] = {code: m.price_decimals for (p, code), m in FACT_MARKETS.items() if p == "shopee"}
CURRENCIES: dict[str, str] = {code: m.currency for (p, code), m in FACT_MARKETS.items() if p == "shopee"}

PATHS: dict[str, str] = {
    "token_get": "/api/v2/auth/token/get",
    "token_refresh": "/api/v2/auth/access_token/get",
    "update_price": "/api/v2/product/update_price",
    "update_stock": "/api/v2/product/update_stock",
    "add_item": "/api/v2/product/add_item",
    "get_item_base_info": "/api/v2/product/get_item_base_info",
    "get_model_list": "/api/v2/product/get_model_list",
    "get_attribute_tree": "/api/v2/product/get_attribute_tree",
    "get_item_violation_info": "/api/v2/product/get_item_violation_info",
    "get_item_list": "/api/v2/product/get_item_list",
}
GET_CALLS = frozenset(
    {"get_item_list", "get_item_base_info", "get_model_list", "get_attribute_tree", "get_item_violation_info"}
)

# Per call: update_price / update_stock take ONE item and 1-50 models; reads take <= 50 item ids (API pages).
BATCH_LIMITS: dict[str, int] = {
    "update_price": 50,  # price_list entries, one item_id per call
    "update_stock": 50,  # stock_list entries, one item_id per call
    "get_item_base_info": 50,  # item_id_list
    "get_attribute_tree": 20,  # category_id_list
    "get_item_violation_info": 50,  # item_id_list
}
LIST_FIELDS: dict[str, str] = {"update_price": "price_list", "update_stock": "stock_list"}

# Shopee publishes no numeric rate limit (rate_limit is empty on every API page); these are our own conservative
# per-shop budgets, well under the ~100 req/s a community report saw working (python-shopee issue 54).
RATES: dict[Operation, Rate] = {
    Operation.price: Rate(per_second=10, burst=10),
    Operation.stock: Rate(per_second=10, burst=10),
    Operation.listing: Rate(per_second=1, burst=2),
    Operation.status: Rate(per_second=10, burst=10),
    Operation.catalog: Rate(per_second=10, burst=10),
    Operation.auth: Rate(per_second=1, burst=2),
}

ACCESS_TOKEN_LIFETIME = platforms.ACCESS_TOKEN_LIFETIME["shopee"]
REFRESH_TOKEN_LIFETIME: timedelta = platforms.REFRESH_TOKEN_LIFETIME["shopee"] or timedelta(days=30)
EXPIRY_MARGIN = timedelta(seconds=60)  # refresh a little early so a token does not expire in flight


# Per process and lock key: spent refresh token -> the pair it became (see the module docstring). A short chain is
# kept so that a client built from an older stored pair still finds the latest one.
_rotations: dict[str, dict[str, TokenSet]] = {}
ROTATIONS_KEPT = 8


# -----------------------------------------------------------------------------------------------------------


class Client:
    platform = Platform.shopee

    def __init__(self, connection: Connection, deps: ClientDeps, *, clock: Callable[[], float] = time.time) -> None:
        self.connection = connection
        self._http = _PlatformHttp(
            platform=SHOPEE,
            connection=connection,
            http=deps.http,
            recorder=deps.recorder,
            limiter=deps.limiter,
            retry=deps.retry,
            sleep=deps.sleep,
        )
        self._refresh_lock = deps.refresh_lock
        self._on_tokens = deps.on_tokens
        self._token_source = deps.token_source
        self._clock = clock
        credentials = connection.credentials
        self._partner_id = str(credentials.get("partner_id", "")).strip()
        self._partner_key = str(credentials.get("partner_key", ""))
        self._shop_id = str(credentials.get("shop_id", "")).strip()
        self._market = connection.market.upper()
        self._base_url = (connection.base_url or HOSTS.get(self._market, DEFAULT_HOST)).rstrip("/")
        self._auth_base_url = (connection.auth_base_url or self._base_url).rstrip("/")
        self._access_token = connection.access_token
        self._refresh_token = connection.refresh_token
        self._access_expires_at = connection.access_expires_at

    # --- PlatformClient -----------------------------------------------------------------------------------

    async def update_prices(self, items: Sequence[PriceUpdate]) -> list[ItemResult]:
        def entry(index: int, update: PriceUpdate) -> Entry | PlatformError:
            problem = self._price_problem(update.price, update.currency, update.sale_price)
            return problem or self._entry(index, update.ref, {"original_price": self._price_value(update.price)})

        entries = [entry(index, update) for index, update in enumerate(items)]
        return await self._push("update_price", Operation.price, [u.ref.sku for u in items], entries)

    async def update_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        def entry(index: int, update: StockUpdate) -> Entry | PlatformError:
            if update.quantity < 0:
                return invalid("NEGATIVE_STOCK", f"stock must not be negative (got {update.quantity})", "quantity")
            stock: dict[str, Any] = {"stock": update.quantity}
            if update.ref.extra.get("location_id"):  # multi-warehouse sellers only
                stock["location_id"] = update.ref.extra["location_id"]
            return self._entry(index, update.ref, {"seller_stock": [stock]})

        entries = [entry(index, update) for index, update in enumerate(items)]
        return await self._push("update_stock", Operation.stock, [u.ref.sku for u in items], entries)

    async def publish_listing(self, draft: ListingDraft) -> ItemResult:
        problem = self._connection_problem() or self._price_problem(draft.price, draft.currency, None)
        problem = problem or listing_problem(draft, self._market)
        if problem is not None:
            return ItemResult(sku=draft.ref.sku, ok=False, errors=[problem])
        body = add_item_body(draft, self._price_value(draft.price))
        outcome = await self._shop_call("add_item", Operation.listing, body=body)
        if outcome.blocking:
            errors = await self._name_missing_attributes(draft, outcome.errors)
            return ItemResult(sku=draft.ref.sku, ok=False, errors=errors, trace_id=outcome.trace_id)
        item_id = response_of(outcome).get("item_id")
        ids = {"item_id": str(item_id)} if item_id is not None else {}
        # A new item may sit in REVIEWING; only a read-back of get_item_base_info confirms it is live.
        return ItemResult(
            sku=draft.ref.sku,
            ok=True,
            errors=outcome.errors,  # the envelope's warnings, if any
            trace_id=outcome.trace_id,
            needs_confirmation=True,
            platform_ids=ids,
        )

    async def get_listing_status(self, refs: Sequence[ListingRef]) -> list[ListingStatus]:
        problem = self._connection_problem()
        if problem is not None:
            return [ListingStatus(sku=ref.sku, found=False, errors=[problem]) for ref in refs]
        item_ids = list(dict.fromkeys(int(ref.item_id or 0) for ref in refs if numeric(ref.item_id)))
        items: dict[int, tuple[str | None, dict[str, Any]]] = {}
        failed_reads: dict[int, CallOutcome] = {}
        for batch in chunks(item_ids, BATCH_LIMITS["get_item_base_info"]):
            params = {"item_id_list": ",".join(map(str, batch))}
            outcome = await self._shop_call("get_item_base_info", Operation.status, params=params)
            if outcome.blocking:
                failed_reads.update(dict.fromkeys(batch, outcome))
                continue
            for item in response_of(outcome).get("item_list") or ():
                if isinstance(item, dict) and numeric(item.get("item_id")):
                    items[int(item["item_id"])] = (outcome.trace_id, item)
        # Items with variants keep price and stock on their models: one get_model_list per such item.
        models: dict[int, CallOutcome] = {}
        for ref in refs:
            if numeric(ref.item_id) and numeric(ref.variant_id) and int(ref.variant_id or 0):
                item_id = int(ref.item_id or 0)
                if item_id in items and item_id not in models:
                    params = {"item_id": str(item_id)}
                    models[item_id] = await self._shop_call("get_model_list", Operation.status, params=params)
        violations = await self._violations([i for i, (_, item) in items.items() if _refused(item)])
        return [read_status(ref, items, failed_reads, models, violations) for ref in refs]

    async def _violations(
        self, item_ids: Sequence[int], operation: Operation = Operation.status
    ) -> dict[int, list[PlatformError]]:
        """Why Shopee banned or deleted these items (get_item_violation_info), read with each item's state. An
        answer that fails leaves the generic reason: the read-back itself still stands."""
        found: dict[int, list[PlatformError]] = {}
        for batch in chunks(item_ids, BATCH_LIMITS["get_item_violation_info"]):
            params = {"item_id_list": ",".join(map(str, batch))}
            outcome = await self._shop_call("get_item_violation_info", operation, params=params)
            if outcome.blocking:
                continue
            for item_id, state in violation_states(outcome).items():
                found[item_id] = classify(outcome.status or 200, outcome.body, Operation.status, state=state)
        return found

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        """One get_item_list page (100 items, every model of each); the cursor is Shopee's offset."""
        problem = self._connection_problem()
        if problem is None and cursor is not None and not cursor.isdigit():
            problem = make_error(E.VALIDATION_FAILED, SHOPEE, "BAD_CURSOR", f"not a Shopee offset: {cursor!r}")
        if problem is not None:
            return CatalogPage(listings=[], errors=[problem])
        try:
            listings, offset = await catalog.read_page(
                self._shop_call, lambda ids: self._violations(ids, Operation.catalog), int(cursor or 0)
            )
        except catalog.PageFailed as failed:
            return CatalogPage(listings=[], errors=failed.errors)
        return CatalogPage(listings=listings, next_cursor=str(offset) if offset is not None else None)

    async def refresh_access_token(self) -> TokenSet:
        """Refresh now (raises ShopeeAuthError when Shopee refuses); the new pair goes to on_tokens first."""
        return await self._refresh()

    async def exchange_code(self, code: str) -> TokenSet:
        """Trade the single-use authorisation code (10 minutes) for the shop's first token pair."""
        body = {"code": code, "shop_id": _as_int(self._shop_id), "partner_id": _as_int(self._partner_id)}
        async with self._locked():
            tokens = await self._request_tokens("token_get", body, secrets=[code])
            await self._store(tokens, spent=None)
        return tokens

    # --- pushing prices and stock -------------------------------------------------------------------------

    def _entry(self, index: int, ref: ListingRef, payload: dict[str, Any]) -> Entry | PlatformError:
        if not numeric(ref.item_id) or (ref.variant_id is not None and not numeric(ref.variant_id)):
            return unbound(ref)
        model_id = int(ref.variant_id or 0)  # 0 = an item without variants
        return Entry(index, ref.sku, int(ref.item_id or 0), model_id, {"model_id": model_id, **payload})

    async def _push(
        self, name: str, operation: Operation, skus: list[str], entries: list[Entry | PlatformError]
    ) -> list[ItemResult]:
        problem = self._connection_problem()
        if problem is not None:
            return fail_all(skus, [problem], None)
        results: dict[int, ItemResult] = {}
        by_item: dict[int, list[Entry]] = {}
        seen: set[tuple[int, int]] = set()
        for index, entry in enumerate(entries):
            if isinstance(entry, PlatformError):
                results[index] = ItemResult(sku=skus[index], ok=False, errors=[entry])
            elif (entry.item_id, entry.model_id) in seen:  # Shopee rejects the call with "Repeat model_id."
                message = f"model {entry.model_id} of item {entry.item_id} appears twice in one push"
                results[index] = ItemResult(sku=entry.sku, ok=False, errors=[invalid("DUPLICATE_MODEL", message)])
            else:
                seen.add((entry.item_id, entry.model_id))
                by_item.setdefault(entry.item_id, []).append(entry)
        for item_id, item_entries in by_item.items():
            for batch in chunks(item_entries, BATCH_LIMITS[name]):
                body = {"item_id": item_id, LIST_FIELDS[name]: [entry.payload for entry in batch]}
                outcome = await self._shop_call(name, operation, body=body)
                results.update(model_results(batch, outcome))
        return [results[index] for index in range(len(entries))]

    # --- checks ------------------------------------------------------------------------------------------

    def _price_problem(self, price: Decimal, currency: str, sale_price: Decimal | None) -> PlatformError | None:
        decimals = PRICE_DECIMALS.get(self._market, 0)
        return price_problem(price, currency, sale_price, self._market, decimals, CURRENCIES.get(self._market))

    def _price_value(self, price: Decimal) -> int | float:
        return price_value(price, PRICE_DECIMALS.get(self._market, 0))

    def _connection_problem(self) -> PlatformError | None:
        missing = [
            name for name in ("partner_id", "partner_key", "shop_id") if not self.connection.credentials.get(name)
        ]
        if missing:
            return invalid("CONNECTION_INCOMPLETE", "the Shopee connection lacks credentials", *missing)
        if self._market not in PRICE_DECIMALS:
            return invalid("MARKET_UNSUPPORTED", f"Shopee market {self._market!r} is not supported (MY/TH/PH/ID)")
        return None

    async def get_category_rules(self, category_id: str) -> CategoryRules:
        """get_attribute_tree of one category; RulesUnavailable when it cannot be read."""
        tree = await self._shop_call("get_attribute_tree", Operation.status, params={"category_id_list": category_id})
        if tree.blocking:
            raise RulesUnavailable(tree.blocking)
        return rules_from(category_id, response_of(tree), self._market)

    def draft_values(self, draft: ListingDraft) -> DraftValues:
        return draft_values(draft)

    async def _name_missing_attributes(self, draft: ListingDraft, errors: list[PlatformError]) -> list[PlatformError]:
        """Shopee rarely names the missing attributes: read the category's tree and name the mandatory ones unsent."""
        if not any(e.error_type is E.CATEGORY_COMPLIANCE_FAILED for e in errors):
            return errors
        tree = await self._shop_call(
            "get_attribute_tree", Operation.listing, params={"category_id_list": draft.category_id}
        )
        sent = sent_attribute_ids(draft)
        missing = [
            str(attribute.get("name") or attribute.get("attribute_id"))
            for category in response_of(tree).get("list") or ()
            for attribute in category.get("attribute_tree") or ()
            if attribute.get("mandatory") and attribute.get("attribute_id") not in sent
        ]
        # The link points at this category's attribute list, so the fix is one click away.
        link = doc_url(E.CATEGORY_COMPLIANCE_FAILED, SHOPEE.value, draft.category_id)
        return [
            replace(e, missing_fields=tuple(dict.fromkeys([*e.missing_fields, *missing])), doc_url=link)
            if e.error_type is E.CATEGORY_COMPLIANCE_FAILED
            else e
            for e in errors
        ]

    # --- signed calls and tokens -------------------------------------------------------------------------

    @property
    def _lock_key(self) -> str:
        return f"{SHOPEE.value}:{self.connection.shop_id}"

    async def _shop_call(
        self,
        name: str,
        operation: Operation,
        *,
        params: Mapping[str, str | list[str]] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> CallOutcome:
        """A signed shop API call. An expired or refused token costs at most one refresh and one retry."""
        refreshed = False
        try:
            if self._access_expired():
                await self._refresh()
                refreshed = True
            outcome = await self._send_shop(name, operation, params, body)
            if not refreshed and any(e.error_type is E.AUTH_EXPIRED for e in outcome.blocking):
                await self._refresh()
                outcome = await self._send_shop(name, operation, params, body)
        except ShopeeAuthError as exc:
            return CallOutcome(exc.trace_id, [exc.error])
        return outcome

    async def _send_shop(
        self,
        name: str,
        operation: Operation,
        params: Mapping[str, str | list[str]] | None,
        body: Mapping[str, Any] | None,
    ) -> CallOutcome:
        path = PATHS[name]
        token = self._access_token or ""
        content = json.dumps(body).encode() if body is not None else b""

        def build() -> httpx.Request:
            timestamp = int(self._clock())
            query = {
                "partner_id": self._partner_id,
                "timestamp": str(timestamp),
                "access_token": token,
                "shop_id": self._shop_id,
                "sign": sign(
                    self._partner_key, shop_base_string(self._partner_id, path, timestamp, token, self._shop_id)
                ),
                **(params or {}),
            }
            if name in GET_CALLS:
                return httpx.Request("GET", self._base_url + path, params=query)
            headers = {"Content-Type": "application/json"}
            return httpx.Request("POST", self._base_url + path, params=query, content=content, headers=headers)

        response = await self._http.send(
            build, operation=operation, rate=RATES[operation], extra_secrets=self._secrets()
        )
        return outcome_of(response, operation)

    def _secrets(self) -> list[str]:
        return [s for s in (self._access_token, self._refresh_token) if s]

    def _access_expired(self) -> bool:
        if not self._access_token:
            return True
        expires_at = self._access_expires_at
        return expires_at is not None and self._now() >= expires_at - EXPIRY_MARGIN

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def _refresh(self) -> TokenSet:
        held = self._refresh_token
        async with self._locked():
            if self._refresh_token != held and self._access_token:  # another call of this client just refreshed
                return self._current_tokens()
            adopted = await self._already_rotated(held)
            if adopted is not None and not self._access_expired():
                return adopted
            if not self._refresh_token:
                error = make_error(
                    E.AUTH_EXPIRED, SHOPEE, "NO_REFRESH_TOKEN", "no refresh token: re-authorise the shop"
                )
                raise ShopeeAuthError(error)
            spent = self._refresh_token
            body = {"shop_id": _as_int(self._shop_id), "refresh_token": spent, "partner_id": _as_int(self._partner_id)}
            tokens = await self._request_tokens("token_refresh", body, secrets=[spent])
            await self._store(tokens, spent=spent)
            return tokens

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        """The shop's refresh lock; waiting too long for it is an outage of this call, not a lost authorisation."""
        async with AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(self._refresh_lock(self._lock_key))
            except TimeoutError as exc:
                message = f"another worker held the token refresh lock too long: {exc}"
                raise ShopeeAuthError(
                    make_error(E.PLATFORM_UNAVAILABLE, SHOPEE, "REFRESH_LOCK_TIMEOUT", message)
                ) from exc
            yield

    async def _already_rotated(self, held: str | None) -> TokenSet | None:
        """The newer pair, when the refresh token we hold was already spent by another worker or client."""
        stored = await self._token_source() if self._token_source is not None else None
        if stored is None or not stored.refresh_token or stored.refresh_token == held:
            stored = None
            chain = _rotations.get(self._lock_key, {})
            spent = held
            while spent is not None and spent in chain:
                stored = chain[spent]
                spent = stored.refresh_token if stored.refresh_token != spent else None
        if stored is not None:
            self._use(stored)
        return stored

    async def _store(self, tokens: TokenSet, *, spent: str | None) -> None:
        # Stored before use: a lost single-use refresh token means the seller must re-authorise.
        if self._on_tokens is not None:
            await self._on_tokens(tokens)
        if spent is not None:
            chain = _rotations.setdefault(self._lock_key, {})
            chain[spent] = tokens
            for oldest in list(chain)[:-ROTATIONS_KEPT]:
                del chain[oldest]
        self._use(tokens)

    def _use(self, tokens: TokenSet) -> None:
        self._access_token = tokens.access_token
        self._refresh_token = tokens.refresh_token
        self._access_expires_at = tokens.access_expires_at

    def _current_tokens(self) -> TokenSet:
        expires_at = self._access_expires_at or self._now() + ACCESS_TOKEN_LIFETIME
        return TokenSet(
            access_token=self._access_token or "", refresh_token=self._refresh_token, access_expires_at=expires_at
        )

    async def _request_tokens(self, name: str, body: Mapping[str, Any], *, secrets: Sequence[str]) -> TokenSet:
        path = PATHS[name]
        content = json.dumps(body).encode()

        def build() -> httpx.Request:
            timestamp = int(self._clock())
            query = {
                "partner_id": self._partner_id,
                "timestamp": str(timestamp),
                "sign": sign(self._partner_key, public_base_string(self._partner_id, path, timestamp)),
            }
            headers = {"Content-Type": "application/json"}
            return httpx.Request("POST", self._auth_base_url + path, params=query, content=content, headers=headers)

        response = await self._http.send(
            build, operation=Operation.auth, rate=RATES[Operation.auth], extra_secrets=[*secrets, *self._secrets()]
        )
        outcome = outcome_of(response, Operation.auth)
        return tokens_from(
            outcome, self._now(), default_lifetime=ACCESS_TOKEN_LIFETIME, refresh_lifetime=REFRESH_TOKEN_LIFETIME
        )


# -----------------------------------------------------------------------------------------------------------


def _refused(item: Mapping[str, Any]) -> bool:
    return str(item.get("item_status") or "") in VIOLATION_STATUSES


def _as_int(value: str) -> int | str:
    return int(value) if value.isdigit() else value
