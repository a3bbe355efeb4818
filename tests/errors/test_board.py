from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Seeder
from tests.errors.conftest import Board, event


@pytest.fixture
async def mixed(board: Board) -> Board:
    """Groups across two shops, two platforms, types, severities, a strategy, and ages."""
    await board.ingest(
        event(board.shop_a, sku="A-PRICE", strategy_id=board.strategy),
        event(board.shop_a, sku="A-STOCK", error_type="INVENTORY_SYNC_FAILED", operation="stock",
              platform_error_code="product.error_stock", platform_error_message="stock exceeds limit 持有库存"),
        event(board.shop_a, sku="A-IMG", error_type="MEDIA_QUALITY", operation="listing", platform_error_code="img"),
        event(board.shop_b, sku="B-AUTH", error_type="AUTH_EXPIRED", operation="auth", platform_error_code="Unauthorized",
              trace_id="trace-needle-1"),
        event(board.shop_b, sku="B-OLD", ago=timedelta(days=9)),
        event(board.shop_b, sku="B-PRICE", strategy_id=board.strategy, ago=timedelta(days=2)),
    )  # fmt: skip
    return board


def skus(groups: list[dict[str, Any]]) -> set[str]:
    return {g["sku"] for g in groups}


async def test_the_default_view_is_open_groups_of_the_last_7_days(mixed: Board) -> None:
    assert skus(await mixed.groups()) == {"A-PRICE", "A-STOCK", "A-IMG", "B-AUTH", "B-PRICE"}
    old = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    assert "B-OLD" in skus(await mixed.groups(since=old))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"severity": "warning"}, {"A-IMG"}),
        ({"error_type": ["AUTH_EXPIRED", "INVENTORY_SYNC_FAILED"]}, {"B-AUTH", "A-STOCK"}),
        ({"platform": "amazon"}, {"B-AUTH", "B-PRICE"}),
        ({"q": "A-ST"}, {"A-STOCK"}),
        ({"q": "a-st"}, {"A-STOCK"}),
        ({"q": "error_st"}, {"A-STOCK"}),
        ({"q": "持有库存"}, {"A-STOCK"}),
        ({"q": "Unauthorized"}, {"B-AUTH"}),
        ({"q": "trace-needle-1"}, {"B-AUTH"}),
        ({"q": "100%_"}, set()),
        ({"platform": "shopee", "severity": "error"}, {"A-PRICE", "A-STOCK"}),
    ],
)
async def test_each_filter_and_their_combination(mixed: Board, params: dict[str, Any], expected: set[str]) -> None:
    assert skus(await mixed.groups(**params)) == expected


async def test_search_matches_the_latest_message_of_a_group(board: Board) -> None:
    await board.ingest(event(board.shop_a, ago=timedelta(hours=2), platform_error_message="price below floor"))
    assert skus(await board.groups(q="below floor")) == {"SKU-1"}

    await board.ingest(event(board.shop_a, ago=timedelta(hours=1), platform_error_message="listing is frozen"))

    assert skus(await board.groups(q="FROZEN")) == {"SKU-1"}
    assert await board.groups(q="below floor") == []


async def test_shop_and_strategy_filters(mixed: Board) -> None:
    assert skus(await mixed.groups(shop_id=mixed.shop_b)) == {"B-AUTH", "B-PRICE"}
    assert skus(await mixed.groups(strategy_id=mixed.strategy)) == {"A-PRICE", "B-PRICE"}
    assert skus(await mixed.groups(strategy_id=mixed.strategy, shop_id=mixed.shop_a)) == {"A-PRICE"}
    rows = await mixed.groups(strategy_id=mixed.strategy)
    assert {r["strategy_name"] for r in rows} == {"Weekend price cut"}


async def test_facets_agree_with_list_totals(mixed: Board) -> None:
    async def total(**params: Any) -> int:
        return len(await mixed.groups(limit=200, **params))

    facets = (await mixed.client.get("/v1/errors/facets", headers=mixed.headers)).json()

    assert facets["total"] == await total() == 5
    for dimension in ("severity", "error_type", "platform", "shop_id"):
        for facet in facets[dimension]:
            assert facet["count"] == await total(**{dimension: facet["value"]}), (dimension, facet)
    severity = {f["value"]: f["count"] for f in facets["severity"]}
    assert severity == {"error": 4, "warning": 1}
    assert {f["label"] for f in facets["shop_id"]} == {"Shopee MY", "Amazon US"}


async def test_a_facet_ignores_its_own_filter_but_applies_the_others(mixed: Board) -> None:
    facets = (
        await mixed.client.get("/v1/errors/facets", params={"severity": "warning", "platform": "shopee"},
                               headers=mixed.headers)
    ).json()  # fmt: skip

    assert facets["total"] == 1  # the warning tab on Shopee
    assert {f["value"]: f["count"] for f in facets["severity"]} == {"error": 2, "warning": 1}  # Shopee only
    assert {f["value"]: f["count"] for f in facets["platform"]} == {"shopee": 1}  # warnings only


async def test_sort_orders(mixed: Board) -> None:
    await mixed.ingest(*(event(mixed.shop_a, sku="A-STOCK", error_type="INVENTORY_SYNC_FAILED", operation="stock",
                               platform_error_code="product.error_stock", ago=timedelta(hours=1)) for _ in range(3)))  # fmt: skip

    by_count = await mixed.groups(sort="count")
    by_first = await mixed.groups(sort="first_seen")

    assert by_count[0]["sku"] == "A-STOCK" and by_count[0]["count"] == 4
    assert [g["first_seen"] for g in by_first] == sorted((g["first_seen"] for g in by_first), reverse=True)


async def test_pagination_stays_stable_while_new_events_arrive(board: Board) -> None:
    await board.ingest(*(event(board.shop_a, sku=f"P-{i:03}", ago=timedelta(minutes=i + 10)) for i in range(25)))
    seen: list[str] = []
    cursor = None
    for page in itertools.count():
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = (await board.client.get("/v1/errors", params=params, headers=board.headers)).json()
        seen += [g["sku"] for g in body["items"]]
        if page == 0:  # new groups arrive between pages, newer than everything listed
            await board.ingest(*(event(board.shop_a, sku=f"NEW-{i}", ago=timedelta(0)) for i in range(5)))
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == [f"P-{i:03}" for i in range(25)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-11-20T00:00:00Z", "until": "2026-11-10T00:00:00Z"}, "since must not be after until"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"severity": "fatal"}, "severity"),
        ({"error_type": "NOT_A_TYPE"}, "error_type"),
        ({"sort": "random"}, "sort"),
        ({"since": "2026-11-20T00:00:00"}, "UTC offset"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJjb3VudCIsMSwieCJd"}, "cursor"),  # a cursor for another sort order
        ({"assignee": "bob"}, "assignee"),
    ],
)
async def test_bad_query_parameters_are_problems(board: Board, params: dict[str, Any], field: str) -> None:
    response = await board.client.get("/v1/errors", params=params, headers=board.headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text


async def test_detail_and_events_of_a_group(board: Board) -> None:
    first = event(board.shop_a, ago=timedelta(hours=2), missing_fields=["item_weight.unit"])
    await board.ingest(first, *(event(board.shop_a, ago=timedelta(minutes=m)) for m in (30, 20, 10)))
    group_id = (await board.groups())[0]["id"]

    detail = (await board.client.get(f"/v1/errors/{group_id}", headers=board.headers)).json()
    page1 = (await board.client.get(f"/v1/errors/{group_id}/events", params={"limit": 3}, headers=board.headers)).json()
    page2 = (
        await board.client.get(f"/v1/errors/{group_id}/events", params={"cursor": page1["next_cursor"]},
                               headers=board.headers)
    ).json()  # fmt: skip

    assert detail["count"] == 4 and detail["suggestion"] and detail["doc_url"].startswith("https://")
    assert [a["kind"] for a in detail["activity"]] == ["occurrence"] * 4
    assert len(page1["items"]) == 3 and page1["next_cursor"]
    assert [e["missing_fields"] for e in page2["items"]] == [["item_weight.unit"]]
    assert page2["next_cursor"] is None
    assert all(e["trace_id"] for e in page1["items"] + page2["items"])


async def test_english_titles_on_request(board: Board) -> None:
    await board.ingest(event(board.shop_a))

    rows = (await board.client.get("/v1/errors", headers={**board.headers, "Accept-Language": "en"})).json()["items"]

    assert rows[0]["title"] == "Price not effective"


async def test_another_tenant_sees_none_of_it(mixed: Board, seed: Seeder, client: httpx.AsyncClient) -> None:
    other = await seed.login(await seed.tenant(), "admin")
    group_id = (await mixed.groups())[0]["id"]

    assert (await client.get("/v1/errors", headers=other)).json()["items"] == []
    assert (await client.get("/v1/errors/facets", headers=other)).json()["total"] == 0
    for method, path, body in (
        ("GET", f"/v1/errors/{group_id}", None),
        ("GET", f"/v1/errors/{group_id}/events", None),
        ("POST", f"/v1/errors/{group_id}/handle", {"resolution": "other"}),
        ("POST", f"/v1/errors/{group_id}/reopen", None),
        ("PUT", f"/v1/errors/{group_id}/assignee", {"assignee_id": None}),
        ("POST", f"/v1/errors/{group_id}/snooze", {"events": 3}),
        ("PUT", f"/v1/errors/{group_id}/pinned-note", {"note": "x"}),
    ):
        response = await client.request(method, path, json=body, headers=other)
        assert response.status_code == 404, (method, path)
    bulk = await client.post("/v1/errors/handle", json={"ids": [group_id], "resolution": "other"}, headers=other)
    assert bulk.json()["affected"] == 0
    events = [event(mixed.shop_a)]
    assert (await client.post("/v1/error-events", json={"events": events}, headers=other)).status_code == 422
    assert len(await mixed.groups()) == 5
