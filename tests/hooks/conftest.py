"""Hooks test helpers: a tenant with shops of each platform connected through the API, SKUs bound to platform
items, and notification bodies read from tests/fixtures/platforms/<platform>/hooks/, stamped now and signed as
each platform signs them."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.errors.models import ErrorEvent, ErrorGroup
from api.hooks import verify
from api.hooks.models import PlatformNotification
from api.principal import SCOPES
from tests.conftest import Seeder

FIXTURES = Path(__file__).parent.parent / "fixtures" / "platforms"

# Credentials as each platform's connection holds them (made up; the signing ones are what the receiver uses).
CREDENTIALS: dict[str, dict[str, str]] = {
    "tiktok": {
        "app_key": "6hooktest01", "app_secret": "tiktok-hook-secret-0001", "shop_cipher": "ROW_hooks01",
        "shop_id": "7494049642642441621",
    },
    "shopee": {"partner_id": "2000001", "partner_key": "shopee-hook-partner-key-0001", "shop_id": "88000008"},
    "lazada": {"app_key": "115527", "app_secret": "lazada-hook-secret-0001", "seller_id": "500176629136"},
    "amazon": {
        "client_id": "amzn1.application-oa2-client.hooks", "client_secret": "hooks-client-secret",
        "seller_id": "A01SANDBOXSELLER", "notification_secret": "amazon-forwarder-secret-0001",
    },
}  # fmt: skip
MARKETS = {"tiktok": "US", "shopee": "MY", "lazada": "PH", "amazon": "US"}
# The listing each platform's fixtures are about, bound to a SKU of ours.
LISTINGS = {
    "tiktok": ("TT-HOOK-1", "576486316948490000"),
    "shopee": ("SHP-HOOK-1", "25000000101"),
    "lazada": ("LZD-HOOK-1", "2202832065"),
    "amazon": ("AMZ-US-00101", "B0SANDBOX101"),
}


def fixture(platform: str, name: str, **changes: Any) -> dict[str, Any]:
    """A fixture body stamped with the current time (the receiver refuses one older than 24 h)."""
    body: dict[str, Any] = json.loads((FIXTURES / platform / "hooks" / f"{name}.json").read_text(encoding="utf-8"))
    now = int(time.time())
    if platform == "amazon":
        body["EventTime"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now))
    else:
        body["timestamp"] = now
    body.update(changes)
    return body


def sign(platform: str, url: str, raw: bytes, *, at: int | None = None, secret: str | None = None) -> dict[str, str]:
    creds = CREDENTIALS[platform]
    if platform == "amazon":
        stamp = int(time.time()) if at is None else at
        return {"X-OpenClaw-Signature": verify.amazon_header(secret or creds["notification_secret"], stamp, raw)}
    if platform == "shopee":
        signature = verify.shopee_signature(secret or creds["partner_key"], url, raw)
    else:
        signature = verify.hmac_hex(secret or creds["app_secret"], creds["app_key"].encode() + raw)
    return {"Authorization": signature}


@dataclass
class HookTenant:
    id: uuid.UUID
    admin: dict[str, str]
    erp: dict[str, str]
    client: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    shops: dict[str, uuid.UUID] = field(default_factory=dict)

    async def connect(self, platform: str, *, without: tuple[str, ...] = ()) -> uuid.UUID:
        created = await self.client.post(
            "/v1/shops",
            json={"name": f"{platform}-{uuid.uuid4().hex[:6]}", "platform": platform, "market": MARKETS[platform]},
            headers=self.admin,
        )
        assert created.status_code == 201, created.text
        shop_id = uuid.UUID(created.json()["id"])
        connection = {
            "credentials": {k: v for k, v in CREDENTIALS[platform].items() if k not in without},
            "access_token": f"{platform}-access", "refresh_token": f"{platform}-refresh",
        }  # fmt: skip
        put = await self.client.put(f"/v1/shops/{shop_id}/connection", json=connection, headers=self.admin)
        assert put.status_code == 200, put.text
        sku, item_id = LISTINGS[platform]
        await self.client.post("/v1/skus", json={"items": [{"sku": sku, "title": sku}]}, headers=self.erp)
        bound = await self.client.post(
            f"/v1/shops/{shop_id}/bindings",
            json={"items": [{"sku": sku, "platform_sku": sku, "platform_item_id": item_id}]},
            headers=self.erp,
        )
        assert bound.status_code == 200, bound.text
        self.shops[platform] = shop_id
        return shop_id

    def path(self, platform: str) -> str:
        return f"/v1/hooks/{platform}/{self.shops[platform]}"

    async def post(self, platform: str, body: dict[str, Any], **sign_options: Any) -> httpx.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        return await self.post_raw(platform, raw, sign(platform, "http://testserver" + self.path(platform), raw,
                                                       **sign_options))  # fmt: skip

    async def post_raw(self, platform: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post(
            self.path(platform), content=raw, headers={"Content-Type": "application/json", **headers}
        )

    async def health(self, platform: str) -> str:
        response = await self.client.get(f"/v1/shops/{self.shops[platform]}/connection", headers=self.admin)
        return str(response.json()["health"])

    async def counts(self) -> dict[str, int]:
        async with self.sessions() as session:
            await use_tenant(session, self.id)
            events = await session.scalar(select(func.count()).select_from(ErrorEvent))
            notes = await session.scalar(select(func.count()).select_from(PlatformNotification))
        return {"events": events or 0, "notifications": notes or 0}

    async def groups(self, platform: str, error_type: str) -> list[ErrorGroup]:
        async with self.sessions() as session:
            await use_tenant(session, self.id)
            rows = await session.scalars(
                select(ErrorGroup).where(
                    ErrorGroup.shop_id == self.shops[platform], ErrorGroup.error_type == error_type
                )
            )
            return list(rows)


@pytest.fixture
async def hooks(seed: Seeder, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]) -> HookTenant:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    erp = await seed.api_key(tenant_id, list(SCOPES))
    return HookTenant(tenant_id, admin, erp, client, sessions)
