from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.errors.models import ErrorGroup
from api.principal import Principal
from api.shops.markets import MARKETS, is_supported
from api.shops.models import Shop
from api.shops.schemas import ShopCreate, ShopUpdate, check_currency, market_currency
from api.tasks.models import PushAction
from api.traces.models import Trace


def readable(principal: Principal) -> Select[Shop]:
    return select(Shop).where(Shop.tenant_id == principal.tenant_id)


def _snapshot(shop: Shop) -> dict[str, str]:
    return {"name": shop.name, "platform": shop.platform, "market": shop.market, "currency": currency_of(shop)}


def currency_of(shop: Shop) -> str:
    """The currency the shop's prices are in: its own, or (shops from before it had one) its market's."""
    return shop.currency or market_currency(shop.platform, shop.market)


async def list_shops(session: AsyncSession, principal: Principal, *, include_archived: bool = False) -> list[Shop]:
    statement = readable(principal).order_by(Shop.platform, Shop.name)
    if not include_archived:
        statement = statement.where(Shop.archived_at.is_(None))
    return list((await session.execute(statement)).scalars())


async def get_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Shop:
    shop = (await session.execute(readable(principal).where(Shop.id == shop_id))).scalar_one_or_none()
    if shop is None:
        raise problems.NotFound("shop not found")
    return shop


async def get_active_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Shop:
    """A shop that may still take connections, bindings and pushes: an archived one is a 409."""
    shop = await get_shop(session, principal, shop_id)
    if shop.archived_at is not None:
        raise problems.Conflict(f"shop {shop.name!r} is archived: it keeps its history but takes no changes")
    return shop


async def _flush_unique_name(session: AsyncSession, name: str) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise problems.Conflict(f"a shop named {name!r} already exists (archived shops keep their names)") from exc


async def create_shop(session: AsyncSession, principal: Principal, body: ShopCreate) -> Shop:
    shop = Shop(
        tenant_id=principal.tenant_id,
        name=body.name,
        platform=body.platform,
        market=body.market,
        currency=body.currency or market_currency(body.platform, body.market),
    )
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
    if body.name is not None:
        shop.name = body.name
    if body.market is not None and body.market != shop.market:
        shop.market = body.market
        shop.currency = market_currency(shop.platform, shop.market)
    if body.currency is not None:
        try:
            check_currency(shop.platform, shop.market, body.currency)
        except ValueError as exc:
            raise problems.Invalid(str(exc), invalid_params=[_param("currency", str(exc))]) from exc
        shop.currency = body.currency
    await _flush_unique_name(session, shop.name)
    await audit.record(session, principal, "shop.update", "shop", shop.id, before=before, after=_snapshot(shop))
    return shop


def _param(name: str, reason: str) -> dict[str, str]:
    return {"name": name, "reason": reason, "type": "value_error"}


async def has_history(session: AsyncSession, shop: Shop) -> bool:
    """Whether anything on the board or in the task log points at the shop: deleting it would erase that."""
    tenant_id, shop_id = shop.tenant_id, shop.id
    statement = select(
        or_(
            exists().where(ErrorGroup.tenant_id == tenant_id, ErrorGroup.shop_id == shop_id),
            exists().where(PushAction.tenant_id == tenant_id, PushAction.shop_id == shop_id),
            exists().where(Trace.tenant_id == tenant_id, Trace.shop_id == shop_id),
        )
    )
    return bool((await session.execute(statement)).scalar())


async def delete_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Shop | None:
    """Delete a shop that has no history; archive one that has (its errors, events and tasks stay readable).

    Returns the archived shop, or None when it was deleted for real. Archiving twice changes nothing."""
    shop = await get_shop(session, principal, shop_id)
    if shop.archived_at is not None:
        return shop
    if await has_history(session, shop):
        archived_at = datetime.now(UTC)
        shop.archived_at = archived_at
        await session.flush()
        await audit.record(
            session, principal, "shop.archive", "shop", shop.id,
            before=_snapshot(shop), after={"archived_at": archived_at.isoformat()},
        )  # fmt: skip
        return shop
    await audit.record(session, principal, "shop.delete", "shop", shop.id, before=_snapshot(shop))
    await session.delete(shop)
    await session.flush()
    return None
