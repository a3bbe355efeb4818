from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.principal import Principal
from api.shops.markets import MARKETS, is_supported
from api.shops.models import Shop
from api.shops.schemas import ShopCreate, ShopUpdate


def readable(principal: Principal) -> Select[Shop]:
    return select(Shop).where(Shop.tenant_id == principal.tenant_id)


def _snapshot(shop: Shop) -> dict[str, str]:
    return {"name": shop.name, "platform": shop.platform, "market": shop.market}


async def list_shops(session: AsyncSession, principal: Principal) -> list[Shop]:
    return list((await session.execute(readable(principal).order_by(Shop.platform, Shop.name))).scalars())


async def get_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Shop:
    shop = (await session.execute(readable(principal).where(Shop.id == shop_id))).scalar_one_or_none()
    if shop is None:
        raise problems.NotFound("shop not found")
    return shop


async def _flush_unique_name(session: AsyncSession, name: str) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise problems.Conflict(f"a shop named {name!r} already exists") from exc


async def create_shop(session: AsyncSession, principal: Principal, body: ShopCreate) -> Shop:
    shop = Shop(tenant_id=principal.tenant_id, name=body.name, platform=body.platform, market=body.market)
    session.add(shop)
    await _flush_unique_name(session, body.name)
    await audit.record(session, principal, "shop.create", "shop", shop.id, after=_snapshot(shop))
    return shop


async def update_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID, body: ShopUpdate) -> Shop:
    shop = await get_shop(session, principal, shop_id)
    before = _snapshot(shop)
    if body.market is not None and not is_supported(shop.platform, body.market):
        allowed = ", ".join(MARKETS[shop.platform])
        raise problems.Invalid(f"{shop.platform} has no market {body.market}; use one of {allowed}")
    for field, value in body.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(shop, field, value)
    await _flush_unique_name(session, shop.name)
    await audit.record(session, principal, "shop.update", "shop", shop.id, before=before, after=_snapshot(shop))
    return shop


async def delete_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> None:
    shop = await get_shop(session, principal, shop_id)
    await audit.record(session, principal, "shop.delete", "shop", shop.id, before=_snapshot(shop))
    await session.delete(shop)
