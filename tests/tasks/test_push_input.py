"""Bad ERP pushes and strategies are refused whole, with every bad row named, and start nothing: no task, no job in
the outbox, and the request_id stays free for the corrected request."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queue import OutboxJob
from tests.conftest import Seeder


class Erp:
    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str], shops: dict[str, str]) -> None:
        self.client, self.headers, self.shops = client, headers, shops

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body, headers=self.headers)


@pytest.fixture
async def erp(seed: Seeder, client: httpx.AsyncClient) -> Erp:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    shops = {}
    for name, platform, market in (("shopee-th", "shopee", "TH"), ("amazon-us", "amazon", "US")):
        created = await client.post("/v1/shops", json={"name": name, "platform": platform, "market": market},
                                    headers=admin)  # fmt: skip
        shops[name] = created.json()["id"]
    await client.post("/v1/skus", json={"items": [{"sku": "MUG-1", "title": "Mug"}]}, headers=admin)
    return Erp(client, await seed.api_key(tenant_id, ["catalog:write", "errors:read", "strategies:write"]), shops)


async def _nothing_started(erp: Erp, db: AsyncSession) -> None:
    """No task, and no job: the API sends jobs to Redis only through the outbox, written with the task."""
    tasks = await erp.client.get("/v1/tasks", headers=erp.headers)
    assert tasks.json()["items"] == []
    assert (await db.execute(select(OutboxJob.function, OutboxJob.job_id))).all() == []


def _names(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [p["name"] for p in response.json()["invalid_params"]]


async def test_unknown_skus_and_shops_and_other_tenants_shops_are_named_by_row(
    erp: Erp, seed: Seeder, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    other = await seed.tenant()
    theirs = await client.post("/v1/shops", json={"name": "theirs", "platform": "shopee", "market": "TH"},
                               headers=await seed.login(other))  # fmt: skip
    rows = [
        {"sku": "MUG-1", "quantity": 3, "shop_id": erp.shops["shopee-th"]},
        {"sku": "NO-SUCH-SKU", "quantity": 3},
        {"sku": "MUG-1", "quantity": 3, "shop_id": str(uuid.uuid4())},
        {"sku": "MUG-1", "quantity": 3, "shop_id": theirs.json()["id"]},
    ]
    refused = await erp.post("/v1/inventory", {"request_id": "inv-1", "items": rows})

    assert _names(refused) == ["items.1.sku", "items.2.shop_id", "items.3.shop_id"]
    assert "nothing was accepted" in refused.json()["detail"]
    await _nothing_started(erp, db)
    # The request_id was not used up: the corrected request goes through.
    fixed = await erp.post("/v1/inventory", {"request_id": "inv-1", "items": rows[:1]})
    assert fixed.status_code == 202, fixed.text


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"quantity": -1}, "items.0.quantity"),
        ({"quantity": "5"}, "items.0.quantity"),  # a number, not a string
        ({"quantity": 2.5}, "items.0.quantity"),
    ],
)
async def test_bad_stock_rows_are_refused(erp: Erp, db: AsyncSession, row: dict[str, Any], field: str) -> None:
    body = {"request_id": "s", "items": [{"sku": "MUG-1", "shop_id": erp.shops["shopee-th"], **row}]}
    assert field in _names(await erp.post("/v1/inventory", body))
    await _nothing_started(erp, db)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"price": "0", "currency": "THB"}, "items.0.price"),
        ({"price": "-5", "currency": "THB"}, "items.0.price"),
        ({"price": "NaN", "currency": "THB"}, "items.0.price"),
        ({"price": "Infinity", "currency": "THB"}, "items.0.price"),
        ({"price": "99", "currency": "USD"}, "items.0.currency"),  # the shop sells in THB
        ({"price": "99", "currency": "THB", "sale_price": "120"}, "items.0.sale_price"),
    ],
)
async def test_bad_price_rows_are_refused(erp: Erp, db: AsyncSession, row: dict[str, Any], field: str) -> None:
    body = {"request_id": "p", "items": [{"sku": "MUG-1", "shop_id": erp.shops["shopee-th"], **row}]}
    assert field in _names(await erp.post("/v1/prices", body))
    await _nothing_started(erp, db)


async def test_more_than_5000_rows_are_refused_before_anything_is_read(erp: Erp, db: AsyncSession) -> None:
    rows = [{"sku": "MUG-1", "quantity": 1, "shop_id": erp.shops["shopee-th"]}] * 5001
    assert _names(await erp.post("/v1/inventory", {"request_id": "big", "items": rows})) == ["items"]
    await _nothing_started(erp, db)


async def test_a_strategy_with_an_unparsable_schedule_is_refused(erp: Erp, db: AsyncSession) -> None:
    body = {"name": "Nightly", "kind": "inventory_sync", "shop_ids": [erp.shops["shopee-th"]],
            "config": {"share_pct": "50"}, "schedule": "every night at 2"}  # fmt: skip
    assert _names(await erp.post("/v1/strategies", body)) == ["schedule"]
    listed = await erp.client.get("/v1/strategies", headers=erp.headers)
    assert listed.json()["items"] == []
    await _nothing_started(erp, db)
