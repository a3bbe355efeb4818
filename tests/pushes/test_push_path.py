"""ERP pushes through the whole path: API -> task -> plan job -> push job -> platform client -> sandbox -> read-back
-> events and traces, with the worker and the sandbox as real processes."""

from __future__ import annotations

import uuid
from typing import Any

from tests.pushes.conftest import PushWorld


def by_sku(actions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["sku"]: a for a in actions}


async def test_stock_pushed_to_three_platforms_is_applied_once_each(world: PushWorld) -> None:
    tenant = await world.tenant(["tiktok-us", "shopee-my", "lazada-my"])
    rows = []
    for shop_key, sku in (("tiktok-us", "TTS-US-00101"), ("shopee-my", "SHP-MY-00101"), ("lazada-my", "LZD-MY-00101")):
        await world.bind(tenant, shop_key, [sku])
        rows.append({"sku": sku, "quantity": 37, "shop_id": str(tenant.shops[shop_key])})
    request_id = f"erp-{uuid.uuid4().hex[:8]}"
    answer = await world.client.post(
        "/v1/inventory", json={"request_id": request_id, "items": rows}, headers=tenant.headers
    )
    assert answer.status_code == 202, answer.text
    (task_id,) = answer.json()["task_ids"]

    await world.wait_actions(
        tenant,
        task_id,
        lambda xs: len(xs) == 3 and all(a["status"] in ("awaiting_confirmation", "applied") for a in xs),
    )
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})  # past the platforms' confirmation delay
    task = await world.wait_task(tenant, task_id, until={"succeeded", "failed", "partially_failed"})
    assert task["status"] == "succeeded", task
    assert task["counts"]["applied"] == 3

    for shop_key, sku in (("tiktok-us", "TTS-US-00101"), ("shopee-my", "SHP-MY-00101"), ("lazada-my", "LZD-MY-00101")):
        ledger = (await world.sandbox.get("/_sandbox/ledger", params={"shop": shop_key, "sku": sku})).json()["entries"]
        assert [e["values"].get("stock") for e in ledger] == [37], (shop_key, ledger)

    again = await world.client.post(
        "/v1/inventory", json={"request_id": request_id, "items": rows}, headers=tenant.headers
    )
    assert again.status_code == 202
    assert again.json() == answer.json()  # the same request_id starts nothing


async def test_an_unbound_sku_is_a_mapping_failure_and_is_not_pushed(world: PushWorld) -> None:
    tenant = await world.tenant(["lazada-my"])
    await world.client.post("/v1/skus", json={"items": [{"sku": "LZD-MY-00102", "title": "x"}]}, headers=tenant.headers)
    body = {
        "request_id": "r1",
        "items": [{"sku": "LZD-MY-00102", "quantity": 5, "shop_id": str(tenant.shops["lazada-my"])}],
    }
    answer = await world.client.post("/v1/inventory", json=body, headers=tenant.headers)
    (task_id,) = answer.json()["task_ids"]
    task = await world.wait_task(tenant, task_id, until={"failed"})
    assert task["counts"]["failed"] == 1
    groups = await world.groups(tenant)
    assert [(g["error_type"], g["sku"]) for g in groups] == [("SKU_MAPPING_FAILED", "LZD-MY-00102")]
    ledger = (await world.sandbox.get("/_sandbox/ledger", params={"shop": "lazada-my", "sku": "LZD-MY-00102"})).json()
    assert ledger["count"] == 0


async def test_an_accepted_price_waits_for_the_platform_then_applies_and_the_warning_resolves(world: PushWorld) -> None:
    tenant = await world.tenant(["amazon-ca"])
    sku = "AMZ-CA-00103"
    await world.bind(tenant, "amazon-ca", [sku])
    row = {"sku": sku, "price": "31.50", "currency": "CAD", "shop_id": str(tenant.shops["amazon-ca"])}
    answer = await world.client.post("/v1/prices", json={"request_id": "p1", "items": [row]}, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    (task_id,) = answer.json()["task_ids"]

    await world.wait_actions(tenant, task_id, lambda xs: xs and xs[0]["status"] == "awaiting_confirmation")
    delayed = await _wait_group(world, tenant, "PLATFORM_STATE_DELAYED", status="open")
    assert delayed["severity"] == "warning"

    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})
    task = await world.wait_task(tenant, task_id, until={"succeeded", "failed"})
    assert task["status"] == "succeeded"
    resolved = await _wait_group(world, tenant, "PLATFORM_STATE_DELAYED", status="handled")
    assert resolved["resolution"] == "auto_resolved"
    trace = await world.client.get(
        f"/v1/traces/{by_sku((await world.client.get(f'/v1/tasks/{task_id}/actions', headers=tenant.headers)).json()['items'])[sku]['last_trace_id']}",
        headers=tenant.headers,
    )
    assert trace.status_code == 200, trace.text


async def test_stock_to_zero_waits_for_approval_and_is_sent_once_approved(world: PushWorld) -> None:
    tenant = await world.tenant(["lazada-my"])
    skus = ["LZD-MY-00104", "LZD-MY-00105"]
    await world.bind(tenant, "lazada-my", skus)
    shop = str(tenant.shops["lazada-my"])
    body = {
        "request_id": "z1",
        "items": [{"sku": skus[0], "quantity": 0, "shop_id": shop}, {"sku": skus[1], "quantity": 0, "shop_id": shop}],
    }
    (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]
    await world.wait_actions(
        tenant, task_id, lambda xs: len(xs) == 2 and all(a["status"] == "awaiting_approval" for a in xs)
    )
    assert {g["error_type"] for g in await world.groups(tenant, severity="warning")} == {"APPROVAL_PENDING"}

    pending = (await world.client.get("/v1/approvals", params={"status": "pending"}, headers=tenant.headers)).json()[
        "items"
    ]
    decisions = {a["sku"]: a["id"] for a in pending}
    ok = await world.client.post(
        f"/v1/approvals/{decisions[skus[0]]}/approve", json={"note": "clearance"}, headers=tenant.headers
    )
    assert ok.status_code == 200, ok.text
    no = await world.client.post(
        f"/v1/approvals/{decisions[skus[1]]}/reject", json={"note": "keep selling"}, headers=tenant.headers
    )
    assert no.status_code == 200, no.text
    twice = await world.client.post(f"/v1/approvals/{decisions[skus[1]]}/approve", json={}, headers=tenant.headers)
    assert twice.status_code == 409

    await world.wait_actions(
        tenant,
        task_id,
        lambda xs: len(xs) == 2 and all(a["status"] in ("awaiting_confirmation", "applied", "rejected") for a in xs),
    )
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})
    task = await world.wait_task(tenant, task_id, until={"partially_failed", "succeeded", "failed"})
    assert (task["counts"]["applied"], task["counts"]["rejected"]) == (1, 1)
    ledger = (await world.sandbox.get("/_sandbox/ledger", params={"shop": "lazada-my", "sku": skus[1]})).json()
    assert ledger["count"] == 0  # the rejected one never left


async def _wait_group(
    world: PushWorld, tenant: Any, error_type: str, *, status: str, seconds: float = 60
) -> dict[str, Any]:
    import asyncio
    import time

    deadline = time.monotonic() + seconds
    while True:
        for group in await world.groups(tenant, status=status, severity="warning"):
            if group["error_type"] == error_type:
                return group
        if time.monotonic() > deadline:
            raise AssertionError(f"no {status} {error_type} group")
        await asyncio.sleep(0.3)
