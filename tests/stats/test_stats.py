from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Seeder
from tests.exports.builders import Board

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def by_day(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {item["day"]: item for item in body["items"]}


async def test_trend_counts_per_tenant_day_with_zero_days_and_without_archived_groups(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()  # Asia/Shanghai by default
    board = Board(sessions, tenant_id)
    key = await seed.api_key(tenant_id, ["errors:read"])
    today = datetime.now(SHANGHAI).date()
    d1, d2 = today - timedelta(days=1), today - timedelta(days=2)
    shop = await board.shop()
    # Just after midnight in Shanghai is still the previous day in UTC.
    g1 = await board.group(shop, severity="error", first_seen=shanghai(d1, 0, 30), last_seen=shanghai(d1, 23, 30))
    await board.event(g1, shanghai(d1, 0, 30))
    await board.event(g1, shanghai(d1, 23, 30))
    g2 = await board.group(shop, severity="warning", error_type="MEDIA_QUALITY", first_seen=shanghai(d2, 23, 30))
    await board.event(g2, shanghai(d2, 23, 30))
    archived = await board.group(shop, status="archived", first_seen=shanghai(d1, 12))
    await board.event(archived, shanghai(d1, 12))
    old = await board.group(shop, first_seen=shanghai(today - timedelta(days=5), 12))
    await board.event(old, shanghai(d2, 10))  # an old group's new event still counts as an event

    local = (await client.get("/v1/stats/trend", params={"days": 3}, headers=key)).json()
    by_type = (await client.get("/v1/stats/trend", params={"days": 3, "split": "error_type"}, headers=key)).json()
    await board.set_timezone("UTC")
    utc = by_day((await client.get("/v1/stats/trend", params={"days": 7}, headers=key)).json())

    assert local["timezone"] == "Asia/Shanghai" and local["keys"] == ["error", "warning"]
    assert local["items"] == [
        {"day": str(d2), "new_groups": {"error": 0, "warning": 1}, "events": {"error": 1, "warning": 1}},
        {"day": str(d1), "new_groups": {"error": 1, "warning": 0}, "events": {"error": 2, "warning": 0}},
        {"day": str(today), "new_groups": {"error": 0, "warning": 0}, "events": {"error": 0, "warning": 0}},
    ]
    assert by_type["keys"] == ["MEDIA_QUALITY", "PRICE_NOT_EFFECTIVE"]
    assert by_type["items"][1]["new_groups"] == {"MEDIA_QUALITY": 0, "PRICE_NOT_EFFECTIVE": 1}
    # In UTC, g1's first event and its first_seen (00:30 in Shanghai) fall on the day before.
    assert utc[str(d2)]["new_groups"] == {"error": 1, "warning": 1}
    assert utc[str(d2)]["events"] == {"error": 2, "warning": 1}
    assert utc[str(d1)]["new_groups"] == {"error": 0, "warning": 0}
    assert utc[str(d1)]["events"] == {"error": 1, "warning": 0}


async def test_trend_follows_the_board_dimension_filters(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    key = await seed.api_key(tenant_id, ["errors:read"])
    now = datetime.now(UTC)
    amazon, shopee = await board.shop(), await board.shop(name="Shopee MY", platform="shopee", market="MY")
    await board.event(await board.group(amazon, first_seen=now), now)
    await board.event(await board.group(shopee, first_seen=now), now)

    body = (await client.get("/v1/stats/trend", params={"days": 1, "platform": "shopee"}, headers=key)).json()

    assert body["items"][0]["new_groups"]["error"] == 1 and body["items"][0]["events"]["error"] == 1


async def test_sla_gives_median_and_p90_time_to_handle_by_handler_and_by_error_type(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    key = await seed.api_key(tenant_id, ["errors:read"])
    email = await seed.user(tenant_id, "operator")
    user = f"user:{await board.user_id(email)}"
    api_key = "api_key:00000000-0000-0000-0000-000000000001"  # a key since deleted keeps its reference
    shop = await board.shop()
    handled_at = datetime.now(UTC) - timedelta(days=1)
    price, mapping = "PRICE_NOT_EFFECTIVE", "SKU_MAPPING_FAILED"
    for handler, error_type, seconds in [
        (user, price, 60),
        (user, mapping, 120),
        (user, price, 600),
        (api_key, mapping, 30),
        ("system", price, 3600),
    ]:
        await board.group(
            shop,
            error_type=error_type,
            status="handled",
            handled_by=handler,
            handled_at=handled_at,
            first_seen=handled_at - timedelta(seconds=seconds),
        )
    # Outside the default 30-day window, and not handled: neither counts.
    long_ago = datetime.now(UTC) - timedelta(days=40)
    await board.group(shop, status="handled", handled_by=user, handled_at=long_ago, first_seen=long_ago)
    await board.group(shop, first_seen=handled_at)
    # Waiting on the platform or a person: their SLA clock is paused, so however long they took, they do not count.
    for paused in ("PLATFORM_STATE_DELAYED", "APPROVAL_PENDING"):
        await board.group(shop, error_type=paused, severity="warning", status="handled", handled_by=user,
                          handled_at=handled_at, first_seen=handled_at - timedelta(days=3))  # fmt: skip

    body = (await client.get("/v1/stats/sla", headers=key)).json()

    assert body["overall"] == {"handled": 5, "median_seconds": 120.0, "p90_seconds": 2400.0}
    users = {row["handled_by"]: row for row in body["by_user"]}
    assert body["by_user"][0]["handled_by"] == user  # most handled first
    assert users[user] | {"id": None} == {
        "handled_by": user,
        "kind": "user",
        "id": None,
        "email": email,
        "display_name": email.split("@")[0],  # the default display name
        "label": email.split("@")[0],
        "handled": 3,
        "median_seconds": 120.0,
        "p90_seconds": pytest.approx(504.0),
    }
    assert users[user]["id"] == user.removeprefix("user:")
    assert (users[api_key]["kind"], users[api_key]["handled"], users[api_key]["median_seconds"]) == ("api_key", 1, 30)
    assert (users["system"]["label"], users["system"]["p90_seconds"]) == ("system", 3600)
    types = {row["error_type"]: row for row in body["by_error_type"]}
    assert types[price] == {"error_type": price, "handled": 3, "median_seconds": 600.0, "p90_seconds": 3000.0}
    assert types[mapping] == {"error_type": mapping, "handled": 2, "median_seconds": 75.0, "p90_seconds": 111.0}
    assert set(types) == {price, mapping}


async def test_sla_window_is_checked(client: httpx.AsyncClient, seed: Seeder) -> None:
    key = await seed.api_key(await seed.tenant(), ["errors:read"])

    backwards = await client.get(
        "/v1/stats/sla", params={"since": "2026-11-25T00:00:00Z", "until": "2026-11-01T00:00:00Z"}, headers=key
    )
    naive = await client.get("/v1/stats/sla", params={"since": "2026-11-01T00:00:00"}, headers=key)
    empty = (await client.get("/v1/stats/sla", headers=key)).json()

    assert backwards.status_code == 422 and backwards.headers["content-type"] == "application/problem+json"
    assert naive.status_code == 422
    assert empty["overall"] == {"handled": 0, "median_seconds": None, "p90_seconds": None}
    assert empty["by_user"] == [] and empty["by_error_type"] == []


async def test_root_causes_share_of_each_error_type_among_new_groups(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    key = await seed.api_key(tenant_id, ["errors:read"])
    shop = await board.shop()
    now = datetime.now(UTC)
    for error_type in ["PRICE_NOT_EFFECTIVE"] * 3 + ["AUTH_EXPIRED"]:
        await board.group(shop, error_type=error_type, first_seen=now - timedelta(days=2))
    await board.group(shop, error_type="AUTH_EXPIRED", status="archived", first_seen=now)
    await board.group(shop, error_type="RATE_LIMITED", first_seen=now - timedelta(days=40))

    body = (await client.get("/v1/stats/root-causes", headers={**key, "Accept-Language": "en"})).json()
    week = (await client.get("/v1/stats/root-causes", params={"days": 1}, headers=key)).json()

    assert body["total"] == 4 and body["days"] == 30
    assert body["items"] == [
        {"error_type": "PRICE_NOT_EFFECTIVE", "title": "Price not effective", "count": 3, "share": 0.75},
        {"error_type": "AUTH_EXPIRED", "title": "Authorisation expired", "count": 1, "share": 0.25},
    ]
    assert week == {**week, "total": 0, "items": []}


async def test_stats_need_errors_read_check_their_input_and_stay_in_the_tenant(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    board_a = Board(sessions, tenant_a)
    now = datetime.now(UTC)
    group = await board_a.group(
        await board_a.shop(), first_seen=now, status="handled", handled_by="system", handled_at=now
    )
    await board_a.event(group, now)
    key_b = await seed.api_key(tenant_b, ["errors:read"])
    exporter = await seed.api_key(tenant_b, ["exports:read"])

    trend = (await client.get("/v1/stats/trend", params={"days": 1}, headers=key_b)).json()
    sla = (await client.get("/v1/stats/sla", headers=key_b)).json()
    causes = (await client.get("/v1/stats/root-causes", headers=key_b)).json()

    assert trend["items"][0]["new_groups"] == {"error": 0, "warning": 0}
    assert trend["items"][0]["events"] == {"error": 0, "warning": 0}
    assert sla["overall"]["handled"] == 0 and causes["total"] == 0
    for path in ("/v1/stats/trend", "/v1/stats/sla", "/v1/stats/root-causes"):
        assert (await client.get(path, headers=exporter)).status_code == 403
    for params in ({"days": 0}, {"days": 91}, {"split": "shop"}):
        response = await client.get("/v1/stats/trend", params=params, headers=key_b)
        assert response.status_code == 422 and response.json()["code"] == "validation_failed"
