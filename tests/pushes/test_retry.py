"""Retry from the board (POST /v1/errors/{group_id}/retry) through the whole path, with the worker and the sandbox
as real processes: a dry run shows what would be sent and sends nothing; a retry re-pushes under a new key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox.default_scenario import SHOPS
from tests.pushes.conftest import PushWorld, Tenant

SHOP, SKU = "tiktok-us", "TTS-US-00020"  # the scenario holds 30 of its units for a campaign
DEFAULT_FAULTS = next(faults for shop_id, *_, faults in SHOPS if shop_id == SHOP)


@pytest.fixture
async def refused_stock(world: PushWorld) -> AsyncIterator[tuple[Tenant, dict[str, Any], str]]:
    """A stock push below the reserved units, refused by TikTok: its group and its failed action's id."""
    tenant = await world.tenant([SHOP])
    await world.bind(tenant, SHOP, [SKU])
    body = {"request_id": "low", "items": [{"sku": SKU, "quantity": 10, "shop_id": str(tenant.shops[SHOP])}]}
    (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]
    task = await world.wait_task(tenant, task_id, until={"failed", "succeeded", "partially_failed"})
    assert task["status"] == "failed", task
    (action,) = (await world.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
    (group,) = await world.groups(tenant)
    assert group["error_type"] == "INVENTORY_SYNC_FAILED"
    try:
        yield tenant, group, action["id"]
    finally:
        await world.sandbox.put(f"/_sandbox/shops/{SHOP}/faults", json=DEFAULT_FAULTS)


async def _stock_writes(world: PushWorld) -> list[Any]:
    entries = (await world.sandbox.get("/_sandbox/ledger", params={"shop": SHOP, "sku": SKU})).json()["entries"]
    return [e["values"].get("stock") for e in entries]


async def test_a_dry_run_shows_what_would_be_sent_and_sends_nothing(
    world: PushWorld, refused_stock: tuple[Tenant, dict[str, Any], str]
) -> None:
    tenant, group, action_id = refused_stock
    written = await _stock_writes(world)

    preview = await world.client.post(f"/v1/errors/{group['id']}/retry", json={"dry_run": True}, headers=tenant.headers)
    assert preview.status_code == 202, preview.text
    assert preview.json() | {"shop_id": None} == {
        "dry_run": True, "task_id": None, "shop_id": None, "sku": SKU, "operation": "stock",
        "value": {"quantity": 10},
        "binding": {"platform_sku": SKU, "platform_item_id": preview.json()["binding"]["platform_item_id"],
                    "platform_variant_id": preview.json()["binding"]["platform_variant_id"]},
        "idempotency_key": f"retry:{action_id}:1",
    }  # fmt: skip
    assert preview.json()["shop_id"] == str(tenant.shops[SHOP])
    manual = (await world.client.get("/v1/tasks", params={"source": "manual"}, headers=tenant.headers)).json()
    assert manual["items"] == []
    assert await _stock_writes(world) == written


async def test_a_retry_repushes_under_a_new_key_and_a_second_one_waits_for_it(
    world: PushWorld, refused_stock: tuple[Tenant, dict[str, Any], str]
) -> None:
    tenant, group, action_id = refused_stock
    # The campaign ends: the units are free again.
    released = {**DEFAULT_FAULTS, "reserved_stock": {}}
    assert (await world.sandbox.put(f"/_sandbox/shops/{SHOP}/faults", json=released)).status_code == 200

    retry = await world.client.post(f"/v1/errors/{group['id']}/retry", json={}, headers=tenant.headers)
    assert retry.status_code == 202, retry.text
    task_id = retry.json()["task_id"]
    assert retry.json()["idempotency_key"] == f"retry:{action_id}:1"
    again = await world.client.post(f"/v1/errors/{group['id']}/retry", json={}, headers=tenant.headers)
    assert again.status_code == 409, again.text
    assert task_id in again.json()["detail"]

    await world.wait_actions(tenant, task_id, lambda xs: xs and xs[0]["status"] == "awaiting_confirmation")
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})
    task = await world.wait_task(tenant, task_id, until={"succeeded", "failed"})
    assert task["status"] == "succeeded", task
    assert task["source"] == "manual"
    assert await _stock_writes(world) == [10]  # the refused push wrote nothing; the retry wrote once

    resolved = (await world.client.get(f"/v1/errors/{group['id']}", headers=tenant.headers)).json()
    assert (resolved["status"], resolved["resolution"]) == ("handled", "auto_resolved")
    following = await world.client.post(
        f"/v1/errors/{group['id']}/retry", json={"dry_run": True}, headers=tenant.headers
    )
    assert following.status_code == 409  # the retry applied: the group is resolved, nothing is left to re-push
    assert "resolved" in following.json()["detail"]


async def test_groups_openclaw_did_not_push_are_not_retried(world: PushWorld) -> None:
    tenant = await world.tenant([SHOP])
    reported = {
        "idempotency_key": "erp-1", "occurred_at": datetime.now(UTC).isoformat(), "shop_id": str(tenant.shops[SHOP]),
        "error_type": "INVENTORY_SYNC_FAILED", "operation": "stock", "sku": "ERP-ONLY-1",
    }  # fmt: skip
    ingest = await world.client.post("/v1/error-events", json={"events": [reported]}, headers=tenant.headers)
    assert ingest.status_code in (200, 202), ingest.text
    (group,) = await world.groups(tenant)

    refused = await world.client.post(f"/v1/errors/{group['id']}/retry", json={}, headers=tenant.headers)
    assert refused.status_code == 409
    assert "another system" in refused.json()["detail"]
    unknown = await world.client.post(
        "/v1/errors/00000000-0000-4000-8000-000000000000/retry", json={}, headers=tenant.headers
    )
    assert unknown.status_code == 404
