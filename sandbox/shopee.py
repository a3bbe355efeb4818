"""Shopee Open Platform v2 emulator (`/shopee`): partner-signed public and shop calls, single-use refresh tokens,
and the product APIs our client and Shopee SDKs call.

Faithful to open.shopee.com (developer guides "API calls" and "Authorization and Authentication", the per-API pages
of v2.product.* and v2.public.*; see the platform notes):
- Every call carries `partner_id`, `timestamp` and `sign` in the query; shop calls add `access_token` and `shop_id`.
  `sign` is lowercase hex HMAC-SHA256(partner_key, partner_id + path + timestamp [+ access_token + shop_id]) over the
  platform path alone (`/api/v2/...`, without the sandbox prefix); the body is not signed. A timestamp more than
  5 minutes from now is `error_param` "Invalid timestamp" (checked against the wall clock: clients sign with theirs,
  and advancing the sandbox clock must not make every request stale).
- Tokens: access tokens live 4 hours (`expire_in` 14400) of sandbox clock; refresh tokens 30 days and work ONCE:
  every refresh returns a new one and spends the old (a second use is `error_auth` "Invalid refresh_token."); the
  earlier access token stays valid 5 more minutes. `GET /api/v2/shop/auth_partner` stands in for the seller's
  login: it redirects at once with a single-use 10-minute `code` (a sandbox-only `shop_id` query picks the shop).
- Errors come in Shopee's envelope `{request_id, error, message[, warning, response]}`. The HTTP status of errors
  is not documented: gateway refusals (partner, timestamp, sign, token, permission) are answered 403 (400 for a
  missing or malformed common parameter), throttling 429 and a too-large body 413; whatever the API itself decides
  (unknown item, per-model failures, compliance) is answered 200, as the documented samples are.
- Shopee publishes no rate limit; the sandbox allows a generous bucket per shop and API unless the scenario sets a
  tight one, and answers an empty bucket 429 `error_system_busy` without Retry-After.

The product APIs themselves live in `shopee_catalog`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox import shopee_listings
from sandbox.app import Sandbox
from sandbox.faults import Rate
from sandbox.scenario import OperationName
from sandbox.shopee_catalog import Catalog, Params, ShopeeError, envelope
from sandbox.state import IssuedToken, ShopState

# -----------------------------------------------------------------------------------------------------------
# Tables

TOKEN_GET = "/api/v2/auth/token/get"
TOKEN_REFRESH = "/api/v2/auth/access_token/get"
AUTH_PARTNER = "/api/v2/shop/auth_partner"

# Shop APIs: path -> (API name, HTTP method, the operation permissions, rates and faults are keyed by).
SHOP_APIS: dict[str, tuple[str, str, OperationName]] = {
    "/api/v2/product/update_price": ("update_price", "POST", "price"),
    "/api/v2/product/update_stock": ("update_stock", "POST", "stock"),
    "/api/v2/product/add_item": ("add_item", "POST", "listing"),
    "/api/v2/product/get_attribute_tree": ("get_attribute_tree", "GET", "listing"),
    "/api/v2/product/get_item_base_info": ("get_item_base_info", "GET", "status"),
    "/api/v2/product/get_model_list": ("get_model_list", "GET", "status"),
    "/api/v2/product/get_item_list": ("get_item_list", "GET", "status"),
    "/api/v2/product/get_item_violation_info": ("get_item_violation_info", "GET", "status"),
}
# Shopee publishes no numeric limit (rate_limit is empty on every API page); a community report saw ~100 req/s
# work. The sandbox's default bucket per shop and API is that generous; scenarios set tighter ones.
RATES: dict[str, Rate] = {name: Rate(100, 100) for name, _, _ in SHOP_APIS.values()} | {"auth": Rate(10, 10)}

ACCESS_TOKEN_SECONDS = 14400  # 4 hours
REFRESH_TOKEN_SECONDS = 30 * 86400  # 30 days, single use
OLD_ACCESS_GRACE_SECONDS = 300  # the previous access token lives 5 more minutes after a refresh
CODE_SECONDS = 600  # an authorisation code is single-use and valid 10 minutes
TIMESTAMP_WINDOW_SECONDS = 300

INVALID_ACCESS_TOKEN = ShopeeError("error_auth", "Invalid access_token.", 403)
INVALID_REFRESH_TOKEN = ShopeeError("error_auth", "Invalid refresh_token.", 403)
NO_PERMISSION = ShopeeError("error_auth", "No permission to current api.", 403)


def mounts(sandbox: Sandbox) -> dict[str, ASGIApp]:
    emulator = ShopeeEmulator(sandbox)
    app = Starlette(routes=[Route("/{rest:path}", emulator.handle, methods=["GET", "POST"])])
    return {"/shopee": app}


# -----------------------------------------------------------------------------------------------------------
# Signing (the same algorithm our client and the SDKs use)


def sign(partner_key: str, base_string: str) -> str:
    return hmac.new(partner_key.encode(), base_string.encode(), hashlib.sha256).hexdigest()


class _Answers:
    """Shopee's wording of the shared faults."""

    def throttled(self, retry_after: float) -> Response:
        # No Retry-After: Shopee documents none. error_system_busy is the documented "try later" code.
        busy = ShopeeError("error_system_busy", "Our system is taking some time to respond, please try later.", 429)
        return busy.response()

    def server_error(self, status: int) -> Response:
        if status == 500:
            # v2.product.get_attribute_tree error example, verbatim.
            return ShopeeError("product.error_server", "server internal error", 500).response()
        # Anything else comes from the gateway in front of the API: an HTML page, not Shopee's envelope.
        page = f"<html><head><title>{status}</title></head><body>upstream unavailable</body></html>"
        return HTMLResponse(page, status_code=status)

    def too_large(self, limit: int) -> Response:
        message = f"Wrong parameters, detail: request body over limit of {limit} bytes."
        return ShopeeError("error_param", message, 413).response()


@dataclass
class _Code:
    shop_id: str
    expires_at: datetime
    used: bool = False


# -----------------------------------------------------------------------------------------------------------
# The emulator


class ShopeeEmulator:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        self.answers = _Answers()
        self.catalog = Catalog(sandbox)
        # Authorisation codes are short-lived and not journaled: a restarted sandbox forgets them, as a code
        # that outlived its 10 minutes would be forgotten anyway.
        self.codes: dict[str, _Code] = {}

    async def handle(self, request: Request) -> Response:
        path = _api_path(request)
        try:
            if path == AUTH_PARTNER and request.method == "GET":
                return self._auth_partner(request)
            if path in (TOKEN_GET, TOKEN_REFRESH) and request.method == "POST":
                return await self._token(request, path)
            api = SHOP_APIS.get(path)
            if api is None or api[1] != request.method:
                raise ShopeeError("error_not_found", "Api not found.", 404)
            return await self._shop_call(request, path, *api)
        except ShopeeError as error:
            return error.response()

    # -- common parameters and signatures ------------------------------------------------------------------

    def _partner(self, request: Request, shop_id: str | None = None) -> tuple[str, str]:
        """(partner_id, partner_key) after the common checks every call passes."""
        query = request.query_params
        partner_id = query.get("partner_id", "")
        if not partner_id:
            raise ShopeeError("error_param", "There is no partner_id in query.", 400)
        shops = [s for s in self.sandbox.shops_of("shopee") if s.spec.credentials["partner_id"] == partner_id]
        if not shops:
            raise ShopeeError("error_param", "Invalid partner_id.", 403)
        preferred = [s for s in shops if s.spec.credentials["shop_id"] == shop_id] or shops
        timestamp = query.get("timestamp", "")
        if not timestamp:
            raise ShopeeError("error_param", "no timestamp", 400)
        if not query.get("sign"):
            raise ShopeeError("error_param", "There is no sign in query.", 400)
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TIMESTAMP_WINDOW_SECONDS:
            raise ShopeeError("error_param", "Invalid timestamp", 403)
        return partner_id, preferred[0].spec.credentials["partner_key"]

    @staticmethod
    def _check_sign(request: Request, partner_key: str, base_string: str) -> None:
        if not hmac.compare_digest(request.query_params.get("sign", "").lower(), sign(partner_key, base_string)):
            raise ShopeeError("error_sign", "Wrong sign.", 403)

    # -- shop APIs -----------------------------------------------------------------------------------------

    async def _shop_call(
        self, request: Request, path: str, name: str, method: str, operation: OperationName
    ) -> Response:
        query = request.query_params
        shop_id = query.get("shop_id", "")
        partner_id, partner_key = self._partner(request, shop_id)
        token = query.get("access_token", "")
        if not token:
            raise ShopeeError("error_param", "There is no access_token in query.", 400)
        if not shop_id:
            raise ShopeeError("error_param", "There is no shop_id in query.", 400)
        self._check_sign(request, partner_key, f"{partner_id}{path}{query['timestamp']}{token}{shop_id}")
        status, shop = self.state.token_status(token, "access")
        if status != "ok" or shop is None:
            raise INVALID_ACCESS_TOKEN  # Shopee says the same for an expired, revoked or unknown token
        credentials = shop.spec.credentials
        if credentials["shop_id"] != shop_id or credentials["partner_id"] != partner_id:
            raise ShopeeError("error_auth", "Invalid partner_id or shopid.", 403)
        if not self.sandbox.faults.permitted(shop, operation):
            raise NO_PERMISSION
        body = await request.body()
        refused = await self.sandbox.faults.gate(
            shop, operation, self.answers, bucket=name, rates=RATES, body_size=len(body)
        )
        if refused is not None:
            return refused
        self.state.settle()
        if name == "get_item_list":
            return shopee_listings.item_list(shop, Params(query.multi_items()))
        if name == "get_item_violation_info":
            return shopee_listings.violation_info(shop, Params(query.multi_items()).ints("item_id_list"))
        if method == "GET":
            return self.catalog.read(shop, name, Params(query.multi_items()))
        return self.catalog.write(shop, name, _json_body(body))

    # -- tokens --------------------------------------------------------------------------------------------

    async def _token(self, request: Request, path: str) -> Response:
        raw = await request.body()
        payload = _json_body(raw)
        body_shop_id = str(payload.get("shop_id") or "")
        partner_id, partner_key = self._partner(request, body_shop_id)
        self._check_sign(request, partner_key, f"{partner_id}{path}{request.query_params['timestamp']}")
        if str(payload.get("partner_id", partner_id)) != partner_id:
            raise ShopeeError("error_param", "Invalid partner_id.", 403)
        if not body_shop_id:
            raise ShopeeError("error_param", "Wrong parameters, detail: shop_id or main_account_id is required.", 400)
        if path == TOKEN_GET:
            shop = self._redeem_code(payload, body_shop_id, partner_id)
            rotate_from = self._live_refresh(shop)
        else:
            shop, rotate_from = self._spend_refresh(payload, body_shop_id, partner_id)
        refused = await self.sandbox.faults.gate(
            shop, "auth", self.answers, bucket="auth", rates=RATES, body_size=len(raw)
        )
        if refused is not None:
            return refused
        access, refresh = self.state.issue_tokens(
            shop.id,
            access_ttl=ACCESS_TOKEN_SECONDS,
            refresh_ttl=REFRESH_TOKEN_SECONDS,
            rotate_from=rotate_from,
            old_access_grace=OLD_ACCESS_GRACE_SECONDS,
        )
        answer: dict[str, Any] = {
            "refresh_token": refresh.token,
            "access_token": access.token,
            "expire_in": ACCESS_TOKEN_SECONDS,
            "request_id": uuid.uuid4().hex,
            "error": "",
            "message": "",
        }
        if path == TOKEN_REFRESH:  # the refresh answer also echoes the partner and the shop
            answer = {"partner_id": int(partner_id), **answer, "shop_id": int(body_shop_id)}
        return JSONResponse(answer)

    def _spend_refresh(self, payload: dict[str, Any], shop_id: str, partner_id: str) -> tuple[ShopState, str]:
        refresh_token = payload.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            raise ShopeeError("error_param", "Wrong parameters, detail: refresh_token is required.", 400)
        status, shop = self.state.token_status(refresh_token, "refresh")
        if shop is None or status in ("unknown", "used") or shop.spec.credentials["partner_id"] != partner_id:
            raise INVALID_REFRESH_TOKEN  # the documented error example; also a second use of a spent token
        if shop.spec.credentials["shop_id"] != shop_id:
            message = "Your refresh token is error ,please check refresh token or shopid."  # sic
            raise ShopeeError("error_shop_refresh_token", message, 403)
        if status == "revoked":
            raise ShopeeError("shop_no_linked", "Partner and shop has no linked.", 403)
        if status == "expired":
            raise ShopeeError("refresh_token_expired", "Your refresh_token expired.", 403)
        return shop, refresh_token

    def _redeem_code(self, payload: dict[str, Any], shop_id: str, partner_id: str) -> ShopState:
        code = self.codes.get(str(payload.get("code") or ""))
        if code is None or code.used or code.expires_at <= self.state.now():
            raise ShopeeError("invalid_code", "The code is expired or used or invalid, please check the code.", 403)
        if code.shop_id != shop_id:
            message = "The code or shop_id is wrong, please check the code or the shop_id."
            raise ShopeeError("invalid_shop_id", message, 403)
        code.used = True
        shop = self._shop_by_id(shop_id, partner_id)
        if shop is None:
            raise ShopeeError(
                "invalid_shop_id", "The code or shop_id is wrong, please check the code or the shop_id.", 403
            )
        return shop

    def _live_refresh(self, shop: ShopState) -> str:
        """The shop's current refresh token: a new authorisation replaces (spends) it. "" when none is left."""
        live: list[IssuedToken] = [
            t for t in self.state.tokens.values() if t.shop_id == shop.id and t.kind == "refresh" and not t.used
        ]
        return live[-1].token if live else ""

    def _shop_by_id(self, shop_id: str, partner_id: str) -> ShopState | None:
        for shop in self.sandbox.shops_of("shopee"):
            if shop.spec.credentials["shop_id"] == shop_id and shop.spec.credentials["partner_id"] == partner_id:
                return shop
        return None

    # -- the authorisation link ----------------------------------------------------------------------------

    def _auth_partner(self, request: Request) -> Response:
        """The seller opens the auth link and "logs in" at once; Shopee redirects with `code` and `shop_id`."""
        wanted = request.query_params.get("shop_id")  # sandbox-only: which of the partner's shops logs in
        partner_id, partner_key = self._partner(request, wanted)
        self._check_sign(request, partner_key, f"{partner_id}{AUTH_PARTNER}{request.query_params['timestamp']}")
        redirect = request.query_params.get("redirect", "")
        if not redirect.startswith(("http://", "https://")):
            raise ShopeeError("error_param", "Wrong parameters, detail: redirect is required.", 400)
        shops = [s for s in self.sandbox.shops_of("shopee") if s.spec.credentials["partner_id"] == partner_id]
        chosen = [s for s in shops if s.spec.credentials["shop_id"] == wanted] if wanted else shops[:1]
        if not chosen:
            raise ShopeeError("error_param", "Wrong parameters, detail: the shop is not one of this partner's.", 400)
        shop_id = chosen[0].spec.credentials["shop_id"]
        code = secrets.token_hex(16)
        self.codes[code] = _Code(shop_id, self.state.now() + timedelta(seconds=CODE_SECONDS))
        parts = urlsplit(redirect)
        query = "&".join(q for q in (parts.query, urlencode({"code": code, "shop_id": shop_id})) if q)
        return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=302)


# -----------------------------------------------------------------------------------------------------------


def _api_path(request: Request) -> str:
    """The platform's own path: what the client signed, without the sandbox's mount prefix."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body) if body.strip() else {}
    except ValueError:
        raise ShopeeError("error_param", "Wrong parameters, detail: the request body is not valid JSON.", 400) from None
    if not isinstance(payload, dict):
        raise ShopeeError("error_param", "Wrong parameters, detail: the request body must be a JSON object.", 400)
    return payload


__all__ = ["RATES", "ShopeeEmulator", "envelope", "mounts", "sign"]
