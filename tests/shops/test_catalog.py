from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import use_tenant
from api.shops import catalog
from api.shops.models import SkuBinding
from tests.conftest import Seeder
from tests.shops.conftest import Tenant


def skus(*codes: str) -> dict[str, Any]:
    return {"items": [{"sku": code, "title": f"Title of {code}"} for code in codes]}


def bindings(*codes: str, **fields: Any) -> dict[str, Any]:
    return {"items": [{"sku": c, "platform_sku": f"P-{c}", "platform_item_id": "100", **fields} for c in codes]}


async def _list(tenant: Tenant, **params: Any) -> dict[str, Any]:
    response = await tenant.client.get("/v1/skus", params=params, headers=tenant.admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_erp_upserts_skus_and_is_told_what_was_created_and_updated(
    seed: Seeder, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    erp = await seed.api_key(tenant.id, ["catalog:write"])

    first = await client.post("/v1/skus", json=skus("MUG-1", "MUG-2"), headers=erp)
    second = await client.post(
        "/v1/skus", json={"items": [{"sku": "MUG-2", "title": "Mug, blue"}, {"sku": "MUG-3", "title": ""}]}, headers=erp
    )
    listed = await _list(tenant)

    assert first.json() == {"created": 2, "updated": 0}
    assert second.json() == {"created": 1, "updated": 1}
    assert [(s["sku"], s["title"]) for s in listed["items"]] == [
        ("MUG-1", "Title of MUG-1"), ("MUG-2", "Mug, blue"), ("MUG-3", ""),
    ]  # fmt: skip
    assert listed["items"][0] == {
        "sku": "MUG-1", "title": "Title of MUG-1", "base_prices": {}, "available_quantity": None,
        "has_listing_draft": False, "bindings": [],
    }  # fmt: skip


async def test_a_sku_listed_twice_or_5001_rows_are_refused_and_nothing_is_written(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    repeated = await client.post("/v1/skus", json=skus("A", "B", "A", "B"), headers=tenant.admin)
    too_many = await client.post("/v1/skus", json=skus(*[f"S-{i}" for i in range(5001)]), headers=tenant.admin)
    nul = await client.post("/v1/skus", json=skus("bad\x00sku"), headers=tenant.admin)

    assert repeated.status_code == 422
    assert [p["name"] for p in repeated.json()["invalid_params"]] == ["items.2.sku", "items.3.sku"]
    assert too_many.status_code == 422 and too_many.json()["invalid_params"][0]["name"] == "items"
    assert nul.status_code == 422 and nul.json()["invalid_params"][0]["name"] == "items.0.sku"
    assert (await _list(tenant))["items"] == []


async def test_5000_skus_and_their_bindings_go_in_one_request_each(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("lazada", "MY")
    codes = [f"SKU-{i:05d}" for i in range(5000)]

    created = await client.post("/v1/skus", json=skus(*codes), headers=tenant.admin)
    bound = await client.post(f"/v1/shops/{shop['id']}/bindings", json=bindings(*codes), headers=tenant.admin)
    rebound = await client.post(f"/v1/shops/{shop['id']}/bindings", json=bindings(*codes[:10]), headers=tenant.admin)

    assert created.json() == {"created": 5000, "updated": 0}
    assert bound.json() == {"created": 5000, "updated": 0}
    assert rebound.json() == {"created": 0, "updated": 10}


async def test_bindings_naming_unknown_skus_are_refused_with_the_rows_and_nothing_is_written(
    tenant: Tenant, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    shop = await tenant.shop("tiktok", "US")
    await client.post("/v1/skus", json=skus("KNOWN"), headers=tenant.admin)

    response = await client.post(
        f"/v1/shops/{shop['id']}/bindings", json=bindings("KNOWN", "GHOST-1", "KNOWN-2"), headers=tenant.admin
    )
    repeated = await client.post(
        f"/v1/shops/{shop['id']}/bindings", json=bindings("KNOWN", "KNOWN"), headers=tenant.admin
    )

    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["items.1.sku", "items.2.sku"]
    assert "GHOST-1" in response.json()["detail"]
    assert repeated.status_code == 422 and repeated.json()["invalid_params"][0]["name"] == "items.1.sku"
    await use_tenant(db, tenant.id)
    assert (await db.execute(select(func.count()).select_from(SkuBinding))).scalar() == 0


async def test_skus_list_with_their_bindings_and_the_unbound_ones_per_shop(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shopee = await tenant.shop("shopee", "MY", name="Shopee MY")
    lazada = await tenant.shop("lazada", "MY", name="Lazada MY")
    await client.post("/v1/skus", json=skus("A", "B", "C"), headers=tenant.admin)
    await client.post(
        f"/v1/shops/{shopee['id']}/bindings", json=bindings("A", "B", platform_variant_id="7"), headers=tenant.admin
    )
    await client.post(f"/v1/shops/{lazada['id']}/bindings", json=bindings("A"), headers=tenant.admin)

    everything = await _list(tenant)
    unbound_in_lazada = await _list(tenant, shop_id=lazada["id"], unbound="true")
    bound_in_lazada = await _list(tenant, shop_id=lazada["id"], unbound="false")
    unbound_anywhere = await _list(tenant, unbound="true")

    a = everything["items"][0]
    assert [b["shop_name"] for b in a["bindings"]] == ["Lazada MY", "Shopee MY"]
    assert a["bindings"][1] == {
        "shop_id": shopee["id"], "shop_name": "Shopee MY", "platform": "shopee", "platform_sku": "P-A",
        "platform_item_id": "100", "platform_variant_id": "7", "bound_by": "user",
    }  # fmt: skip
    assert [s["sku"] for s in unbound_in_lazada["items"]] == ["B", "C"]
    assert [(s["sku"], len(s["bindings"])) for s in bound_in_lazada["items"]] == [("A", 1)]
    assert [s["sku"] for s in unbound_anywhere["items"]] == ["C"]


async def test_the_sku_list_searches_literally_and_pages_by_cursor(tenant: Tenant, client: httpx.AsyncClient) -> None:
    await client.post(
        "/v1/skus",
        json={"items": [{"sku": "CUP-1", "title": "100% cotton"}, {"sku": "CUP_2", "title": "Cup"},
                        {"sku": "BAG-1", "title": "Tote"}, {"sku": "CUPX3", "title": "cup, large"}]},
        headers=tenant.admin,
    )  # fmt: skip

    percent = await _list(tenant, q="100%")
    underscore = await _list(tenant, q="CUP_")
    any_case = await _list(tenant, q="cup")
    page1 = await _list(tenant, limit=2)
    page2 = await _list(tenant, limit=2, cursor=page1["next_cursor"])
    bad = await client.get("/v1/skus", params={"cursor": "not-a-cursor"}, headers=tenant.admin)
    nul = await client.get("/v1/skus", params={"q": "a\x00b"}, headers=tenant.admin)

    assert [s["sku"] for s in percent["items"]] == ["CUP-1"]
    assert [s["sku"] for s in underscore["items"]] == ["CUP_2"]
    assert sorted(s["sku"] for s in any_case["items"]) == ["CUP-1", "CUPX3", "CUP_2"]
    paged = [s["sku"] for s in page1["items"] + page2["items"]]
    assert paged == [s["sku"] for s in (await _list(tenant))["items"]] and sorted(paged) == [
        "BAG-1", "CUP-1", "CUPX3", "CUP_2",
    ]  # fmt: skip
    assert page2["next_cursor"] is None
    assert bad.status_code == 422 and bad.json()["invalid_params"][0]["name"] == "cursor"
    assert nul.status_code == 422


async def test_viewers_cannot_write_the_catalog_and_another_tenants_shop_is_not_found(
    seed: Seeder, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shop = await tenant.shop("shopee", "MY")
    await client.post("/v1/skus", json=skus("A"), headers=tenant.admin)
    viewer = await seed.login(tenant.id, "viewer")
    errors_key = await seed.api_key(tenant.id, ["errors:write"])
    other_tenant = await seed.tenant()
    other = await seed.api_key(other_tenant, ["catalog:write"])
    await client.post("/v1/skus", json=skus("A"), headers=other)

    assert (await client.post("/v1/skus", json=skus("B"), headers=viewer)).status_code == 403
    assert (await client.post("/v1/skus", json=skus("B"), headers=errors_key)).status_code == 403
    assert (await client.post(f"/v1/shops/{shop['id']}/bindings", json=bindings("A"), headers=other)).status_code == 404
    assert (await client.get("/v1/skus", params={"shop_id": shop["id"]}, headers=other)).status_code == 404
    assert [s["sku"] for s in (await _list(tenant))["items"]] == ["A"]
    assert (await client.get("/v1/skus", headers=viewer)).json()["items"][0]["bindings"] == []


async def test_binding_extras_must_be_storable(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("shopee", "MY")
    await client.post("/v1/skus", json=skus("A"), headers=tenant.admin)

    response = await client.post(
        f"/v1/shops/{shop['id']}/bindings", json=bindings("A", extra={"note": ["ok", "a\x00b"]}), headers=tenant.admin
    )

    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "items.0.extra"


async def test_the_planner_reads_bindings_by_shop_and_sku_code_or_prefix(
    tenant: Tenant, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    shop = await tenant.shop("shopee", "MY")
    other_shop = await tenant.shop("lazada", "MY")
    await client.post("/v1/skus", json=skus("TEE-1", "TEE-2", "TEE_3", "MUG-1"), headers=tenant.admin)
    await client.post(f"/v1/shops/{shop['id']}/bindings", json=bindings("TEE-1", "MUG-1"), headers=tenant.admin)
    await client.post(f"/v1/shops/{other_shop['id']}/bindings", json=bindings("TEE-2"), headers=tenant.admin)
    shop_id, other_id = uuid.UUID(shop["id"]), uuid.UUID(other_shop["id"])

    await use_tenant(db, tenant.id)
    by_prefix = await catalog.bindings_for(db, [shop_id, other_id], None, "TEE-")
    by_code = await catalog.bindings_for(db, [shop_id], ["MUG-1", "TEE-2"], None)
    matching = await catalog.skus_matching(db, None, "TEE_")
    listed = await catalog.skus_matching(db, ["MUG-1", "NOPE"], None)

    assert sorted(by_prefix) == sorted([(shop_id, "TEE-1"), (other_id, "TEE-2")])
    assert by_prefix[(shop_id, "TEE-1")].platform_sku == "P-TEE-1"
    assert list(by_code) == [(shop_id, "MUG-1")]
    assert [s.code for s in matching] == ["TEE_3"]  # the prefix is literal: _ is no wildcard
    assert [s.code for s in listed] == ["MUG-1"]
