"""Board rows written straight through the models, for tests of readers (export, stats) that need exact data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import User
from api.db import use_tenant
from api.errors.ingest import group_id_of
from api.errors.models import ErrorEvent, ErrorGroup
from api.shops.models import Shop
from api.strategies.models import Strategy
from api.tenants.models import TenantSettings

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Board:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> None:
        self.sessions = sessions
        self.tenant_id = tenant_id

    async def _add(self, row: Any) -> Any:
        async with self.sessions() as session:
            await use_tenant(session, self.tenant_id)
            session.add(row)
            await session.commit()
            return row

    async def shop(self, name: str = "Amazon US", platform: str = "amazon", market: str = "US") -> Shop:
        shop: Shop = await self._add(Shop(tenant_id=self.tenant_id, name=name, platform=platform, market=market))
        return shop

    async def strategy(self, name: str = "Price floor", kind: str = "price_adjust") -> Strategy:
        strategy: Strategy = await self._add(Strategy(tenant_id=self.tenant_id, name=name, kind=kind))
        return strategy

    async def group(self, shop: Shop, **fields: Any) -> ErrorGroup:
        values: dict[str, Any] = {
            "error_type": "PRICE_NOT_EFFECTIVE",
            "severity": "error",
            "platform_error_code": "InvalidInput",
            "sku": f"SKU-{uuid.uuid4().hex[:6]}",
            "operation": "price",
            "count": 1,
            "first_seen": T0,
            "last_seen": T0,
            "latest_message": "price below the minimum",
            "latest_trace_id": f"tr-{uuid.uuid4().hex[:12]}",
            "status": "open",
            **fields,
        }
        group: ErrorGroup = await self._add(
            ErrorGroup(
                tenant_id=self.tenant_id,
                id=group_id_of(
                    self.tenant_id, shop.id, values["error_type"], values["platform_error_code"], values["sku"]
                ),
                shop_id=shop.id,
                platform=shop.platform,
                **values,
            )
        )
        return group

    async def event(self, group: ErrorGroup, occurred_at: datetime, **fields: Any) -> ErrorEvent:
        event: ErrorEvent = await self._add(
            ErrorEvent(
                tenant_id=self.tenant_id,
                group_id=group.id,
                idempotency_key=uuid.uuid4().hex,
                occurred_at=occurred_at,
                platform=group.platform,
                shop_id=group.shop_id,
                strategy_id=group.strategy_id,
                error_type=group.error_type,
                severity=group.severity,
                platform_error_code=group.platform_error_code,
                sku=group.sku,
                **{"trace_id": f"tr-{uuid.uuid4().hex[:12]}", "platform_error_message": "boom", **fields},
            )
        )
        return event

    async def set_timezone(self, name: str) -> None:
        async with self.sessions() as session:
            await use_tenant(session, self.tenant_id)
            settings = (await session.execute(select(TenantSettings))).scalar_one()
            settings.timezone = name
            await session.commit()

    async def user_id(self, email: str) -> uuid.UUID:
        async with self.sessions() as session:
            await use_tenant(session, self.tenant_id)
            user_id: uuid.UUID = (await session.execute(select(User.id).where(User.email == email))).scalar_one()
            return user_id
