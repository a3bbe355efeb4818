"""Lazada emulator: the auth host (`/lazada-auth`) and a regional REST gateway (`/lazada`).

Paths are Lazada's own, with or without the gateway's `/rest` (so both `http://HOST/lazada` and
`http://HOST/lazada/rest` work as the gateway URL; the signature always covers the path without `/rest`).
Faithful to the API pages and SDKs cited in the platform notes:
- Every call is checked as the gateway does: system parameters present (`MissingParameter`), HMAC-SHA256 signature
  over the path and all parameters from query and body (`IncompleteSignature`), a timestamp within 7200 s,
  a valid access token (`IllegalAccessToken`). Failures are HTTP 200 with `{type, code, message, request_id}`.
- `/auth/token/create` (code from `/oauth/authorize`, single use, 30 minutes) and `/auth/token/refresh`. Access
  tokens live 30 days, refresh tokens 180 days; a refresh returns a new pair, the old refresh token is spent and
  the new one keeps the old one's expiry (Lazada: "the duration of the refresh token will not be reset").
- `/product/price_quantity/update` (XML or JSON payload, at most 50 SKUs, else 4171). The success body confirms
  nothing (`data: {}`); a failed SKU is named in a 501 `detail[]` and the SKUs not named are accepted. Accepted
  changes apply after the shop's confirmation delay, so only the read-back shows them.
- `/product/create` (one product), `/product/item/get` and `/products/get` for the read-back.
- Flow control per seller: the inventory write APIs share Lazada's documented 50 calls/s; throttled calls get
  901 (inventory writes) or `ApiCallLimit` (everything else), inside HTTP 200 and without Retry-After.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.app import Sandbox
from sandbox.category_rules import lazada_attributes
from sandbox.faults import Rate
from sandbox.lazada_wire import (
    SYSTEM_PARAMETERS,
    PayloadError,
    as_list,
    failure,
    parameters,
    product_body,
    product_state,
    read_payload,
    request_id,
    signature_matches,
    success,
    timestamp_ok,
)
from sandbox.lazada_writes import create_product, update_price_quantity
from sandbox.scenario import OperationName
from sandbox.state import Listing, ShopState

ACCESS_TOKEN_SECONDS = 30 * 86400  # Online apps: 30 days
REFRESH_TOKEN_SECONDS = 180 * 86400  # Online apps: 180 days
CODE_SECONDS = 30 * 60  # an authorisation code is single use and valid 30 minutes
GET_PRODUCTS_MAX_LIMIT = 50
PRODUCT_FILTERS = frozenset({"all", "live", "inactive", "deleted", "pending", "rejected", "sold-out"})

# Seller-level buckets: the inventory write APIs share Lazada's documented 50 calls/s; reads and creates have no
# published rate, so only a scenario's `rate_limit` throttles them.
RATES: dict[str, Rate] = {"inventory": Rate(50, 50)}
THROTTLE_CODES = {"inventory": "901"}

ILLEGAL_ACCESS_TOKEN = "The specified access token is invalid or expired"
ILLEGAL_REFRESH_TOKEN = "The specified refresh token is invalid or expired"
INCOMPLETE_SIGNATURE = "The request signature does not conform to lazop standards"
NO_PERMISSION = "The app has no permission to call this api, please apply for the api permission group first"


def mounts(sandbox: Sandbox) -> dict[str, ASGIApp]:
    emulator = LazadaEmulator(sandbox)
    gateway = Starlette(routes=[Route("/{rest:path}", emulator.gateway, methods=["GET", "POST"])])
    auth = Starlette(
        routes=[
            Route("/oauth/authorize", emulator.authorize, methods=["GET"]),
            Route("/{rest:path}", emulator.auth, methods=["GET", "POST"]),
        ]
    )
    return {"/lazada": gateway, "/lazada-auth": auth}


@dataclass
class Call:
    """One API call after the gateway's checks: its path (as signed), parameters, shop and request id."""

    path: str
    params: dict[str, str]
    rid: str
    body_size: int
    shop: ShopState | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Answers:
    """Lazada's wording of the shared faults."""

    def __init__(self, rid: str, bucket: str) -> None:
        self.rid = rid
        self.bucket = bucket

    def throttled(self, retry_after: float) -> Response:
        if THROTTLE_CODES.get(self.bucket) == "901":
            return failure("901", "Limit service request speed in server side temporarily.", self.rid, kind="ISP")
        seconds = max(1, math.ceil(retry_after))
        message = f"Api access frequency exceeds the limit. this ban will last {seconds} seconds"
        return failure("ApiCallLimit", message, self.rid)

    def server_error(self, status: int) -> Response:
        return failure("6", "E006: Unexpected internal error", self.rid, kind="SYSTEM", status=status)

    def too_large(self, limit: int) -> Response:
        # The edge refuses before the gateway sees the call: no Lazada envelope, just the proxy's page.
        return PlainTextResponse("413 Request Entity Too Large", status_code=413)


Handler = Callable[[Call], Awaitable[Response]]


class LazadaEmulator:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        # Authorisation codes: code -> (shop id, expiry on the sandbox clock). Not journaled: a code outlives
        # neither its 30 minutes nor a sandbox restart.
        self.codes: dict[str, tuple[str, datetime]] = {}
        self.routes: dict[str, tuple[Handler, OperationName | None, str | None]] = {
            "/product/price_quantity/update": (self._price_quantity, None, "inventory"),
            "/product/create": (self._create, "listing", "create"),
            "/product/item/get": (self._product_item, "status", "read"),
            "/products/get": (self._products, "status", "read"),
            "/category/attributes/get": (self._category_attributes, "status", "read"),
        }

    # -- auth host -------------------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """The seller's consent page, consented at once: redirects to `redirect_uri` with a code. Which seller
        consents: the sandbox-only `shop` parameter, else the app's first shop of `country`, else its first."""
        query = request.query_params
        shops = [s for s in self.sandbox.shops_of("lazada") if s.spec.credentials["app_key"] == query.get("client_id")]
        if query.get("response_type") != "code" or not query.get("redirect_uri") or not shops:
            return PlainTextResponse("invalid authorization request", status_code=400)
        wanted = query.get("shop")
        country = (query.get("country") or "").upper()
        chosen = [s for s in shops if s.id == wanted] or [s for s in shops if s.spec.market == country] or shops
        code = f"0_{chosen[0].spec.credentials['app_key']}_{secrets.token_urlsafe(18)}"
        self.codes[code] = (chosen[0].id, self.state.now() + timedelta(seconds=CODE_SECONDS))
        answer = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode(answer)}", status_code=302)

    async def auth(self, request: Request) -> Response:
        call = await self._checked(request, needs_token=False)
        if isinstance(call, Response):
            return call
        if call.path == "/auth/token/create":
            return await self._token_create(call)
        if call.path == "/auth/token/refresh":
            return await self._token_refresh(call)
        return failure("InvalidApiPath", "The specified API path is invalid", call.rid, status=404)

    async def _token_create(self, call: Call) -> Response:
        code = call.params.get("code", "")
        shop_id, expires = self.codes.pop(code, ("", self.state.now()))
        shop = self.state.shops.get(shop_id)
        if shop is None or expires <= self.state.now() or shop.spec.credentials["app_key"] != call.params["app_key"]:
            return failure("InvalidCode", "Invalid authorization code", call.rid)
        refused = await self._gate(shop, "auth", "auth", call)
        if refused is not None:
            return refused
        return self._issue(shop, call.rid, rotate_from=self._live_refresh(shop), refresh_ttl=REFRESH_TOKEN_SECONDS)

    async def _token_refresh(self, call: Call) -> Response:
        old = call.params.get("refresh_token", "")
        status, shop = self.state.token_status(old, "refresh")
        if status != "ok" or shop is None or shop.spec.credentials["app_key"] != call.params["app_key"]:
            return failure("IllegalRefreshToken", ILLEGAL_REFRESH_TOKEN, call.rid)
        refused = await self._gate(shop, "auth", "auth", call)
        if refused is not None:
            return refused
        issued = self.state.token(old, "refresh")
        remaining = None
        if issued is not None and issued.expires_at is not None:
            remaining = max(1, math.ceil((issued.expires_at - self.state.now()).total_seconds()))
        return self._issue(shop, call.rid, rotate_from=old, refresh_ttl=remaining)

    def _issue(self, shop: ShopState, rid: str, *, rotate_from: str | None, refresh_ttl: int | None) -> Response:
        access, refresh = self.state.issue_tokens(
            shop.id, access_ttl=ACCESS_TOKEN_SECONDS, refresh_ttl=refresh_ttl, rotate_from=rotate_from
        )
        refresh_in = (
            int((refresh.expires_at - self.state.now()).total_seconds())
            if refresh.expires_at is not None
            else REFRESH_TOKEN_SECONDS
        )
        seller_id = shop.spec.credentials.get("seller_id", "")
        market = shop.spec.market.lower()
        return JSONResponse(
            {
                "access_token": access.token,
                "refresh_token": refresh.token,
                "country": market,
                "refresh_expires_in": refresh_in,
                "account_platform": "seller_center",
                "expires_in": ACCESS_TOKEN_SECONDS,
                "account": f"{shop.id}@sandbox.example",
                "country_user_info_list": [
                    {
                        "country": market,
                        "seller_id": seller_id,
                        "user_id": seller_id,
                        "short_code": f"{market.upper()}{seller_id}",
                    }
                ],
                "code": "0",
                "request_id": rid,
            }
        )

    def _live_refresh(self, shop: ShopState) -> str | None:
        live = [t for t in self.state.tokens.values() if t.shop_id == shop.id and t.kind == "refresh" and not t.used]
        return live[-1].token if live else None

    # -- gateway ---------------------------------------------------------------------------------------------

    async def gateway(self, request: Request) -> Response:
        call = await self._checked(request, needs_token=True)
        if isinstance(call, Response):
            return call
        route = self.routes.get(call.path)
        if route is None or call.shop is None:
            return failure("InvalidApiPath", "The specified API path is invalid", call.rid, status=404)
        handler, operation, bucket = route
        shop = call.shop
        if operation is None:  # UpdatePriceQuantity is a price and/or a stock call, by what its SKUs carry
            operations = _price_quantity_operations(call.params.get("payload", ""))
            call.extra["operations"] = operations
            operation = operations[0]
        else:
            operations = [operation]
        if any(not self.sandbox.faults.permitted(shop, op) for op in operations):
            return failure("InsufficientPermission", NO_PERMISSION, call.rid)
        refused = await self._gate(shop, operation, bucket, call)
        if refused is not None:
            return refused
        self.state.settle()
        return await handler(call)

    async def _checked(self, request: Request, *, needs_token: bool) -> Call | Response:
        """The gateway's own checks, in its order: parameters, app key and signature, timestamp, token."""
        body = await request.body()
        params = parameters(request.query_params, body, request.headers.get("content-type", ""))
        path = "/" + request.path_params.get("rest", "").strip("/")
        if path == "/rest" or path.startswith("/rest/"):
            path = path[len("/rest") :] or "/"
        call = Call(path=path, params=params, rid=request_id(), body_size=len(body))
        for name in (*SYSTEM_PARAMETERS, *(("access_token",) if needs_token else ())):
            if not params.get(name):
                message = f"the input parameter \u201c{name}\u201d that is mandatory for processing this request is not supplied"
                return failure("MissingParameter", message, call.rid)
        app_shops = [s for s in self.sandbox.shops_of("lazada") if s.spec.credentials["app_key"] == params["app_key"]]
        app_secrets = sorted({s.spec.credentials["app_secret"] for s in app_shops})
        if params["sign_method"].lower() != "sha256" or not signature_matches(app_secrets, path, params):
            return failure("IncompleteSignature", INCOMPLETE_SIGNATURE, call.rid)
        if not timestamp_ok(params["timestamp"], time.time()):
            message = "The timestamp must be epoch milliseconds or ISO 8601 within 7200 seconds of UTC"
            return failure("InvalidTimestamp", message, call.rid)
        if needs_token:
            status, shop = self.state.token_status(params["access_token"], "access")
            if status != "ok" or shop is None or shop.spec.credentials["app_key"] != params["app_key"]:
                return failure("IllegalAccessToken", ILLEGAL_ACCESS_TOKEN, call.rid)
            call.shop = shop
        return call

    async def _gate(self, shop: ShopState, operation: OperationName, bucket: str | None, call: Call) -> Response | None:
        answers = _Answers(call.rid, bucket or "")
        return await self.sandbox.faults.gate(
            shop, operation, answers, bucket=bucket, rates=RATES, body_size=call.body_size
        )

    # -- business APIs ---------------------------------------------------------------------------------------

    async def _price_quantity(self, call: Call) -> Response:
        assert call.shop is not None
        return update_price_quantity(self.state, call.shop, call.params.get("payload", ""), call.rid)

    async def _create(self, call: Call) -> Response:
        assert call.shop is not None
        return create_product(self.state, call.shop, call.params.get("payload", ""), call.rid)

    async def _product_item(self, call: Call) -> Response:
        shop = call.shop
        assert shop is not None
        item_id = call.params.get("item_id", "")
        if not item_id:
            return failure("200", "E200: Empty SellerSku", call.rid)
        listings = _products(shop).get(item_id)
        if not listings:
            return failure("208", "E208: Item not exist", call.rid)
        return success(product_body(listings, shop.spec.market, shop.faults.reserved_stock), call.rid)

    async def _category_attributes(self, call: Call) -> Response:
        """GetCategoryAttributes of one of the shop's categories (E201 for another)."""
        assert call.shop is not None
        category_id = call.params.get("primary_category_id", "")
        category = call.shop.spec.categories.get(category_id)
        if category is None:
            return failure("201", f"E201: {category_id} Invalid CategoryId", call.rid)
        return success(lazada_attributes(category), call.rid)

    async def _products(self, call: Call) -> Response:
        shop = call.shop
        assert shop is not None
        params = call.params
        status_filter = params.get("filter", "all")
        if status_filter not in PRODUCT_FILTERS:
            return failure("36", "E036: Invalid status filter", call.rid)
        limit_text, offset_text = params.get("limit", "20"), params.get("offset", "0")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= GET_PRODUCTS_MAX_LIMIT:
            return failure("19", f'E019: "{limit_text}" Invalid Limit', call.rid)
        if not offset_text.isdigit():
            return failure("14", f'E014: "{offset_text}" Invalid Offset', call.rid)
        wanted: set[str] | None = None
        if params.get("sku_seller_list"):
            try:
                listed = json.loads(params["sku_seller_list"])
            except ValueError:
                listed = None
            if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
                return failure("70", "E070: You have corrupt data in your sku seller list.", call.rid)
            wanted = set(listed)
        products = [
            listings
            for listings in _products(shop).values()
            if (wanted is None or any(listing.sku in wanted for listing in listings))
            and _matches_filter(listings, status_filter)
        ]
        offset, limit = int(offset_text), int(limit_text)
        page = products[offset : offset + limit]
        reserved = shop.faults.reserved_stock
        data = {
            "total_products": len(products),
            "products": [product_body(listings, shop.spec.market, reserved) for listings in page],
        }
        return success(data, call.rid)


def _products(shop: ShopState) -> dict[str, list[Listing]]:
    """The shop's products: listings grouped by item_id (a listing without one is a product of its own)."""
    grouped: dict[str, list[Listing]] = {}
    for listing in shop.catalog.values():
        grouped.setdefault(listing.item_id or listing.sku, []).append(listing)
    return grouped


def _matches_filter(listings: list[Listing], status_filter: str) -> bool:
    rejected = product_state(listings) is not None
    if status_filter == "all":
        return True
    if status_filter == "rejected":
        return rejected
    if status_filter == "live":
        return not rejected
    if status_filter == "sold-out":
        return not rejected and all(listing.stock == 0 for listing in listings)
    return False  # the sandbox holds no inactive, deleted or pending products


def _price_quantity_operations(payload: str) -> list[OperationName]:
    """Which of price and stock an UpdatePriceQuantity call touches (for permissions and buckets)."""
    try:
        skus = as_list(read_payload(payload).get("Skus"), "Sku") or []
    except PayloadError:
        return ["price"]
    touched: list[OperationName] = []
    if any(isinstance(s, dict) and ({"Price", "SalePrice"} & s.keys()) for s in skus):
        touched.append("price")
    if any(isinstance(s, dict) and ({"Quantity", "MultiWarehouseInventories"} & s.keys()) for s in skus):
        touched.append("stock")
    return touched or ["price"]
