"""Amazon SP-API vocabulary: markets, our pre-checks, raw codes -> error types, and `classify()` for any body.

Pure data and pure functions (no I/O), so the mapping can be tested alone against any body Amazon may send.
Sources: the Listings Items API model v2021-08-01 (amzn/selling-partner-api-models), its sandbox bodies, the
FBA Inbound Eligibility model's error bodies, and the SP-API developer guide; see the platform notes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from api.errors.taxonomy import ErrorType, Severity
from api.platforms import MARKETS as FACT_MARKETS
from api.platforms import Market as Market
from workers.platforms.base import (
    ListingState,
    Operation,
    Platform,
    PlatformError,
    gateway_refusal,
    make_error,
    per_item_type,
    retyped,
    unparseable,
)

PLATFORM = Platform.amazon

# -----------------------------------------------------------------------------------------------------------
# Markets: region host, marketplace id, currency, issue/attribute locale

HOSTS: dict[str, str] = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_HOST = "https://api.amazon.com"


# Region, marketplace id, currency and language tag per market come from the one table of platform facts.
MARKETS: dict[str, Market] = {code: facts for (platform, code), facts in FACT_MARKETS.items() if platform == "amazon"}
MARKET_ALIASES = {"GB": "UK"}  # Amazon's own country code for the UK store

# Currencies without minor units (ISO 4217 exponent 0): prices must be whole numbers.
WHOLE_NUMBER_CURRENCIES = frozenset({"JPY"})

# -----------------------------------------------------------------------------------------------------------
# HTTP-level errors (the ErrorList envelope `{"errors": [{code, message, details}]}` and bare statuses)

# Raw `errors[].code` -> type. Checked before the status, because e.g. a 403 may carry `NotFound`.
ERROR_CODE_TYPES: dict[str, ErrorType] = {
    "NotFound": ErrorType.SKU_MAPPING_FAILED,
    "QuotaExceeded": ErrorType.RATE_LIMITED,
    "InternalFailure": ErrorType.PLATFORM_UNAVAILABLE,
    "ServiceUnavailable": ErrorType.PLATFORM_UNAVAILABLE,
    # A 400 means the request itself is malformed (bad marketplace id, bad body shape): a defect on our side or
    # an unexpected platform change, not a business rule (those come as HTTP 200 INVALID + issues). Neither
    # VALIDATION_FAILED (our own pre-check) nor a price/listing type fits; the raw body tells what is wrong.
    "InvalidInput": ErrorType.UNKNOWN_PLATFORM_ERROR,
    "InvalidRequest": ErrorType.UNKNOWN_PLATFORM_ERROR,
    "BAD_REQUEST": ErrorType.UNKNOWN_PLATFORM_ERROR,
}

# HTTP status -> type, when the code is absent or unknown.
STATUS_TYPES: dict[int, ErrorType] = {
    401: ErrorType.AUTH_EXPIRED,  # malformed or absent token: a refresh fixes it
    403: ErrorType.AUTH_SCOPE_MISSING,  # 403 Unauthorized with empty details: role missing or wrong region
    404: ErrorType.SKU_MAPPING_FAILED,
    413: ErrorType.PLATFORM_LIMIT_EXCEEDED,
    429: ErrorType.RATE_LIMITED,
    500: ErrorType.PLATFORM_UNAVAILABLE,
    502: ErrorType.PLATFORM_UNAVAILABLE,
    503: ErrorType.PLATFORM_UNAVAILABLE,
    504: ErrorType.PLATFORM_UNAVAILABLE,
}

# A body that is not the ErrorList (a gateway's HTML page, or nothing) is read by its status alone: the LI model
# documents 413 "request size exceeded" and 415 "payload in an unsupported format" beside 429 and 5xx.

# An expired or revoked access token is a 403 `Unauthorized` whose details (or message) say so.
TOKEN_REJECTED_PHRASES = (
    "access token you provided has expired",
    "access token you provided is revoked, malformed or invalid",
)

# Login with Amazon token endpoint errors (OAuth2 shape `{"error", "error_description"}`, RFC 6749 section 5.2).
# The endpoint's own code (`invalid_grant`, ...) is kept verbatim as the platform code.
LWA_ERROR_TYPES: dict[str, ErrorType] = {
    "invalid_grant": ErrorType.AUTH_EXPIRED,  # refresh token revoked, expired or from another app
    # Client authentication failed: the app's LWA client id/secret in the connection is wrong (e.g. a rotated
    # secret). No re-authorisation by the seller fixes it; the app's credentials do (AUTH_SCOPE_MISSING says so).
    "invalid_client": ErrorType.AUTH_SCOPE_MISSING,
    "unauthorized_client": ErrorType.AUTH_EXPIRED,
    "invalid_scope": ErrorType.AUTH_SCOPE_MISSING,
    "invalid_request": ErrorType.AUTH_EXPIRED,
    "server_error": ErrorType.PLATFORM_UNAVAILABLE,
    "temporarily_unavailable": ErrorType.PLATFORM_UNAVAILABLE,
}

# -----------------------------------------------------------------------------------------------------------
# Listing issues (`issues[]` of a write submission or of getListingsItem)

# Issue category -> (type when the issue is an ERROR, type when it is a WARNING). An image problem that blocks
# the submission is a rejection; one that only warns is a quality hint.
ISSUE_CATEGORY_TYPES: dict[str, tuple[ErrorType, ErrorType]] = {
    "MISSING_ATTRIBUTE": (ErrorType.CATEGORY_COMPLIANCE_FAILED, ErrorType.CATEGORY_COMPLIANCE_FAILED),
    "INVALID_ATTRIBUTE": (ErrorType.CATEGORY_COMPLIANCE_FAILED, ErrorType.CATEGORY_COMPLIANCE_FAILED),
    "INVALID_PRICE": (ErrorType.PRICE_NOT_EFFECTIVE, ErrorType.PRICE_NOT_EFFECTIVE),
    "MISSING_PRICE": (ErrorType.PRICE_NOT_EFFECTIVE, ErrorType.PRICE_NOT_EFFECTIVE),
    "INVALID_IMAGE": (ErrorType.LISTING_REJECTED, ErrorType.MEDIA_QUALITY),
    "MISSING_IMAGE": (ErrorType.LISTING_REJECTED, ErrorType.MEDIA_QUALITY),
    "DUPLICATE": (ErrorType.LISTING_REJECTED, ErrorType.LISTING_REJECTED),
    "QUALIFICATION_REQUIRED": (ErrorType.LISTING_REJECTED, ErrorType.LISTING_REJECTED),
}

# Issue code -> type, for issues whose categories are empty or unknown (categories are checked first).
ISSUE_CODE_TYPES: dict[str, ErrorType] = {
    "90220": ErrorType.CATEGORY_COMPLIANCE_FAILED,  # required attribute not supplied
    "99022": ErrorType.CATEGORY_COMPLIANCE_FAILED,  # attribute has fewer values than required
    "90000900": ErrorType.CATEGORY_COMPLIANCE_FAILED,  # attributes invalid (unknown attribute name)
    "4000001": ErrorType.CATEGORY_COMPLIANCE_FAILED,  # provided attribute value invalid
    "18448": ErrorType.CATEGORY_COMPLIANCE_FAILED,  # relevant attributes incomplete (a WARNING)
    "18155": ErrorType.PRICE_NOT_EFFECTIVE,  # minimum price above the selling price
    "18742": ErrorType.LISTING_REJECTED,  # restricted products policy: catalog item removed
    "99300": ErrorType.LISTING_REJECTED,  # product detail page rules violation
    # 8572 (UPC/EAN/ASIN does not match the product) and 8541 (data contradicts the catalog item the product id
    # matched) both say the SKU was matched to the wrong Amazon catalog item: the seller fixes the SKU -> ASIN
    # binding (product id), not the listing content, so they are mapping failures rather than rejections.
    "8572": ErrorType.SKU_MAPPING_FAILED,
    "8541": ErrorType.SKU_MAPPING_FAILED,
    "8566": ErrorType.SKU_MAPPING_FAILED,  # SKU matches no ASIN and the data cannot create one
    "8008": ErrorType.SKU_MAPPING_FAILED,  # child SKU not recognised in the variation family (a WARNING)
}

ISSUE_SEVERITIES: dict[str, Severity] = {"ERROR": Severity.error, "WARNING": Severity.warning}
# INFO issues are hints that block nothing and need no action: they stay in the trace, not on the board.

SUBMISSION_STATUSES = frozenset({"ACCEPTED", "VALID", "INVALID"})


# -----------------------------------------------------------------------------------------------------------
# Our own pre-checks


def precheck_error(sku: str, message: str, **raw: Any) -> PlatformError:
    """Our own pre-check failed: nothing is sent for this item."""
    return make_error(ErrorType.VALIDATION_FAILED, PLATFORM, "PRECHECK", message, raw={"sku": sku, **raw})


def check_price(sku: str, market: Market, price: Decimal, currency: str, sale: Decimal | None) -> list[PlatformError]:
    errors = []
    if not sku:
        errors.append(precheck_error(sku, "empty SKU"))
    if currency != market.currency:
        errors.append(precheck_error(sku, f"currency {currency} is not the marketplace's {market.currency}"))
    for name, amount in (("price", price), ("sale_price", sale)):
        if amount is None:
            continue
        if not amount.is_finite() or amount <= 0:
            errors.append(precheck_error(sku, f"{name} must be greater than zero", **{name: str(amount)}))
        elif currency in WHOLE_NUMBER_CURRENCIES and amount != amount.to_integral_value():
            errors.append(precheck_error(sku, f"{name} must be a whole number in {currency}", **{name: str(amount)}))
    if sale is not None and sale.is_finite() and price.is_finite() and sale > price:
        errors.append(precheck_error(sku, "sale_price is above price", price=str(price), sale_price=str(sale)))
    return errors


def check_stock(sku: str, quantity: int) -> list[PlatformError]:
    errors = [] if sku else [precheck_error(sku, "empty SKU")]
    if quantity < 0:
        errors.append(precheck_error(sku, "quantity must not be negative", quantity=quantity))
    return errors


# -----------------------------------------------------------------------------------------------------------
# classify


def classify(
    status: int,
    body: bytes,
    operation: Operation | None = None,
    *,
    state: ListingState | None = None,
    category_id: str = "",
) -> list[PlatformError]:
    """Map any SP-API or LWA response to our errors; an empty list is a clean success.

    `operation` says what the call was for: a submission refused for a reason we cannot read is a price that did
    not take effect in a price call, a stock that did not sync in a stock call. A read-back (`Operation.status`)
    reads a listing, not a submission: its `state` (the summary statuses and this marketplace's issues, see
    `listing_state`) decides, and an issue of severity ERROR there is the platform rejecting the live listing.
    Per-SKU listing issues carry the SKU of the response in `raw["sku"]` next to the issue's own fields.
    """
    data = json_object(body)
    if data is None:
        refused = gateway_refusal(PLATFORM, status, body)
        if refused is not None:
            return [refused]
        if 200 <= status < 300 and not body.strip():
            return []  # a 2xx without a body has nothing to report (the caller checks for what it expects)
        return [unparseable(PLATFORM, status, body)]
    if isinstance(data.get("error"), str):
        return [_lwa_error(status, data)]
    errors = [_error_object(status, e) for e in data.get("errors") or [] if isinstance(e, dict)]
    if errors:
        return errors
    if not 200 <= status < 300:
        return [_status_error(status, body)]
    if operation is Operation.status:
        sku = str(data.get("sku") or "")
        return state_errors(state or listing_state(data), sku, product_type=category_id)
    return _submission_errors(data, operation, category_id)


def listing_state(item: Mapping[str, Any], marketplace_id: str | None = None) -> ListingState:
    """The state of a getListingsItem body in one marketplace: its summary statuses and the issues concerning it."""
    summaries = item.get("summaries")
    summary = for_marketplace(summaries, marketplace_id) if marketplace_id else first_match(summaries, {})
    statuses = summary.get("status")
    listed = item.get("issues")
    issues = [
        issue
        for issue in (listed if isinstance(listed, list) else [])
        if isinstance(issue, dict) and _concerns(issue, marketplace_id)
    ]
    return ListingState(",".join(map(str, statuses)) if isinstance(statuses, list) else None, tuple(issues))


def state_errors(state: ListingState, sku: str, *, product_type: str = "") -> list[PlatformError]:
    """Errors of a listing's state: each ERROR issue is the platform rejecting (suppressing) the listing, with the
    issue's code, message and attributes verbatim; WARNING issues keep their category's type, as warnings."""
    errors = []
    for issue in state.reasons:
        error = _issue_error(issue, sku, product_type)
        if error is not None and error.severity is Severity.error:
            error = make_error(
                ErrorType.LISTING_REJECTED,
                PLATFORM,
                error.platform_code,
                error.platform_message,
                raw=error.raw,
                missing_fields=error.missing_fields,
            )
        if error is not None:
            errors.append(error)
    return errors


def token_rejected(error: PlatformError) -> bool:
    """An access token Amazon refused as expired/revoked/malformed: one refresh may fix it. Refusals of the LWA
    token endpoint itself (their raw body carries the OAuth `error`) never are: a refresh is what failed."""
    return (
        error.error_type is ErrorType.AUTH_EXPIRED
        and not isinstance(error.raw.get("error"), str)
        and error.platform_code not in LWA_LOCAL_CODES
    )


# Codes of token problems found before or after calling LWA (no refresh token stored, no token in the answer).
LWA_LOCAL_CODES = frozenset({"NO_REFRESH_TOKEN", "NO_ACCESS_TOKEN"})


def issue_errors(
    issues: Any, sku: str, *, product_type: str = "", marketplace_id: str | None = None
) -> list[PlatformError]:
    """Errors of a listing's issues, optionally only those concerning one marketplace."""
    result = []
    for issue in issues if isinstance(issues, list) else []:
        if not isinstance(issue, dict) or not _concerns(issue, marketplace_id):
            continue
        error = _issue_error(issue, sku, product_type)
        if error is not None:
            result.append(error)
    return result


def _concerns(issue: Mapping[str, Any], marketplace_id: str | None) -> bool:
    marketplaces = issue.get("marketplaceIds") or []
    return not (marketplace_id and marketplaces and marketplace_id not in marketplaces)


def _status_error(status: int, body: bytes) -> PlatformError:
    error_type = STATUS_TYPES.get(status, ErrorType.UNKNOWN_PLATFORM_ERROR)
    text = body.decode("utf-8", "replace")
    return make_error(error_type, PLATFORM, f"HTTP_{status}", text[:200], raw={"status": status, "body": text})


def _error_object(status: int, error: Mapping[str, Any]) -> PlatformError:
    code = str(error.get("code") or f"HTTP_{status}")
    message = str(error.get("message") or "")
    details = str(error.get("details") or "")
    said = f"{message} {details}".lower()
    if any(phrase in said for phrase in TOKEN_REJECTED_PHRASES):
        error_type = ErrorType.AUTH_EXPIRED
    else:
        error_type = ERROR_CODE_TYPES.get(code) or STATUS_TYPES.get(status, ErrorType.UNKNOWN_PLATFORM_ERROR)
    text = f"{message} ({details})" if details and details != message else message
    return make_error(error_type, PLATFORM, code, text, raw=error)


def _lwa_error(status: int, data: Mapping[str, Any]) -> PlatformError:
    code = str(data["error"])
    fallback = ErrorType.PLATFORM_UNAVAILABLE if status >= 500 else ErrorType.AUTH_EXPIRED
    error_type = LWA_ERROR_TYPES.get(code, fallback)
    message = str(data.get("error_description") or code)
    return make_error(error_type, PLATFORM, code, message, raw=data)


# What a refused submission means when none of its issues says more, by the operation that was refused.
REFUSED_SUBMISSION_TYPES: dict[Operation, ErrorType] = {
    Operation.price: ErrorType.PRICE_NOT_EFFECTIVE,
    Operation.stock: ErrorType.INVENTORY_SYNC_FAILED,
}


def _submission_errors(
    data: Mapping[str, Any], operation: Operation | None = None, product_type: str = ""
) -> list[PlatformError]:
    sku = str(data.get("sku") or "")
    status = data.get("status")
    if status is not None and status not in SUBMISSION_STATUSES:
        return [unparseable(PLATFORM, 200, json.dumps(data).encode())]
    errors = [
        retyped(e, per_item_type(e.error_type, operation), PLATFORM, product_type)
        if e.severity is Severity.error
        else e
        for e in issue_errors(data.get("issues"), sku, product_type=product_type)
    ]
    if status == "INVALID" and not any(e.severity is Severity.error for e in errors):
        # Rejected without a blocking issue we could read: still a rejection, never a silent success.
        raw = {"sku": sku, "status": status, "submissionId": data.get("submissionId")}
        error_type = REFUSED_SUBMISSION_TYPES.get(operation, ErrorType.LISTING_REJECTED)  # type: ignore[arg-type]
        errors.append(make_error(error_type, PLATFORM, "INVALID", "submission INVALID", raw=raw))
    return errors


def _issue_error(issue: Mapping[str, Any], sku: str, product_type: str) -> PlatformError | None:
    severity = ISSUE_SEVERITIES.get(str(issue.get("severity", "ERROR")).upper())
    if severity is None:
        return None
    code = str(issue.get("code") or "")  # documented as required, observed missing: parse defensively
    error_type = ErrorType.UNKNOWN_PLATFORM_ERROR
    categories = [c for c in issue.get("categories") or [] if c in ISSUE_CATEGORY_TYPES]
    if categories:
        when_error, when_warning = ISSUE_CATEGORY_TYPES[categories[0]]
        error_type = when_error if severity is Severity.error else when_warning
    elif code in ISSUE_CODE_TYPES:
        error_type = ISSUE_CODE_TYPES[code]
    attribute_names = [str(a) for a in issue.get("attributeNames") or []]
    return make_error(
        error_type,
        PLATFORM,
        code or "ISSUE",
        str(issue.get("message") or ""),
        raw={"sku": sku, **issue},
        missing_fields=attribute_names,
        severity=severity,
        category_id=product_type if error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED else "",
    )


# -----------------------------------------------------------------------------------------------------------
# Reading getListingsItem bodies defensively (fields may be absent or of an unexpected type)


def json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def first_match(entries: Any, match: Mapping[str, str]) -> dict[str, Any]:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and all(entry.get(k) == v for k, v in match.items()):
            return entry
    return {}


def for_marketplace(entries: Any, marketplace_id: str, prefer: Mapping[str, str] | None = None) -> dict[str, Any]:
    match = {"marketplaceId": marketplace_id}
    return (first_match(entries, {**match, **prefer}) if prefer else {}) or first_match(entries, match)


def to_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def to_datetime(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
