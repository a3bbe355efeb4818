"""Lazada's vocabulary as tables, and `classify`: any Lazada response -> our errors, raw codes kept verbatim."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
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

PLATFORM = Platform.lazada

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

# Parameter errors name the field they refuse: "E001: Parameter %s is mandatory" (CreateProduct, UpdateProduct),
# "Parameter ItemId is mandatory" (DeactivateProduct E0001), "skuId is a mandatory field and must be filled in."
# (UpdateProduct 4216), the gateway's MissingParameter, "illegal parameter:quantity" (4152), "E200: Empty SellerSku"
# (GetProductItem 200).
FIELD_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^E\d+:\s*Empty\s+([A-Za-z_]+)$", re.IGNORECASE),
    re.compile(r"parameter\s+[\"\u201c]?([A-Za-z_]+)[\"\u201d]?\s+(?:that\s+)?is\s+mandatory", re.IGNORECASE),
    re.compile(r"^([A-Za-z_]+) is a mandatory field", re.IGNORECASE),
    re.compile(r"illegal parameter:\s*([A-Za-z_]+)", re.IGNORECASE),
)
# Field (lower case, without `_`) -> type: a missing or unknown item or SKU id is a mapping problem.
FIELD_TYPES: dict[str, ErrorType] = {
    "itemid": ErrorType.SKU_MAPPING_FAILED,
    "skuid": ErrorType.SKU_MAPPING_FAILED,
    "sellersku": ErrorType.SKU_MAPPING_FAILED,
    "skus": ErrorType.SKU_MAPPING_FAILED,
    "quantity": ErrorType.INVENTORY_SYNC_FAILED,
    "sellablequantity": ErrorType.INVENTORY_SYNC_FAILED,
    "price": ErrorType.PRICE_NOT_EFFECTIVE,
    "saleprice": ErrorType.PRICE_NOT_EFFECTIVE,
    "accesstoken": ErrorType.AUTH_EXPIRED,
    "appkey": ErrorType.AUTH_SCOPE_MISSING,
    "sign": ErrorType.AUTH_SCOPE_MISSING,
}

# `detail[]` entries of an answer whose code is "0" are notes on a success (the call was applied): warnings,
# typed by their words. Lazada's image notes (the "Image Quality" guidance of its content score) are the usual.
SUCCESS_DETAIL_RULES: tuple[tuple[str, ErrorType], ...] = (
    ("image", ErrorType.MEDIA_QUALITY),
    ("attribute", ErrorType.CATEGORY_COMPLIANCE_FAILED),
)

# Product states of GetProductItem / GetProducts (`status`, `subStatus`, lower case without spaces) in which Lazada
# refused the listing: QC rejected, a sanction on a live product (LIVE_REJECTED, LOCK), suspended.
REJECTED_STATES = frozenset({"rejected", "liverejected", "lock", "locked", "suspended"})
# Where a product's reject reasons sit, and the keys of a reason object that carry its words.
REASON_FIELDS = ("rejectReason", "reject_reason", "hiddenReason")
REASON_KEYS = ("reason", "violationDetail", "violation_detail", "suggestion", "text", "message")

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


def classify(
    status: int,
    body: bytes,
    operation: Operation | None = None,
    *,
    state: ListingState | None = None,
    category_id: str = "",
) -> list[PlatformError]:
    """Map one Lazada response to our errors; empty for a clean success. `operation` sharpens Lazada's generic
    codes and per-SKU `detail[]` entries (501 "update product failed" is a price problem on a price push, a stock
    problem on a stock push); `state`, on a read-back, adds the product's refusal (QC rejected, locked)."""
    text = body.decode("utf-8", "replace")
    if status in (413, 415, 429) or status >= 500:  # the gateway answers these before the API sees the call
        return [gateway_refusal(PLATFORM, status, body) or unparseable(PLATFORM, status, body)]
    try:
        payload = json.loads(text)
    except ValueError:
        return [unparseable(PLATFORM, status, body)]
    if not isinstance(payload, dict) or "code" not in payload:
        return [unparseable(PLATFORM, status, body)]
    code = str(payload["code"])
    details = [item for item in payload.get("detail") or [] if isinstance(item, Mapping)]
    rejected = state_errors(state) if state is not None else []
    if code == "0":
        if status >= 400:
            return [unparseable(PLATFORM, status, body)]
        return [_success_note(item, payload, category_id) for item in details] + rejected
    message = str(payload.get("message") or "")
    if not details:
        return [_error(_type_of(code, operation, message), code, message, payload, _fields(message), category_id)]
    envelope = {"response_code": code, "response_message": message, "request_id": payload.get("request_id")}
    return [_detail_error(item, code, operation, envelope, category_id) for item in details]


def listing_state(product: Mapping[str, Any]) -> ListingState:
    """A product's state: the first of `subStatus` / `status` that is a refusal (else `status`), and its reasons."""
    words = [str(product[key]) for key in ("subStatus", "sub_status", "status") if product.get(key)]
    refused = next((w for w in words if _state_key(w) in REJECTED_STATES), None)
    reasons: list[Mapping[str, Any]] = []
    for key in REASON_FIELDS:
        value = product.get(key)
        for reason in value if isinstance(value, list) else [value] if value else []:
            reasons.append(reason if isinstance(reason, Mapping) else {key: str(reason)})
    return ListingState(refused or (words[-1] if words else None), tuple(reasons) if refused else ())


def state_errors(state: ListingState) -> list[PlatformError]:
    """A refused product is LISTING_REJECTED, one error per reason Lazada gives (its words and raw verbatim)."""
    if not state.status or _state_key(state.status) not in REJECTED_STATES:
        return []
    errors = []
    for reason in state.reasons or ({},):
        words = [str(reason[k]) for k in (*REASON_KEYS, *REASON_FIELDS) if reason.get(k)]
        message = "; ".join(words) or f"the product is {state.status} by Lazada"
        raw = {"status": state.status, **reason}
        errors.append(make_error(ErrorType.LISTING_REJECTED, PLATFORM, state.status, message, raw=raw))
    return errors


def _state_key(word: str) -> str:
    return word.lower().replace(" ", "").replace("_", "")


def _success_note(item: Mapping[str, Any], payload: Mapping[str, Any], category_id: str) -> PlatformError:
    message = str(item.get("message") or "")
    kind = next((k for text, k in SUCCESS_DETAIL_RULES if text in message.lower()), ErrorType.UNKNOWN_PLATFORM_ERROR)
    name = str(item.get("field") or "")
    raw = {**item, "response_code": "0", "request_id": payload.get("request_id")}
    code = str(item.get("code") or "detail")
    return make_error(
        kind,
        PLATFORM,
        code,
        message,
        raw=raw,
        missing_fields=(name,) if name and not _CONTAINER_FIELD.match(name) else (),
        severity=Severity.warning,
        category_id=category_id,
    )


def _detail_error(
    item: Mapping[str, Any],
    code: str,
    operation: Operation | None,
    envelope: Mapping[str, Any],
    category_id: str = "",
) -> PlatformError:
    """One `detail[]` entry, e.g. {"field": "Product", "seller_sku": "A-1", "message": "SELLER_SKU_NOT_FOUND"}: a
    per-SKU refusal inside the call, read with its operation."""
    message = str(item.get("message") or "")
    candidates = [str(item["code"])] if item.get("code") not in (None, "") else []
    candidates += _CODE_TOKEN.findall(message)
    specific = next((c for c in candidates if c in CODE_TYPES), None)
    hint = next((kind for text, kind in MESSAGE_HINTS if text in message.lower()), None)
    kind = CODE_TYPES[specific] if specific else hint or _type_of(code, operation, message)
    if _names_a_sku(item):
        kind = per_item_type(kind, operation)
    name = str(item.get("field") or "")
    missing = (
        (name,) if kind is ErrorType.CATEGORY_COMPLIANCE_FAILED and name and not _CONTAINER_FIELD.match(name) else ()
    )
    return _error(kind, specific or code, message, {**item, **envelope}, missing or _fields(message), category_id)


def _names_a_sku(item: Mapping[str, Any]) -> bool:
    return any(item.get(k) not in (None, "") for k in ("seller_sku", "SellerSku", "sku_id", "SkuId", "skuId"))


def _fields(message: str) -> tuple[str, ...]:
    return tuple(m.group(1) for pattern in FIELD_PATTERNS for m in pattern.finditer(message.strip()))


def _type_of(code: str, operation: Operation | None, message: str = "") -> ErrorType:
    known = CODE_TYPES.get(code)
    if known is None and operation is not None:
        known = GENERIC_CODE_TYPES.get((code, operation))
    if known in (None, ErrorType.UNKNOWN_PLATFORM_ERROR):
        named = (FIELD_TYPES.get(f.lower().replace("_", "")) for f in _fields(message))
        return next((t for t in named if t is not None), ErrorType.UNKNOWN_PLATFORM_ERROR)
    return known


def _error(
    kind: ErrorType,
    code: str,
    message: str,
    raw: Mapping[str, Any],
    missing: Sequence[str] = (),
    category_id: str = "",
) -> PlatformError:
    severity = SEVERITY_OVERRIDES.get(kind)
    return make_error(
        kind, PLATFORM, code, message, raw=raw, missing_fields=missing, severity=severity, category_id=category_id
    )
