"""TikTok Shop emulator: the Open API 202309 product endpoints (`/tiktok`) and the token host (`/tiktok-auth`).

Faithful to the partner docs and observed bodies (see the platform notes and `tiktok_bodies.py`):
- Every business call is signed: query `app_key`, `timestamp` (within [now - 5 min, now + 30 s] of the real
  clock), `sign` = lowercase hex HMAC-SHA256(app_secret, secret + path + sorted {key}{value} query params without
  `sign`/`access_token` + raw body + secret), verified over the raw body bytes; header `x-tts-access-token`;
  `shop_cipher` on shop-scoped calls. A bad sign is 106001, a missing one 36009004, etc., all in the envelope
  `{code, data, message, request_id}` with HTTP 200, as TikTok answers them.
- The path signed may be the platform's own (`/product/...`) or the one a client sees behind the sandbox prefix
  (`/tiktok/product/...`): both are accepted, so a client that signs its URL's path and an SDK that signs the
  API path both work with only the base URL changed.
- Tokens: access tokens live 7 days of sandbox clock; expired -> 105002, deauthorised (`revoked`) -> 105001,
  unknown -> 36009004. token/refresh returns a new access token and the same refresh token (the docs' samples
  show no rotation); an expired refresh token -> 36004001, an unknown or revoked one -> 36004005.
- Writes are one product per call. Price updates are all-or-nothing (`data` always empty); stock updates report
  per-SKU failures in `data.errors[]` under `code: 0`. Accepted items are queued (applied after the shop's delay;
  a lost one never). A new product is PENDING (audit AUDITING) until its delay passes, then ACTIVATE, or FAILED
  with `audit_failed_reasons` in a restricted category.
- 50 requests per second per API and shop (token buckets); over it -> HTTP 429 with 36009002, no Retry-After.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.app import Sandbox
from sandbox.category_rules import tiktok_attributes, tiktok_rules
from sandbox.faults import Rate
from sandbox.scenario import CategorySpec, OperationName
from sandbox.state import ShopState
from sandbox.tiktok_bodies import Call, GatewayAnswers, authorized_shop, envelope, error, request_id
from sandbox.tiktok_bodies import token_data as token_body
from sandbox.tiktok_products import Products, warehouse_of
from sandbox.tiktok_search import search_products

# -----------------------------------------------------------------------------------------------------------
# Tables

API_VERSION = "202309"
ACCESS_TOKEN_SECONDS = 7 * 24 * 3600  # "default expiration time set to seven days"
CODE_SECONDS = 30 * 60  # an auth_code is single-use and expires in 30 minutes
REFRESH_TOKEN_SECONDS = 365 * 24 * 3600  # reported when the scenario's refresh token never expires
TIMESTAMP_PAST, TIMESTAMP_FUTURE = 300, 30  # "5 minutes before to 30 seconds beyond the current time"
# Default 50 QPS per API, counted per app + shop pair ("Rate limits").
_QPS = Rate(per_second=50, burst=50)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the API, which is also its rate bucket
    method: str
    pattern: re.Pattern[str]
    operation: OperationName
    shop_scoped: bool = True


ENDPOINTS = (
    Endpoint("update_price", "POST", re.compile(r"^/product/(\d{6})/products/(\d+)/prices/update$"), "price"),
    Endpoint("update_inventory", "POST", re.compile(r"^/product/(\d{6})/products/(\d+)/inventory/update$"), "stock"),
    Endpoint("create_product", "POST", re.compile(r"^/product/(\d{6})/products$"), "listing"),
    Endpoint("search_products", "POST", re.compile(r"^/product/(\d{6})/products/search$"), "status"),
    Endpoint("get_product", "GET", re.compile(r"^/product/(\d{6})/products/(\d+)$"), "status"),
    Endpoint("inventory_search", "POST", re.compile(r"^/product/(\d{6})/inventory/search$"), "status"),
    Endpoint("category_attributes", "GET", re.compile(r"^/product/(\d{6})/categories/(\d+)/attributes$"), "status"),
    Endpoint("category_rules", "GET", re.compile(r"^/product/(\d{6})/categories/(\d+)/rules$"), "status"),
    Endpoint("authorized_shops", "GET", re.compile(r"^/authorization/(\d{6})/shops$"), "status", shop_scoped=False),
)
RATES: dict[str, Rate] = {endpoint.name: _QPS for endpoint in ENDPOINTS}
UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def mounts(sandbox: Sandbox) -> dict[str, ASGIApp]:
    emulator = TikTokEmulator(sandbox)
    methods = ["GET", "POST", "PUT", "DELETE"]
    api = Starlette(routes=[Route("/{rest:path}", emulator.api, methods=methods)])
    auth = Starlette(
        routes=[
            Route("/api/v2/token/refresh", emulator.token_refresh, methods=methods),
            Route("/api/v2/token/get", emulator.token_get, methods=methods),
            Route("/open/authorize", emulator.authorize, methods=["GET"]),
            Route("/{rest:path}", emulator.auth_not_found, methods=methods),
        ]
    )
    return {"/tiktok": api, "/tiktok-auth": auth}


def canonical_sign(app_secret: str, path: str, params: dict[str, str], body: bytes) -> str:
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    message = f"{app_secret}{path}{pairs}{body.decode('utf-8', 'replace')}{app_secret}"
    return hmac.new(app_secret.encode(), message.encode(), hashlib.sha256).hexdigest()


Handler = Callable[[Call], Response]


class TikTokEmulator:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        self.products = Products(sandbox.state)
        self.handlers: dict[str, Handler] = {
            "update_price": self.products.update_price,
            "update_inventory": self.products.update_inventory,
            "create_product": self.products.create_product,
            "get_product": self.products.get_product,
            "search_products": lambda call: search_products(call, warehouse_of),
            "inventory_search": self.products.inventory_search,
            "category_attributes": lambda call: _category_answer(call, tiktok_attributes),
            "category_rules": lambda call: _category_answer(call, tiktok_rules),
            "authorized_shops": lambda call: envelope(call.rid, {"shops": [authorized_shop(call.shop)]}),
        }
        self._used_codes: set[str] = set()  # authorisation codes are single-use (per sandbox process)
        # Codes the authorisation page handed out: code -> (shop id, expiry on the sandbox clock). Not journaled.
        self._codes: dict[str, tuple[str, datetime]] = {}

    # -- the Open API gateway ------------------------------------------------------------------------------

    async def api(self, request: Request) -> Response:
        rid = request_id(self.state.now())
        root = str(request.scope.get("root_path") or "")
        full_path = request.scope["path"]
        path = full_path[len(root) :] if root and full_path.startswith(root) else full_path
        endpoint, ids = _route(request.method, path)
        if endpoint is None:
            method_known = any(e.pattern.match(path) for e in ENDPOINTS)
            return error(rid, "invalid_method" if method_known else "invalid_path", status=405 if method_known else 404)
        version, ids = ids[0], ids[1:]
        if version != API_VERSION:
            return error(rid, "invalid_version")
        body = await request.body()
        refused, shop = self._gateway(request, rid, path, full_path, body, endpoint)
        if refused is not None:
            return refused
        assert shop is not None
        if not self.sandbox.faults.permitted(shop, endpoint.operation):
            return error(rid, "scope_missing")
        answers = GatewayAnswers(rid)
        gated = await self.sandbox.faults.gate(
            shop, endpoint.operation, answers, bucket=endpoint.name, rates=RATES, body_size=len(body)
        )
        if gated is not None:
            return gated
        self.state.settle()
        return self.handlers[endpoint.name](Call(shop, rid, ids, body, dict(request.query_params)))

    def _gateway(
        self, request: Request, rid: str, api_path: str, full_path: str, body: bytes, endpoint: Endpoint
    ) -> tuple[Response | None, ShopState | None]:
        """The checks TikTok's gateway makes before any business logic, in its order and words."""
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        apps = [s for s in self.sandbox.shops_of("tiktok") if s.spec.credentials["app_key"] == params.get("app_key")]
        if not apps:
            return error(rid, "app_key"), None
        secret = apps[0].spec.credentials["app_secret"]
        if not params.get("sign"):
            return error(rid, "sign_missing"), None
        refused = _timestamp(rid, params.get("timestamp", ""))
        if refused is not None:
            return refused, None
        signed = body if request.method != "GET" and not _multipart(request) else b""
        signed_path = next(
            (
                p
                for p in (api_path, full_path)
                if hmac.compare_digest(params["sign"], canonical_sign(secret, p, params, signed))
            ),
            None,
        )
        if signed_path is None:
            return error(rid, "sign_invalid"), None
        if (
            request.method == "POST"
            and not _multipart(request)
            and "json" not in request.headers.get("content-type", "")
        ):
            return error(rid, "content_type"), None
        status, shop = self.state.token_status(request.headers.get("x-tts-access-token"), "access")
        if shop is not None and shop.spec.credentials["app_key"] != params["app_key"]:
            status, shop = "unknown", None  # a token issued to another app
        if status == "expired":
            return error(rid, "token_expired"), None
        if status == "revoked":
            return error(rid, "token_revoked"), None
        if status != "ok" or shop is None:
            return error(rid, "token_invalid"), None
        cipher = params.get("shop_cipher")
        if not endpoint.shop_scoped:
            return (error(rid, "cipher_unexpected"), None) if cipher else (None, shop)
        if not cipher and signed_path == full_path != api_path:
            # A client that signed the prefixed path takes the prefix for part of the API path, so it cannot tell a
            # shop API from another (an SDK matching its operation table misses it): the token names the shop.
            return None, shop
        if not cipher:
            return error(rid, "cipher_missing"), None
        if cipher != shop.spec.credentials["shop_cipher"]:
            return error(rid, "cipher_foreign"), None  # the token's shop is not the one the cipher names
        return None, shop

    # -- the token host ------------------------------------------------------------------------------------

    async def token_refresh(self, request: Request) -> Response:
        return await self._token(request, "refresh_token", self._refreshed)

    async def token_get(self, request: Request) -> Response:
        return await self._token(request, "authorized_code", self._exchanged)

    async def authorize(self, request: Request) -> Response:
        """The seller's authorisation page (`/open/authorize?service_id&state`), authorised at once: redirects to
        the sandbox-only `redirect_uri` (TikTok takes it from the app's registration) with `code` and `state`. The
        app is found by `service_id` (its `service_id` credential, else its app_key); the sandbox-only
        `shop_cipher` picks which of its shops authorises, else the first."""
        query = request.query_params
        service_id, redirect = query.get("service_id", ""), query.get("redirect_uri", "")
        shops = [
            s
            for s in self.sandbox.shops_of("tiktok")
            if service_id and (s.spec.credentials.get("service_id") or s.spec.credentials["app_key"]) == service_id
        ]
        if not shops or not redirect.startswith(("http://", "https://")):
            return PlainTextResponse("invalid authorization request: service_id and redirect_uri", status_code=400)
        wanted = query.get("shop_cipher")
        chosen = [s for s in shops if s.spec.credentials["shop_cipher"] == wanted] or shops
        code = f"ROW_{secrets.token_urlsafe(24)}"
        self._codes[code] = (chosen[0].id, self.state.now() + timedelta(seconds=CODE_SECONDS))
        answer = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        separator = "&" if "?" in redirect else "?"
        return RedirectResponse(f"{redirect}{separator}{urlencode(answer)}", status_code=302)

    async def auth_not_found(self, request: Request) -> Response:
        return error(request_id(self.state.now()), "invalid_path", status=404)

    async def _token(
        self, request: Request, grant_type: str, issue: Callable[[str, dict[str, str]], Awaitable[Response]]
    ) -> Response:
        rid = request_id(self.state.now())
        if request.method != "GET":
            return error(rid, "invalid_method", status=405)
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        apps = [s for s in self.sandbox.shops_of("tiktok") if s.spec.credentials["app_key"] == params.get("app_key")]
        if not apps or apps[0].spec.credentials["app_secret"] != params.get("app_secret"):
            return error(rid, "app_key")
        if params.get("grant_type") != grant_type:
            return error(rid, "grant_type")
        return await issue(rid, params)

    async def _refreshed(self, rid: str, params: dict[str, str]) -> Response:
        status, shop = self.state.token_status(params.get("refresh_token"), "refresh")
        if shop is None or shop.spec.credentials["app_key"] != params["app_key"] or status in ("revoked", "used"):
            return error(rid, "no_auth_record")
        if status == "expired":
            return error(rid, "rt_expired")
        return await self._issue(rid, shop)

    async def _exchanged(self, rid: str, params: dict[str, str]) -> Response:
        code = params.get("auth_code", "")
        issued = self._codes.pop(code, None)
        if issued is not None and issued[1] > self.state.now():
            shop = self.state.shops.get(issued[0])
            if shop is None or shop.spec.credentials["app_key"] != params["app_key"] or shop.faults.revoked:
                return error(rid, "no_auth_record")
            self._used_codes.add(code)
            return await self._issue(rid, shop)
        shops = [
            s
            for s in self.sandbox.shops_of("tiktok")
            if code
            and s.spec.credentials.get("auth_code") == code
            and s.spec.credentials["app_key"] == params["app_key"]
        ]
        if not shops or code in self._used_codes or shops[0].faults.revoked:
            return error(rid, "no_auth_record")
        self._used_codes.add(code)
        return await self._issue(rid, shops[0])

    async def _issue(self, rid: str, shop: ShopState) -> Response:
        gated = await self.sandbox.faults.gate(shop, "auth", GatewayAnswers(rid), bucket="token")
        if gated is not None:
            return gated
        access, refresh = self.state.issue_tokens(shop.id, access_ttl=ACCESS_TOKEN_SECONDS, prefix="TTP_")
        now = self.state.now()
        refresh_expires = refresh.expires_at or now.fromtimestamp(now.timestamp() + REFRESH_TOKEN_SECONDS, now.tzinfo)
        assert access.expires_at is not None
        data = token_body(shop, access.token, access.expires_at, refresh.token, refresh_expires)
        return envelope(rid, data, message="success")


def _category_answer(call: Call, body: Callable[[CategorySpec], dict[str, Any]]) -> Response:
    """Get Attributes / Get Category Rules of one of the shop's categories (12052023 for another)."""
    category = call.shop.spec.categories.get(call.ids[0])
    if category is None:
        return error(call.rid, "category_missing")
    return envelope(call.rid, body(category))


def _route(method: str, path: str) -> tuple[Endpoint | None, tuple[str, ...]]:
    for endpoint in ENDPOINTS:
        match = endpoint.pattern.match(path)
        if match is not None and endpoint.method == method:
            return endpoint, match.groups()
    return None, ()


def _timestamp(rid: str, value: str) -> Response | None:
    """Checked against the real clock: the sandbox clock is a test device that clients do not follow."""
    try:
        stamp = int(value)
    except ValueError:
        return error(rid, "timestamp_negative")
    now = time.time()
    if stamp < 0:
        return error(rid, "timestamp_negative")
    if stamp < now - TIMESTAMP_PAST:
        return error(rid, "timestamp_old")
    if stamp > now + TIMESTAMP_FUTURE:
        return error(rid, "timestamp_future")
    return None


def _multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")
