from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Seeder

_keys = itertools.count()


@dataclass
class Board:
    """One tenant with an operator, two shops and a strategy, talking to the API."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    tenant_id: uuid.UUID
    shop_a: str
    shop_b: str
    strategy: str

    async def ingest(self, *events: dict[str, Any], expect: int = 200) -> dict[str, Any]:
        response = await self.client.post("/v1/error-events", json={"events": list(events)}, headers=self.headers)
        assert response.status_code == expect, response.text
        body: dict[str, Any] = response.json()
        return body

    async def groups(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/errors", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


def event(shop_id: str, **fields: Any) -> dict[str, Any]:
    """A realistic event; `ago` (a timedelta) sets occurred_at relative to now."""
    ago = fields.pop("ago", timedelta(minutes=5))
    base = {
        "idempotency_key": f"test-{uuid.uuid4().hex}-{next(_keys)}",
        "occurred_at": (datetime.now(UTC) - ago).isoformat(),
        "shop_id": shop_id,
        "error_type": "PRICE_NOT_EFFECTIVE",
        "operation": "price",
        "sku": "SKU-1",
        "platform_error_code": "product.error_price_promotion",
        "platform_error_message": "price is locked by an ongoing promotion",
        "trace_id": uuid.uuid4().hex,
    }
    return {**base, **fields}


@pytest.fixture
async def board(client: httpx.AsyncClient, seed: Seeder, sessions: Any) -> Board:
    from api.db import use_tenant
    from api.strategies.models import Strategy

    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id, "admin")
    operator = await seed.login(tenant_id, "operator")
    shop_a = (
        await client.post("/v1/shops", json={"name": "Shopee MY", "platform": "shopee", "market": "MY"}, headers=admin)
    ).json()["id"]
    shop_b = (
        await client.post("/v1/shops", json={"name": "Amazon US", "platform": "amazon", "market": "US"}, headers=admin)
    ).json()["id"]
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        strategy = Strategy(tenant_id=tenant_id, name="Weekend price cut", kind="price_adjust")
        session.add(strategy)
        await session.commit()
    return Board(client, operator, tenant_id, shop_a, shop_b, str(strategy.id))
