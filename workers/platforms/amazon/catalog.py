"""Reading searchListingsItems (Listings Items API v2021-08-01) pages into catalog listings.

An `ItemSearchResults` body is `{numberOfResults, pagination: {nextToken, previousToken}, items: [Item]}`; each
`Item` has the sections asked for in includedData. Amazon keys a listing by its seller SKU, so one item is one
listing. A listing is rejected when Amazon reports an issue of severity ERROR for this marketplace (it is
suppressed), or when it is not BUYABLE and carries issues: each issue becomes one LISTING_REJECTED with Amazon's
code, message and attribute names verbatim.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from api.errors.taxonomy import ErrorType, Severity, doc_url
from workers.platforms.amazon.codes import (
    PLATFORM,
    first_match,
    for_marketplace,
    issue_errors,
    json_object,
    listing_state,
    to_decimal,
)
from workers.platforms.base import CatalogListing, ListingRef, PlatformError, unparseable

SEARCH_PATH = "/listings/2021-08-01/items/{seller_id}"
PAGE_SIZE = 20  # searchListingsItems pageSize: default 10, maximum 20
CATALOG_INCLUDED_DATA = "summaries,attributes,issues,offers,fulfillmentAvailability"
FULFILLMENT_CHANNEL = "DEFAULT"  # merchant-fulfilled quantity; FBA stock is not the seller's to set


def search_page(body: bytes, marketplace_id: str) -> tuple[list[CatalogListing], str | None] | PlatformError:
    """The listings of one page and the next page token, or the error of a body that is not ItemSearchResults."""
    data = json_object(body)
    items = data.get("items") if data is not None else None
    if data is None or not isinstance(items, list):
        return unparseable(PLATFORM, 200, body)
    pagination = data.get("pagination")
    token = pagination.get("nextToken") if isinstance(pagination, dict) else None
    listings = [catalog_listing(item, marketplace_id) for item in items if isinstance(item, dict)]
    return listings, str(token) if token else None


def catalog_listing(item: dict[str, Any], marketplace_id: str) -> CatalogListing:
    sku = str(item.get("sku") or "")
    summary = for_marketplace(item.get("summaries"), marketplace_id)
    offer = for_marketplace(item.get("offers"), marketplace_id, prefer={"offerType": "B2C"})
    stock = first_match(item.get("fulfillmentAvailability"), {"fulfillmentChannelCode": FULFILLMENT_CHANNEL})
    quantity = stock.get("quantity")
    product_type = str(summary.get("productType") or "")
    state = listing_state(item, marketplace_id)
    return CatalogListing(
        ref=ListingRef(
            sku=sku,
            item_id=str(summary["asin"]) if summary.get("asin") else None,
            extra={"product_type": product_type} if product_type else {},
        ),
        title=str(summary.get("itemName") or ""),
        status=state.status or None,  # a suppressed listing has no summary status at all
        price=to_decimal((offer.get("price") or {}).get("amount")),
        quantity=quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else None,
        rejected=tuple(rejections(item, marketplace_id, sku, state.status)),
    )


def rejections(item: dict[str, Any], marketplace_id: str, sku: str, status: str | None) -> list[PlatformError]:
    issues = issue_errors(item.get("issues"), sku, marketplace_id=marketplace_id)
    blocking = [e for e in issues if e.severity is Severity.error]
    not_buyable = "BUYABLE" not in (status or "").split(",")
    chosen = blocking or (issues if not_buyable else [])
    link = doc_url(ErrorType.LISTING_REJECTED, PLATFORM.value)
    return [replace(e, error_type=ErrorType.LISTING_REJECTED, severity=Severity.error, doc_url=link) for e in chosen]
