"""Catalog sync through the whole path: API -> task -> worker -> the platform's listing API in the sandbox ->
SKUs, bindings and the board. The default scenario's Shopee MY shop has refused listings (BANNED, SHOPEE_DELETE)
and one seller SKU on two items (sandbox/README.md)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.pushes.conftest import PushWorld, Tenant

SHOP = "shopee-my"
REFUSED = {"SHP-MY-00101", "SHP-MY-00102", "SHP-MY-00103"}
DUPLICATE = "SHP-MY-00005"


async def _sync(world: PushWorld, tenant: Tenant) -> dict[str, Any]:
    started = await world.client.post(f"/v1/shops/{tenant.shops[SHOP]}/catalog-sync", headers=tenant.headers)
    assert started.status_code == 202, started.text
    task = await world.wait_task(tenant, started.json()["task_id"], until={"succeeded", "failed"}, seconds=120)
    assert task["status"] == "succeeded", task
    assert task["operation"] == "catalog_sync"
    return dict(task["summary"])


async def _open_rejections(world: PushWorld, tenant: Tenant) -> dict[str, dict[str, Any]]:
    groups = await world.groups(tenant, error_type="LISTING_REJECTED", status="open")
    return {g["sku"]: g for g in groups}


async def test_a_sync_binds_every_listing_puts_refused_ones_on_the_board_and_clears_them_later(
    world: PushWorld,
) -> None:
    tenant = await world.tenant([SHOP])
    # A binding set by hand before the first sync stays as the user set it.
    await world.client.post(
        "/v1/skus", json={"items": [{"sku": "SHP-MY-00010", "title": "ours"}]}, headers=tenant.headers
    )
    hand_set = {"items": [{"sku": "SHP-MY-00010", "platform_sku": "SHP-MY-00010", "platform_item_id": "42"}]}
    bound = await world.client.post(f"/v1/shops/{tenant.shops[SHOP]}/bindings", json=hand_set, headers=tenant.headers)
    assert bound.status_code == 200, bound.text

    first = await _sync(world, tenant)

    assert first["conflicts"] == 1 and first["conflict_skus"] == [DUPLICATE]
    assert first["rejected"] == len(REFUSED)
    # Every listing with a seller SKU is bound but the two that share one, and the one a user bound by hand.
    assert first["skus_bound"] == first["listings_read"] - 2 - 1 - first["without_seller_sku"]
    catalog = await world.client.get(
        "/v1/skus", params={"shop_id": str(tenant.shops[SHOP]), "limit": "200"}, headers=tenant.headers
    )
    bindings = {s["sku"]: s["bindings"] for s in catalog.json()["items"]}
    assert bindings["SHP-MY-00010"][0]["bound_by"] == "user"
    assert bindings["SHP-MY-00010"][0]["platform_item_id"] == "42"
    assert bindings["SHP-MY-00001"][0]["bound_by"] == "sync"
    assert DUPLICATE not in bindings or not bindings[DUPLICATE]

    rejected = await _open_rejections(world, tenant)
    assert set(rejected) == REFUSED
    assert all(g["latest_event"]["platform_error_message"] for g in rejected.values())
    duplicate = await world.groups(tenant, error_type="SKU_MAPPING_FAILED", status="open")
    assert [g["sku"] for g in duplicate] == [DUPLICATE]

    # The seller fixes one listing on the platform: the next sync sees it cleared and the board follows.
    cleared = await world.sandbox.put(f"/_sandbox/shops/{SHOP}/listings/SHP-MY-00101/state", json={"status": None})
    assert cleared.status_code == 200, cleared.text
    second = await _sync(world, tenant)
    assert (second["rejected"], second["resolved"]) == (len(REFUSED) - 1, 1)
    deadline = time.monotonic() + 10
    while set(await _open_rejections(world, tenant)) != REFUSED - {"SHP-MY-00101"}:
        assert time.monotonic() < deadline, await _open_rejections(world, tenant)
        await asyncio.sleep(0.3)
