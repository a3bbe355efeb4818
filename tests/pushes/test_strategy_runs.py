"""Strategy runs through the whole path (worker and sandbox as processes): each kind's values as its config computes
them from the ERP base values, runs started by an ERP base-value update, SKUs without a base value skipped and
counted, and two strategies that disagree pushing neither value."""

from __future__ import annotations

from typing import Any

from tests.pushes.conftest import PushWorld, Tenant

DONE = {"succeeded", "failed", "partially_failed"}


async def _strategy(world: PushWorld, tenant: Tenant, **body: Any) -> str:
    created = await world.client.post("/v1/strategies", json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _run(world: PushWorld, tenant: Tenant, strategy_id: str) -> str:
    started = await world.client.post(f"/v1/strategies/{strategy_id}/run", headers=tenant.headers)
    assert started.status_code == 202, started.text
    return str(started.json()["task_id"])


async def _applied(world: PushWorld, tenant: Tenant, task_id: str) -> dict[str, Any]:
    """Wait for the push to be accepted, let the platform apply it, and wait for the task's outcome."""
    await world.wait_actions(
        tenant, task_id, lambda xs: xs and all(a["status"] not in ("pending", "sending") for a in xs)
    )
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})
    return await world.wait_task(tenant, task_id, until=DONE)


async def _ledger(world: PushWorld, shop: str, sku: str, key: str) -> list[Any]:
    entries = (await world.sandbox.get("/_sandbox/ledger", params={"shop": shop, "sku": sku})).json()["entries"]
    return [e["values"].get(key) for e in entries if key in e["values"]]


async def test_price_adjust_marks_up_and_rounds_the_base_price_and_skips_skus_without_one(world: PushWorld) -> None:
    tenant = await world.tenant(["amazon-ca"])
    skus = ["AMZ-CA-00201", "AMZ-CA-00202", "AMZ-CA-00203"]
    await world.bind(tenant, "amazon-ca", skus)
    base = {"request_id": "base-1", "items": [
        {"sku": "AMZ-CA-00201", "price": "20.00", "currency": "CAD"},
        {"sku": "AMZ-CA-00202", "price": "35.50", "currency": "CAD"},
    ]}  # fmt: skip
    answer = await world.client.post("/v1/prices", json=base, headers=tenant.headers)
    assert answer.json() == {"task_ids": [], "accepted": 2}  # no strategy yet: base values only
    strategy_id = await _strategy(
        world, tenant, name="CA charm prices", kind="price_adjust", shop_ids=[str(tenant.shops["amazon-ca"])],
        sku_filter={"prefix": "AMZ-CA-002"}, config={"markup_pct": "10", "round_to": "0.99"},
    )  # fmt: skip

    task_id = await _run(world, tenant, strategy_id)
    task = await _applied(world, tenant, task_id)

    assert task["status"] == "succeeded", task
    assert task["counts"]["applied"] == 2
    assert task["summary"]["skipped_no_base_value"] == 1  # AMZ-CA-00203: skipped and counted, not an error
    assert task["config_snapshot"]["config"]["markup_pct"] == "10"
    # The next .99 at or above the marked-up price: 20.00 * 1.1 = 22.00 -> 22.99; 35.50 * 1.1 = 39.05 -> 39.99.
    assert await _ledger(world, "amazon-ca", "AMZ-CA-00201", "price") == ["22.99"]
    assert await _ledger(world, "amazon-ca", "AMZ-CA-00202", "price") == ["39.99"]
    assert await _ledger(world, "amazon-ca", "AMZ-CA-00203", "price") == []
    assert await world.groups(tenant) == []


async def test_an_erp_stock_update_runs_the_inventory_strategy_over_its_shops(world: PushWorld) -> None:
    tenant = await world.tenant(["shopee-my", "lazada-my"])
    await world.bind(tenant, "shopee-my", ["SHP-MY-00201"])
    await world.bind(tenant, "lazada-my", ["LZD-MY-00201"])
    strategy_id = await _strategy(
        world, tenant, name="Half of the warehouse", kind="inventory_sync",
        shop_ids=[str(tenant.shops["shopee-my"]), str(tenant.shops["lazada-my"])],
        config={"share_pct": "50", "safety_stock": 4},
    )  # fmt: skip

    body = {"request_id": "wms-1", "items": [{"sku": "SHP-MY-00201", "quantity": 25},
                                             {"sku": "LZD-MY-00201", "quantity": 3}]}  # fmt: skip
    answer = await world.client.post("/v1/inventory", json=body, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    (task_id,) = answer.json()["task_ids"]
    await world.wait_actions(
        tenant, task_id, lambda xs: len(xs) == 4 and all(a["status"] not in ("pending", "sending") for a in xs)
    )
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})
    await world.wait_actions(tenant, task_id, lambda xs: any(a["status"] == "applied" for a in xs))

    task = (await world.client.get(f"/v1/tasks/{task_id}", headers=tenant.headers)).json()
    assert (task["strategy_id"], task["source"], task["status"]) == (strategy_id, "strategy", "running")
    # floor((25 - 4) * 50 / 100) = 10; each SKU is bound in one shop only, the other pair has no binding.
    assert await _ledger(world, "shopee-my", "SHP-MY-00201", "stock") == [10]
    # floor((3 - 4) * 0.5) is below 0: 0, a stock-to-zero that waits for approval under the default policy.
    actions = (await world.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
    statuses = {(a["sku"], a["shop_id"]): (a["status"], a["error_type"]) for a in actions}
    assert statuses[("LZD-MY-00201", str(tenant.shops["lazada-my"]))] == ("awaiting_approval", None)
    assert statuses[("SHP-MY-00201", str(tenant.shops["lazada-my"]))] == ("failed", "SKU_MAPPING_FAILED")
    assert await _ledger(world, "lazada-my", "LZD-MY-00201", "stock") == []


async def test_two_strategies_that_disagree_push_neither_value(world: PushWorld) -> None:
    tenant = await world.tenant(["amazon-ca"])
    sku = "AMZ-CA-00204"
    await world.bind(tenant, "amazon-ca", [sku])
    base = {"request_id": "base-2", "items": [{"sku": sku, "price": "50.00", "currency": "CAD"}]}
    await world.client.post("/v1/prices", json=base, headers=tenant.headers)
    shop = [str(tenant.shops["amazon-ca"])]
    first = await _strategy(world, tenant, name="Marketplace +10%", kind="price_adjust", shop_ids=shop,
                            config={"markup_pct": "10"})  # fmt: skip
    await _strategy(world, tenant, name="Clearance +20%", kind="price_adjust", shop_ids=shop,
                    sku_filter={"skus": [sku]}, config={"markup_pct": "20"})  # fmt: skip

    task = await world.wait_task(tenant, await _run(world, tenant, first), until=DONE)

    assert task["status"] == "failed"
    (group,) = await world.groups(tenant)
    assert group["error_type"] == "PRICE_STRATEGY_CONFLICT"
    detail = (await world.client.get(f"/v1/errors/{group['id']}/events", headers=tenant.headers)).json()["items"]
    message = detail[0]["platform_error_message"]
    assert "Marketplace +10%" in message and "Clearance +20%" in message
    assert "55.00" in message and "60.00" in message
    assert await _ledger(world, "amazon-ca", sku, "price") == []


async def test_listing_publish_creates_the_listing_from_the_draft_and_names_missing_attributes(
    world: PushWorld,
) -> None:
    tenant = await world.tenant(["amazon-ca"])
    shop = tenant.shops["amazon-ca"]
    drafts = {
        "NEW-CA-KETTLE": {"title": "Stainless kettle 1.7 L", "category_id": "KITCHEN", "brand": "Openclaw Home",
                          "images": [{"url": "https://images.example.com/kettle.jpg", "width": 1600, "height": 1600}]},
        "NEW-CA-POWERBANK": {"title": "Power bank 10000 mAh", "category_id": "BATTERY",
                             "attributes": {"item_weight": [{"value": 0.2}]}},
    }  # fmt: skip
    created = await world.client.post(
        "/v1/skus",
        json={"items": [{"sku": sku, "title": d["title"], "listing_draft": d} for sku, d in drafts.items()]},
        headers=tenant.headers,
    )
    assert created.status_code == 200, created.text
    bindings = {"items": [{"sku": sku, "platform_sku": sku} for sku in drafts]}
    assert (await world.client.post(f"/v1/shops/{shop}/bindings", json=bindings, headers=tenant.headers)).is_success
    prices = {"request_id": "new-p", "items": [{"sku": s, "price": "40.00", "currency": "CAD"} for s in drafts]}
    stock = {"request_id": "new-s", "items": [{"sku": s, "quantity": 12} for s in drafts]}
    await world.client.post("/v1/prices", json=prices, headers=tenant.headers)
    await world.client.post("/v1/inventory", json=stock, headers=tenant.headers)
    strategy_id = await _strategy(
        world, tenant, name="Publish new kitchen", kind="listing_publish", shop_ids=[str(shop)],
        sku_filter={"prefix": "NEW-CA-"}, config={"markup_pct": "25", "round_to": "1"},
    )  # fmt: skip

    task = await _applied(world, tenant, await _run(world, tenant, strategy_id))

    assert task["status"] == "partially_failed", task
    created_listing = (await world.sandbox.get("/_sandbox/listing", params={"shop": "amazon-ca",
                                                                             "sku": "NEW-CA-KETTLE"})).json()  # fmt: skip
    assert created_listing["title"] == "Stainless kettle 1.7 L"
    assert await _ledger(world, "amazon-ca", "NEW-CA-KETTLE", "price") == ["50"]
    (group,) = await world.groups(tenant)
    assert (group["error_type"], group["sku"]) == ("CATEGORY_COMPLIANCE_FAILED", "NEW-CA-POWERBANK")
    events = (await world.client.get(f"/v1/errors/{group['id']}/events", headers=tenant.headers)).json()["items"]
    assert {"item_weight", "battery"} <= {f for e in events for f in e["missing_fields"]}
