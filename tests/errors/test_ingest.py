from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from api.config import Settings
from api.db import create_app_engine, sessionmaker
from api.main import create_app
from tests.conftest import Seeder
from tests.errors.conftest import Board, event


async def test_events_with_one_fingerprint_become_one_group(board: Board) -> None:
    await board.ingest(
        event(board.shop_a, ago=timedelta(hours=3)),
        event(board.shop_a, ago=timedelta(hours=1), platform_error_message="latest message"),
        event(board.shop_a, ago=timedelta(hours=2)),
        event(board.shop_a, sku="SKU-2"),
        event(board.shop_b, error_type="AUTH_EXPIRED", operation="auth", platform_error_code="Unauthorized"),
    )

    groups = await board.groups()

    assert len(groups) == 3
    sku1 = next(g for g in groups if g["sku"] == "SKU-1" and g["shop_id"] == board.shop_a)
    assert sku1["count"] == 3
    assert sku1["latest_event"]["platform_error_message"] == "latest message"
    assert sku1["last_seen"] > sku1["first_seen"]
    assert sku1["shop_name"] == "Shopee MY" and sku1["platform"] == "shopee"
    assert sku1["title"] == "价格未生效" and sku1["severity"] == "error"


async def test_a_repeated_key_is_a_no_op_answering_the_first_result(board: Board) -> None:
    first = event(board.shop_a, idempotency_key="push:42:attempt")
    created = await board.ingest(first)

    again = await board.ingest({**first, "platform_error_message": "retried job"}, event(board.shop_a))

    assert created["created"] == 1
    assert again["created"] == 1 and again["duplicates"] == 1
    assert again["items"][0]["duplicate"] is True
    assert again["items"][0]["event_id"] == created["items"][0]["event_id"]
    assert (await board.groups())[0]["count"] == 2


@dataclass
class Concurrent:
    client: httpx.AsyncClient
    admin: dict[str, str]
    shop: str


@asynccontextmanager
async def concurrent_app(settings: Settings, redis: Any) -> AsyncIterator[Concurrent]:
    """Real concurrency needs real connections and commits: an app on its own engine, a tenant, an admin, a shop."""
    engine = create_app_engine(settings, pool_size=4)
    app = create_app(settings)
    app.state.engine, app.state.sessionmaker, app.state.redis = engine, sessionmaker(engine), redis
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            seeder = Seeder(app.state.sessionmaker, client)
            admin = await seeder.login(await seeder.tenant())
            shop = (
                await client.post("/v1/shops", json={"name": "S", "platform": "lazada", "market": "TH"}, headers=admin)
            ).json()["id"]
            yield Concurrent(client, admin, shop)
    finally:
        await engine.dispose()


async def test_two_concurrent_requests_with_one_key_record_one_event(settings: Settings, redis: Any) -> None:
    async with concurrent_app(settings, redis) as app:
        shared = {"events": [event(app.shop, idempotency_key="push:concurrent")]}

        responses = await asyncio.gather(
            *(app.client.post("/v1/error-events", json=shared, headers=app.admin) for _ in range(6))
        )
        groups = (await app.client.get("/v1/errors", headers=app.admin)).json()["items"]

    results = [r.json() for r in responses]
    assert sum(r["created"] for r in results) == 1
    assert len({r["items"][0]["event_id"] for r in results}) == 1
    assert [g["count"] for g in groups] == [1]


async def test_concurrent_batches_over_the_same_groups_in_opposite_orders_neither_deadlock_nor_lose_counts(
    settings: Settings, redis: Any
) -> None:
    # Each batch locks its groups in id order whatever the order of its events: two batches that name the same
    # groups in opposite orders wait for each other at most, never in a cycle.
    skus = [f"SKU-{i:02}" for i in range(40)]
    rounds = 4
    async with concurrent_app(settings, redis) as app:
        for _ in range(rounds):
            forward = [event(app.shop, sku=sku) for sku in skus]
            backward = [event(app.shop, sku=sku) for sku in reversed(skus)]
            responses = await asyncio.gather(
                *(
                    app.client.post("/v1/error-events", json={"events": b}, headers=app.admin)
                    for b in (forward, backward)
                )
            )
            assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        groups = (await app.client.get("/v1/errors", params={"limit": 200}, headers=app.admin)).json()["items"]

    assert sorted(g["sku"] for g in groups) == skus
    assert {g["count"] for g in groups} == {2 * rounds}


async def test_unknown_shop_strategy_or_a_future_time_writes_nothing(board: Board, seed: Seeder) -> None:
    good = event(board.shop_a)
    other_tenant_shop = event("00000000-0000-0000-0000-000000000001")
    future = event(board.shop_a, occurred_at=(datetime.now(UTC) + timedelta(hours=2)).isoformat())
    unknown_strategy = event(board.shop_a, strategy_id="00000000-0000-0000-0000-000000000002")

    for bad in (other_tenant_shop, future, unknown_strategy):
        response = await board.ingest(good, bad, expect=422)
        assert response["status"] == 422 and response["detail"]

    assert await board.groups() == []


async def test_an_unknown_error_type_is_a_422_naming_the_field(board: Board) -> None:
    response = await board.ingest(event(board.shop_a, error_type="SOMETHING_ELSE"), expect=422)

    assert response["invalid_params"][0]["name"] == "events.0.error_type"


async def test_more_than_1000_events_is_refused(board: Board) -> None:
    response = await board.ingest(*(event(board.shop_a) for _ in range(1001)), expect=422)

    assert "events" in response["invalid_params"][0]["name"]


async def test_severity_defaults_from_the_taxonomy(board: Board) -> None:
    await board.ingest(event(board.shop_a, error_type="MEDIA_QUALITY", operation="listing"))

    assert await board.groups(severity="error") == []
    warnings = await board.groups(severity="warning")
    assert [g["error_type"] for g in warnings] == ["MEDIA_QUALITY"]


async def test_a_handled_group_reopens_as_a_regression_when_the_error_recurs(board: Board) -> None:
    await board.ingest(event(board.shop_a, ago=timedelta(hours=2)))
    group_id = (await board.groups())[0]["id"]
    handled = await board.client.post(
        f"/v1/errors/{group_id}/handle", json={"resolution": "fixed_data", "note": "fixed price"}, headers=board.headers
    )
    assert handled.status_code == 200 and await board.groups() == []

    await board.ingest(event(board.shop_a, ago=timedelta(0)))  # after the handling

    reopened = await board.groups()
    assert [g["id"] for g in reopened] == [group_id]
    assert reopened[0]["regression_count"] == 1 and reopened[0]["count"] == 2
    assert reopened[0]["regressed_at"] is not None
    detail = (await board.client.get(f"/v1/errors/{group_id}", headers=board.headers)).json()
    assert [a["kind"] for a in detail["activity"] if a["kind"] != "occurrence"] == ["regressed", "handled"]


async def test_a_stale_failure_arriving_late_does_not_reopen_a_newer_fix(board: Board) -> None:
    await board.ingest(event(board.shop_a, ago=timedelta(hours=2)))
    group_id = (await board.groups())[0]["id"]
    await board.client.post(f"/v1/errors/{group_id}/handle", json={"resolution": "repushed"}, headers=board.headers)

    await board.ingest(event(board.shop_a, ago=timedelta(hours=1)))  # happened before the handling

    assert await board.groups() == []
    handled = await board.groups(status="handled")
    assert handled[0]["count"] == 2 and handled[0]["regression_count"] == 0 and handled[0]["regressed_at"] is None


async def test_a_later_success_resolves_the_skus_open_groups_of_that_operation(board: Board) -> None:
    await board.ingest(
        event(board.shop_a, sku="SKU-9", operation="price", ago=timedelta(hours=2)),
        event(board.shop_a, sku="SKU-9", operation="stock", error_type="INVENTORY_SYNC_FAILED", ago=timedelta(hours=2)),
        event(board.shop_a, sku="SKU-10", operation="price", ago=timedelta(hours=2)),
    )
    success = {"shop_id": board.shop_a, "sku": "SKU-9", "operation": "price"}

    stale = await board.client.post(
        "/v1/push-successes",
        json={**success, "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat()},
        headers=board.headers,
    )
    fresh = await board.client.post(
        "/v1/push-successes", json={**success, "occurred_at": datetime.now(UTC).isoformat()}, headers=board.headers
    )

    assert stale.json()["affected"] == 0
    assert fresh.json()["affected"] == 1
    open_now = {(g["sku"], g["operation"]) for g in await board.groups()}
    assert open_now == {("SKU-9", "stock"), ("SKU-10", "price")}
    resolved = (await board.groups(status="handled"))[0]
    assert resolved["resolution"] == "auto_resolved" and resolved["handled_by"] == "system"


async def test_viewers_cannot_ingest(client: httpx.AsyncClient, seed: Seeder, board: Board) -> None:
    viewer = await seed.login(board.tenant_id, "viewer")

    response = await client.post("/v1/error-events", json={"events": [event(board.shop_a)]}, headers=viewer)

    assert response.status_code == 403


async def test_missing_fields_keep_every_character(board: Board) -> None:
    names = ["item_weight.unit", "a,b", 'say "hi"', "back\\slash", "{braces}", "重量单位", ""]
    await board.ingest(event(board.shop_a, error_type="CATEGORY_COMPLIANCE_FAILED", missing_fields=names))
    group_id = (await board.groups())[0]["id"]

    events = (await board.client.get(f"/v1/errors/{group_id}/events", headers=board.headers)).json()["items"]

    assert events[0]["missing_fields"] == names
