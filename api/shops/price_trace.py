"""Cross-platform price tracing (跨平台价格冲突溯源): one SKU across every shop of the tenant.

For each shop: what the platform shows (the last read-back or catalog sync), the value OpenClaw last asked for and
the one last applied, each with the task that set it (ERP request or strategy run, whose config snapshot the task
keeps), and the SKU's open groups. The shops' prices in the tenant's reporting currency (its FX table) are compared:
a spread wider than the tenant's `price_spread_pct` flags the SKU.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import platforms, problems
from api.errors.models import ErrorGroup
from api.principal import Principal
from api.shops import service as shops
from api.shops.models import Shop, Sku, SkuBinding
from api.shops.schemas import OpenGroup, PushedValue, ShopTrace, SkuTrace
from api.tenants.models import TenantSettings

# The latest action of each shop and operation for the SKU, and the latest applied one, with their task.
_LATEST_ACTIONS = text("""
    SELECT DISTINCT ON (a.shop_id, a.operation, a.status = 'applied')
           a.shop_id, a.operation, a.status, a.value, a.created_at, a.finished_at, a.status = 'applied' AS applied,
           t.id AS task_id, t.source, t.request_id, t.created_by, t.strategy_id, s.name AS strategy_name
    FROM push_actions a
    JOIN tasks t ON t.tenant_id = a.tenant_id AND t.id = a.task_id
    LEFT JOIN strategies s ON s.tenant_id = t.tenant_id AND s.id = t.strategy_id
    WHERE a.tenant_id = :tenant_id AND a.sku = :sku AND a.operation IN ('price', 'stock')
    ORDER BY a.shop_id, a.operation, a.status = 'applied', a.created_at DESC
""")


def _pushed(row: Any) -> PushedValue:
    return PushedValue(
        value=row.value, status=row.status, task_id=row.task_id, task_source=row.source, request_id=row.request_id,
        created_by=row.created_by, strategy_id=row.strategy_id, strategy_name=row.strategy_name,
        created_at=row.created_at, finished_at=row.finished_at,
    )  # fmt: skip


def _newest(*values: PushedValue | None) -> PushedValue | None:
    """The value asked for last, applied or not."""
    known = [v for v in values if v is not None]
    return max(known, key=lambda v: v.created_at) if known else None


def spread_pct(prices: list[Decimal]) -> Decimal | None:
    """How much the highest price is above the lowest, in % of the lowest; None with fewer than two prices."""
    if len(prices) < 2 or min(prices) <= 0:
        return None
    return ((max(prices) - min(prices)) / min(prices) * 100).quantize(Decimal("0.1"))


def in_reporting(price: Decimal | None, currency: str, settings: TenantSettings) -> Decimal | None:
    if price is None:
        return None
    if currency == settings.reporting_currency:
        return price
    rate = settings.fx_rates.get(currency)
    return None if rate is None else (price * Decimal(rate)).quantize(Decimal("0.01"))


async def trace_sku(session: AsyncSession, principal: Principal, code: str) -> SkuTrace:
    sku = (
        await session.execute(select(Sku).where(Sku.tenant_id == principal.tenant_id, Sku.code == code))
    ).scalar_one_or_none()
    if sku is None:
        raise problems.NotFound(f"no SKU {code!r} in this tenant")
    settings = await session.get(TenantSettings, principal.tenant_id) or TenantSettings(
        tenant_id=principal.tenant_id, reporting_currency="CNY", fx_rates={}, price_spread_pct=20
    )
    active = await shops.list_shops(session, principal)
    bindings = {
        b.shop_id: b
        for b in (
            await session.execute(
                select(SkuBinding).where(SkuBinding.tenant_id == principal.tenant_id, SkuBinding.sku_id == sku.id)
            )
        ).scalars()
    }
    pushed: dict[tuple[uuid.UUID, str, bool], PushedValue] = {
        (row.shop_id, row.operation, row.applied): _pushed(row)
        for row in await session.execute(_LATEST_ACTIONS, {"tenant_id": principal.tenant_id, "sku": code})
    }
    groups = (
        await session.execute(
            select(ErrorGroup)
            .where(ErrorGroup.tenant_id == principal.tenant_id, ErrorGroup.sku == code, ErrorGroup.status == "open")
            .order_by(ErrorGroup.last_seen.desc())
        )
    ).scalars()
    open_by_shop: dict[uuid.UUID, list[OpenGroup]] = {}
    for g in groups:
        open_by_shop.setdefault(g.shop_id, []).append(
            OpenGroup(id=g.id, error_type=g.error_type, platform_error_code=g.platform_error_code,
                      message=g.latest_message[:500], last_seen=g.last_seen)
        )  # fmt: skip
    rows = [
        _shop_trace(shop, bindings.get(shop.id), pushed, open_by_shop.get(shop.id, []), settings) for shop in active
    ]
    compared = [r.price_in_reporting for r in rows if r.price_in_reporting is not None]
    spread = spread_pct(compared)
    return SkuTrace(
        sku=sku.code,
        title=sku.title,
        base_prices=sku.base_prices,
        available_quantity=sku.available_quantity,
        reporting_currency=settings.reporting_currency,
        spread_pct=spread,
        spread_limit_pct=settings.price_spread_pct,
        flagged=spread is not None and spread > settings.price_spread_pct,
        missing_rates=sorted(
            {r.currency for r in rows if r.current_price is not None and r.price_in_reporting is None}
        ),
        shops=rows,
    )


def _as_market_writes(price: Decimal | None, shop: Shop) -> Decimal | None:
    known = platforms.market(shop.platform, shop.market)
    if price is None or known is None:
        return price
    return price.quantize(Decimal(1).scaleb(-known.price_decimals))


def _shop_trace(
    shop: Shop,
    binding: SkuBinding | None,
    pushed: dict[tuple[uuid.UUID, str, bool], PushedValue],
    open_groups: list[OpenGroup],
    settings: TenantSettings,
) -> ShopTrace:
    currency = shops.currency_of(shop)
    last_price = pushed.get((shop.id, "price", True))
    # Stored with four decimals for every market; shown as the market writes prices (JPY whole yen, USD cents).
    platform_price = _as_market_writes(binding.platform_price, shop) if binding else None
    # What shoppers see now: the platform's own view when one was read, else the last price confirmed applied.
    current = platform_price
    if current is None and last_price is not None and last_price.value.get("price") is not None:
        current = Decimal(str(last_price.value["price"]))
    return ShopTrace(
        shop_id=shop.id, shop_name=shop.name, platform=shop.platform, market=shop.market, currency=currency,
        bound=binding is not None,
        platform_item_id=binding.platform_item_id if binding else None,
        platform_variant_id=binding.platform_variant_id if binding else None,
        platform_status=binding.platform_status if binding else None,
        platform_price=platform_price,
        platform_quantity=binding.platform_quantity if binding else None,
        platform_seen_at=binding.platform_seen_at if binding else None,
        current_price=current,
        price_in_reporting=in_reporting(current, currency, settings),
        desired_price=_newest(pushed.get((shop.id, "price", False)), last_price),
        applied_price=last_price,
        desired_stock=_newest(pushed.get((shop.id, "stock", False)), pushed.get((shop.id, "stock", True))),
        applied_stock=pushed.get((shop.id, "stock", True)),
        open_groups=open_groups,
    )  # fmt: skip
