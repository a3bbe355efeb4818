"""The SKU page's price tracing, from values that went the whole way: ERP request -> task -> worker -> sandbox ->
read-back. Each shop's value traces back to the task (and ERP request) that set it; the spread across shops in the
tenant's reporting currency is flagged past its limit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.pushes.conftest import PushWorld, Tenant

# One SKU of ours, sold in three shops under each shop's own seller SKU.
OURS = "MUG-TRACE-1"
SHOPS = {
    "amazon-ca": ("AMZ-CA-00111", "CAD"),
    "shopee-my": ("SHP-MY-00111", "MYR"),
    "tiktok-us": ("TTS-US-00111", "USD"),
}


async def _bind_one_sku_in_three_shops(world: PushWorld, tenant: Tenant) -> dict[str, Decimal]:
    await world.client.post("/v1/skus", json={"items": [{"sku": OURS, "title": "Trace mug"}]}, headers=tenant.headers)
    prices = {}
    for shop_key, (platform_sku, _) in SHOPS.items():
        found = (await world.sandbox.get("/_sandbox/listing", params={"shop": shop_key, "sku": platform_sku})).json()
        extra = {"product_type": found["category"]} if shop_key.startswith("amazon") else {}
        binding = {"sku": OURS, "platform_sku": platform_sku, "platform_item_id": found["item_id"],
                   "platform_variant_id": found["variant_id"], "extra": extra}  # fmt: skip
        bound = await world.client.post(
            f"/v1/shops/{tenant.shops[shop_key]}/bindings", json={"items": [binding]}, headers=tenant.headers
        )
        assert bound.status_code == 200, bound.text
        prices[shop_key] = Decimal(str(found["price"]))
    return prices


async def test_each_shops_price_traces_to_the_erp_request_that_set_it_and_a_wide_spread_is_flagged(
    world: PushWorld,
) -> None:
    tenant = await world.tenant(list(SHOPS))
    listed = await _bind_one_sku_in_three_shops(world, tenant)
    # The same price in each shop's currency: after FX, the USD shop is far above the others.
    rows = [
        {"sku": OURS, "price": str(listed[key]), "currency": currency, "shop_id": str(tenant.shops[key])}
        for key, (_, currency) in SHOPS.items()
    ]
    answer = await world.client.post(
        "/v1/prices", json={"request_id": "erp-trace-1", "items": rows}, headers=tenant.headers
    )
    assert answer.status_code == 202, answer.text
    (task_id,) = answer.json()["task_ids"]
    await world.wait_actions(tenant, task_id, lambda xs: len(xs) == 3 and all(a["status"] != "pending" for a in xs))
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})  # Amazon applies, then is read back
    task = await world.wait_task(tenant, task_id, until={"succeeded", "failed", "partially_failed"})
    assert task["status"] == "succeeded", task

    admin = await world.admin_headers(tenant.id)
    settings = {
        "reporting_currency": "CNY",
        "fx_rates": {"CAD": "5.2", "MYR": "1.55", "USD": "7.1"},
        "price_spread_pct": 25,
    }
    saved = await world.client.put("/v1/settings", json=settings, headers=admin)
    assert saved.status_code == 200, saved.text
    traced = await world.client.get("/v1/skus/trace", params={"sku": OURS}, headers=admin)
    assert traced.status_code == 200, traced.text
    body: dict[str, Any] = traced.json()

    shops = {s["shop_id"]: s for s in body["shops"]}
    for key, (_, currency) in SHOPS.items():
        shop = shops[str(tenant.shops[key])]
        assert shop["bound"] and shop["currency"] == currency
        applied = shop["applied_price"]
        assert applied["task_id"] == task_id and applied["request_id"] == "erp-trace-1", (key, shop)
        assert applied["task_source"] == "erp" and applied["status"] == "applied"
        assert Decimal(applied["value"]["price"]) == listed[key]
        assert shop["desired_price"] == applied  # nothing asked for since
        assert Decimal(shop["current_price"]) == listed[key]
        rate = Decimal(settings["fx_rates"][currency])  # type: ignore[index]
        assert Decimal(shop["price_in_reporting"]) == (listed[key] * rate).quantize(Decimal("0.01"))
    # Amazon's price was confirmed by a read-back: the platform's own view is kept, with when it was read.
    amazon = shops[str(tenant.shops["amazon-ca"])]
    assert Decimal(amazon["platform_price"]) == listed["amazon-ca"] and amazon["platform_seen_at"]
    assert amazon["platform_price"] == f"{listed['amazon-ca']:.2f}"  # as CAD is written, not with four decimals

    in_cny = [Decimal(s["price_in_reporting"]) for s in body["shops"]]
    expected = ((max(in_cny) - min(in_cny)) / min(in_cny) * 100).quantize(Decimal("0.1"))
    assert Decimal(body["spread_pct"]) == expected
    assert body["flagged"] is (expected > 25)
    assert body["missing_rates"] == []

    # Without a rate for USD, the TikTok shop is left out of the spread and named.
    await world.client.put("/v1/settings", json={"fx_rates": {"CAD": "5.2", "MYR": "1.55"}}, headers=admin)
    partial = (await world.client.get("/v1/skus/trace", params={"sku": OURS}, headers=admin)).json()
    assert partial["missing_rates"] == ["USD"]
    assert (await world.client.get("/v1/skus/trace", params={"sku": "NO-SUCH"}, headers=admin)).status_code == 404
