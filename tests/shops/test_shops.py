from __future__ import annotations

import httpx

from tests.conftest import Seeder


async def test_admin_creates_updates_and_deletes_a_shop(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    created = await client.post(
        "/v1/shops", json={"name": "Shopee MY 1", "platform": "shopee", "market": "MY"}, headers=admin
    )
    shop_id = created.json()["id"]
    renamed = await client.patch(f"/v1/shops/{shop_id}", json={"name": "Shopee MY main"}, headers=admin)
    listed = await client.get("/v1/shops", headers=admin)
    deleted = await client.delete(f"/v1/shops/{shop_id}", headers=admin)

    assert created.status_code == 201 and created.json()["platform"] == "shopee"
    assert renamed.json()["name"] == "Shopee MY main"
    assert [s["name"] for s in listed.json()["items"]] == ["Shopee MY main"]
    assert deleted.status_code == 204
    assert (await client.get(f"/v1/shops/{shop_id}", headers=admin)).status_code == 404


async def test_a_market_the_platform_does_not_have_is_a_422(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    lazada_us = await client.post("/v1/shops", json={"name": "x", "platform": "lazada", "market": "US"}, headers=admin)
    ebay = await client.post("/v1/shops", json={"name": "x", "platform": "ebay", "market": "US"}, headers=admin)

    assert lazada_us.status_code == 422
    assert "lazada has no market US" in lazada_us.json()["detail"]
    assert ebay.status_code == 422
    assert ebay.json()["invalid_params"][0]["name"] == "platform"


async def test_moving_a_shop_to_a_market_of_another_platform_is_refused(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    admin = await seed.login(await seed.tenant())
    shop = (
        await client.post("/v1/shops", json={"name": "A", "platform": "amazon", "market": "US"}, headers=admin)
    ).json()

    response = await client.patch(f"/v1/shops/{shop['id']}", json={"market": "MY"}, headers=admin)

    assert response.status_code == 422 and response.json()["code"] == "validation_failed"


async def test_duplicate_names_conflict(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())
    body = {"name": "Same", "platform": "amazon", "market": "US"}

    assert (await client.post("/v1/shops", json=body, headers=admin)).status_code == 201
    second = await client.post("/v1/shops", json=body, headers=admin)

    assert second.status_code == 409 and second.json()["code"] == "conflict"


async def test_everyone_in_the_tenant_reads_shops_but_only_admins_write(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    body = {"name": "TikTok UK", "platform": "tiktok", "market": "UK"}
    shop = (await client.post("/v1/shops", json=body, headers=admin)).json()

    for headers in (
        await seed.login(tenant_id, "operator"),
        await seed.login(tenant_id, "viewer"),
        await seed.api_key(tenant_id, ["catalog:write", "errors:write"]),
    ):
        assert (await client.get("/v1/shops", headers=headers)).json()["items"][0]["id"] == shop["id"]
        assert (await client.post("/v1/shops", json={**body, "name": "n"}, headers=headers)).status_code == 403
        assert (await client.patch(f"/v1/shops/{shop['id']}", json={"name": "n"}, headers=headers)).status_code == 403
        assert (await client.delete(f"/v1/shops/{shop['id']}", headers=headers)).status_code == 403


async def test_shop_changes_are_audited(client: httpx.AsyncClient, seed: Seeder, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from api.audit.models import AuditEntry
    from api.db import use_tenant

    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    shop = (
        await client.post("/v1/shops", json={"name": "A", "platform": "amazon", "market": "JP"}, headers=admin)
    ).json()
    await client.patch(f"/v1/shops/{shop['id']}", json={"name": "B"}, headers=admin)

    await use_tenant(db, tenant_id)
    entries = (
        (await db.execute(select(AuditEntry).where(AuditEntry.object_type == "shop").order_by(AuditEntry.id)))
        .scalars()
        .all()
    )

    assert [e.action for e in entries] == ["shop.create", "shop.update"]
    assert entries[1].before == {"name": "A", "platform": "amazon", "market": "JP", "currency": "JPY"}
    assert entries[1].after["name"] == "B" and entries[1].actor_kind == "user"
