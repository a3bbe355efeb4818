from __future__ import annotations

import httpx

from tests.conftest import Seeder
from tests.errors.conftest import Board, event


async def test_a_saved_view_filters_the_list(board: Board) -> None:
    await board.ingest(event(board.shop_a, sku="A1"), event(board.shop_b, sku="B1"))
    view = (
        await board.client.post(
            "/v1/views", json={"name": "Amazon only", "filters": {"platform": ["amazon"]}}, headers=board.headers
        )
    ).json()

    via_view = await board.groups(view_id=view["id"])
    overridden = await board.groups(view_id=view["id"], platform="shopee")

    assert {g["sku"] for g in via_view} == {"B1"}
    assert {g["sku"] for g in overridden} == {"A1"}
    assert view["filters"] == {"platform": ["amazon"]}  # only what was chosen: the window stays relative


async def test_private_views_stay_private_and_shared_ones_are_seen(board: Board, seed: Seeder,
                                                                   client: httpx.AsyncClient) -> None:  # fmt: skip
    colleague = await seed.login(board.tenant_id, "operator")
    private = (await board.client.post("/v1/views", json={"name": "mine", "filters": {}}, headers=board.headers)).json()
    shared = (
        await board.client.post(
            "/v1/views", json={"name": "team", "filters": {}, "shared": True}, headers=board.headers
        )
    ).json()

    theirs = (await client.get("/v1/views", headers=colleague)).json()["items"]

    assert [v["name"] for v in theirs] == ["team"] and theirs[0]["mine"] is False
    assert (await client.get("/v1/errors", params={"view_id": private["id"]}, headers=colleague)).status_code == 404
    assert (await client.patch(f"/v1/views/{shared['id']}", json={"name": "x"}, headers=colleague)).status_code == 403


async def test_one_default_view_per_tenant(board: Board) -> None:
    first = (
        await board.client.post(
            "/v1/views", json={"name": "d1", "filters": {}, "is_default": True}, headers=board.headers
        )
    ).json()
    second = (
        await board.client.post(
            "/v1/views", json={"name": "d2", "filters": {}, "is_default": True}, headers=board.headers
        )
    ).json()

    views = {v["name"]: v for v in (await board.client.get("/v1/views", headers=board.headers)).json()["items"]}

    assert first["shared"] is True  # a default is always shared
    assert views["d1"]["is_default"] is False and views["d2"]["is_default"] is True
    assert second["id"] == views["d2"]["id"]


async def test_a_bad_filter_in_a_view_is_a_422(board: Board) -> None:
    response = await board.client.post(
        "/v1/views", json={"name": "bad", "filters": {"platform": ["ebay"]}}, headers=board.headers
    )

    assert response.status_code == 422


async def test_deleting_a_view(board: Board) -> None:
    view = (await board.client.post("/v1/views", json={"name": "tmp", "filters": {}}, headers=board.headers)).json()

    assert (await board.client.delete(f"/v1/views/{view['id']}", headers=board.headers)).status_code == 204
    assert (await board.client.get("/v1/views", headers=board.headers)).json()["items"] == []
