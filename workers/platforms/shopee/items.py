"""Pure helpers of the Shopee client (`shopee.py`): our pre-checks, request bodies, mapping a response to per-model
results, and reading an item's status, price and stock back from get_item_base_info / get_model_list.

Sources: open.shopee.com v2.product.add_item, get_item_base_info, get_model_list pages and the "Stock & Price
Management" best practice (items without variants read price/stock from get_item_base_info, items with variants
from get_model_list; `price_info[].original_price/current_price`, `stock_info_v2.seller_stock[]`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from api.errors.taxonomy import ErrorType, Severity
from workers.platforms.base import (
    CallOutcome,
    ItemResult,
    ListingDraft,
    ListingRef,
    ListingState,
    ListingStatus,
    Operation,
    Platform,
    PlatformError,
    Response,
    TokenRefreshError,
    TokenSet,
    as_decimal,
    make_error,
    transport_failure,
)
from workers.platforms.shopee.codes import classify, state_errors

SHOPEE = Platform.shopee
E = ErrorType

# add_item fields a draft may carry in `attributes`, sent as given (Shopee's own names and shapes).
ADD_ITEM_FIELDS = frozenset(
    {
        "weight",  # kg, required
        "logistic_info",  # [{logistic_id, enabled}], required
        "dimension",  # {package_length, package_width, package_height} in cm
        "attribute_list",  # [{attribute_id, attribute_value_list: [{value_id, original_value_name, value_unit}]}]
        "brand",  # {brand_id, original_brand_name}
        "condition",
        "pre_order",
        "item_status",  # NORMAL | UNLIST
        "gtin_code",
        "wholesale",
        "item_dangerous",
        "image_id_list",  # ids from media_space upload_image; URLs cannot be sent to add_item
    }
)
REQUIRED_FIELDS = ("weight", "logistic_info")
# attribute_list is optional on add_item except in Indonesia (v2.product.add_item page).
MARKETS_REQUIRING_ATTRIBUTES = frozenset({"ID"})

# Item statuses whose reasons get_item_violation_info gives (the platform refused the item).
VIOLATION_STATUSES = frozenset({"BANNED", "SHOPEE_DELETE"})


class ShopeeAuthError(TokenRefreshError):
    """A token could not be obtained; `error` is what the board shows (AUTH_EXPIRED, or an outage)."""

    def __init__(self, error: PlatformError, trace_id: str | None = None) -> None:
        super().__init__([error])
        self.error = error
        self.trace_id = trace_id


def response_of(outcome: CallOutcome) -> dict[str, Any]:
    """The `response` object of Shopee's envelope ({} when absent)."""
    payload = outcome.data.get("response")
    return payload if isinstance(payload, dict) else {}


@dataclass(frozen=True, slots=True)
class Entry:
    """One price or stock value bound for one model of one item (`index` is its place in the caller's input)."""

    index: int
    sku: str
    item_id: int
    model_id: int  # 0 for an item without variants
    payload: dict[str, Any]


def outcome_of(response: Response, operation: Operation) -> CallOutcome:
    if response.status is None:
        return CallOutcome(response.trace_id, [transport_failure(SHOPEE, response)])
    errors = classify(response.status, response.body, operation)
    try:
        data = json.loads(response.body)
    except ValueError:
        data = None
    body = data if isinstance(data, dict) else {}
    return CallOutcome(response.trace_id, errors, body, status=response.status, body=response.body)


def tokens_from(
    outcome: CallOutcome, now: datetime, *, default_lifetime: timedelta, refresh_lifetime: timedelta
) -> TokenSet:
    """The pair a token/get or access_token/get answer carries, or ShopeeAuthError saying why there is none."""
    access_token = outcome.data.get("access_token")
    if outcome.blocking or not isinstance(access_token, str) or not access_token:
        error = outcome.blocking[0] if outcome.blocking else None
        if error is None or error.error_type not in (E.PLATFORM_UNAVAILABLE, E.RATE_LIMITED):
            # Refused by Shopee (spent or expired refresh token, revoked shop): only re-authorising helps.
            code = error.platform_code if error else "NO_ACCESS_TOKEN"
            message = error.platform_message if error else "the token response carried no access_token"
            error = make_error(E.AUTH_EXPIRED, SHOPEE, code, message, raw=error.raw if error else outcome.data)
        raise ShopeeAuthError(error, outcome.trace_id)
    expire_in = outcome.data.get("expire_in")
    lifetime = timedelta(seconds=expire_in) if isinstance(expire_in, int) and expire_in > 0 else default_lifetime
    refresh_token = outcome.data.get("refresh_token")
    return TokenSet(
        access_token=access_token,
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        access_expires_at=now + lifetime,
        refresh_expires_at=now + refresh_lifetime,
    )


def model_results(batch: Sequence[Entry], outcome: CallOutcome) -> dict[int, ItemResult]:
    """Per-model failures go to their model; a call-wide error goes to every model Shopee did not confirm; the
    envelope's warnings ride along on every model, failing none."""
    per_model: dict[int, list[PlatformError]] = {}
    call_errors: list[PlatformError] = []
    warnings = [e for e in outcome.errors if e.severity is not Severity.error]
    for error in outcome.blocking:
        model_id = error.raw.get("model_id")
        if isinstance(model_id, int) and "failed_reason" in error.raw:
            per_model.setdefault(model_id, []).append(error)
        else:
            call_errors.append(error)
    succeeded = {
        entry.get("model_id", 0) for entry in response_of(outcome).get("success_list") or () if isinstance(entry, dict)
    }
    results: dict[int, ItemResult] = {}
    for entry in batch:
        errors = per_model.get(entry.model_id) or ([] if entry.model_id in succeeded else call_errors)
        results[entry.index] = ItemResult(
            sku=entry.sku, ok=not errors, errors=[*errors, *warnings], trace_id=outcome.trace_id
        )
    return results


# -----------------------------------------------------------------------------------------------------------
# Pre-checks


def invalid(code: str, message: str, *fields: str) -> PlatformError:
    """Our own pre-check refused the input before anything was sent."""
    return make_error(E.VALIDATION_FAILED, SHOPEE, code, message, missing_fields=fields)


def numeric(value: object) -> bool:
    return value is not None and str(value).strip().isdigit()


def unbound(ref: ListingRef) -> PlatformError:
    message = f"SKU {ref.sku} has no usable Shopee item_id/model_id binding"
    return make_error(E.SKU_MAPPING_FAILED, SHOPEE, "BINDING_INVALID", message, raw={"sku": ref.sku})


def price_problem(
    price: Decimal, currency: str, sale_price: Decimal | None, market: str, decimals: int, expected_currency: str | None
) -> PlatformError | None:
    if not price.is_finite() or price <= 0:
        return invalid("PRICE_NOT_POSITIVE", f"price must be above zero (got {price})", "price")
    if price != price.quantize(Decimal(1).scaleb(-decimals)):
        rule = "whole numbers" if decimals == 0 else f"at most {decimals} decimals"
        return invalid("PRICE_PRECISION", f"Shopee {market} prices must be {rule} (got {price})", "price")
    if expected_currency and currency.upper() != expected_currency:
        return invalid("CURRENCY_MISMATCH", f"Shopee {market} prices are in {expected_currency}, not {currency}")
    if sale_price is not None:
        # update_price only sets original_price; promotional prices come from Shopee discount campaigns.
        return invalid("SALE_PRICE_UNSUPPORTED", "Shopee sale prices are set by discount promotions", "sale_price")
    return None


def price_value(price: Decimal, decimals: int) -> int | float:
    """The JSON number update_price / add_item take: an integer where the market has no decimals."""
    return int(price) if decimals == 0 else float(price.quantize(Decimal(1).scaleb(-decimals)))


# -----------------------------------------------------------------------------------------------------------
# add_item


def image_ids(draft: ListingDraft) -> list[str]:
    given = draft.attributes.get("image_id_list")
    if given:
        return [str(image_id) for image_id in given]
    # A ListingImage whose url is not a URL is taken as an already uploaded Shopee image id.
    return [image.url for image in draft.images if not image.url.startswith(("http://", "https://"))]


def listing_problem(draft: ListingDraft, market: str) -> PlatformError | None:
    unknown = sorted(set(draft.attributes) - ADD_ITEM_FIELDS)
    if unknown:
        return invalid("UNKNOWN_FIELDS", f"not add_item fields: {', '.join(unknown)}", *unknown)
    if draft.quantity < 0:
        return invalid("NEGATIVE_STOCK", f"stock must not be negative (got {draft.quantity})", "quantity")
    if not numeric(draft.category_id):
        return invalid(
            "CATEGORY_INVALID", f"Shopee category ids are numeric (got {draft.category_id!r})", "category_id"
        )
    if any(image.url.startswith(("http://", "https://")) for image in draft.images) and not image_ids(draft):
        return invalid("IMAGE_NOT_UPLOADED", "upload images to Shopee media space first and pass their ids", "image")
    missing = [name for name in REQUIRED_FIELDS if not draft.attributes.get(name)]
    missing += [name for name, value in (("item_name", draft.title), ("description", draft.description)) if not value]
    if not image_ids(draft):
        missing.append("image")
    if market in MARKETS_REQUIRING_ATTRIBUTES and not draft.attributes.get("attribute_list"):
        missing.append("attribute_list")
    if missing:
        return invalid("REQUIRED_FIELDS_MISSING", f"add_item needs: {', '.join(missing)}", *missing)
    return None


def add_item_body(draft: ListingDraft, price: int | float) -> dict[str, Any]:
    stock: dict[str, Any] = {"stock": draft.quantity}
    if draft.ref.extra.get("location_id"):
        stock["location_id"] = draft.ref.extra["location_id"]
    body: dict[str, Any] = {
        "original_price": price,
        "description": draft.description,
        "item_name": draft.title,
        "category_id": int(draft.category_id),
        "item_sku": draft.ref.sku,
        "seller_stock": [stock],
        "image": {"image_id_list": image_ids(draft)},
    }
    body.update({name: value for name, value in draft.attributes.items() if name != "image_id_list"})
    if "brand" not in body and draft.brand:
        body["brand"] = {"brand_id": 0, "original_brand_name": draft.brand}
    return body


def sent_attribute_ids(draft: ListingDraft) -> set[int]:
    return {
        int(attribute["attribute_id"])
        for attribute in draft.attributes.get("attribute_list") or ()
        if isinstance(attribute, Mapping) and numeric(attribute.get("attribute_id"))
    }


# -----------------------------------------------------------------------------------------------------------
# Reading status back


def read_status(
    ref: ListingRef,
    items: Mapping[int, tuple[str | None, Mapping[str, Any]]],
    failed_reads: Mapping[int, CallOutcome],
    models: Mapping[int, CallOutcome],
    violations: Mapping[int, list[PlatformError]] | None = None,
) -> ListingStatus:
    """One ref's status from the item read (and the model read when the ref names a model); a banned or
    Shopee-deleted item is LISTING_REJECTED with the violation details (`violations`: what classify read from
    get_item_violation_info with the item's state), or with a generic reason when those could not be read."""
    if not numeric(ref.item_id) or (ref.variant_id is not None and not numeric(ref.variant_id)):
        return ListingStatus(sku=ref.sku, found=False, errors=[unbound(ref)])
    item_id, model_id = int(ref.item_id or 0), int(ref.variant_id or 0)
    if item_id in failed_reads:
        failed = failed_reads[item_id]
        return ListingStatus(sku=ref.sku, found=False, errors=list(failed.errors), trace_id=failed.trace_id)
    if item_id not in items:
        error = make_error(E.SKU_MAPPING_FAILED, SHOPEE, "ITEM_NOT_FOUND", f"item {item_id} not found in the shop")
        return ListingStatus(sku=ref.sku, found=False, errors=[error])
    trace_id, item = items[item_id]
    status = str(item.get("item_status") or "") or None
    errors = list((violations or {}).get(item_id) or state_errors(ListingState(status)))
    source: Mapping[str, Any] = item
    if model_id:
        model_read = models.get(item_id)
        if model_read is None or model_read.blocking:
            read_errors = model_read.blocking if model_read else []
            trace = model_read.trace_id if model_read else trace_id
            return ListingStatus(sku=ref.sku, found=True, status=status, errors=[*errors, *read_errors], trace_id=trace)
        trace_id = model_read.trace_id
        found = [
            m
            for m in response_of(model_read).get("model") or ()
            if isinstance(m, dict) and m.get("model_id") == model_id
        ]
        if not found:
            message = f"model {model_id} not found on item {item_id}"
            error = make_error(E.SKU_MAPPING_FAILED, SHOPEE, "MODEL_NOT_FOUND", message)
            return ListingStatus(sku=ref.sku, found=False, status=status, errors=[error], trace_id=trace_id)
        source = found[0]
    price, sale_price = _prices(source.get("price_info"))
    return ListingStatus(
        sku=ref.sku,
        found=True,
        status=status,
        price=price,
        sale_price=sale_price,
        quantity=_quantity(source.get("stock_info_v2"), ref.extra.get("location_id")),
        updated_at=_timestamp(item.get("update_time")),
        errors=errors,
        trace_id=trace_id,
    )


def _prices(price_info: object) -> tuple[Decimal | None, Decimal | None]:
    if not isinstance(price_info, list) or not price_info or not isinstance(price_info[0], dict):
        return None, None  # absent on items with variants: the model carries it
    original = as_decimal(price_info[0].get("original_price"))
    current = as_decimal(price_info[0].get("current_price"))
    # current_price is the promotion price during a promotion, else equal to original_price.
    return original, current if current is not None and current != original else None


def _quantity(stock_info: object, location_id: str | None) -> int | None:
    """The seller stock we write (at our location when the binding names one), else Shopee's available total."""
    if not isinstance(stock_info, dict):
        return None
    seller_stock = [s for s in stock_info.get("seller_stock") or () if isinstance(s, dict)]
    if location_id:
        seller_stock = [s for s in seller_stock if s.get("location_id") == location_id]
    if seller_stock:
        return sum(int(s.get("stock") or 0) for s in seller_stock)
    summary = stock_info.get("summary_info")
    total = summary.get("total_available_stock") if isinstance(summary, dict) else None
    return int(total) if isinstance(total, int) else None


def _timestamp(value: object) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) and value > 0 else None


def violation_states(outcome: CallOutcome) -> dict[int, ListingState]:
    """Each item's state in a get_item_violation_info answer: its status and `item_status_details[]`."""
    states: dict[int, ListingState] = {}
    for item in response_of(outcome).get("item_list") or ():
        if isinstance(item, dict) and numeric(item.get("item_id")):
            details = tuple(d for d in item.get("item_status_details") or () if isinstance(d, dict))
            states[int(item["item_id"])] = ListingState(str(item.get("item_status") or "") or None, details)
    return states


# Public names of the price and stock readers, for the catalog reader.
prices_of = _prices
quantity_of = _quantity
