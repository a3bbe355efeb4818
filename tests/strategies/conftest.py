from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from api.db import use_tenant
from api.shops.models import Shop
from tests.conftest import Seeder


@dataclass
class Team:
    """A tenant with two shops and an operator signed in."""

    tenant_id: uuid.UUID
    operator: dict[str, str]
    admin: dict[str, str]
    shop_ids: list[uuid.UUID] = field(default_factory=list)


@pytest.fixture
async def team(client: httpx.AsyncClient, seed: Seeder) -> Team:
    tenant_id = await seed.tenant()
    team = Team(tenant_id, await seed.login(tenant_id, "operator"), await seed.login(tenant_id, "admin"))
    for name, platform, market in [("Amazon US", "amazon", "US"), ("Shopee MY", "shopee", "MY")]:
        response = await client.post(
            "/v1/shops", json={"name": name, "platform": platform, "market": market}, headers=team.admin
        )
        assert response.status_code == 201, response.text
        team.shop_ids.append(uuid.UUID(response.json()["id"]))
    return team


async def archive_shop(seed: Seeder, tenant_id: uuid.UUID, shop_id: uuid.UUID) -> None:
    async with seed.sessions() as session:
        await use_tenant(session, tenant_id)
        await session.execute(update(Shop).where(Shop.id == shop_id).values(archived_at=datetime.now(UTC)))
        await session.commit()


def price_strategy(shop_ids: list[uuid.UUID], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"Markup {uuid.uuid4().hex[:6]}",
        "kind": "price_adjust",
        "shop_ids": [str(s) for s in shop_ids],
        "sku_filter": {"prefix": "AMZ-"},
        "config": {"markup_pct": "12.5", "min_price": "9.99", "round_to": "0.99"},
        "schedule": "0 */2 * * *",
        "monitoring_enabled": True,
        "approval_policy": {"max_price_cut_pct": "20", "hold_stock_to_zero": False},
        "is_active": True,
    }
    body.update(overrides)
    return body
