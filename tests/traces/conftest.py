"""Trace tests: the traces router on the test app, and builders for shops, exchanges and citing events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.errors.models import ErrorEvent, ErrorGroup
from api.shops.models import Shop
from api.strategies.models import Strategy
from api.traces import service
from workers.platforms.base import Operation, Platform, TraceExchange

NOW = datetime.now(UTC).replace(microsecond=0)


def exchange(
    *,
    trace_id: str | None = None,
    shop_id: uuid.UUID | str = "not-a-shop",
    platform: Platform = Platform.amazon,
    operation: Operation = Operation.price,
    started_at: datetime | None = None,
    status: int | None = 200,
    attempt: int = 1,
    **fields: Any,
) -> TraceExchange:
    base = TraceExchange(
        trace_id=trace_id or uuid.uuid4().hex,
        platform=platform,
        shop_id=str(shop_id),
        operation=operation,
        method="PATCH",
        url="https://sellingpartnerapi-na.amazon.com/listings/2021-08-01/items/S1/SKU-1?marketplaceIds=ATVPDKIKX0DER",
        request_headers={"content-type": "application/json"},
        request_body='{"productType": "LUGGAGE"}',
        started_at=started_at or NOW - timedelta(minutes=5),
        duration_ms=120,
        response_status=status,
        response_body='{"status": "ACCEPTED"}' if status == 200 else '{"errors": [{"code": "InvalidInput"}]}',
        attempt=attempt,
    )
    return replace(base, **fields)


class TraceData:
    """Writes shops, strategies, traces and error events for one tenant through the test's own session."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> None:
        self.sessions = sessions
        self.tenant_id = tenant_id

    async def _session(self) -> AsyncSession:
        session = self.sessions()
        await use_tenant(session, self.tenant_id)
        return session

    async def shop(self, name: str = "Amazon US", platform: str = "amazon", market: str = "US") -> uuid.UUID:
        async with await self._session() as session:
            shop = Shop(tenant_id=self.tenant_id, name=name, platform=platform, market=market)
            session.add(shop)
            await session.commit()
            return shop.id

    async def strategy(self, name: str = "Weekend prices") -> uuid.UUID:
        async with await self._session() as session:
            strategy = Strategy(tenant_id=self.tenant_id, name=name, kind="price_adjust")
            session.add(strategy)
            await session.commit()
            return strategy.id

    async def traces(
        self,
        exchanges: Sequence[TraceExchange],
        *,
        task_id: uuid.UUID | None = None,
        strategy_id: uuid.UUID | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        async with await self._session() as session:
            await service.record_exchanges(
                session, self.tenant_id, exchanges, task_id=task_id, strategy_id=strategy_id, secrets=secrets
            )
            await session.commit()

    async def event(self, shop_id: uuid.UUID, trace_id: str, *, sku: str, occurred_at: datetime) -> int:
        """An error event citing the trace, as the errors ingest would write it (with its group)."""
        async with await self._session() as session:
            group = ErrorGroup(
                tenant_id=self.tenant_id,
                shop_id=shop_id,
                platform="amazon",
                error_type="VALIDATION_FAILED",
                severity="error",
                platform_error_code="InvalidInput",
                sku=sku,
                count=1,
                first_seen=occurred_at,
                last_seen=occurred_at,
            )
            session.add(group)
            await session.flush()
            event = ErrorEvent(
                tenant_id=self.tenant_id,
                group_id=group.id,
                idempotency_key=uuid.uuid4().hex,
                occurred_at=occurred_at,
                platform="amazon",
                shop_id=shop_id,
                trace_id=trace_id,
                operation="price",
                sku=sku,
                error_type="VALIDATION_FAILED",
                severity="error",
                platform_error_code="InvalidInput",
                platform_error_message="price must be positive",
            )
            session.add(event)
            await session.commit()
            return event.id
