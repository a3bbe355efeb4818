"""The default scenario's failure paths on each platform, pushed through the whole path (worker and sandbox as
processes), each to its taxonomy type with a trace holding the sandbox's own request and response."""

from __future__ import annotations

import uuid
from typing import Any

from tests.pushes.conftest import PushWorld, Tenant

# (sandbox shop, SKU, what is pushed, the type it must end as); the scenario's faults are in
# sandbox/default_scenario.py.
STOCK_CASES = [
    ("amazon-us", "AMZ-US-00799", 5, "SKU_MAPPING_FAILED"),  # bound here, unknown to Amazon
    ("tiktok-us", "TTS-US-00600", 5, "SKU_MAPPING_FAILED"),
    ("shopee-my", "SHP-MY-00500", 5, "SKU_MAPPING_FAILED"),
    ("lazada-my", "LZD-MY-00500", 5, "SKU_MAPPING_FAILED"),
    ("shopee-my", "SHP-MY-00001", 5, "INVENTORY_SYNC_FAILED"),  # 20 units held for open orders
    ("shopee-ph", "SHP-PH-00001", 5, "AUTH_SCOPE_MISSING"),  # the app may not write stock there
]
UNKNOWN = {sku for _, sku, _, _ in STOCK_CASES[:4]}


async def _bind_unknown(world: PushWorld, tenant: Tenant, shop: str, sku: str) -> None:
    """Bound on our side with ids the platform does not know (deleted there)."""
    await world.client.post("/v1/skus", json={"items": [{"sku": sku, "title": sku}]}, headers=tenant.headers)
    item = {"sku": sku, "platform_sku": sku, "platform_item_id": f"9{uuid.uuid4().int % 10**9}",
            "platform_variant_id": f"8{uuid.uuid4().int % 10**9}"}  # fmt: skip
    if shop.startswith("amazon"):
        item["extra"] = {"product_type": "LUGGAGE"}
    response = await world.client.post(
        f"/v1/shops/{tenant.shops[shop]}/bindings", json={"items": [item]}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text


async def test_each_platforms_failures_end_as_their_type_with_the_sandboxs_exchange(world: PushWorld) -> None:
    shops = sorted({shop for shop, *_ in STOCK_CASES})
    tenant = await world.tenant(shops)
    for shop, sku, _, _ in STOCK_CASES:
        if sku in UNKNOWN:
            await _bind_unknown(world, tenant, shop, sku)
        else:
            await world.bind(tenant, shop, [sku])
    rows = [{"sku": sku, "quantity": qty, "shop_id": str(tenant.shops[shop])} for shop, sku, qty, _ in STOCK_CASES]
    answer = await world.client.post(
        "/v1/inventory", json={"request_id": "paths", "items": rows}, headers=tenant.headers
    )
    (task_id,) = answer.json()["task_ids"]

    task = await world.wait_task(tenant, task_id, until={"failed", "partially_failed", "succeeded"}, seconds=90)

    assert task["status"] == "failed", task
    actions = (await world.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
    shop_key = {str(v): k for k, v in tenant.shops.items()}
    got = {(shop_key[a["shop_id"]], a["sku"]): a for a in actions}
    for shop, sku, _, expected in STOCK_CASES:
        action = got[(shop, sku)]
        assert (action["status"], action["error_type"]) == ("failed", expected), (shop, sku, action)
        trace = await _trace(world, tenant, action["last_trace_id"])
        attempt = trace["attempts"][-1]
        assert attempt["url"].startswith(world.sandbox.base_url.__str__().rstrip("/")), attempt["url"]
        assert attempt["response_body"], (shop, sku)  # the sandbox's own answer, as received (redacted)
    groups = await world.groups(tenant)
    assert {(g["error_type"], g["sku"]) for g in groups} == {(t, sku) for _, sku, _, t in STOCK_CASES}
    ledger = (await world.sandbox.get("/_sandbox/ledger")).json()["entries"]
    assert not [e for e in ledger if (e["shop_id"], e["sku"]) in {(s, k) for s, k, _, _ in STOCK_CASES}]


async def _trace(world: PushWorld, tenant: Tenant, trace_id: str | None) -> dict[str, Any]:
    assert trace_id, "the failure names its trace"
    response = await world.client.get(f"/v1/traces/{trace_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
