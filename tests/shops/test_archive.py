from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.shops.conftest import Tenant, sandbox_listing


async def _record_an_error(tenant: Tenant, client: httpx.AsyncClient, shop_id: str) -> None:
    event = {
        "idempotency_key": f"archive-{uuid.uuid4().hex}",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "shop_id": shop_id,
        "error_type": "INVENTORY_SYNC_FAILED",
        "operation": "stock",
        "sku": "SKU-1",
    }
    response = await client.post("/v1/error-events", json={"events": [event]}, headers=tenant.admin)
    assert response.status_code == 200, response.text


async def test_deleting_a_shop_with_errors_archives_it_and_its_board_rows_stay(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shop = await tenant.shop("shopee", "MY")
    await _record_an_error(tenant, client, shop["id"])

    deleted = await client.delete(f"/v1/shops/{shop['id']}", headers=tenant.admin)
    again = await client.delete(f"/v1/shops/{shop['id']}", headers=tenant.admin)
    listed = await client.get("/v1/shops", headers=tenant.admin)
    with_archived = await client.get("/v1/shops", params={"include_archived": "true"}, headers=tenant.admin)
    board = await client.get("/v1/errors", params={"shop_id": shop["id"]}, headers=tenant.admin)

    assert deleted.status_code == 200 and deleted.json()["archived_at"] is not None
    assert again.status_code == 200 and again.json()["archived_at"] == deleted.json()["archived_at"]
    assert (await client.get(f"/v1/shops/{shop['id']}", headers=tenant.admin)).json()["archived_at"] is not None
    assert shop["id"] not in [s["id"] for s in listed.json()["items"]]
    assert shop["id"] in [s["id"] for s in with_archived.json()["items"]]
    assert board.status_code == 200 and [g["sku"] for g in board.json()["items"]] == ["SKU-1"]


async def test_a_shop_without_history_is_deleted_for_real(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("amazon", "US")

    deleted = await client.delete(f"/v1/shops/{shop['id']}", headers=tenant.admin)
    with_archived = await client.get("/v1/shops", params={"include_archived": "true"}, headers=tenant.admin)

    assert deleted.status_code == 204
    assert (await client.get(f"/v1/shops/{shop['id']}", headers=tenant.admin)).status_code == 404
    assert with_archived.json()["items"] == []


async def test_an_archived_shop_takes_no_new_connection_or_bindings(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("shopee", "MY")
    await client.post("/v1/skus", json={"items": [{"sku": "SKU-1", "title": "Mug"}]}, headers=tenant.admin)
    await _record_an_error(tenant, client, shop["id"])
    await client.delete(f"/v1/shops/{shop['id']}", headers=tenant.admin)

    connection = await client.put(f"/v1/shops/{shop['id']}/connection", json=sandbox_listing(), headers=tenant.admin)
    bindings = await client.post(
        f"/v1/shops/{shop['id']}/bindings",
        json={"items": [{"sku": "SKU-1", "platform_sku": "SKU-1", "platform_item_id": "1"}]},
        headers=tenant.admin,
    )

    assert connection.status_code == 409 and "archived" in connection.json()["detail"]
    assert bindings.status_code == 409 and bindings.json()["code"] == "conflict"


async def test_a_shop_prices_in_its_markets_currency_unless_it_is_tiktok_sea(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    japan = await tenant.shop("amazon", "JP")
    sea = await tenant.shop("tiktok", "SEA", currency="SGD")
    wrong = await client.post(
        "/v1/shops", json={"name": "x", "platform": "amazon", "market": "US", "currency": "EUR"}, headers=tenant.admin
    )
    lowercase = await client.post(
        "/v1/shops", json={"name": "y", "platform": "tiktok", "market": "SEA", "currency": "sgd"}, headers=tenant.admin
    )
    moved = await client.patch(f"/v1/shops/{japan['id']}", json={"market": "DE"}, headers=tenant.admin)

    assert japan["currency"] == "JPY" and sea["currency"] == "SGD"
    assert wrong.status_code == 422 and "prices are in USD" in wrong.json()["detail"]
    assert lowercase.status_code == 422 and lowercase.json()["invalid_params"][0]["name"] == "currency"
    assert moved.json()["currency"] == "EUR"
