"""GET /v1/traces: the system-log search, its filters, its cursor and its problems."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Seeder
from tests.traces.conftest import NOW, TraceData, exchange
from workers.platforms.base import Operation, Platform


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await client.get("/v1/traces", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["trace_id"] for item in response.json()["items"]]


async def test_each_filter_alone_and_combined_finds_exactly_its_traces(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    viewer = await seed.login(tenant_id, "viewer")
    data = TraceData(sessions, tenant_id)
    amazon_shop, shopee_shop = await data.shop("Amazon US"), await data.shop("Shopee MY", "shopee", "MY")
    task_1, task_2 = uuid.uuid4(), uuid.uuid4()
    amazon_ok = exchange(shop_id=amazon_shop, started_at=NOW - timedelta(minutes=1))
    amazon_stock_error = exchange(
        shop_id=amazon_shop, operation=Operation.stock, status=400, started_at=NOW - timedelta(minutes=2)
    )
    shopee_lost = exchange(
        shop_id=shopee_shop,
        platform=Platform.shopee,
        status=None,
        transport_error="ReadTimeout",
        started_at=NOW - timedelta(minutes=3),
    )
    shopee_old = exchange(shop_id=shopee_shop, platform=Platform.shopee, started_at=NOW - timedelta(hours=30))
    await data.traces([amazon_ok, amazon_stock_error], task_id=task_1)
    await data.traces([shopee_lost, shopee_old], task_id=task_2)
    ids = {
        "amazon_ok": amazon_ok.trace_id,
        "amazon_stock_error": amazon_stock_error.trace_id,
        "shopee_lost": shopee_lost.trace_id,
        "shopee_old": shopee_old.trace_id,
    }
    name = {v: k for k, v in ids.items()}

    async def found(**params: Any) -> list[str]:
        return [name[i] for i in await _ids(client, viewer, **params)]

    # Default window: the last 24 hours, newest first.
    assert await found() == ["amazon_ok", "amazon_stock_error", "shopee_lost"]
    assert await found(task_id=str(task_1)) == ["amazon_ok", "amazon_stock_error"]
    assert await found(shop_id=str(shopee_shop)) == ["shopee_lost"]
    assert await found(platform="shopee") == ["shopee_lost"]
    assert await found(outcome="ok") == ["amazon_ok"]
    assert await found(outcome="error") == ["amazon_stock_error"]
    assert await found(outcome="transport_error") == ["shopee_lost"]
    assert await found(operation="stock") == ["amazon_stock_error"]
    since = (NOW - timedelta(hours=31)).isoformat()
    until = (NOW - timedelta(minutes=2, seconds=30)).isoformat()
    assert await found(since=since, until=until) == ["shopee_lost", "shopee_old"]
    assert await found(since=since, platform="shopee", outcome="ok") == ["shopee_old"]
    assert await found(task_id=str(task_1), operation="price", outcome="ok", shop_id=str(amazon_shop)) == ["amazon_ok"]
    assert await found(task_id=str(task_1), platform="shopee") == []


async def test_list_items_are_summaries_with_shop_names_and_no_bodies(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    data = TraceData(sessions, tenant_id)
    shop_id = await data.shop("Amazon JP", market="JP")
    await data.traces([exchange(shop_id=shop_id, status=400)])

    item = (await client.get("/v1/traces", headers=admin)).json()["items"][0]

    assert item["shop_name"] == "Amazon JP" and item["outcome"] == "error" and item["response_status"] == 400
    assert not {"request_headers", "request_body", "response_headers", "response_body"} & item.keys()


async def test_pages_neither_repeat_nor_skip_while_new_traces_arrive(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    data = TraceData(sessions, tenant_id)
    same_second = NOW - timedelta(minutes=10)
    # Two share a timestamp, so the page boundary falls inside equal started_at values.
    original = [exchange(started_at=same_second - timedelta(minutes=i // 2)) for i in range(7)]
    await data.traces(original)

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/traces", params=params, headers=admin)).json()
        seen += [item["trace_id"] for item in page["items"]]
        pages += 1
        # New traffic between pages: newer calls, and one at exactly the boundary's timestamp.
        await data.traces([exchange(started_at=NOW - timedelta(seconds=pages)), exchange(started_at=same_second)])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 4
    assert sorted(seen) == sorted(e.trace_id for e in original) and len(seen) == len(set(seen))


async def test_limit_bounds_the_page_and_the_last_page_has_no_cursor(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    await TraceData(sessions, tenant_id).traces([exchange() for _ in range(3)])

    exact = (await client.get("/v1/traces", params={"limit": 3}, headers=admin)).json()
    short = (await client.get("/v1/traces", params={"limit": 2}, headers=admin)).json()

    assert len(exact["items"]) == 3 and exact["next_cursor"] is None
    assert len(short["items"]) == 2 and short["next_cursor"]


@pytest.mark.parametrize(
    ("params", "bad_field"),
    [
        ({"since": (NOW - timedelta(hours=1)).isoformat(), "until": (NOW - timedelta(hours=2)).isoformat()}, ""),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"outcome": "failed"}, "outcome"),
        ({"platform": "ebay"}, "platform"),
        ({"since": "2026-11-25T08:00:00"}, ""),
        ({"task_id": "not-a-uuid"}, "task_id"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b'{"a": 1}').decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b'["2026-11-25T08:00:00", 5]').decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b'["2026-11-25T08:00:00+00:00", "5"]').decode()}, "cursor"),
    ],
)
async def test_bad_search_input_is_a_422_problem(
    client: httpx.AsyncClient, seed: Seeder, params: dict[str, Any], bad_field: str
) -> None:
    admin = await seed.login(await seed.tenant())

    response = await client.get("/v1/traces", params=params, headers=admin)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed" and problem["invalid_params"]
    if bad_field:
        assert bad_field in {p["name"] for p in problem["invalid_params"]}


async def test_another_tenant_lists_none_of_the_first_tenants_traces(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    data_a = TraceData(sessions, tenant_a)
    shop_a = await data_a.shop()
    await data_a.traces([exchange(shop_id=shop_a) for _ in range(3)])
    admin_a, admin_b = await seed.login(tenant_a), await seed.login(tenant_b)

    own = await client.get("/v1/traces", headers=admin_a)
    other = await client.get("/v1/traces", params={"shop_id": str(shop_a)}, headers=admin_b)
    other_all = await client.get("/v1/traces", headers=admin_b)

    assert len(own.json()["items"]) == 3
    assert other.json() == {"items": [], "next_cursor": None}
    assert other_all.json() == {"items": [], "next_cursor": None}
