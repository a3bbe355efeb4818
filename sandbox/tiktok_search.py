"""The TikTok emulator's Search Products (POST /product/202309/products/search) and the audit state of products.

Search Products pages with the query parameters `page_size` (1-100) and `page_token` (opaque; "" on the last page,
as `next_page_token`), filters by the body's `status` (ALL by default) and answers `data {products[], total_count,
next_page_token}`; each product lists its SKUs. Search results carry no audit reasons (Get Product does). A product
is FAILED when one of its listings carries that platform state; its reasons are Get Product's
`audit_failed_reasons`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.responses import Response

from sandbox.state import Listing, ShopState
from sandbox.tiktok_bodies import Call, envelope, error, sku_body

PAGE_SIZE_MAX = 100
SEARCH_STATUSES = frozenset(
    {"ALL", "DRAFT", "PENDING", "FAILED", "ACTIVATE", "SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED", "FREEZE", "DELETED"}
)
# Combined status of a product by its audit result (the `audit` attribute a create stores).
STATUS_BY_AUDIT = {"APPROVED": "ACTIVATE", "FAILED": "FAILED", "NONE": "DRAFT"}


def audit_of(listings: list[Listing]) -> tuple[str, list[dict[str, Any]] | None]:
    """A product's audit status and, when a platform state failed it, the scenario's reasons (None: the default)."""
    state = next((listing.platform_state for listing in listings if listing.platform_state), None)
    if state is not None:
        return "FAILED", list(state.get("reasons") or [])
    return str(listings[0].attributes.get("audit", "APPROVED")), None


def products_of(shop: ShopState) -> dict[str, list[Listing]]:
    products: dict[str, list[Listing]] = {}
    for listing in shop.listings():
        products.setdefault(str(listing.item_id or listing.sku), []).append(listing)
    return products


def search_products(call: Call, warehouse_of: Any) -> Response:
    try:
        payload = json.loads(call.body) if call.body else {}
        page_size = int(call.query.get("page_size", ""))
        offset = _offset(call.query.get("page_token", ""))
    except ValueError:
        return error(call.rid, "invalid_input")
    status = payload.get("status", "ALL") if isinstance(payload, dict) else None
    if not 1 <= page_size <= PAGE_SIZE_MAX or status not in SEARCH_STATUSES:
        return error(call.rid, "invalid_input")
    found = []
    for product_id, listings in products_of(call.shop).items():
        audit, _ = audit_of(listings)
        product_status = STATUS_BY_AUDIT.get(audit, "ACTIVATE")
        if status in ("ALL", product_status):
            found.append((product_id, listings, audit, product_status))
    page = found[offset : offset + page_size]
    following = offset + page_size
    products = [
        {
            "id": product_id,
            "title": listings[0].title,
            "status": product_status,
            "skus": [sku_body(listing, warehouse_of(call.shop, listing)) for listing in listings],
            "sales_regions": [call.shop.spec.market],
            "audit": {"status": audit},
            "create_time": int(min(listing.created_at for listing in listings).timestamp()),
            "update_time": int(max(listing.updated_at for listing in listings).timestamp()),
        }
        for product_id, listings, audit, product_status in page
    ]
    token = _token(following) if following < len(found) else ""
    return envelope(call.rid, {"products": products, "total_count": len(found), "next_page_token": token})


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str) -> int:
    if not token:
        return 0
    text = base64.urlsafe_b64decode(token.encode()).decode()
    if not text.startswith("offset:"):
        raise ValueError(token)
    return int(text.removeprefix("offset:"))
