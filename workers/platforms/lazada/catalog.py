"""Paging through a Lazada shop's products with GetProducts (GET /products/get, filter=all, offset, limit <= 50).

`data` is `{total_products, products[]}` (`total_products` counts items, as a string); each product holds `skus[]`
and each SKU is one listing. A product Lazada refused (QC `rejected`, a sanction such as LIVE_REJECTED or a lock)
carries its `status` / `subStatus` and `rejectReason[]`: each reason becomes one LISTING_REJECTED error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workers.platforms.base import CatalogListing, ListingRef, as_decimal
from workers.platforms.lazada.codes import listing_state, state_errors
from workers.platforms.lazada.wire import as_int, field, products_of

PAGE_LIMIT = 50  # GetProducts `limit`: at most 50 per call
PARAMS = {"filter": "all"}  # every product, rejected and inactive ones included


def page_params(offset: int) -> dict[str, str]:
    return {**PARAMS, "offset": str(offset), "limit": str(PAGE_LIMIT)}


def read_page(data: Any, offset: int) -> tuple[list[CatalogListing], int | None] | None:
    """The listings of a GetProducts `data` and the next offset; None when `data` is not a product list."""
    if not isinstance(data, Mapping) or not isinstance(data.get("products", []), list):
        return None
    if "products" not in data and "total_products" not in data:
        return None
    products = products_of(data) if data.get("products") else []
    listings = [listing for product in products for listing in product_listings(product)]
    total = as_int(data.get("total_products"))
    following = offset + len(products)
    more = following < total if total is not None else len(products) == PAGE_LIMIT
    return listings, following if more and products else None


def product_listings(product: Mapping[str, Any]) -> list[CatalogListing]:
    state = listing_state(product)
    rejected = tuple(state_errors(state))
    attributes = product.get("attributes")
    title = str(attributes.get("name") or "") if isinstance(attributes, Mapping) else ""
    item_id = field(product, "item_id", "itemId")
    listings = []
    for sku in product.get("skus") or ():
        if not isinstance(sku, Mapping):
            continue
        sku_id = field(sku, "SkuId", "sku_id", "skuId")
        seller_sku = field(sku, "SellerSku", "seller_sku", "sellerSku")
        listings.append(
            CatalogListing(
                ref=ListingRef(
                    sku=str(seller_sku or ""),
                    item_id=str(item_id) if item_id is not None else None,
                    variant_id=str(sku_id) if sku_id is not None else None,
                ),
                title=title,
                # A refused product's state words the listing; else the SKU's own (active / inactive / ...).
                status=state.status if rejected else _text(field(sku, "Status", "status")) or state.status,
                price=as_decimal(field(sku, "price", "Price")),
                quantity=as_int(field(sku, "quantity", "Quantity")),
                rejected=rejected,
            )
        )
    return listings


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
