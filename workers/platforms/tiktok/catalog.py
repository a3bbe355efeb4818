"""Reading TikTok Shop's Search Products (POST /product/202309/products/search) into catalog listings.

`page_size` (1-100) and `page_token` are query parameters; the body filters (`status`). `data` is
`{products: [...], total_count, next_page_token}` ("" on the last page). A product holds its SKUs; each SKU is one
listing. Search results carry no audit reasons: a product in status FAILED is read again with Get Product, whose
`audit_failed_reasons[]` become LISTING_REJECTED errors (the same reading as a read-back).
"""

from __future__ import annotations

from typing import Any

from workers.platforms.base import CatalogListing, ListingRef, PlatformError, as_decimal
from workers.platforms.tiktok.codes import REJECTED_AUDIT_STATES, record, records

SEARCH_PATH = "/product/202309/products/search"
PAGE_SIZE = 100  # Search Products page_size: 1-100
# Every product whatever its state: DRAFT, PENDING, FAILED, ACTIVATE, SELLER_/PLATFORM_DEACTIVATED, FREEZE, DELETED.
SEARCH_BODY: dict[str, Any] = {"status": "ALL"}


def products_of(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The products of a search `data`, or None when the answer holds no product list (not what TikTok sends)."""
    products = data.get("products")
    if products is None and "total_count" in data:
        return []  # an empty shop: TikTok leaves `products` out
    return records(products) if isinstance(products, list) else None


def next_token(data: dict[str, Any]) -> str | None:
    token = data.get("next_page_token")
    return str(token) if token else None


def refused(product: dict[str, Any]) -> bool:
    audit = record(product.get("audit")).get("status")
    return product.get("status") in REJECTED_AUDIT_STATES or audit in REJECTED_AUDIT_STATES


def product_listings(product: dict[str, Any], rejected: list[PlatformError]) -> list[CatalogListing]:
    """One listing per SKU of a searched product; `rejected` are the product's audit failures (all its SKUs)."""
    product_id = str(product.get("id") or "")
    listings = []
    for sku in records(product.get("skus")):
        inventory = records(sku.get("inventory"))
        warehouse = next((str(w["warehouse_id"]) for w in inventory if w.get("warehouse_id")), "")
        quantities = [w.get("quantity") for w in inventory]
        price = record(sku.get("price"))
        listings.append(
            CatalogListing(
                ref=ListingRef(
                    sku=str(sku.get("seller_sku") or ""),
                    item_id=product_id or None,
                    variant_id=str(sku["id"]) if sku.get("id") else None,
                    extra={"warehouse_id": warehouse} if warehouse else {},
                ),
                title=str(product.get("title") or ""),
                status=str(product["status"]) if product.get("status") else None,
                price=as_decimal(price.get("sale_price", price.get("tax_exclusive_price"))),
                quantity=sum(int(q) for q in quantities if isinstance(q, int)) if inventory else None,
                rejected=tuple(rejected),
            )
        )
    return listings
