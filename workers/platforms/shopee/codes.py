"""Shopee Open Platform v2 error vocabulary and `classify`, the pure mapping of any Shopee response to our errors.

Shopee answers most failures with HTTP 200: a top-level `error` (empty on success) + `message`, sometimes with a
module prefix (`product.error_param`, `common.error_auth`), and per-model failures in `response.failure_list[]`
({model_id, failed_reason}) while `error` stays empty. Sources: the per-API `error_list` tables of
v2.product.update_price / update_stock / add_item and v2.auth.access_token.get on open.shopee.com.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from api.errors.taxonomy import ErrorType, Severity
from workers.platforms.base import (
    ListingState,
    Operation,
    Platform,
    PlatformError,
    gateway_refusal,
    make_error,
    per_item_type,
    unparseable,
)

SHOPEE = Platform.shopee
E = ErrorType

# Raw code (module prefix stripped) -> our error type.
ERROR_TYPES: dict[str, ErrorType] = {
    # Tokens: the default reading of error_auth is an invalid or expired access token (see MESSAGE_RULES).
    "error_auth": E.AUTH_EXPIRED,
    "invalid_access_token": E.AUTH_EXPIRED,
    "refresh_token_expired": E.AUTH_EXPIRED,
    "shop_access_expired": E.AUTH_EXPIRED,
    "shop_no_linked": E.AUTH_EXPIRED,
    "shop_banned": E.AUTH_EXPIRED,
    "error_shop_refresh_token": E.AUTH_EXPIRED,
    "merchant_access_expired": E.AUTH_EXPIRED,
    "error_merchant_refresh_token": E.AUTH_EXPIRED,
    # Permissions and shop eligibility
    "error_permission": E.AUTH_SCOPE_MISSING,
    "error_perm_non_admin": E.AUTH_SCOPE_MISSING,
    "error_shop": E.AUTH_SCOPE_MISSING,
    "error_param_shop_id_not_found": E.AUTH_SCOPE_MISSING,
    # Item / model binding
    "error_item_not_found": E.SKU_MAPPING_FAILED,
    "error_item_not_belong_shop": E.SKU_MAPPING_FAILED,
    "error_nil_shopid_or_itemid": E.SKU_MAPPING_FAILED,
    "error_not_found": E.SKU_MAPPING_FAILED,
    # Price refused
    "error_invalid_price": E.PRICE_NOT_EFFECTIVE,
    "error_price_out_of_range": E.PRICE_NOT_EFFECTIVE,
    "error_price_exceed_min_limitt": E.PRICE_NOT_EFFECTIVE,  # sic, as Shopee spells it
    "error_price_exceed_max_limitt": E.PRICE_NOT_EFFECTIVE,
    "error_cannt_edit_price_in_promotion": E.PRICE_NOT_EFFECTIVE,
    "error_in_item_promotion_item_price_lock": E.PRICE_NOT_EFFECTIVE,
    "error_cannot_update_price_in_promotion": E.PRICE_NOT_EFFECTIVE,
    "error_related_product_in_promotion": E.PRICE_NOT_EFFECTIVE,
    "error_edit_item_price_for_item_has_model": E.PRICE_NOT_EFFECTIVE,
    "error_price_should_be_same_for_wholesales": E.PRICE_NOT_EFFECTIVE,
    "error_busi_price_lower_then_wholesale_price": E.PRICE_NOT_EFFECTIVE,
    "error_wholesale_price_less_than_ratio_limit": E.PRICE_NOT_EFFECTIVE,
    "error_invalid_price_for_logistic": E.PRICE_NOT_EFFECTIVE,
    "error_slash_price_not_lowest": E.PRICE_NOT_EFFECTIVE,
    "error_slash_price_models_diff": E.PRICE_NOT_EFFECTIVE,
    "error_update_price_fail": E.PRICE_NOT_EFFECTIVE,
    # Stock refused
    "error_busi_update_stock_failed": E.INVENTORY_SYNC_FAILED,
    "error_wms_shop_block_upate_stock": E.INVENTORY_SYNC_FAILED,  # sic
    "error_holiday_mode_change_stock": E.INVENTORY_SYNC_FAILED,
    "error_promotion_cantnot_update_stock": E.INVENTORY_SYNC_FAILED,
    "error_cannt_edit_stock_in_promotion": E.INVENTORY_SYNC_FAILED,
    "error_model_update_stock_model_in_promotion": E.INVENTORY_SYNC_FAILED,
    "error_edit_item_stock_for_item_has_model": E.INVENTORY_SYNC_FAILED,
    # Category and attribute compliance (add_item)
    "error_less_required_attribute": E.CATEGORY_COMPLIANCE_FAILED,
    "error_invalid_attribute": E.CATEGORY_COMPLIANCE_FAILED,
    "error_invalid_attribute_value": E.CATEGORY_COMPLIANCE_FAILED,
    "error_invalid_category_attribute": E.CATEGORY_COMPLIANCE_FAILED,
    "error_wrong_attrsnapshot": E.CATEGORY_COMPLIANCE_FAILED,
    "error_busi_attribute_error": E.CATEGORY_COMPLIANCE_FAILED,
    "error_value_name_required": E.CATEGORY_COMPLIANCE_FAILED,
    "error_value_id_must_equal_zero": E.CATEGORY_COMPLIANCE_FAILED,
    "error_invalid_category": E.CATEGORY_COMPLIANCE_FAILED,
    "error_category_is_block": E.CATEGORY_COMPLIANCE_FAILED,
    "error_forbidden_category": E.CATEGORY_COMPLIANCE_FAILED,
    "error_less_required_brand": E.CATEGORY_COMPLIANCE_FAILED,
    "error_invalid_brand": E.CATEGORY_COMPLIANCE_FAILED,
    "error_brand_forbidden": E.CATEGORY_COMPLIANCE_FAILED,
    # Listing refused for other reasons
    "error_invalid_logistic_info": E.LISTING_REJECTED,
    "error_invalid_days_to_ship": E.LISTING_REJECTED,
    "error_category_dts": E.LISTING_REJECTED,
    "error_item_name_is_too_short": E.LISTING_REJECTED,
    "error_title_exceeds_max_length": E.LISTING_REJECTED,
    "error_check_luc_fail": E.LISTING_REJECTED,
    "error_item_uneditable": E.LISTING_REJECTED,
    "error_seller_under_penalty": E.LISTING_REJECTED,
    "error_busi_cannot_edit_vsku": E.LISTING_REJECTED,
    # Media
    "error_image_unavailable": E.MEDIA_QUALITY,
    # Limits and throttling
    "error_reach_shop_item_limit": E.PLATFORM_LIMIT_EXCEEDED,
    "error_system_busy": E.RATE_LIMITED,
    "error_rate_limit": E.RATE_LIMITED,  # not in the pages we read; community clients report it on throttling
    "rate_limit.exceed_api": E.RATE_LIMITED,  # ads.rate_limit.* once the module prefix is stripped
    "rate_limit.exceed_shop_api": E.RATE_LIMITED,
    "rate_limit.exceed_partner_api": E.RATE_LIMITED,
    # Platform side
    "error_server": E.PLATFORM_UNAVAILABLE,
    "error_inner": E.PLATFORM_UNAVAILABLE,
    "error_network": E.PLATFORM_UNAVAILABLE,
    # "Wrong sign.": signed with another partner key than the app's (a rotated or mistyped key). No token refresh
    # fixes it; the app's credentials in the connection do.
    "error_sign": E.AUTH_SCOPE_MISSING,
    "invalid_partner_id": E.AUTH_SCOPE_MISSING,
    # A request we built wrong: no taxonomy type fits better than the fallback, which keeps everything raw
    "error_param": E.UNKNOWN_PLATFORM_ERROR,
    "error_data": E.UNKNOWN_PLATFORM_ERROR,
    "error_busi": E.UNKNOWN_PLATFORM_ERROR,
}

# Generic codes whose meaning is in the message: (code, lower-case message fragment, type), first match wins.
MESSAGE_RULES: tuple[tuple[str, str, ErrorType], ...] = (
    ("error_auth", "no permission", E.AUTH_SCOPE_MISSING),
    ("error_auth", "cnsc shop not upgraded", E.AUTH_SCOPE_MISSING),
    ("error_auth", "invalid sign", E.AUTH_SCOPE_MISSING),
    ("error_auth", "invalid partner_id", E.AUTH_SCOPE_MISSING),
    ("error_auth", "no valid partnerid", E.AUTH_SCOPE_MISSING),
    ("error_auth", "stock", E.INVENTORY_SYNC_FAILED),  # "Total stock must be more than reserved stock."
    ("error_auth", "location_id", E.INVENTORY_SYNC_FAILED),
    ("error_param", "invalid attribute", E.CATEGORY_COMPLIANCE_FAILED),
    ("error_param", "invalid weight", E.LISTING_REJECTED),
    ("error_param", "over limit", E.PLATFORM_LIMIT_EXCEEDED),
    ("error_param", "model_id", E.SKU_MAPPING_FAILED),  # "Wrong model_id." / "Repeat model_id."
    ("error_param", "reserve stock", E.INVENTORY_SYNC_FAILED),
    ("error_param", "invalid request item_id", E.SKU_MAPPING_FAILED),
    ("error_param", "not found", E.SKU_MAPPING_FAILED),
    ("error_busi", "gtin", E.CATEGORY_COMPLIANCE_FAILED),
    ("error_busi", "warehouse", E.INVENTORY_SYNC_FAILED),
    ("error_data", "not exist", E.SKU_MAPPING_FAILED),
)

# failure_list entries carry free text, not codes: (lower-case fragment, type), checked before the operation default.
FAILED_REASON_RULES: tuple[tuple[str, ErrorType], ...] = (
    ("not found", E.SKU_MAPPING_FAILED),
    ("not exist", E.SKU_MAPPING_FAILED),
    ("not belong", E.SKU_MAPPING_FAILED),
    ("wrong model", E.SKU_MAPPING_FAILED),
    ("invalid model", E.SKU_MAPPING_FAILED),
)
# What a per-model failure of each operation means when its reason says nothing more specific.
OPERATION_DEFAULTS: dict[Operation, ErrorType] = {
    Operation.price: E.PRICE_NOT_EFFECTIVE,
    Operation.stock: E.INVENTORY_SYNC_FAILED,
    Operation.listing: E.LISTING_REJECTED,
}
# Without a known operation, the reason's words decide.
FAILED_REASON_KEYWORDS: tuple[tuple[str, ErrorType], ...] = (
    ("price", E.PRICE_NOT_EFFECTIVE),
    ("stock", E.INVENTORY_SYNC_FAILED),
    ("location", E.INVENTORY_SYNC_FAILED),
)

# Missing field names the messages name: (pattern, fixed name or None to take group 1).
MISSING_FIELD_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"attribute\s+(.+?)\s+is mandatory", re.IGNORECASE), None),
    (re.compile(r"gtin code is mandatory", re.IGNORECASE), "gtin_code"),
    (re.compile(r"brand information required", re.IGNORECASE), "brand"),
    (re.compile(r"invalid weight", re.IGNORECASE), "weight"),
)

# Parameter errors name the field they refuse ("invalid field ItemId: value must  Not Null", "There is no sign in
# query."): the field is named on the board, and what it is decides the type when the message alone does not.
FIELD_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"invalid field ([A-Za-z0-9_.\[\]]+)", re.IGNORECASE),
    re.compile(r"there is no ([A-Za-z_]+) in query", re.IGNORECASE),
    re.compile(r"^the ([A-Za-z_]+) is required", re.IGNORECASE),
    re.compile(r"^(?:invalid|wrong|repeat) ([A-Za-z_]+)\.?$", re.IGNORECASE),
)
# Field (lower case, without `_`) -> type. A missing or unknown item or model id is a mapping problem.
FIELD_TYPES: dict[str, ErrorType] = {
    "itemid": E.SKU_MAPPING_FAILED,
    "itemidlist": E.SKU_MAPPING_FAILED,
    "modelid": E.SKU_MAPPING_FAILED,
    "partnerid": E.AUTH_SCOPE_MISSING,
    "sign": E.AUTH_SCOPE_MISSING,
    "accesstoken": E.AUTH_EXPIRED,
    "originalprice": E.PRICE_NOT_EFFECTIVE,
    "price": E.PRICE_NOT_EFFECTIVE,
    "stock": E.INVENTORY_SYNC_FAILED,
    "normalstock": E.INVENTORY_SYNC_FAILED,
    "sellerstock": E.INVENTORY_SYNC_FAILED,
    "locationid": E.INVENTORY_SYNC_FAILED,
}
PARAMETER_CODES = frozenset({"error_param", "error_data"})

# The envelope's `warning` ("the API call is successful, but some data is not returned or some batch requests
# fail", developer guide "API calls"): a warning-level event, never a failure. Its words decide the type; without
# a hint, the operation does (a price call's warning is about prices).
WARNING_RULES: tuple[tuple[str, ErrorType], ...] = (
    ("image", E.MEDIA_QUALITY),
    ("attribute", E.CATEGORY_COMPLIANCE_FAILED),
    ("brand", E.CATEGORY_COMPLIANCE_FAILED),
    ("not found", E.SKU_MAPPING_FAILED),
    ("not exist", E.SKU_MAPPING_FAILED),
)

# item_status values of get_item_base_info / get_item_violation_info that are the platform refusing the listing;
# NORMAL, UNLIST and REVIEWING are live, hidden by the seller, or waiting.
STATE_TYPES: dict[str, ErrorType] = {
    "BANNED": E.LISTING_REJECTED,
    "SHOPEE_DELETE": E.LISTING_REJECTED,
    "SELLER_DELETE": E.SKU_MAPPING_FAILED,  # deleted by the seller: the binding is stale
}
STATE_MESSAGES: dict[str, str] = {
    "BANNED": "the item is banned by Shopee",
    "SHOPEE_DELETE": "the item was deleted by Shopee",
    "SELLER_DELETE": "the item was deleted by the seller; the binding is stale",
}

# An unusable image stops add_item, so it is not the usual MEDIA_QUALITY warning.
SEVERITY_OVERRIDES: dict[str, Severity] = {"error_image_unavailable": Severity.error}


def normalise_code(raw: str) -> str:
    """`product.error_param` -> `error_param`; `ads.rate_limit.exceed_api` -> `rate_limit.exceed_api`.

    One table spells a code `error.param`: a leading `error.` is not a module prefix.
    """
    raw = raw.strip()
    if raw.startswith("error."):
        return "error_" + raw[len("error.") :]
    module, dot, rest = raw.partition(".")
    return rest if dot and module and rest else raw


def error_type_for(code: str, message: str) -> ErrorType:
    lowered = message.lower()
    for rule_code, fragment, error_type in MESSAGE_RULES:
        if rule_code == code and fragment in lowered:
            return error_type
    known = ERROR_TYPES.get(code, E.UNKNOWN_PLATFORM_ERROR)
    if known is E.UNKNOWN_PLATFORM_ERROR and code in PARAMETER_CODES:
        for name in fields_in(message):
            field_type = FIELD_TYPES.get(name.lower().replace("_", ""))
            if field_type is not None:
                return field_type
    return known


def fields_in(message: str) -> list[str]:
    """The request fields a parameter error names, as Shopee spells them."""
    return [match.group(1) for pattern in FIELD_PATTERNS for match in pattern.finditer(message.strip())]


def missing_fields_in(message: str) -> list[str]:
    names: list[str] = []
    for pattern, fixed in MISSING_FIELD_PATTERNS:
        for match in pattern.finditer(message):
            names.append(fixed or match.group(1).strip())
    return names


def classify(
    status: int,
    body: bytes,
    operation: Operation | None = None,
    *,
    state: ListingState | None = None,
    category_id: str = "",
) -> list[PlatformError]:
    """Every error in one Shopee response: the envelope's `error`, then one per `response.failure_list[]` entry
    (its raw keeps `model_id`), then the envelope's `warning` as a warning. Empty for a clean success.
    `operation` reads per-model reasons and warnings; `state`, on a read-back, adds the item's refusal (BANNED,
    SHOPEE_DELETE with Shopee's violation details)."""
    text = body.decode("utf-8", "replace")
    if status == 429 or status >= 500:
        return [gateway_refusal(SHOPEE, status, body) or unparseable(SHOPEE, status, body)]
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        refused = gateway_refusal(SHOPEE, status, body)  # 413 / 415 pages of the gateway
        return [refused or unparseable(SHOPEE, status, body)]

    errors: list[PlatformError] = []
    raw_code = str(data.get("error") or "").strip()
    if raw_code:
        errors.append(_envelope_error(raw_code, data, category_id))
    elif not 200 <= status < 300:
        # A gateway's own JSON (413 / 415) is not Shopee's envelope: its status says what happened.
        refused = gateway_refusal(SHOPEE, status, body)
        message = str(data.get("message") or data.get("msg") or f"HTTP {status}")
        errors.append(
            refused or make_error(E.UNKNOWN_PLATFORM_ERROR, SHOPEE, f"HTTP_{status}", message, raw=_envelope(data))
        )
    response = data.get("response")
    if isinstance(response, dict):
        for entry in response.get("failure_list") or ():
            if isinstance(entry, dict):
                errors.append(_failure_error(entry, operation))
    errors += _warnings(data, operation)
    return errors + (state_errors(state) if state is not None else [])


def state_errors(state: ListingState) -> list[PlatformError]:
    """The item's refusal: one error per violation Shopee reports for it (`item_status_details[]` of
    get_item_violation_info), with its type, reason and suggestion verbatim; one generic error without them."""
    status = state.status or ""
    error_type = STATE_TYPES.get(status)
    if error_type is None:
        return []
    errors = []
    for detail in state.reasons or ({},):
        words = [str(detail[key]) for key in ("violation_type", "violation_reason") if detail.get(key)]
        message = ": ".join(words) or STATE_MESSAGES[status]
        if detail.get("suggestion"):
            message = f"{message} ({detail['suggestion']})"
        raw = {"item_status": status, **detail}
        errors.append(make_error(error_type, SHOPEE, status, message, raw=raw))
    return errors


def _envelope(data: Mapping[str, Any]) -> dict[str, Any]:
    # The envelope as received, without the (possibly large) data payload.
    return {key: value for key, value in data.items() if key != "response"}


def _envelope_error(raw_code: str, data: Mapping[str, Any], category_id: str = "") -> PlatformError:
    code = normalise_code(raw_code)
    message = str(data.get("message") or data.get("msg") or "")  # v1-era bodies used `msg`
    error_type = error_type_for(code, message)
    missing = missing_fields_in(message) if error_type is E.CATEGORY_COMPLIANCE_FAILED else []
    if not missing and code in PARAMETER_CODES:
        missing = fields_in(message)
    return make_error(
        error_type,
        SHOPEE,
        code,
        message,
        raw=_envelope(data),
        missing_fields=missing,
        severity=SEVERITY_OVERRIDES.get(code),
        category_id=category_id,
    )


def _warnings(data: Mapping[str, Any], operation: Operation | None) -> list[PlatformError]:
    given = data.get("warning")
    texts = [given] if isinstance(given, str) else given if isinstance(given, list) else []
    warnings = []
    for text in (str(t).strip() for t in texts):
        if not text:
            continue
        hinted = next((kind for fragment, kind in WARNING_RULES if fragment in text.lower()), None)
        kind = hinted or per_item_type(E.UNKNOWN_PLATFORM_ERROR, operation)
        warnings.append(make_error(kind, SHOPEE, "warning", text, raw=_envelope(data), severity=Severity.warning))
    return warnings


def _failure_error(entry: Mapping[str, Any], operation: Operation | None) -> PlatformError:
    reason = str(entry.get("failed_reason") or entry.get("fail_message") or "")
    given_code = normalise_code(str(entry.get("fail_error") or ""))
    # Some reasons are codes themselves; otherwise there is no code and the reason's text decides.
    reason_code = normalise_code(reason)
    code = given_code or (reason_code if reason_code in ERROR_TYPES else "failure_list")
    known = code in ERROR_TYPES
    error_type = error_type_for(code, reason) if known else _reason_type(reason, operation)
    error_type = per_item_type(error_type, operation)  # a refused model of an accepted call: by what it was for
    return make_error(error_type, SHOPEE, code, reason, raw=entry, severity=SEVERITY_OVERRIDES.get(code))


def _reason_type(reason: str, operation: Operation | None) -> ErrorType:
    lowered = reason.lower()
    for fragment, error_type in FAILED_REASON_RULES:
        if fragment in lowered:
            return error_type
    if operation in OPERATION_DEFAULTS:
        return OPERATION_DEFAULTS[operation]
    for fragment, error_type in FAILED_REASON_KEYWORDS:
        if fragment in lowered:
            return error_type
    return E.UNKNOWN_PLATFORM_ERROR
