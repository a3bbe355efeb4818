"""TikTok Shop's words, for the TikTok emulator: the response envelope, the error codes and messages it answers
with, and the shapes of its success bodies (Get Product, Inventory Search, Get Authorized Shops, tokens).

Codes and messages are the partner docs' (API 202309: "Common errors" and each endpoint's error-code table) or
real bodies quoted in public threads; where a message is ours, ERRORS says so.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.state import Listing, ShopState


# Here rather than in tiktok.py, so the product handlers can take it without importing the gateway that calls them.
@dataclass
class Call:
    """One business call that passed the gateway: its shop, request id, parsed path ids and raw body."""

    shop: ShopState
    rid: str
    ids: tuple[str, ...]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)


# name -> (code, message). Messages verbatim from the docs / real bodies unless marked "ours".
ERRORS: dict[str, tuple[int, str]] = {
    # gateway: "Common errors"
    "throttled": (36009002, "Too many requests. You've made too many requests in a short period of time."),
    "internal": (
        36009003,
        "Internal error. Please try again. If the issue persists after multiple attempts, please contact "
        "platform support.",
    ),
    "invalid_path": (36009009, "Invalid path. The specified path does not match any available endpoint."),
    "invalid_method": (36009010, "Invalid method. The HTTP method used is not supported by this endpoint."),
    "invalid_version": (36009014, "The version name is invalid, please check and retry."),
    "too_large": (36009021, "Invalid file size. The uploaded file size exceeds the maximum limit."),
    "content_type": (
        36009022,
        "Invalid request format. The request body format must be `application/json` for structured data or "
        "`multipart/form-data` for binary files.",
    ),
    "sign_missing": (36009004, "Missing credentials. The request does not include a required signature in the query."),
    "app_key": (36009004, "Invalid credentials. Invalid `app_key` query parameter."),
    "token_invalid": (36009004, "Invalid credentials. The `x-tts-access-token` header is invalid."),
    "timestamp_negative": (
        36009004,
        "Invalid timestamp. The value of the `timestamp` query parameter must not be lesser than 0.",
    ),
    "timestamp_old": (
        36009004,
        "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes "
        "before the current time.",
    ),
    "timestamp_future": (
        36009004,
        "Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current time by "
        "more than 30 seconds.",
    ),
    "cipher_unexpected": (
        36009004,
        "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.",
    ),
    "cipher_missing": (
        106013,
        "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.",
    ),
    "cipher_foreign": (
        101000,
        "Invalid query or header. The `category_asset_cipher` query parameter or `x-tts-access-token` header is "
        "invalid.",
    ),
    "sign_invalid": (106001, "Invalid credentials. The `sign` query parameter is invalid."),
    # real bodies: 105002 (issue thread), 105001 (authorization overview), 105005 (EcomPHP issue #40)
    "token_expired": (105002, "access token is expired, please refresh it"),
    "token_revoked": (105001, "access token is invalid; detail:your token has been deauthorized"),
    "scope_missing": (105005, "you should apply auth pkg for this api"),
    # token endpoint (EcomPHP PR #15)
    "rt_expired": (36004001, "rt has expired"),
    "no_auth_record": (36004005, "can not find related auth record"),
    "grant_type": (36009004, "Invalid parameter. The `grant_type` query parameter is invalid."),  # ours
    # products: Update Price / Update Inventory / Create Product / Get Product / Inventory Search tables
    "invalid_input": (12052910, "Invalid input parameters. Refer to the API documentation for details."),
    "skus_empty": (
        12052902,
        "The SKU list is empty. Either omit the list entirely, or provide all required details.",
    ),
    "product_missing": (12052032, "The product does not exist"),
    "status_unavailable": (
        12052901,
        "The product in its current status is not available for this operation. Change the product status and "
        "try again.",
    ),
    "sku_not_in_product": (12052557, "The SKU ID does not belong to the product."),
    "sku_missing": (12052556, "The SKU id not exist."),
    "sku_duplicate": (12052553, "Sku id duplicate"),
    "too_many_skus": (12052050, "A single product cannot have more than {cap} different SKUs"),
    "price_format": (12052012, "Incorrect price format"),
    "price_invalid": (12052073, "The product price is invalid"),
    "price_over": (12052570, "product price exceed limit"),
    "currency": (12052084, "The provided currency is not available for this shop/region."),
    "price_locked": (12052038, "Product price locked due to ongoing promotion. "),
    "list_price": (12052376, "list price not support"),
    "check_failed": (12052990, "Check failed"),
    "warehouse_missing": (12052097, "The warehouse does not exist"),
    "quantity_limits": (12052055, "The SKU inventory quantity for the warehouse must be within allowed limits."),
    "promo_stock_lock": (12052393, "Product locked for Promotion and stock can't be updated below current stock"),
    "listing_limit": (12052093, "Exceeded the product listing limit for the seller."),
    "category_missing": (12052023, "Category does not exist"),
    "category_version": (
        12052217,
        "Incorrect category version. For US shops or global sellers with an active US shop, specify "
        "'category version=v2'. For shops in other regions specify 'category_version=v1'.",
    ),
    "property_required": (12052104, "property is required"),
    "sub_property_required": (
        12052182,
        "The '{sub}' field is required as you've selected '{value}' for '{parent}'.",
    ),
    "main_image_required": (12052028, "Main product image is required"),
    "image_too_small": (12052301, "Width and length of main image must be at least {minimum}, check uri {uri}"),
    "package_weight": (12019011, "product package weight is invalid"),
    "package_weight_zero": (12052181, "The package weight of the product can not be zero."),
    "product_ids_limit": (12019120, "The number of provided product IDs exceeds the limit."),
    "sku_ids_limit": (12019015, "The number of SKU exceed the limit"),
}


def request_id(now: datetime) -> str:
    """TikTok's request ids: the UTC time to the second, then 20 upper-case hex digits."""
    return now.strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def envelope(
    rid: str, data: dict[str, Any] | None = None, *, code: int = 0, message: str = "Success", status: int = 200
) -> Response:
    return JSONResponse({"code": code, "data": data, "message": message, "request_id": rid}, status_code=status)


def error(rid: str, name: str, *, status: int = 200, **fill: Any) -> Response:
    """A whole-call refusal in the envelope (`data: null`), HTTP 200 unless the gateway answers otherwise."""
    code, message = ERRORS[name]
    return JSONResponse(
        {"code": code, "data": None, "message": message.format(**fill) if fill else message, "request_id": rid},
        status_code=status,
    )


def item_error(name: str, sku_id: str, **extra: Any) -> dict[str, Any]:
    """One `data.errors[]` entry of a per-SKU failure (Update Inventory's shape)."""
    code, message = ERRORS[name]
    return {"code": code, "message": message, "detail": {"sku_id": sku_id, **extra}}


def check_failed(sku_id: str, warehouse_id: str, cause: str) -> dict[str, Any]:
    """12052990 "Check failed" with the precise cause under `extra_errors` (the documented sample's shape)."""
    code, message = ERRORS[cause]
    extra = [{"warehouse_id": warehouse_id, "code": code, "message": message}]
    return item_error("check_failed", sku_id, extra_errors=extra)


class GatewayAnswers:
    """How TikTok's gateway words the shared faults: 429 + 36009002 (no Retry-After: TikTok documents none),
    5xx + 36009003, and 413 + 36009021 (TikTok documents no limit for JSON bodies; its upload-size code)."""

    def __init__(self, rid: str) -> None:
        self.rid = rid

    def throttled(self, retry_after: float) -> Response:
        return error(self.rid, "throttled", status=429)

    def server_error(self, status: int) -> Response:
        return error(self.rid, "internal", status=status)

    def too_large(self, limit: int) -> Response:
        return error(self.rid, "too_large", status=413)


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def sku_body(listing: Listing, warehouse_id: str) -> dict[str, Any]:
    """One `skus[]` entry of Get Product. `price.sale_price` is the local display price (the docs' sample)."""
    price = _amount(listing.price)
    return {
        "id": listing.variant_id,
        "seller_sku": listing.sku,
        "price": {"tax_exclusive_price": price, "sale_price": price, "currency": listing.currency},
        "inventory": [{"warehouse_id": warehouse_id, "quantity": listing.stock}],
        "status_info": {"status": "NORMAL"},
    }


AUDIT_FAILED_REASON = {
    "position": "product",
    "reasons": ["violate listing rules"],
    "suggestions": ["The product violates TikTok Shopping listing rules, please check and resubmit."],
    "listing_platform": "TIKTOK_SHOP",
}


def product_body(
    product_id: str,
    skus: list[dict[str, Any]],
    *,
    first: Listing | None,
    status: str,
    audit: str,
    category_name: str,
    category_id: str,
    title: str,
    created_at: datetime,
    updated_at: datetime,
    reasons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Get Product `data`: `status` combines product and audit state (PENDING while audited, FAILED if refused)."""
    data: dict[str, Any] = {
        "id": product_id,
        "status": status,
        "product_status": {"PENDING": "ACTIVATE", "FAILED": "DRAFT"}.get(status, status),
        "title": title,
        "category_chains": [{"id": category_id, "parent_id": "0", "local_name": category_name, "is_leaf": True}],
        "skus": skus,
        "audit": {"status": audit},
        "create_time": _unix(created_at),
        "update_time": _unix(updated_at),
    }
    if first is not None and first.image_url:
        data["main_images"] = [{"uri": first.image_url, "urls": [first.image_url]}]
    if first is not None and isinstance(first.attributes.get("package_weight"), dict):
        data["package_weight"] = first.attributes["package_weight"]
    if audit == "FAILED":
        data["audit_failed_reasons"] = [AUDIT_FAILED_REASON] if reasons is None else reasons
    return data


REGIONS = {"US": "US", "UK": "GB", "SEA": "SG"}
# Scope packages: "Product Modify" covers price, stock and create; "Product Basic" covers reads.
WRITE_SCOPE, WRITE_OPERATIONS = "seller.product.write", frozenset({"price", "stock", "listing"})
READ_SCOPE = "seller.product.basic"


def shop_region(shop: ShopState) -> str:
    return shop.spec.credentials.get("region") or REGIONS.get(shop.spec.market, shop.spec.market)


def token_data(
    shop: ShopState, access: str, access_expires: datetime, refresh: str, refresh_expires: datetime
) -> dict[str, Any]:
    """The `data` of token/get and token/refresh: `*_expire_in` are absolute Unix times, not durations."""
    missing = set(shop.faults.missing_permissions)
    scopes = [WRITE_SCOPE] if not missing & WRITE_OPERATIONS else []
    scopes += [READ_SCOPE] if "status" not in missing else []
    return {
        "access_token": access,
        "access_token_expire_in": _unix(access_expires),
        "refresh_token": refresh,
        "refresh_token_expire_in": _unix(refresh_expires),
        "open_id": f"sandbox-open-id-{shop.id}",
        "seller_name": shop.spec.name or shop.id,
        "seller_base_region": shop_region(shop),
        "user_type": 0,
        "granted_scopes": scopes,
    }


def authorized_shop(shop: ShopState) -> dict[str, Any]:
    """One `data.shops[]` entry of Get Authorized Shops."""
    region = shop_region(shop)
    shop_id = shop.spec.credentials.get("shop_id") or shop.id
    return {
        "id": shop_id,
        "name": shop.spec.name or shop.id,
        "region": region,
        "seller_type": shop.spec.credentials.get("seller_type", "LOCAL"),
        "cipher": shop.spec.credentials["shop_cipher"],
        "code": f"{region}LCSBX{shop_id[-4:]}",
    }
