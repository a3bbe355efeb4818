"""Reading TikTok Shop responses: raw codes -> our error types, `classify`, token and product read-back parsing.

Most failures arrive inside HTTP 200 envelopes `{code, message, request_id, data}`; stock updates report per-SKU
failures in `data.errors[]` under `code: 0`; product creation reports non-fatal `data.warnings[]`.
Codes are from the partner docs' "Common errors" page and each endpoint's error-code table (API 202309).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from api.errors.taxonomy import ErrorType, Severity
from workers.platforms.base import (
    ListingRef,
    ListingState,
    ListingStatus,
    Operation,
    Platform,
    PlatformError,
    TokenSet,
    as_decimal,
    gateway_refusal,
    make_error,
    per_item_type,
    unparseable,
)

PLATFORM = Platform.tiktok

_E = ErrorType
# Raw envelope / per-SKU codes by our error type (common errors page + each endpoint's error-code table).
CODES_BY_TYPE: dict[ErrorType, tuple[int, ...]] = {
    # 105001 invalid/deauthorised, 105002 expired; 36004001 refresh token expired, 36004005 no auth record
    _E.AUTH_EXPIRED: (105001, 105002, 36004001, 36004005),
    # 105005 scope package not granted, 101000 token not valid for endpoint/shop, 36009033 IP allow-list,
    # 12019114 seller has no permission; 106001 `sign` invalid: signed with another app secret than the app's
    _E.AUTH_SCOPE_MISSING: (105005, 101000, 36009033, 12019114, 106001),
    _E.RATE_LIMITED: (36009002,),
    _E.PLATFORM_UNAVAILABLE: (36009003, 36009007, 12001000),
    # product/SKU does not exist, not in this shop, SKU not of this product, invalid ids
    _E.SKU_MAPPING_FAILED: (
        *(12052032, 12052260, 12019150, 12052048, 12052557, 12052556, 12052031, 12052036, 12019008),
        12019059,  # "seller sku is invalid" (Update Price error table)
    ),
    # 12052038 locked by a promotion, 12019045 locked, format/range/currency/sale/list price refusals
    _E.PRICE_NOT_EFFECTIVE: (
        *(12052038, 12019045, 12052012, 12052073, 12052570, 12052084, 12052092),
        *(12052572, 12052424, 12052375, 12052376, 12052383, 12052861),
    ),
    # stock values, warehouses, promotion/combo/shared-inventory locks; 12052990 "Check failed" (see extra_errors)
    _E.INVENTORY_SYNC_FAILED: (
        *(12019022, 12019024, 12019028, 12052037, 12052055, 12052393, 12052141, 12052533, 12052530),
        *(12052531, 12052532, 12052097, 12052096, 12052115, 12052850, 12052921, 12052990),
    ),
    # required/invalid attributes, category tree and qualifications, brand authorisation, EU persons,
    # package weight, main image required
    _E.CATEGORY_COMPLIANCE_FAILED: (
        *(12052104, 12052105, 12052182, 12052241, 12052246, 12052251, 12052253, 12052254, 12052023),
        *(12052024, 12052217, 12052230, 12052220, 12052223, 12052226, 12052225, 12052446, 12052201),
        *(12052208, 12052287, 12052282, 12019011, 12052006, 12052181, 12052028),
    ),
    # restricted words, illegal title prefix, not listable, title/description format rules
    _E.LISTING_REJECTED: (12052151, 12052152, 12052153, 12052263, 12052330, 12052931, 12052932),
    # image dimensions, file size, aspect ratio (main and sales-attribute images)
    _E.MEDIA_QUALITY: (12052301, 12052302, 12052305, 12052521, 12052524),
    # SKUs per product, seller listing limit, image count, inventory-search id limits, request size (36009021)
    _E.PLATFORM_LIMIT_EXCEEDED: (12052050, 12052093, 12052306, 12019015, 12019120, 36009021),
}
CODE_TYPES: dict[int, ErrorType] = {code: t for t, codes in CODES_BY_TYPE.items() for code in codes}
# 36009004 covers several faults ("Common errors" page): its token variants are an expired authorisation; a missing
# signature or an unknown app key is the app's own credentials, which no token refresh fixes.
MESSAGE_TYPES: dict[int, tuple[tuple[str, ErrorType], ...]] = {
    36009004: (
        ("access-token", _E.AUTH_EXPIRED),
        ("access_token", _E.AUTH_EXPIRED),
        ("signature", _E.AUTH_SCOPE_MISSING),
        ("app_key", _E.AUTH_SCOPE_MISSING),
    ),
}
# The request field a parameter error is about, where the code names one (the error tables of Update Price,
# Update Inventory and Get Product): the board names the field instead of a bare code.
CODE_FIELDS: dict[int, str] = {
    12019059: "seller_sku",
    12052032: "product_id",
    12052260: "product_id",
    12019150: "product_id",
    12052031: "product_id",
    12052556: "skus.id",
    12052557: "skus.id",
    12052097: "warehouse_id",
    12019024: "inventory.quantity",
    12052073: "price.amount",
    12052092: "price.sale_price",
    12052424: "price.sale_price",
    12052572: "price.sale_price",
}
# Audit states of Get Product in which the platform refused the listing; PENDING / AUDITING only wait.
REJECTED_AUDIT_STATES = frozenset({"FAILED"})
# A code that refused the whole call blocks it, even where the type defaults to a warning (image codes).
BLOCKING_SEVERITY = Severity.error
# Gateway faults answered with HTTP 200 that are worth another attempt.
BODY_RETRY_CODES = frozenset({36009002, 36009003})
# Where the attribute names sit in a message; other codes use quoted or bracketed names.
FIELD_PATTERNS: dict[int, re.Pattern[str]] = {
    12052182: re.compile(r"^The '([^']+)' field is required"),
    12052246: re.compile(r"attribute id is\s*:\s*([^\s.]+)"),
}
_NAMED_FIELDS = re.compile(r"'([^']+)'|\[([^\]]+)\]")
# Non-fatal data.warnings[] by message content.
WARNING_TYPES = (("image", _E.MEDIA_QUALITY), ("field is incorrect", _E.CATEGORY_COMPLIANCE_FAILED))
_WARNING_FIELD = re.compile(r"\[([^\]]+)\]")


# -----------------------------------------------------------------------------------------------------------
# classify: any response body -> our errors


def classify(
    status: int,
    body: bytes,
    operation: Operation | None = None,
    *,
    state: ListingState | None = None,
    category_id: str = "",
) -> list[PlatformError]:
    """Map a TikTok Shop response to errors; empty for a clean success. Per-SKU errors keep their item in `raw`.

    `operation` reads the per-SKU failures of an accepted batch: a price that did not take effect in a price call,
    a stock that did not sync in a stock call. `state`, on a read-back, adds the listing's refusal (audit FAILED).
    """
    envelope = envelope_of(body)
    if envelope is None or status == 429 or status >= 500:
        refused = gateway_refusal(PLATFORM, status, body)
        if refused is not None and envelope is not None:  # the gateway's status, the envelope's own words
            code, message = str(envelope["code"]), str(envelope.get("message", "")) or refused.platform_message
            refused = make_error(refused.error_type, PLATFORM, code, message, raw=envelope)
        if refused is not None:
            return [refused]
    if envelope is None:
        return [unparseable(PLATFORM, status, body)]
    if envelope["code"] != 0:
        return [_coded_error(envelope["code"], str(envelope.get("message", "")), envelope, category_id)]
    data = envelope.get("data")
    data = data if isinstance(data, dict) else {}
    errors = [e for item in records(data.get("errors")) for e in _item_errors(item, category_id, operation)]
    warnings = data.get("warnings")
    errors += [_warning(w) for w in records([warnings] if isinstance(warnings, dict) else warnings)]
    return errors + (state_errors(state) if state is not None else [])


def listing_state(data: Mapping[str, Any]) -> ListingState:
    """A Get Product `data`'s state: its combined status (the audit's when that failed) and the audit's reasons."""
    audit = record(data.get("audit")).get("status")
    status = "FAILED" if audit in REJECTED_AUDIT_STATES else data.get("status")
    return ListingState(str(status) if status is not None else None, tuple(records(data.get("audit_failed_reasons"))))


def state_errors(state: ListingState) -> list[PlatformError]:
    """A failed audit is LISTING_REJECTED, one error per reason the platform gives, with its words verbatim."""
    if state.status not in REJECTED_AUDIT_STATES:
        return []
    errors = []
    for reason in state.reasons or ({},):
        texts = [str(t) for key in ("reasons", "suggestions") for t in reason.get(key) or []]
        message = "; ".join(texts) or "audit failed"
        errors.append(make_error(_E.LISTING_REJECTED, PLATFORM, "AUDIT_FAILED", message, raw=reason))
    return errors


def item_key(error: PlatformError) -> str | None:
    """The SKU (or product) id a per-item error belongs to; None for a whole-call error."""
    detail = error.raw.get("detail")
    if isinstance(detail, dict):
        for key in ("sku_id", "product_id"):
            if detail.get(key) is not None:
                return str(detail[key])
    return None


def envelope_of(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if isinstance(parsed, dict) and isinstance(parsed.get("code"), int) and not isinstance(parsed["code"], bool):
        return parsed
    return None


def records(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def record(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _type_of(code: int, message: str) -> ErrorType:
    for needle, error_type in MESSAGE_TYPES.get(code, ()):
        if needle in message:
            return error_type
    return CODE_TYPES.get(code, _E.UNKNOWN_PLATFORM_ERROR)


def _fields(code: int, message: str) -> list[str]:
    pattern = FIELD_PATTERNS.get(code)
    if pattern is not None:
        return [m.group(1) for m in pattern.finditer(message)]
    return [a or b for a, b in _NAMED_FIELDS.findall(message)]


def _coded_error(code: int, message: str, raw: Mapping[str, Any], category_id: str) -> PlatformError:
    error_type = _type_of(code, message)
    fields = _fields(code, message) if error_type is _E.CATEGORY_COMPLIANCE_FAILED else []
    if not fields and code in CODE_FIELDS:
        fields = [CODE_FIELDS[code]]
    return make_error(
        error_type,
        PLATFORM,
        str(code),
        message,
        raw=raw,
        missing_fields=fields,
        severity=BLOCKING_SEVERITY,
        category_id=category_id,
    )


def _item_errors(item: dict[str, Any], category_id: str, operation: Operation | None) -> list[PlatformError]:
    """One data.errors[] entry: its extra_errors carry the precise causes when present; read with the operation."""
    main_code = item["code"] if isinstance(item.get("code"), int) else -1
    causes = records(record(item.get("detail")).get("extra_errors")) or [item]
    errors = []
    for cause in causes:
        code = cause["code"] if isinstance(cause.get("code"), int) else main_code
        message = str(cause.get("message", ""))
        error = _coded_error(code, message, item, category_id)
        if error.error_type is _E.UNKNOWN_PLATFORM_ERROR and main_code in CODE_TYPES:
            error = _coded_error(main_code, message, item, category_id)
        kind = per_item_type(error.error_type, operation)
        if kind is not error.error_type:
            error = make_error(
                kind, PLATFORM, error.platform_code, message, raw=item, missing_fields=error.missing_fields
            )
        errors.append(error)
    return errors


def _warning(warning: dict[str, Any]) -> PlatformError:
    message = str(warning.get("message", ""))
    error_type = next((t for needle, t in WARNING_TYPES if needle in message.lower()), _E.UNKNOWN_PLATFORM_ERROR)
    named = _WARNING_FIELD.search(message)
    fields = [named.group(1)] if named and error_type is _E.CATEGORY_COMPLIANCE_FAILED else []
    return make_error(
        error_type, PLATFORM, "WARNING", message, raw=warning, missing_fields=fields, severity=Severity.warning
    )


# -----------------------------------------------------------------------------------------------------------
# Tokens and product read-back


def _from_unix(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def token_set_from(data: Mapping[str, Any]) -> TokenSet | None:
    """The TokenSet of a token/get or token/refresh `data` (`*_expire_in` are absolute Unix times, not durations)."""
    access_token, access_expires_at = data.get("access_token"), _from_unix(data.get("access_token_expire_in"))
    if not isinstance(access_token, str) or not access_token or access_expires_at is None:
        return None
    refresh_token, scopes = data.get("refresh_token"), data.get("granted_scopes")
    return TokenSet(
        access_token=access_token,
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        access_expires_at=access_expires_at,
        refresh_expires_at=_from_unix(data.get("refresh_token_expire_in")),
        scopes=tuple(str(s) for s in scopes) if isinstance(scopes, list) else (),
    )


def unbound(ref: ListingRef) -> PlatformError:
    message = f"SKU {ref.sku} has no TikTok product_id/sku_id binding"
    return make_error(_E.SKU_MAPPING_FAILED, PLATFORM, "NOT_BOUND", message)


def listing_status(
    ref: ListingRef, data: dict[str, Any], trace_id: str | None, errors: list[PlatformError] | None = None
) -> ListingStatus:
    """One SKU's state in a Get Product `data`. PENDING / AUDITING is "not yet confirmed", not a failure; a FAILED
    audit is LISTING_REJECTED with the platform's reasons (`errors`: what classify read with the listing's state)."""
    sku = next(
        (s for s in records(data.get("skus")) if str(s.get("id")) == ref.variant_id or s.get("seller_sku") == ref.sku),
        None,
    )
    if sku is None:
        return ListingStatus(sku=ref.sku, found=False, errors=[unbound(ref)], trace_id=trace_id)
    if errors is None:
        errors = state_errors(listing_state(data))
    warehouse_id = ref.extra.get("warehouse_id")
    stock = [w for w in records(sku.get("inventory")) if not warehouse_id or str(w.get("warehouse_id")) == warehouse_id]
    update_time = data.get("update_time")
    return ListingStatus(
        sku=ref.sku,
        found=True,
        status=str(data["status"]) if data.get("status") is not None else None,
        price=as_decimal(record(sku.get("price")).get("sale_price")),  # the local display price
        quantity=sum(int(w.get("quantity") or 0) for w in stock) if stock else None,
        updated_at=_from_unix(update_time),
        errors=list(errors),
        trace_id=trace_id,
    )
