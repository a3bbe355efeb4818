"""Lazada wire formats and pure rules: request signing, request payloads, parsing of token and product bodies,
our pre-checks, and the spreading of a batch answer over its SKUs.

Pure functions, no I/O, so each can be tested against the documented examples alone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from api.errors.taxonomy import ErrorType, Severity
from workers.platforms.base import (
    ItemResult,
    ListingDraft,
    ListingRef,
    ListingStatus,
    Platform,
    PlatformError,
    PriceUpdate,
    StockUpdate,
    TokenSet,
    as_decimal,
    fail_all,
    make_error,
)

PLATFORM = Platform.lazada

# CreateProduct puts these attributes on the SKU, not on the product (Lazada's CreateProduct payload).
SKU_LEVEL_ATTRIBUTES = frozenset(
    {
        "package_height",
        "package_length",
        "package_width",
        "package_weight",
        "package_content",
        "special_price",
        "special_from_date",
        "special_to_date",
        "color_family",
        "size",
    }
)


def sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    """LazOP signature: HMAC-SHA256 keyed with the app secret over the API path followed by every parameter's
    name and value, sorted by name in ASCII order; uppercase hex. `sign` itself is never part of the input."""
    message = api_path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")
    digest = hmac.new(app_secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest().upper()


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def price_quantity_xml(
    prices: Sequence[PriceUpdate] = (),
    stocks: Sequence[StockUpdate] = (),
) -> str:
    """The UpdatePriceQuantity payload: Request/Product/Skus/Sku with the SKU's ids and only the values we change."""
    request = ET.Element("Request")
    skus = ET.SubElement(ET.SubElement(request, "Product"), "Skus")
    for price in prices:
        sku = _sku_element(skus, price.ref.item_id, price.ref.variant_id, price.ref.sku)
        ET.SubElement(sku, "Price").text = money(price.price)
        if price.sale_price is not None:
            ET.SubElement(sku, "SalePrice").text = money(price.sale_price)
            # A SalePrice needs its window; the client checked both dates are present.
            ET.SubElement(sku, "SaleStartDate").text = price.ref.extra["sale_start_date"]
            ET.SubElement(sku, "SaleEndDate").text = price.ref.extra["sale_end_date"]
    for stock in stocks:
        sku = _sku_element(skus, stock.ref.item_id, stock.ref.variant_id, stock.ref.sku)
        ET.SubElement(sku, "Quantity").text = str(stock.quantity)
    return ET.tostring(request, encoding="unicode")


def _sku_element(parent: ET.Element, item_id: str | None, sku_id: str | None, seller_sku: str) -> ET.Element:
    sku = ET.SubElement(parent, "Sku")
    if item_id:
        ET.SubElement(sku, "ItemId").text = item_id
    if sku_id:
        ET.SubElement(sku, "SkuId").text = sku_id
    ET.SubElement(sku, "SellerSku").text = seller_sku
    return sku


def create_product_json(draft: ListingDraft) -> str:
    """The CreateProduct JSON payload. `Images.Image` and `Skus.Sku` must be arrays, or Lazada answers 1001."""
    product_attributes: dict[str, Any] = {"name": draft.title}
    if draft.description:
        product_attributes["description"] = draft.description
    if draft.brand and "brand_id" not in draft.attributes:
        product_attributes["brand"] = draft.brand
    sku: dict[str, Any] = {
        "SellerSku": draft.ref.sku,
        "quantity": str(draft.quantity),
        "price": money(draft.price),
    }
    for name, value in draft.attributes.items():
        (sku if name in SKU_LEVEL_ATTRIBUTES else product_attributes)[name] = value
    product = {
        "PrimaryCategory": draft.category_id,
        "Images": {"Image": [image.url for image in draft.images]},
        "Attributes": product_attributes,
        "Skus": {"Sku": [sku]},
    }
    return json.dumps({"Request": {"Product": product}}, ensure_ascii=False, separators=(",", ":"))


def token_set(body: Mapping[str, Any], now: datetime) -> TokenSet:
    """A TokenSet from a /auth/token/create or /auth/token/refresh answer (the fields sit at the top level)."""
    refresh_in = as_int(body.get("refresh_expires_in"))
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        access_expires_at=now + timedelta(seconds=as_int(body.get("expires_in")) or 0),
        refresh_expires_at=now + timedelta(seconds=refresh_in) if refresh_in is not None else None,
    )


# --------------------------------------------------------------------------------------------------------------
# Product read-back (GetProductItem / GetProducts). The demo bodies mix snake_case and camelCase: accept both.


def field(mapping: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if mapping.get(name) not in (None, ""):
            return mapping[name]
    return None


def products_of(data: Any) -> list[Mapping[str, Any]]:
    """GetProductItem answers one product as `data`; GetProducts a list in `data.products`."""
    if not isinstance(data, Mapping):
        return []
    if isinstance(data.get("products"), list):
        return [p for p in data["products"] if isinstance(p, Mapping)]
    return [data]


def listing_status(
    products: Sequence[Mapping[str, Any]],
    seller_sku: str,
    sku_id: str | None,
    trace_id: str,
    errors_of: Callable[[Mapping[str, Any]], list[PlatformError]] | None = None,
) -> ListingStatus | None:
    """The current state of one SKU, or None when no product holds it; `errors_of(product)` says what the
    product's platform-side state means (a QC rejection), read by the client's classify."""
    for product in products:
        for sku in product.get("skus") or []:
            if not isinstance(sku, Mapping):
                continue
            same_sku = str(field(sku, "SellerSku", "seller_sku", "sellerSku")) == seller_sku
            same_id = sku_id is not None and str(field(sku, "SkuId", "sku_id", "skuId")) == sku_id
            if not (same_sku or same_id):
                continue
            return ListingStatus(
                sku=seller_sku,
                found=True,
                status=_text(field(sku, "Status", "status")) or _text(field(product, "status")),
                price=as_decimal(field(sku, "price", "Price")),
                sale_price=as_decimal(field(sku, "special_price", "SpecialPrice", "specialPrice")),
                quantity=as_int(field(sku, "quantity", "Quantity")),
                updated_at=_epoch_ms(field(product, "updated_time", "updatedTime")),
                errors=errors_of(product) if errors_of is not None else [],
                trace_id=trace_id,
            )
    return None


def missing_status(ref: ListingRef, errors: list[PlatformError], trace_id: str | None) -> ListingStatus:
    """A SKU the read-back did not find: the call's own errors, or the SKU is not (or no longer) in that product."""
    not_held = make_error(
        ErrorType.SKU_MAPPING_FAILED,
        PLATFORM,
        "SKU_NOT_IN_PRODUCT",
        "the product read back does not hold this SKU",
        raw={"seller_sku": ref.sku, "item_id": ref.item_id, "sku_id": ref.variant_id},
    )
    return ListingStatus(sku=ref.sku, found=False, errors=errors or [not_held], trace_id=trace_id)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def as_int(value: Any) -> int | None:
    """Lazada sends numbers as numbers or strings; a bool or anything else unreadable is no number."""
    try:
        return int(str(value)) if value not in (None, "") and not isinstance(value, bool) else None
    except ValueError:
        return None


def _epoch_ms(value: Any) -> datetime | None:
    millis = as_int(value)
    return datetime.fromtimestamp(millis / 1000, tz=UTC) if millis is not None else None


# --------------------------------------------------------------------------------------------------------------
# Our own pre-checks (VALIDATION_FAILED before anything is sent)

MAX_IMAGES = 8  # per Image field of CreateProduct


def check_price(item: PriceUpdate, market: str, currency: str | None) -> PlatformError | None:
    sku = item.ref.sku
    if item.price <= 0:
        return _validation(sku, "PRICE_NOT_POSITIVE", f"price must be above zero, got {item.price}")
    if currency and item.currency.upper() != currency:
        return _validation(sku, "CURRENCY_MISMATCH", f"Lazada {market} prices are in {currency}, got {item.currency}")
    if not _two_decimals(item.price):
        return _validation(sku, "PRICE_PRECISION", "Lazada takes at most 2 decimal places")
    if item.sale_price is None:
        return None
    # Lazada refuses a special price that is not below the regular price (4157).
    if not 0 < item.sale_price < item.price or not _two_decimals(item.sale_price):
        return _validation(sku, "SALE_PRICE_INVALID", "sale price must be above zero and below the price")
    missing = [name for name in ("sale_start_date", "sale_end_date") if not item.ref.extra.get(name)]
    if missing:
        return _validation(sku, "SALE_DATES_MISSING", "a Lazada SalePrice needs its start and end dates", missing)
    return None


def check_stock(item: StockUpdate) -> PlatformError | None:
    if item.quantity < 0:
        return _validation(item.ref.sku, "NEGATIVE_QUANTITY", f"quantity cannot be negative, got {item.quantity}")
    return None


def check_draft(draft: ListingDraft, market: str, currency: str | None) -> list[PlatformError]:
    sku = draft.ref.sku
    required = {"title": draft.title, "category_id": draft.category_id, "images": draft.images}
    missing = [name for name, value in required.items() if not value]
    problems = [_validation(sku, "MISSING_FIELDS", "required listing fields are empty", missing)] if missing else []
    price = check_price(PriceUpdate(ref=draft.ref, price=draft.price, currency=draft.currency), market, currency)
    stock = check_stock(StockUpdate(ref=draft.ref, quantity=draft.quantity))
    problems += [problem for problem in (price, stock) if problem is not None]
    if len(draft.images) > MAX_IMAGES:
        problems.append(_validation(sku, "TOO_MANY_IMAGES", f"Lazada takes at most {MAX_IMAGES} images"))
    return problems


def _validation(sku: str, code: str, message: str, missing: Sequence[str] = ()) -> PlatformError:
    return make_error(ErrorType.VALIDATION_FAILED, PLATFORM, code, message, raw={"sku": sku}, missing_fields=missing)


def _two_decimals(value: Decimal) -> bool:
    return value == value.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------------------------
# Spreading one UpdatePriceQuantity answer over its SKUs


def batch_results(refs: Sequence[ListingRef], trace_id: str | None, errors: list[PlatformError]) -> list[ItemResult]:
    """No error: every SKU is queued (ok, to be confirmed by the read-back). `detail[]` entries naming a SKU fail
    that SKU only; entries naming none apply to every SKU not named; with no SKU named the whole call failed.
    Warnings (notes on a success) fail nothing: they ride along on the SKU they name, or on every SKU."""
    notes = [e for e in errors if e.severity is not Severity.error]
    errors = [e for e in errors if e.severity is Severity.error]
    if not errors:
        return [
            ItemResult(
                sku=r.sku,
                ok=True,
                errors=[n for n in notes if _owner(n.raw, refs) in (None, r.sku)],
                trace_id=trace_id,
                needs_confirmation=True,
            )
            for r in refs
        ]
    owned: dict[str, list[PlatformError]] = {}
    unowned: list[PlatformError] = []
    for error in errors:
        owner = _owner(error.raw, refs)
        (owned.setdefault(owner, []) if owner else unowned).append(error)
    if not owned:
        return fail_all([r.sku for r in refs], errors, trace_id)
    results = []
    for ref in refs:
        mine = owned.get(ref.sku) or unowned
        results.append(ItemResult(ref.sku, ok=not mine, errors=mine, trace_id=trace_id, needs_confirmation=not mine))
    return results


def _owner(raw: Mapping[str, Any], refs: Sequence[ListingRef]) -> str | None:
    seller_sku = field(raw, "seller_sku", "SellerSku", "sellerSku")
    sku_id = field(raw, "sku_id", "SkuId", "skuId")
    for ref in refs:
        if seller_sku is not None and str(seller_sku) == ref.sku:
            return ref.sku
        if sku_id is not None and ref.variant_id is not None and str(sku_id) == ref.variant_id:
            return ref.sku
    return None
