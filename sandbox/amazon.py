"""Amazon emulator: Login with Amazon token refresh (`/lwa`) and SP-API Listings Items v2021-08-01 (`/amazon`).

Faithful to the public models and observed behaviour (see the platform notes):
- LWA `POST /auth/o2/token` (form): refresh_token grant; wrong client id/secret -> 401 `invalid_client`; unknown,
  revoked or foreign refresh token -> 400 `invalid_grant`; access tokens live 3600 s of sandbox clock; the refresh
  token does not rotate.
- `GET|PUT|PATCH /listings/2021-08-01/items/{sellerId}/{sku}` routed on the raw path (a SKU may hold `%2F`).
  The token is `x-amz-access-token` (no signature, no `x-amz-date` required). Expired -> 403 `Unauthorized` with
  details "The access token you provided has expired."; revoked/unknown -> the same with "... is revoked,
  malformed or invalid."; a missing role or another seller's id -> 403 with empty details.
- Writes answer 200 `ACCEPTED` (queued: applied after the shop's confirmation delay; a lost one never) or 200
  `INVALID` with `issues[]`; warnings ride along with ACCEPTED. A PATCH for a SKU Amazon does not hold is
  ACCEPTED and changes nothing (Amazon's documented behaviour: it only records an offer); GET answers 404.
- Token buckets per (shop, operation) at the model's default rates; an empty bucket -> 429 `QuotaExceeded`
  without Retry-After (Amazon sends none).

Issue codes 90220, 99022, 4000001, 90000900 and 18742 and their wording follow Amazon's models and public
examples; the promo-price and image-size issues use codes of our own (`SANDBOX_...`), since no public source
gives Amazon's, with Amazon's issue shape and categories.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard
from urllib.parse import parse_qs, unquote, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.app import Sandbox
from sandbox.category_rules import amazon_definition, amazon_schema
from sandbox.faults import Rate
from sandbox.scenario import CategorySpec, OperationName
from sandbox.state import Listing, ShopState, iso

# -----------------------------------------------------------------------------------------------------------
# Tables

MARKETPLACES: dict[str, str] = {
    "US": "ATVPDKIKX0DER",
    "CA": "A2EUQ1WTGCTBG2",
    "UK": "A1F83G8C2ARO7P",
    "DE": "A1PA6795UKMFR9",
    "JP": "A1VC38T7YXB528",
}
# Listings Items v2021-08-01 default usage plans (rate per second, burst).
RATES: dict[str, Rate] = {
    "getListingsItem": Rate(5, 10),
    "putListingsItem": Rate(5, 10),
    "patchListingsItem": Rate(5, 5),
    "searchListingsItems": Rate(5, 5),
}
METHOD_OPERATIONS = {"GET": "getListingsItem", "PUT": "putListingsItem", "PATCH": "patchListingsItem"}
# A PATCH is a price or a stock change by the attribute it touches; anything else is a listing change.
PATCH_ATTRIBUTE_OPERATIONS: dict[str, OperationName] = {
    "purchasable_offer": "price",
    "fulfillment_availability": "stock",
}
ACCESS_TOKEN_SECONDS = 3600
CODE_SECONDS = 300  # an spapi_oauth_code is single use and expires after five minutes
WHOLE_NUMBER_CURRENCIES = frozenset({"JPY"})
RECOMMENDED_IMAGE_PX = 1000  # Amazon's product image guide: 1000 px or more on the longest side enables zoom
PATCH_OPS = frozenset({"add", "replace", "merge", "delete"})
PUT_REQUIREMENTS = frozenset({"LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"})
LISTING_PATH = re.compile(r"/listings/2021-08-01/items/(?P<seller>[^/]+)/(?P<sku>[^/]+)$")
SEARCH_PATH = re.compile(r"/listings/2021-08-01/items/(?P<seller>[^/]+)$")
DEFINITIONS_PATH = re.compile(r"/definitions/2020-09-01/productTypes/(?P<ptype>[A-Za-z0-9_]+)$")
SEARCH_PAGE_SIZE, SEARCH_PAGE_SIZE_MAX = 10, 20  # searchListingsItems pageSize: default 10, at most 20
SEARCH_MAX_RESULTS = 1000  # "the maximum number of items (SKUs) that can be returned and paged through is 1000"
ATTRIBUTE_PATH = re.compile(r"^/attributes/(?P<name>[A-Za-z0-9_]+)$")
IMAGE_SIZE = re.compile(r"(?P<w>\d{2,5})x(?P<h>\d{2,5})")

DENIED = "Access to requested resource is denied."
EXPIRED = "The access token you provided has expired."
REVOKED = "The access token you provided is revoked, malformed or invalid."
UNPARSEABLE = "Request has missing or invalid parameters and cannot be parsed."


def mounts(sandbox: Sandbox) -> dict[str, ASGIApp]:
    emulator = AmazonEmulator(sandbox)
    sp_api = Starlette(
        routes=[
            Route("/_schemas/{shop}/{product_type}.json", emulator.product_type_schema, methods=["GET"]),
            Route("/{rest:path}", emulator.sp_api, methods=["GET", "PUT", "PATCH", "DELETE"]),
        ]
    )
    lwa = Starlette(
        routes=[
            Route("/auth/o2/token", emulator.lwa_token, methods=["POST"]),
            Route("/apps/authorize/consent", emulator.consent, methods=["GET"]),
        ]
    )
    return {"/amazon": sp_api, "/lwa": lwa}


# -----------------------------------------------------------------------------------------------------------
# Bodies


def error_list(status: int, code: str, message: str, details: str | None = None, **headers: str) -> Response:
    error: dict[str, str] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"errors": [error]}, status_code=status, headers=_headers(headers))


def _headers(extra: Mapping[str, str]) -> dict[str, str]:
    return {"x-amzn-RequestId": str(uuid.uuid4()), **extra}


def _lwa_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error_description": description, "error": error}, status_code=status)


class _Answers:
    """Amazon's wording of the shared faults."""

    def throttled(self, retry_after: float) -> Response:
        # Amazon sends no Retry-After and no rate header on 429.
        return error_list(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")

    def server_error(self, status: int) -> Response:
        if status == 500:
            return error_list(500, "InternalFailure", "We encountered an internal error. Please try again.")
        return error_list(status, "ServiceUnavailable", "Service is temporarily unavailable. Please try again.")

    def too_large(self, limit: int) -> Response:
        return error_list(413, "RequestEntityTooLarge", "The request size exceeded the maximum accepted size.")


def issue(
    code: str,
    message: str,
    *,
    severity: str = "ERROR",
    attributes: list[str] | None = None,
    categories: list[str] | None = None,
    marketplace_id: str | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "code": code,
        "message": message,
        "severity": severity,
        "attributeNames": attributes or [],
        "categories": categories or [],
    }
    if marketplace_id:
        found["marketplaceIds"] = [marketplace_id]
    return found


# -----------------------------------------------------------------------------------------------------------
# The emulator


class AmazonEmulator:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        self.answers = _Answers()
        # spapi_oauth_code -> (shop id, expiry on the sandbox clock): single use, 5 minutes. Not journaled.
        self.codes: dict[str, tuple[str, datetime]] = {}

    # -- Login with Amazon ---------------------------------------------------------------------------------

    async def consent(self, request: Request) -> Response:
        """Seller Central's consent page (`/apps/authorize/consent?application_id&state&version=beta`), consented
        at once: redirects to `redirect_uri` with `state`, `selling_partner_id` and `spapi_oauth_code`. The app is
        found by `application_id` (its `application_id` credential, else its client_id); the sandbox-only
        `seller_id` picks which of its sellers consents, else the first."""
        query = request.query_params
        application_id, redirect = query.get("application_id", ""), query.get("redirect_uri", "")
        shops = [
            s
            for s in self.sandbox.shops_of("amazon")
            if application_id
            and (s.spec.credentials.get("application_id") or s.spec.credentials["client_id"]) == application_id
        ]
        if not shops or not redirect.startswith(("http://", "https://")):
            return PlainTextResponse("invalid authorization request: application_id and redirect_uri", status_code=400)
        wanted = query.get("seller_id")
        chosen = [s for s in shops if s.spec.credentials["seller_id"] == wanted] or shops
        code = f"ANsandbox{secrets.token_urlsafe(18)}"
        self.codes[code] = (chosen[0].id, self.state.now() + timedelta(seconds=CODE_SECONDS))
        answer = {
            "state": query.get("state", ""),
            "selling_partner_id": chosen[0].spec.credentials["seller_id"],
            "spapi_oauth_code": code,
        }
        separator = "&" if "?" in redirect else "?"
        return RedirectResponse(f"{redirect}{separator}{urlencode(answer)}", status_code=302)

    async def _authorization_code(self, form: dict[str, str]) -> Response:
        """LWA's authorization_code grant: the consent's code for a new token pair (the old refresh token dies)."""
        if not form.get("code"):
            return _lwa_error(400, "invalid_request", "The request is missing a required parameter : code")
        client_id, client_secret = form["client_id"], form["client_secret"]
        apps = [s for s in self.sandbox.shops_of("amazon") if s.spec.credentials["client_id"] == client_id]
        if not apps or apps[0].spec.credentials["client_secret"] != client_secret:
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        shop_id, expires = self.codes.pop(form["code"], ("", self.state.now()))
        shop = self.state.shops.get(shop_id)
        if shop is None or expires <= self.state.now() or shop.spec.credentials["client_id"] != client_id:
            return _lwa_error(
                400, "invalid_grant", "The request has an invalid grant parameter : code. The code is invalid or used."
            )
        refused = await self.sandbox.faults.gate(shop, "auth", _LwaAnswers())
        if refused is not None:
            return refused
        live = [t for t in self.state.tokens.values() if t.shop_id == shop.id and t.kind == "refresh" and not t.used]
        access, refresh = self.state.issue_tokens(
            shop.id, access_ttl=ACCESS_TOKEN_SECONDS, prefix="Atza|", rotate_from=live[-1].token if live else ""
        )
        return JSONResponse(
            {
                "access_token": access.token,
                "refresh_token": refresh.token,
                "token_type": "bearer",
                "expires_in": ACCESS_TOKEN_SECONDS,
            }
        )

    async def lwa_token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        grant_type = form.get("grant_type")
        for name in ("grant_type", "client_id", "client_secret"):
            if not form.get(name):
                return _lwa_error(400, "invalid_request", f"The request is missing a required parameter : {name}")
        if grant_type == "authorization_code":
            return await self._authorization_code(form)
        if grant_type != "refresh_token":
            return _lwa_error(
                400, "unsupported_grant_type", f"The authorization grant type is not supported : {grant_type}"
            )
        if not form.get("refresh_token"):
            return _lwa_error(400, "invalid_request", "The request is missing a required parameter : refresh_token")
        client_id, client_secret = form["client_id"], form["client_secret"]
        apps = [s for s in self.sandbox.shops_of("amazon") if s.spec.credentials["client_id"] == client_id]
        if not apps or apps[0].spec.credentials["client_secret"] != client_secret:
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        status, shop = self.state.token_status(form["refresh_token"], "refresh")
        if status != "ok" or shop is None or shop.spec.credentials["client_id"] != client_id:
            return _lwa_error(
                400,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token. "
                "User may have revoked or didn't grant the permission.",
            )
        refused = await self.sandbox.faults.gate(shop, "auth", _LwaAnswers())
        if refused is not None:
            return refused
        access, refresh = self.state.issue_tokens(shop.id, access_ttl=ACCESS_TOKEN_SECONDS, prefix="Atza|")
        return JSONResponse(
            {
                "access_token": access.token,
                "refresh_token": refresh.token,
                "token_type": "bearer",
                "expires_in": ACCESS_TOKEN_SECONDS,
            }
        )

    # -- SP-API --------------------------------------------------------------------------------------------

    async def sp_api(self, request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        match = LISTING_PATH.search(raw_path.decode("latin-1"))
        search = SEARCH_PATH.search(raw_path.decode("latin-1")) if request.method == "GET" else None
        definitions = DEFINITIONS_PATH.search(raw_path.decode("latin-1")) if request.method == "GET" else None
        if search is not None:
            match = search
        elif definitions is not None:
            pass
        elif match is None or request.method not in METHOD_OPERATIONS:
            return error_list(404, "NotFound", "The requested resource doesn't exist.")
        seller_id = unquote(match["seller"]) if match is not None else ""
        sku = unquote(match.groupdict().get("sku") or "") if match is not None else ""

        status, shop = self.state.token_status(request.headers.get("x-amz-access-token"), "access")
        if shop is None and status == "unknown" and not request.headers.get("x-amz-access-token"):
            return error_list(403, "Unauthorized", DENIED, "")
        if status == "expired":
            return error_list(403, "Unauthorized", DENIED, EXPIRED)
        if status != "ok" or shop is None:
            return error_list(403, "Unauthorized", DENIED, REVOKED)
        if definitions is not None:
            return await self._definition(shop, definitions["ptype"], request)
        if seller_id != shop.spec.credentials["seller_id"]:
            return error_list(403, "Unauthorized", DENIED, "")  # not authorised by that selling partner

        body = await request.body()
        payload: Any = None
        if request.method in ("PUT", "PATCH"):
            try:
                payload = json.loads(body)
            except ValueError:
                return error_list(400, "InvalidInput", UNPARSEABLE, "The request body is not valid JSON.")
        operation = _operation(request.method, payload)
        if operation not in ("price", "stock", "listing", "status"):
            operation = "listing"
        if not self.sandbox.faults.permitted(shop, operation):
            return error_list(403, "Unauthorized", DENIED, "")  # the app's role does not cover this operation
        refused = await self.sandbox.faults.gate(
            shop,
            operation,
            self.answers,
            bucket="searchListingsItems" if search is not None else METHOD_OPERATIONS[request.method],
            rates=RATES,
            body_size=len(body),
        )
        if refused is not None:
            return refused

        marketplace_id = MARKETPLACES[shop.spec.market]
        requested = [m for m in request.query_params.get("marketplaceIds", "").split(",") if m]
        if not requested:
            return error_list(400, "InvalidInput", UNPARSEABLE, "Missing required parameter: marketplaceIds.")
        if marketplace_id not in requested or any(m not in MARKETPLACES.values() for m in requested):
            return error_list(400, "InvalidInput", f"Invalid marketplaceIds: {','.join(requested)}.", "")
        rate_header = {"x-amzn-RateLimit-Limit": _rate_header(self.sandbox, shop, operation, request.method)}

        self.state.settle()
        if search is not None:
            return self._search(shop, marketplace_id, request, rate_header)
        if request.method == "GET":
            return self._get(shop, sku, marketplace_id, request, rate_header)
        if not isinstance(payload, dict):
            return error_list(400, "InvalidInput", UNPARSEABLE, "The request body must be a JSON object.")
        preview = request.query_params.get("mode") == "VALIDATION_PREVIEW"
        if request.method == "PATCH":
            return self._patch(shop, sku, marketplace_id, payload, operation, preview, rate_header)
        return self._put(shop, sku, marketplace_id, payload, preview, rate_header)

    async def _definition(self, shop: ShopState, product_type: str, request: Request) -> Response:
        """getDefinitionsProductType: the product type's schema as a link (a `status` read for faults)."""
        refused = await self.sandbox.faults.gate(shop, "status", self.answers, bucket="getDefinitionsProductType")
        if refused is not None:
            return refused
        marketplace_id = MARKETPLACES[shop.spec.market]
        if request.query_params.get("marketplaceIds") != marketplace_id:
            return error_list(
                400, "InvalidInput", f"Invalid marketplaceIds: {request.query_params.get('marketplaceIds')}."
            )
        category = shop.spec.categories.get(product_type)
        if category is None:
            return error_list(404, "NotFound", f"Product type {product_type} not found.")
        url = str(request.url_for("product_type_schema", shop=shop.id, product_type=product_type))
        return JSONResponse(amazon_definition(product_type, category, marketplace_id, url), headers=_headers({}))

    async def product_type_schema(self, request: Request) -> Response:
        """The schema behind the definition's link; like Amazon's pre-signed link it needs no token."""
        shop = self.sandbox.state.shops.get(request.path_params["shop"])
        category = shop.spec.categories.get(request.path_params["product_type"]) if shop else None
        if category is None:
            return Response("<Error><Code>NoSuchKey</Code></Error>", status_code=404, media_type="application/xml")
        return JSONResponse(amazon_schema(request.path_params["product_type"], category))

    def _get(
        self, shop: ShopState, sku: str, marketplace_id: str, request: Request, headers: dict[str, str]
    ) -> Response:
        listing = shop.catalog.get(sku)
        if listing is None:
            return error_list(404, "NotFound", "The requested resource doesn't exist.", **headers)
        included = set((request.query_params.get("includedData") or "summaries").split(","))
        return JSONResponse(item_body(listing, marketplace_id, included), headers=_headers(headers))

    def _search(self, shop: ShopState, marketplace_id: str, request: Request, headers: dict[str, str]) -> Response:
        """searchListingsItems: the seller's listings in SKU order, `pageSize` at a time, paged by `pageToken`."""
        query = request.query_params
        try:
            page_size = int(query.get("pageSize") or SEARCH_PAGE_SIZE)
            offset = _page_offset(query.get("pageToken"))
        except ValueError:
            return error_list(400, "InvalidInput", "Invalid pageToken or pageSize.", "", **headers)
        if not 1 <= page_size <= SEARCH_PAGE_SIZE_MAX:
            return error_list(400, "InvalidInput", f"pageSize must be between 1 and {SEARCH_PAGE_SIZE_MAX}.", "")
        included = set((query.get("includedData") or "summaries").split(","))
        listings = sorted(shop.catalog.values(), key=lambda listing: listing.sku)
        reachable = listings[:SEARCH_MAX_RESULTS]
        page = reachable[offset : offset + page_size]
        body: dict[str, Any] = {
            "numberOfResults": len(listings),
            "items": [item_body(listing, marketplace_id, included) for listing in page],
        }
        pagination: dict[str, str] = {}
        if offset + page_size < len(reachable):
            pagination["nextToken"] = _page_token(offset + page_size)
        if offset > 0:
            pagination["previousToken"] = _page_token(max(0, offset - page_size))
        if pagination:
            body["pagination"] = pagination
        return JSONResponse(body, headers=_headers(headers))

    def _patch(
        self,
        shop: ShopState,
        sku: str,
        marketplace_id: str,
        payload: dict[str, Any],
        operation: OperationName,
        preview: bool,
        headers: dict[str, str],
    ) -> Response:
        patches = payload.get("patches")
        if not isinstance(payload.get("productType"), str) or not isinstance(patches, list) or not patches:
            return error_list(400, "InvalidInput", UNPARSEABLE, "productType and a non-empty patches are required.")
        listing = shop.catalog.get(sku)
        category = _category(shop, listing.category if listing else str(payload["productType"]))
        issues: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        for patch in patches:
            if not isinstance(patch, dict) or patch.get("op") not in PATCH_OPS:
                return error_list(400, "InvalidInput", UNPARSEABLE, "Each patch needs op add|replace|merge|delete.")
            path = ATTRIBUTE_PATH.match(str(patch.get("path", "")))
            if path is None:
                issues.append(issue("90000900", "The attributes are invalid.", categories=["INVALID_ATTRIBUTE"]))
                continue
            name = path["name"]
            value = patch.get("value")
            if patch["op"] == "delete":
                attributes[name] = None
                continue
            if not isinstance(value, list) or not value:
                issues.append(_too_few(name))
                continue
            issues += self._attribute(shop, name, value, category, marketplace_id, values)
            attributes[name] = value
        values["attributes"] = attributes
        return self._submit(shop, sku, operation, values, issues, preview, headers, create=False)

    def _put(
        self,
        shop: ShopState,
        sku: str,
        marketplace_id: str,
        payload: dict[str, Any],
        preview: bool,
        headers: dict[str, str],
    ) -> Response:
        product_type, attributes = payload.get("productType"), payload.get("attributes")
        requirements = payload.get("requirements", "LISTING")
        if (
            not isinstance(product_type, str)
            or not isinstance(attributes, dict)
            or requirements not in PUT_REQUIREMENTS
        ):
            return error_list(400, "InvalidInput", UNPARSEABLE, "productType and attributes are required.")
        category = _category(shop, product_type)
        issues: list[dict[str, Any]] = []
        if category.restricted and sku not in shop.catalog:
            issues.append(issue("18742", "Restricted Products Policy Violation", marketplace_id=marketplace_id))
        for required in category.required_attributes:
            issues += _missing(required, attributes)
        values: dict[str, Any] = {"category": product_type}
        for name, value in attributes.items():
            if isinstance(value, list) and value:
                issues += self._attribute(shop, name, value, category, marketplace_id, values)
            elif not isinstance(value, list):
                issues.append(issue("90000900", "The attributes are invalid.", attributes=[name]))
        if "price" not in values and requirements != "LISTING_PRODUCT_ONLY" and sku not in shop.catalog:
            issues.append(_too_few("purchasable_offer"))
        values["attributes"] = attributes
        return self._submit(shop, sku, "listing", values, issues, preview, headers, create=True)

    def _attribute(
        self,
        shop: ShopState,
        name: str,
        value: list[Any],
        category: CategorySpec,
        marketplace_id: str,
        values: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Check one attribute's values and collect what it changes on the listing into `values`."""
        first = value[0] if isinstance(value[0], dict) else {}
        if name == "purchasable_offer":
            return _offer(shop, first, category, marketplace_id, values)
        if name == "fulfillment_availability":
            quantity = first.get("quantity")
            if first.get("fulfillment_channel_code", "DEFAULT") != "DEFAULT" or not _whole(quantity, minimum=0):
                return [_invalid("fulfillment_availability", "Fulfillment Availability")]
            values["stock"] = quantity
        elif name == "item_name" and isinstance(first.get("value"), str):
            values["title"] = first["value"]
        elif name == "main_product_image_locator" and isinstance(first.get("media_location"), str):
            values["image_url"] = first["media_location"]
            return _image(first["media_location"], category, marketplace_id)
        return []

    def _submit(
        self,
        shop: ShopState,
        sku: str,
        operation: OperationName,
        values: dict[str, Any],
        issues: list[dict[str, Any]],
        preview: bool,
        headers: dict[str, str],
        *,
        create: bool,
    ) -> Response:
        submission_id = uuid.uuid4().hex
        invalid = any(i["severity"] == "ERROR" for i in issues)
        status = "INVALID" if invalid else ("VALID" if preview else "ACCEPTED")
        if status == "ACCEPTED":
            self.state.queue_change(shop.id, sku, operation, values, request_id=submission_id, create=create)
        body = {"sku": sku, "status": status, "submissionId": submission_id, "issues": issues}
        return JSONResponse(body, headers=_headers(headers))


class _LwaAnswers:
    """LWA answers faults in OAuth2 words."""

    def throttled(self, retry_after: float) -> Response:
        return _lwa_error(429, "slow_down", "Too many requests")

    def server_error(self, status: int) -> Response:
        return _lwa_error(status, "server_error", "The server encountered an unexpected error")

    def too_large(self, limit: int) -> Response:
        return _lwa_error(413, "invalid_request", "Request too large")


# -----------------------------------------------------------------------------------------------------------
# Checks and shapes


def _operation(method: str, payload: Any) -> OperationName:
    if method == "GET":
        return "status"
    if method == "PATCH" and isinstance(payload, dict) and isinstance(payload.get("patches"), list):
        touched = {
            PATCH_ATTRIBUTE_OPERATIONS.get(str(p.get("path", "")).removeprefix("/attributes/"), "listing")
            for p in payload["patches"]
            if isinstance(p, dict)
        }
        if len(touched) == 1:
            return touched.pop()
    return "listing"


def _rate_header(sandbox: Sandbox, shop: ShopState, operation: OperationName, method: str) -> str:
    rate = sandbox.faults.rate_for(shop, operation, RATES[METHOD_OPERATIONS[method]])
    return f"{rate.per_second:.1f}" if rate else "5.0"


def _category(shop: ShopState, product_type: str) -> CategorySpec:
    return shop.spec.categories.get(product_type) or CategorySpec()


def _offer(
    shop: ShopState, offer: dict[str, Any], category: CategorySpec, marketplace_id: str, values: dict[str, Any]
) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    if offer.get("marketplace_id", marketplace_id) != marketplace_id or offer.get("currency") not in (
        None,
        shop.spec.currency,
    ):
        return [_invalid("purchasable_offer", "Purchasable Offer", marketplace_id)]
    price = _scheduled_amount(offer.get("our_price"))
    if price is None:
        return [_too_few("purchasable_offer", "our_price")]
    if not _valid_amount(price, shop.spec.currency):
        return [_invalid("purchasable_offer", "Purchasable Offer", marketplace_id)]
    values["price"] = str(price)
    if "discounted_price" in offer:
        sale = _scheduled_amount(offer.get("discounted_price"))
        if sale is None or not _valid_amount(sale, shop.spec.currency):
            return [_invalid("purchasable_offer", "Purchasable Offer", marketplace_id)]
        if not category.promo_price_allowed:
            issues.append(
                issue(
                    "SANDBOX_PROMO_PRICE_NOT_ALLOWED",
                    "A sale price ('discounted_price') is not allowed for this product type in this marketplace.",
                    attributes=["purchasable_offer"],
                    categories=["INVALID_PRICE"],
                    marketplace_id=marketplace_id,
                )
            )
        values["sale_price"] = str(sale)
    elif "our_price" in offer:
        values["sale_price"] = None  # replacing the offer without a discount ends the discount
    return issues


def _scheduled_amount(prices: Any) -> Decimal | None:
    try:
        amount = prices[0]["schedule"][0]["value_with_tax"]
    except (TypeError, KeyError, IndexError):
        return None
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
        return None
    try:
        return Decimal(str(amount))
    except InvalidOperation:
        return None


def _valid_amount(amount: Decimal, currency: str) -> bool:
    if not amount.is_finite() or amount <= 0:
        return False
    return currency not in WHOLE_NUMBER_CURRENCIES or amount == amount.to_integral_value()


def _whole(value: Any, *, minimum: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _missing(required: str, attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """90220 for a required attribute (or a required key of its values, "item_weight.unit") not supplied."""
    name, _, key = required.partition(".")
    values = attributes.get(name)
    if not isinstance(values, list) or not values:
        return [_missing_issue(name, f"'{name}' is required but not supplied.")]
    if key and not all(isinstance(v, dict) and v.get(key) not in (None, "") for v in values):
        return [_missing_issue(name, f"'{key}' of '{name}' is required but not supplied.")]
    return []


def _missing_issue(name: str, message: str) -> dict[str, Any]:
    return issue("90220", message, attributes=[name], categories=["MISSING_ATTRIBUTE"])


def _too_few(name: str, field: str = "value") -> dict[str, Any]:
    label = name.replace("_", " ").title()
    return issue(
        "99022",
        f"The field '{field}' for the attribute '{label}' does not have enough values. "
        "The required minimum is '1' value(s).",
        attributes=[name],
        categories=["INVALID_ATTRIBUTE"],
    )


def _invalid(name: str, label: str, marketplace_id: str | None = None) -> dict[str, Any]:
    return issue(
        "4000001",
        f"The provided value for '{label}' is invalid.",
        attributes=[name],
        marketplace_id=marketplace_id,
    )


def _image(url: str, category: CategorySpec, marketplace_id: str) -> list[dict[str, Any]]:
    """The sandbox cannot download images: a `WIDTHxHEIGHT` in the URL (e.g. main_640x480.jpg) is the size."""
    size = IMAGE_SIZE.search(url.rsplit("/", 1)[-1])
    recommended = category.min_image_px or RECOMMENDED_IMAGE_PX
    if size is None or max(int(size["w"]), int(size["h"])) >= recommended:
        return []
    return [
        issue(
            "SANDBOX_IMAGE_BELOW_RECOMMENDED",
            f"The main image is {size['w']}x{size['h']} pixels; {recommended} pixels or more on the longest side "
            "is recommended so that customers can zoom.",
            severity="WARNING",
            attributes=["main_product_image_locator"],
            categories=["INVALID_IMAGE"],
            marketplace_id=marketplace_id,
        )
    ]


def item_body(listing: Listing, marketplace_id: str, included: set[str]) -> dict[str, Any]:
    """A getListingsItem `Item`, with only the sections asked for in includedData."""
    item: dict[str, Any] = {"sku": listing.sku}
    if "summaries" in included:
        summary: dict[str, Any] = {
            "marketplaceId": marketplace_id,
            "asin": listing.item_id,
            "productType": listing.category,
            "conditionType": "new_new",
            "status": _statuses(listing),
            "itemName": listing.title,
            "createdDate": iso(listing.created_at),
            "lastUpdatedDate": iso(listing.updated_at),
        }
        if listing.image_url:
            summary["mainImage"] = {"link": listing.image_url}
        item["summaries"] = [{k: v for k, v in summary.items() if v is not None}]
    if "offers" in included:
        item["offers"] = [
            {
                "marketplaceId": marketplace_id,
                "offerType": "B2C",
                "price": {"currencyCode": listing.currency, "amount": _amount(listing.price)},
                "audience": {"value": "ALL", "displayName": "Sell on Amazon"},
            }
        ]
    if "fulfillmentAvailability" in included:
        item["fulfillmentAvailability"] = [{"fulfillmentChannelCode": "DEFAULT", "quantity": listing.stock}]
    if "issues" in included:
        # A suppressed listing's issues are the scenario's, verbatim (severity ERROR, with their enforcements).
        item["issues"] = list((listing.platform_state or {}).get("reasons") or [])
    if "attributes" in included:
        item["attributes"] = {k: v for k, v in listing.attributes.items() if v is not None}
    return item


def _statuses(listing: Listing) -> list[str]:
    """Summary statuses: a suppressed listing is neither buyable nor discoverable; an empty one only discoverable."""
    if listing.platform_state is not None:
        return []
    return ["BUYABLE", "DISCOVERABLE"] if listing.stock > 0 else ["DISCOVERABLE"]


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sandbox-page:{offset}".encode()).decode()


def _page_offset(token: str | None) -> int:
    if not token:
        return 0
    text = base64.urlsafe_b64decode(token.encode()).decode()
    if not text.startswith("sandbox-page:"):
        raise ValueError(token)
    return int(text.removeprefix("sandbox-page:"))


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"
