"""Paging through a Shopee shop's items: v2.product.get_item_list, then get_item_base_info and get_model_list.

get_item_list takes `offset` and `page_size` (1-100) and repeats `item_status` for every state wanted; it answers
`response.item[] {item_id, item_status, update_time}`, `has_next_page` and `next_offset`. Items are read in full
with get_item_base_info (at most 50 ids per call); an item with variants (`has_model`) keeps its seller SKUs,
prices and stock on its models (get_model_list, one item per call): each model is one listing, an item without
models is one. A BANNED or SHOPEE_DELETE item is rejected with the reasons of get_item_violation_info.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from workers.platforms.base import (
    CallOutcome,
    CatalogListing,
    ListingRef,
    ListingState,
    Operation,
    Platform,
    PlatformError,
    chunks,
    unparseable,
)
from workers.platforms.shopee.codes import state_errors
from workers.platforms.shopee.items import VIOLATION_STATUSES, numeric, prices_of, quantity_of, response_of

PAGE_SIZE = 100  # get_item_list page_size: 1-100
BASE_INFO_IDS = 50  # get_item_base_info item_id_list
# Every state a seller's item can be in, deleted ones included: a sync must see the refused ones too.
ITEM_STATUSES = ["NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"]

ShopCall = Callable[..., Awaitable[CallOutcome]]
Violations = Callable[[Sequence[int]], Awaitable[dict[int, list[PlatformError]]]]


class PageFailed(Exception):
    def __init__(self, errors: list[PlatformError]) -> None:
        super().__init__("; ".join(e.platform_message for e in errors))
        self.errors = errors


async def read_page(call: ShopCall, violations: Violations, offset: int) -> tuple[list[CatalogListing], int | None]:
    """The listings from `offset` and the next offset (None on the last page); raises PageFailed."""
    params: dict[str, Any] = {"offset": str(offset), "page_size": str(PAGE_SIZE), "item_status": ITEM_STATUSES}
    listed = _answer(await call("get_item_list", Operation.catalog, params=params))
    page = response_of(listed)
    entries = page.get("item")
    if entries is None and "total_count" in page:
        entries = []  # an empty shop: Shopee leaves `item` out
    if not isinstance(entries, list):
        raise PageFailed([unparseable(Platform.shopee, listed.status or 200, listed.body)])
    item_ids = list(
        dict.fromkeys(int(e["item_id"]) for e in entries if isinstance(e, dict) and numeric(e.get("item_id")))
    )
    items: dict[int, dict[str, Any]] = {}
    for batch in chunks(item_ids, BASE_INFO_IDS):
        params = {"item_id_list": ",".join(map(str, batch))}
        read = _answer(await call("get_item_base_info", Operation.catalog, params=params))
        for item in response_of(read).get("item_list") or ():
            if isinstance(item, dict) and numeric(item.get("item_id")):
                items[int(item["item_id"])] = item
    refused = [i for i, item in items.items() if item.get("item_status") in VIOLATION_STATUSES]
    reasons = await violations(refused) if refused else {}
    listings: list[CatalogListing] = []
    for item_id in item_ids:
        item = items.get(item_id)
        if item is None:
            continue  # listed but gone by the time it was read: the next sync sees it settled
        models: list[dict[str, Any]] = []
        if item.get("has_model"):
            read = _answer(await call("get_model_list", Operation.catalog, params={"item_id": str(item_id)}))
            models = [m for m in response_of(read).get("model") or () if isinstance(m, dict)]
        status = str(item.get("item_status") or "") or None
        rejected = reasons.get(item_id) or state_errors(ListingState(status))
        listings += item_listings(item, models, rejected)
    more = page.get("has_next_page") is True and numeric(page.get("next_offset"))
    return listings, int(page["next_offset"]) if more else None


def item_listings(
    item: Mapping[str, Any], models: Sequence[Mapping[str, Any]], rejected: list[PlatformError]
) -> list[CatalogListing]:
    item_id = str(item.get("item_id"))
    title = str(item.get("item_name") or "")
    status = str(item.get("item_status") or "") or None
    sources: Sequence[tuple[str, str, Mapping[str, Any]]] = [
        (str(m.get("model_sku") or ""), str(m.get("model_id")), m) for m in models
    ] or [(str(item.get("item_sku") or ""), "0", item)]
    listings = []
    for sku, model_id, source in sources:
        price, _ = prices_of(source.get("price_info"))
        location = _location(source.get("stock_info_v2"))
        listings.append(
            CatalogListing(
                ref=ListingRef(
                    sku=sku, item_id=item_id, variant_id=model_id, extra={"location_id": location} if location else {}
                ),
                title=title,
                status=status,
                price=price,
                quantity=quantity_of(source.get("stock_info_v2"), None),
                rejected=tuple(rejected),
            )
        )
    return listings


def _location(stock_info: object) -> str:
    if not isinstance(stock_info, dict):
        return ""
    for entry in stock_info.get("seller_stock") or ():
        if isinstance(entry, dict) and entry.get("location_id"):
            return str(entry["location_id"])
    return ""


def _answer(outcome: CallOutcome) -> CallOutcome:
    if outcome.blocking:
        raise PageFailed(outcome.blocking)
    return outcome
