"""Shops test helpers: a tenant with an admin, shops created through the API, and a sandbox listing entry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import Seeder

# An entry of the sandbox's GET /_sandbox/shops, as it lists a Shopee shop (secrets made up for the test).
PARTNER_KEY = "sandbox-shopee-partner-key-4f6e7a1b2c3d"
ACCESS_TOKEN = "shopee-access-token-77aa01bb02cc"
REFRESH_TOKEN = "shopee-refresh-token-99dd03ee04ff"


def sandbox_listing(**overrides: Any) -> dict[str, Any]:
    return {
        "id": "shopee-my",
        "name": "Shopee MY",
        "platform": "shopee",
        "market": "MY",
        "currency": "MYR",
        "base_url": "http://127.0.0.1:8100/shopee",
        "auth_base_url": "http://127.0.0.1:8100/shopee",
        "credentials": {"partner_id": "2000001", "partner_key": PARTNER_KEY, "shop_id": "88000008"},
        "access_token": ACCESS_TOKEN,
        "access_expires_at": "2030-01-01T04:00:00Z",
        "refresh_token": REFRESH_TOKEN,
        "sku_count": 500,
        **overrides,
    }


@dataclass
class Tenant:
    id: uuid.UUID
    admin: dict[str, str]
    client: httpx.AsyncClient

    async def shop(self, platform: str = "shopee", market: str = "MY", **fields: Any) -> dict[str, Any]:
        body = {"name": f"{platform}-{market}-{uuid.uuid4().hex[:6]}", "platform": platform, "market": market}
        response = await self.client.post("/v1/shops", json=body | fields, headers=self.admin)
        assert response.status_code == 201, response.text
        shop: dict[str, Any] = response.json()
        return shop


@pytest.fixture
async def tenant(seed: Seeder, client: httpx.AsyncClient) -> Tenant:
    tenant_id = await seed.tenant()
    return Tenant(tenant_id, await seed.login(tenant_id), client)
