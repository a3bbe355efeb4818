"""The Shopee emulator's listing reads: v2.product.get_item_list (offset paging over item states) and
v2.product.get_item_violation_info (why Shopee banned or deleted an item).

Sources: the open.shopee.com pages of v2.product.get_item_list (`offset`, `page_size` 1-100, `item_status`
repeated; `response.item[] {item_id, item_status, update_time}`, `total_count`, `has_next_page`, `next_offset`) and
v2.product.get_item_violation_info (<= 50 ids; per item `item_status`, `item_status_details[]`, or `fail_error` /
`fail_message`). An item's status is NORMAL unless one of its listings carries a platform state (BANNED,
SHOPEE_DELETE), whose reasons are its `item_status_details`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.shopee_catalog import ITEMS_PER_READ, Params, ShopeeError, envelope, item_state, item_status
from sandbox.state import Listing, ShopState

PAGE_SIZE_MAX = 100
ITEM_STATUSES = frozenset({"NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"})


def items_of(shop: ShopState) -> dict[int, list[Listing]]:
    """The shop's items in item id order, each with its listings (models), duplicates included."""
    items: dict[int, list[Listing]] = {}
    for listing in shop.listings():
        if listing.item_id and listing.item_id.isdigit():
            items.setdefault(int(listing.item_id), []).append(listing)
    return dict(sorted(items.items()))


def item_list(shop: ShopState, params: Params) -> Response:
    offset = _int(params, "offset", 0) or 0
    page_size = _int(params, "page_size", None)
    statuses = [v for k, value in params.items if k == "item_status" for v in value.split(",") if v]
    if page_size is None or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise ShopeeError("error_param", "Wrong parameters, detail: page_size should be between 1 and 100.")
    if offset < 0:
        raise ShopeeError("error_param", "Wrong parameters, detail: offset should not be less than 0.")
    if not statuses or any(s not in ITEM_STATUSES for s in statuses):
        raise ShopeeError("error_param", "Wrong parameters, detail: item_status is invalid.")
    wanted = [(i, ls) for i, ls in items_of(shop).items() if item_status(ls) in statuses]
    page = wanted[offset : offset + page_size]
    more = offset + page_size < len(wanted)
    response: dict[str, Any] = {
        "item": [
            {
                "item_id": item_id,
                "item_status": item_status(listings),
                "update_time": int(max(listing.updated_at for listing in listings).timestamp()),
            }
            for item_id, listings in page
        ],
        "total_count": len(wanted),
        "has_next_page": more,
    }
    if more:
        response["next_offset"] = offset + page_size
    return envelope(response=response)


def violation_info(shop: ShopState, item_ids: list[int]) -> Response:
    if len(item_ids) > ITEMS_PER_READ:
        raise ShopeeError("error_param", "Request items over limit, should be less than 50")
    items = items_of(shop)
    found: list[dict[str, Any]] = []
    for item_id in dict.fromkeys(item_ids):
        listings = items.get(item_id)
        if not listings:
            found.append({"item_id": item_id, "fail_error": "error_param", "fail_message": "Invalid request item_id"})
            continue
        state = item_state(listings)
        found.append(
            {
                "item_id": item_id,
                "item_name": listings[0].title,
                "item_status": item_status(listings),
                "deboost": False,
                "item_status_details": list(state["reasons"]) if state else [],
                "deboost_details": [],
            }
        )
    return envelope(response={"item_list": found})


def _int(params: Params, name: str, default: int | None) -> int | None:
    values = [value for key, value in params.items if key == name]
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        raise ShopeeError("error_param", f"Wrong parameters, detail: {name} should be int.") from None
