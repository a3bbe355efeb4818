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
from workers.platforms.base import Platform, PlatformError, make_error, unparseable

PLATFORM = Platform.amazon

# -----------------------------------------------------------------------------------------------------------
# Markets: region host, marketplace id, currency, issue/attribute locale

HOSTS: dict[str, str] = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_HOST = "https://api.amazon.com"


class Market:
    __slots__ = ("currency", "locale", "marketplace_id", "region")

    def __init__(self, region: str, marketplace_id: str, currency: str, locale: str) -> None:
        self.region = region
        self.marketplace_id = marketplace_id
        self.currency = currency
        self.locale = locale  # language_tag of text attributes


MARKETS: dict[str, Market] = {
    "US": Market("NA", "ATVPDKIKX0DER", "USD", "en_US"),
    "CA": Market("NA", "A2EUQ1WTGCTBG2", "CAD", "en_CA"),
    "UK": Market("EU", "A1F83G8C2ARO7P", "GBP", "en_GB"),
    "DE": Market("EU", "A1PA6795UKMFR9", "EUR", "de_DE"),
    "JP": Market("FE", "A1VC38T7YXB528", "JPY", "ja_JP"),
}
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

# Statuses whose meaning does not depend on the body (a gateway may answer them in HTML).
BODY_INDEPENDENT_STATUSES = frozenset({413, 429, 500, 502, 503, 504})

# An expired or revoked access token is a 403 `Unauthorized` whose details (or message) say so.
TOKEN_REJECTED_PHRASES = (
    "access token you provided has expired",
    "access token you provided is revoked, malformed or invalid",
)

# Login with Amazon token endpoint errors (OAuth2 shape `{"error", "error_description"}`).
LWA_ERROR_TYPES: dict[str, ErrorType] = {
    "invalid_grant": ErrorType.AUTH_EXPIRED,  # refresh token revoked, expired or from another app
    "invalid_client": ErrorType.AUTH_EXPIRED,  # wrong client id/secret (e.g. a rotated LWA secret)
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


def classify(status: int, body: bytes) -> list[PlatformError]:
    """Map any SP-API or LWA response to our errors; an empty list is a clean success.

    Per-SKU listing issues carry the SKU of the response in `raw["sku"]` next to the issue's own fields.
    """
    data = json_object(body)
    if data is None:
        if status in BODY_INDEPENDENT_STATUSES:
            return [_status_error(status, body)]
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
    return _submission_errors(data)


def token_rejected(error: PlatformError) -> bool:
    """An access token Amazon refused as expired/revoked/malformed: one refresh may fix it."""
    return error.error_type is ErrorType.AUTH_EXPIRED and error.platform_code != "LWA"


def issue_errors(
    issues: Any, sku: str, *, product_type: str = "", marketplace_id: str | None = None
) -> list[PlatformError]:
    """Errors of a listing's issues, optionally only those concerning one marketplace."""
    result = []
    for issue in issues if isinstance(issues, list) else []:
        if not isinstance(issue, dict):
            continue
        marketplaces = issue.get("marketplaceIds") or []
        if marketplace_id and marketplaces and marketplace_id not in marketplaces:
            continue
        error = _issue_error(issue, sku, product_type)
        if error is not None:
            result.append(error)
    return result


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
    message = f"{code}: {data.get('error_description') or ''}".strip(": ")
    # platform_code "LWA" marks token-endpoint errors, so they never trigger another refresh.
    return make_error(error_type, PLATFORM, "LWA", message, raw=data)


def _submission_errors(data: Mapping[str, Any]) -> list[PlatformError]:
    sku = str(data.get("sku") or "")
    status = data.get("status")
    if status is not None and status not in SUBMISSION_STATUSES:
        return [unparseable(PLATFORM, 200, json.dumps(data).encode())]
    errors = issue_errors(data.get("issues"), sku)
    if status == "INVALID" and not any(e.severity is Severity.error for e in errors):
        # Rejected without a blocking issue we could read: still a rejection, never a silent success.
        raw = {"sku": sku, "status": status, "submissionId": data.get("submissionId")}
        errors.append(make_error(ErrorType.LISTING_REJECTED, PLATFORM, "INVALID", "submission INVALID", raw=raw))
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
