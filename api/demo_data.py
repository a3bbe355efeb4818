"""Realistic board data for the demo tenant, until the workers produce real errors: platform answers as each
platform words them, pushed through the same ingest and trace services the workers use."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors.ingest import ingest_events, record_success
from api.errors.models import ErrorGroup
from api.errors.schemas import ErrorEventIn
from api.errors.service import assign, handle
from api.errors.taxonomy import ErrorType
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy
from api.traces.service import record_exchanges
from workers.platforms.base import Operation, Platform, TraceExchange

# (error type, operation, platform code, message, missing fields) as each platform answers.
SAMPLES: dict[str, list[tuple[str, str, str, str, list[str]]]] = {
    "amazon": [
        ("CATEGORY_COMPLIANCE_FAILED", "listing", "90220", "'item_weight' is required but not supplied.", ["item_weight"]),
        ("PRICE_NOT_EFFECTIVE", "price", "18155", "The minimum price is greater than the selling price.", []),
        ("AUTH_EXPIRED", "price", "Unauthorized", "The access token you provided has expired.", []),
        ("SKU_MAPPING_FAILED", "stock", "NotFound", "The requested resource doesn't exist.", []),
        ("RATE_LIMITED", "price", "QuotaExceeded", "You exceeded your quota for the requested resource.", []),
        ("MEDIA_QUALITY", "listing", "18027", "Main image contains text, logo or watermark.", []),
        ("LISTING_REJECTED", "listing", "18742", "Restricted products policy violation.", []),
    ],
    "tiktok": [
        ("PRICE_NOT_EFFECTIVE", "price", "12052900", "The SKU price is locked by an ongoing promotion.", []),
        ("INVENTORY_SYNC_FAILED", "stock", "12052055", "Inventory quantity is out of range.", []),
        ("CATEGORY_COMPLIANCE_FAILED", "listing", "12019018", "Required product attribute is missing: Material.",
         ["Material"]),
        ("AUTH_SCOPE_MISSING", "price", "105005", "Access denied: the app lacks the product scope.", []),
        ("MEDIA_QUALITY", "listing", "12052301", "Image size is below 600x600.", []),
    ],
    "shopee": [
        ("PRICE_NOT_EFFECTIVE", "price", "product.error_price_promotion", "Can not edit price during promotion.", []),
        ("INVENTORY_SYNC_FAILED", "stock", "product.error_busi_update_stock_failed", "Stock is less than reserved stock.",
         []),
        ("SKU_MAPPING_FAILED", "price", "product.error_item_not_found", "Item not found.", []),
        ("VALIDATION_FAILED", "price", "", "Prices in this market must be whole numbers (got 129.90).", []),
        ("CATEGORY_COMPLIANCE_FAILED", "listing", "product.error_param", "Attribute 'Weight unit' is mandatory.",
         ["Weight unit"]),
    ],
    "lazada": [
        ("PLATFORM_STATE_DELAYED", "price", "", "Pushed; the read-back has not shown the new price yet.", []),
        ("INVENTORY_SYNC_FAILED", "stock", "501", "Negative sellable on channel inventory.", []),
        ("AUTH_EXPIRED", "stock", "IllegalAccessToken", "The specified access token is invalid or expired.", []),
        ("PLATFORM_UNAVAILABLE", "price", "TRANSPORT_ERROR", "ReadTimeout: timed out after 30 s", []),
        ("PLATFORM_LIMIT_EXCEEDED", "listing", "4148", "Seller has reached the maximum number of products.", []),
    ],
}  # fmt: skip

HOSTS = {
    "amazon": "https://sellingpartnerapi-na.amazon.com/listings/2021-08-01/items/A1SELLER/{sku}?marketplaceIds=ATVPDKIKX0DER",
    "tiktok": "https://open-api.tiktokglobalshop.com/product/202309/products/1729384756/prices/update",
    "shopee": "https://partner.shopeemobile.com/api/v2/product/update_price",
    "lazada": "https://api.lazada.com.my/rest/product/price_quantity/update",
}


def _trace(platform: str, shop: Shop, sku: str, code: str, message: str, at: datetime) -> TraceExchange:
    request_body = json.dumps({"sku": sku, "price": {"amount": "129.90", "currency": "USD"}})
    response = (
        {"errors": [{"code": code, "message": message, "details": ""}]}
        if platform == "amazon"
        else {"code": code or "0", "message": message, "request_id": uuid.uuid4().hex[:20]}
    )
    return TraceExchange(
        trace_id=uuid.uuid4().hex,
        platform=Platform(platform),
        shop_id=str(shop.id),
        operation=Operation.price,
        method="PATCH" if platform == "amazon" else "POST",
        url=HOSTS[platform].format(sku=sku),
        request_headers={"content-type": "application/json", "x-amz-access-token": "[REDACTED]"}
        if platform == "amazon"
        else {"content-type": "application/json"},
        request_body=request_body,
        started_at=at,
        duration_ms=random.randint(80, 900),
        response_status=403 if code == "Unauthorized" else 200,
        response_headers={"content-type": "application/json"},
        response_body=json.dumps(response, ensure_ascii=False),
    )


async def seed_board(session: AsyncSession, principal: Principal, shops: list[Shop], admin_id: uuid.UUID) -> int:
    """About 2,500 events in ~600 groups over the last 10 days, some handled, some assigned, one regression."""
    rng = random.Random(20261125)
    now = datetime.now(UTC)
    strategies = [
        Strategy(tenant_id=principal.tenant_id, name=name, kind=kind)
        for name, kind in (("大促调价 Mega sale pricing", "price_adjust"), ("ERP 库存同步 Stock sync", "inventory_sync"),
                           ("新品上架 New listings", "listing_publish"))
    ]  # fmt: skip
    session.add_all(strategies)
    await session.flush()
    by_kind = {"price": strategies[0], "stock": strategies[1], "listing": strategies[2]}
    events: list[ErrorEventIn] = []
    traces: list[TraceExchange] = []
    for shop in shops:
        for n in range(rng.randint(35, 65)):
            error_type, operation, code, message, missing = rng.choice(SAMPLES[shop.platform])
            sku = f"{shop.platform[:2].upper()}-{rng.randrange(1, 600):05d}"
            first = now - timedelta(days=rng.uniform(0.1, 10))
            for i in range(rng.choice([1, 1, 2, 3, 5, 8])):
                at = min(now - timedelta(minutes=1), first + timedelta(hours=i * rng.uniform(1, 12)))
                trace = _trace(shop.platform, shop, sku, code, message, at)
                traces.append(trace)
                strategy = by_kind.get(operation) if rng.random() < 0.7 else None
                events.append(
                    ErrorEventIn(
                        idempotency_key=f"demo:{shop.id}:{n}:{i}",
                        occurred_at=at,
                        shop_id=shop.id,
                        error_type=ErrorType(error_type),
                        operation=operation,
                        sku=sku,
                        strategy_id=strategy.id if strategy else None,
                        trace_id=trace.trace_id,
                        platform_error_code=code,
                        platform_error_message=message,
                        missing_fields=missing,
                        raw_excerpt=trace.response_body[:500],
                    )
                )
    await record_exchanges(session, principal.tenant_id, traces)
    for i in range(0, len(events), 500):
        await ingest_events(session, principal, events[i : i + 500])
    # Some of it has been worked on already.
    g = ErrorGroup
    groups = list(
        await session.execute(select(g.id, g.shop_id, g.sku, g.operation).where(g.tenant_id == principal.tenant_id))
    )
    rng.shuffle(groups)
    for group_id, *_ in groups[:60]:
        await handle(session, principal, group_id, rng.choice(["fixed_data", "repushed", "platform_side"]), "")
    for group_id, *_ in groups[60:100]:
        await assign(session, principal, group_id, admin_id)
    for row in groups[100:110]:
        await record_success(session, Principal.system(principal.tenant_id), row.shop_id, row.sku,
                             row.operation or "price", now)  # fmt: skip
    return len(events)
