"""/v1/strategies: operators define price, stock and publish rules over groups of shops."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.db import use_tenant
from tests.conftest import Seeder
from tests.strategies.conftest import Team, archive_shop, price_strategy


def _names(response: httpx.Response) -> list[str]:
    return [p["name"] for p in response.json()["invalid_params"]]


async def test_an_operator_creates_a_price_strategy_and_reads_it_back(client: httpx.AsyncClient, team: Team) -> None:
    created = await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=team.operator)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["version"] == 1 and body["kind"] == "price_adjust"
    assert body["config"] == {"markup_pct": "12.5", "min_price": "9.99", "max_price": None, "round_to": "0.99"}
    assert body["approval_policy"] == {"max_price_cut_pct": "20", "hold_stock_to_zero": False}
    assert body["sku_filter"] == {"skus": None, "prefix": "AMZ-"}
    assert sorted(body["shop_ids"]) == sorted(str(s) for s in team.shop_ids)
    assert body["created_by"].startswith("user:")
    next_run = datetime.fromisoformat(body["next_run_at"])
    now = datetime.now(UTC)
    assert now < next_run <= now + timedelta(hours=2)
    assert next_run.utcoffset() == timedelta(0) and next_run.hour % 2 == 0 and next_run.minute == 0
    read = await client.get(f"/v1/strategies/{body['id']}", headers=team.operator)
    assert read.status_code == 200 and read.json() == body


async def test_stock_and_publish_strategies_take_their_own_config(client: httpx.AsyncClient, team: Team) -> None:
    stock = await client.post(
        "/v1/strategies",
        json=price_strategy(
            team.shop_ids, kind="inventory_sync", config={"share_pct": "40", "safety_stock": 5}, schedule=None
        ),
        headers=team.operator,
    )
    publish = await client.post(
        "/v1/strategies",
        json=price_strategy(
            team.shop_ids[:1],
            kind="listing_publish",
            config={"markup_pct": "30", "round_to": "1", "share_pct": "100", "safety_stock": 0},
        ),
        headers=team.operator,
    )

    assert stock.status_code == 201, stock.text
    assert stock.json()["config"] == {"share_pct": "40", "safety_stock": 5}
    assert stock.json()["schedule"] is None and stock.json()["next_run_at"] is None
    assert publish.status_code == 201, publish.text
    assert publish.json()["config"] == {"markup_pct": "30", "round_to": "1", "share_pct": "100", "safety_stock": 0}


async def test_a_config_of_the_wrong_shape_for_its_kind_is_a_422(client: httpx.AsyncClient, team: Team) -> None:
    bad_configs = [
        ("price_adjust", {"markup_pct": "10", "share_pct": "50"}, "share_pct"),  # another kind's field
        ("price_adjust", {"markup_pct": "10", "round_to": "0.5"}, "round_to"),
        ("price_adjust", {"markup_pct": "NaN"}, "markup_pct"),
        ("price_adjust", {"markup_pct": "10", "min_price": "20", "max_price": "10"}, "config"),
        ("inventory_sync", {"share_pct": "150"}, "share_pct"),
        ("inventory_sync", {"safety_stock": -1}, "safety_stock"),
        ("listing_publish", {"share_pct": "50"}, "markup_pct"),  # missing
    ]
    for kind, config, field in bad_configs:
        response = await client.post(
            "/v1/strategies", json=price_strategy(team.shop_ids, kind=kind, config=config), headers=team.operator
        )
        assert response.status_code == 422, (kind, config)
        assert response.headers["content-type"] == "application/problem+json"
        assert any(field in name for name in _names(response)), (config, _names(response))

    unknown_kind = await client.post(
        "/v1/strategies", json=price_strategy(team.shop_ids, kind="discount"), headers=team.operator
    )
    assert unknown_kind.status_code == 422


async def test_an_unparsable_cron_is_a_422_naming_schedule(client: httpx.AsyncClient, team: Team) -> None:
    for schedule in ["every day at noon", "61 * * * *", "* * * * * *", "0 0 31 2 *", "0 0 * * \u0000"]:
        response = await client.post(
            "/v1/strategies", json=price_strategy(team.shop_ids, schedule=schedule), headers=team.operator
        )
        assert response.status_code == 422, schedule
        assert _names(response) == ["schedule"], schedule

    macro = await client.post(
        "/v1/strategies", json=price_strategy(team.shop_ids, schedule="@daily"), headers=team.operator
    )
    assert macro.status_code == 201
    assert datetime.fromisoformat(macro.json()["next_run_at"]).time().isoformat() == "00:00:00"


async def test_shops_must_be_the_tenants_own_and_not_archived(
    client: httpx.AsyncClient, seed: Seeder, team: Team
) -> None:
    other_tenant = await seed.tenant()
    other_admin = await seed.login(other_tenant, "admin")
    foreign = await client.post(
        "/v1/shops", json={"name": "Lazada TH", "platform": "lazada", "market": "TH"}, headers=other_admin
    )
    await archive_shop(seed, team.tenant_id, team.shop_ids[1])
    shop_ids = [team.shop_ids[0], uuid.UUID(foreign.json()["id"]), team.shop_ids[1], uuid.uuid4()]

    response = await client.post("/v1/strategies", json=price_strategy(shop_ids), headers=team.operator)

    assert response.status_code == 422
    reasons = {p["name"]: p["reason"] for p in response.json()["invalid_params"]}
    assert reasons == {"shop_ids.1": "no such shop", "shop_ids.2": "the shop is archived", "shop_ids.3": "no such shop"}
    empty = await client.post("/v1/strategies", json=price_strategy([]), headers=team.operator)
    assert empty.status_code == 422


async def test_a_name_is_unique_within_a_tenant(client: httpx.AsyncClient, seed: Seeder, team: Team) -> None:
    body = price_strategy(team.shop_ids, name="Weekend markup")
    first = await client.post("/v1/strategies", json=body, headers=team.operator)
    again = await client.post("/v1/strategies", json=body, headers=team.operator)
    other = await seed.tenant()
    other_admin = await seed.login(other, "admin")
    shop = await client.post(
        "/v1/shops", json={"name": "Amazon US", "platform": "amazon", "market": "US"}, headers=other_admin
    )
    elsewhere = await client.post(
        "/v1/strategies", json=price_strategy([shop.json()["id"]], name="Weekend markup"), headers=other_admin
    )

    assert first.status_code == 201
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert elsewhere.status_code == 201


async def test_each_change_bumps_the_version_and_is_audited_with_before_and_after(
    client: httpx.AsyncClient, seed: Seeder, team: Team
) -> None:
    created = (await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=team.operator)).json()
    change = price_strategy(
        team.shop_ids[:1], name=created["name"], config={"markup_pct": "15", "round_to": "1"}, is_active=False
    )

    updated = await client.put(f"/v1/strategies/{created['id']}", json=change, headers=team.operator)
    renamed = await client.put(
        f"/v1/strategies/{created['id']}", json={**change, "name": "Renamed"}, headers=team.operator
    )

    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2 and updated.json()["is_active"] is False
    assert updated.json()["shop_ids"] == [str(team.shop_ids[0])]
    assert renamed.json()["version"] == 3 and renamed.json()["name"] == "Renamed"
    async with seed.sessions() as session:
        await use_tenant(session, team.tenant_id)
        entries = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.object_id == created["id"]).order_by(AuditEntry.id)
            )
        ).scalars()
        log = [(e.action, e.before, e.after) for e in entries]
    assert [action for action, _, _ in log] == ["strategy.create", "strategy.update", "strategy.update"]
    _, before, after = log[1]
    assert before is not None and after is not None
    assert before["version"] == 1 and before["config"]["markup_pct"] == "12.5" and len(before["shop_ids"]) == 2
    assert after["version"] == 2 and after["config"]["markup_pct"] == "15" and after["is_active"] is False


async def test_a_strategys_kind_cannot_change(client: httpx.AsyncClient, team: Team) -> None:
    created = (await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=team.operator)).json()
    stock = price_strategy(team.shop_ids, name=created["name"], kind="inventory_sync", config={"share_pct": "50"})

    response = await client.put(f"/v1/strategies/{created['id']}", json=stock, headers=team.operator)

    assert response.status_code == 422 and _names(response) == ["kind"]


async def test_the_list_filters_by_kind_activity_and_shop(client: httpx.AsyncClient, team: Team) -> None:
    amazon, shopee = team.shop_ids
    bodies = {
        "price both": price_strategy([amazon, shopee], name="price both"),
        "price amazon off": price_strategy([amazon], name="price amazon off", is_active=False),
        "stock shopee": price_strategy([shopee], name="stock shopee", kind="inventory_sync", config={}),
    }
    for body in bodies.values():
        assert (await client.post("/v1/strategies", json=body, headers=team.operator)).status_code == 201

    async def names(**params: str) -> list[str]:
        response = await client.get("/v1/strategies", params=params, headers=team.operator)
        assert response.status_code == 200, response.text
        return [s["name"] for s in response.json()["items"]]

    assert await names() == ["price amazon off", "price both", "stock shopee"]
    assert await names(kind="price_adjust") == ["price amazon off", "price both"]
    assert await names(is_active="false") == ["price amazon off"]
    assert await names(shop_id=str(shopee)) == ["price both", "stock shopee"]
    assert await names(shop_id=str(amazon), is_active="true") == ["price both"]
    bad = await client.get("/v1/strategies", params={"kind": "discount"}, headers=team.operator)
    assert bad.status_code == 422


async def test_viewers_and_readers_read_strategies_but_only_the_scope_changes_them(
    client: httpx.AsyncClient, seed: Seeder, team: Team
) -> None:
    viewer = await seed.login(team.tenant_id, "viewer")
    reader_key = await seed.api_key(team.tenant_id, ["errors:read"])
    writer_key = await seed.api_key(team.tenant_id, ["strategies:write"])
    ingest_key = await seed.api_key(team.tenant_id, ["errors:write"])

    assert (await client.get("/v1/strategies", headers=ingest_key)).status_code == 403
    for headers in (viewer, reader_key):
        assert (await client.get("/v1/strategies", headers=headers)).status_code == 200
        denied = await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=headers)
        assert denied.status_code == 403
    by_key = await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=writer_key)
    assert by_key.status_code == 201 and by_key.json()["created_by"].startswith("api_key:")
    assert (await client.get(f"/v1/strategies/{by_key.json()['id']}", headers=writer_key)).status_code == 200


async def test_a_deleted_strategy_is_gone_and_other_tenants_never_see_one(
    client: httpx.AsyncClient, seed: Seeder, team: Team
) -> None:
    created = (await client.post("/v1/strategies", json=price_strategy(team.shop_ids), headers=team.operator)).json()
    outsider = await seed.login(await seed.tenant(), "admin")
    url = f"/v1/strategies/{created['id']}"

    assert (await client.get(url, headers=outsider)).status_code == 404
    assert (await client.delete(url, headers=outsider)).status_code == 404
    assert (await client.put(url, json=price_strategy(team.shop_ids), headers=outsider)).status_code == 404
    assert (await client.delete(url, headers=team.operator)).status_code == 204
    gone = await client.get(url, headers=team.operator)
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert (await client.get("/v1/strategies", headers=team.operator)).json()["items"] == []
