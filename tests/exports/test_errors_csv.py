from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.errors.filters import ErrorFilter, group_conditions, with_search_hits
from api.errors.models import ErrorGroup, SavedView
from api.exports.service import EVENT_COLUMNS, GROUP_COLUMNS
from api.principal import Principal
from tests.conftest import Seeder
from tests.exports.builders import Board

BOM = b"\xef\xbb\xbf"
URL = "/v1/exports/errors.csv"


def rows_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(response.content[len(BOM) :].decode("utf-8"), newline="")))


async def reader(seed: Seeder, tenant_id: uuid.UUID) -> dict[str, str]:
    return await seed.api_key(tenant_id, ["exports:read"])


async def test_the_file_starts_with_a_bom_and_the_exact_header_and_has_a_dated_name(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    await board.group(await board.shop(), last_seen=datetime.now(UTC))

    response = await client.get(URL, headers=await reader(seed, tenant_id))
    events = await client.get(URL, params={"level": "event"}, headers=await reader(seed, tenant_id))

    first_line = response.content.split(b"\n", 1)[0]
    assert first_line == BOM + b",".join(name.encode() for name in GROUP_COLUMNS)
    assert first_line == (
        BOM + b"group_id,trace_id,platform,shop,strategy,error_type,severity,sku,platform_error_code,"
        b"platform_error_message,title,openclaw_suggestion,count,first_seen,last_seen,status,handled_by,"
        b"handled_at,resolution,note,assignee"
    )
    assert events.content.split(b"\n", 1)[0] == BOM + ",".join(EVENT_COLUMNS).encode()
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    # Named in the tenant's time zone (Asia/Shanghai by default).
    disposition = response.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="openclaw-errors-group-(\d{8})-(\d{4})\.csv"', disposition)
    assert match is not None, disposition
    shanghai_now = datetime.now(UTC) + timedelta(hours=8)
    assert match.group(1) in {
        shanghai_now.strftime("%Y%m%d"),
        (shanghai_now - timedelta(minutes=1)).strftime("%Y%m%d"),
    }
    assert "openclaw-errors-event-" in events.headers["content-disposition"]


async def test_a_cell_starting_with_a_formula_character_gets_a_leading_quote(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    shop = await board.shop(name="=HYPERLINK(evil)")
    now = datetime.now(UTC)
    dangerous = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx=1", "\r=2"]
    for i, sku in enumerate([*dangerous, "SKU-plain", "A=B"]):
        await board.group(
            shop, sku=sku, latest_message="-msg" if i == 0 else "fine", last_seen=now - timedelta(hours=i)
        )

    rows = rows_of(await client.get(URL, headers=await reader(seed, tenant_id)))

    assert [r["sku"] for r in rows] == [*("'" + s for s in dangerous), "SKU-plain", "A=B"]
    assert {r["shop"] for r in rows} == {"'=HYPERLINK(evil)"}
    assert rows[0]["platform_error_message"] == "'-msg" and rows[1]["platform_error_message"] == "fine"


async def test_chinese_text_survives_and_the_suggestion_follows_accept_language(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    shop = await board.shop(name="亚马逊美国站")
    await board.group(
        shop,
        latest_message='价格低于最低价，"促销"锁价中\n第二行',
        error_type="SKU_MAPPING_FAILED",
        last_seen=datetime.now(UTC),
    )
    key = await reader(seed, tenant_id)

    zh = rows_of(await client.get(URL, headers=key))[0]
    en = rows_of(await client.get(URL, headers={**key, "Accept-Language": "en-US,en;q=0.9"}))[0]

    assert zh["shop"] == "亚马逊美国站"
    assert zh["platform_error_message"] == '价格低于最低价，"促销"锁价中\n第二行'
    assert zh["title"] == "SKU 映射失败" and zh["openclaw_suggestion"].startswith("检查该 SKU")
    assert en["title"] == "SKU mapping failed" and en["openclaw_suggestion"].startswith("Check that this SKU")


async def test_every_column_of_a_handled_group_is_filled_with_tenant_local_times(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    await board.set_timezone("America/New_York")
    email = await seed.user(tenant_id, "operator")
    user_id = await board.user_id(email)
    shop, strategy = await board.shop(), await board.strategy(name="Floor 10%")
    last = datetime.now(UTC).replace(microsecond=0)
    group = await board.group(
        shop,
        strategy_id=strategy.id,
        sku="SKU-1",
        count=42,
        first_seen=datetime(2026, 10, 31, 3, 4, 5, tzinfo=UTC),
        last_seen=last,
        status="handled",
        handled_by=f"user:{user_id}",
        handled_at=datetime(2026, 11, 3, 0, 0, tzinfo=UTC),
        resolution="fixed_data",
        handled_note="floor corrected",
        assignee_id=user_id,
        latest_trace_id="tr-latest",
    )

    [row] = rows_of(await client.get(URL, params={"status": "handled"}, headers=await reader(seed, tenant_id)))

    assert row == {
        "group_id": str(group.id),
        "trace_id": "tr-latest",
        "platform": "amazon",
        "shop": "Amazon US",
        "strategy": "Floor 10%",
        "error_type": "PRICE_NOT_EFFECTIVE",
        "severity": "error",
        "sku": "SKU-1",
        "platform_error_code": "InvalidInput",
        "platform_error_message": "price below the minimum",
        "title": "价格未生效",
        "openclaw_suggestion": row["openclaw_suggestion"],
        "count": "42",
        "first_seen": "2026-10-30T23:04:05.000000-04:00",  # daylight time in New York
        "last_seen": row["last_seen"],
        "status": "handled",
        "handled_by": email,
        "handled_at": "2026-11-02T19:00:00.000000-05:00",  # standard time since November 1
        "resolution": "fixed_data",
        "note": "floor corrected",
        "assignee": email,
    }
    assert datetime.fromisoformat(row["last_seen"]) == last
    assert row["openclaw_suggestion"].startswith("平台拒绝了该价格")


async def test_filters_export_exactly_the_groups_the_board_filter_selects(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    amazon, shopee = await board.shop(), await board.shop(name="Shopee MY", platform="shopee", market="MY")
    now = datetime.now(UTC)
    for shop in (amazon, shopee):
        for severity in ("error", "warning"):
            for status in ("open", "handled"):
                for age in (timedelta(hours=1), timedelta(days=3), timedelta(days=10)):
                    await board.group(shop, severity=severity, status=status, last_seen=now - age)
    await board.group(shopee, severity="warning", sku="NEEDLE-1", last_seen=now)
    key = await reader(seed, tenant_id)
    principal = Principal(kind="system", id=None, tenant_id=tenant_id, scopes=frozenset())

    async def selected(f: ErrorFilter) -> set[str]:
        async with sessions() as session:
            await use_tenant(session, tenant_id)
            f = await with_search_hits(session, principal, f)
            ids = await session.execute(select(ErrorGroup.id).where(*group_conditions(principal, f)))
            return {str(i) for i in ids.scalars()}

    cases: list[dict[str, str | list[str]]] = [
        {},
        {"severity": ["warning"]},
        {"platform": ["shopee"], "status": "handled"},
        {"shop_id": [str(amazon.id)], "severity": ["error", "warning"], "status": "all"},
        {"since": (now - timedelta(days=30)).isoformat(), "status": "all"},
        {"q": "needle"},
    ]
    for params in cases:
        rows = rows_of(await client.get(URL, params=params, headers=key))
        expected = await selected(ErrorFilter.model_validate(params))
        assert {r["group_id"] for r in rows} == expected, params
        assert len(rows) == len(expected)
    # The defaults are the board's: open groups seen in the last 7 days.
    assert len(rows_of(await client.get(URL, headers=key))) == 2 * 2 * 2 + 1


async def test_event_level_has_one_row_per_event_in_the_window_with_its_own_trace_and_time(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    now = datetime.now(UTC).replace(microsecond=0)
    shop = await board.shop()
    group = await board.group(shop, count=3, last_seen=now - timedelta(hours=1))
    other = await board.group(shop, severity="warning", last_seen=now - timedelta(hours=2))
    recent = await board.event(group, now - timedelta(hours=1), trace_id="tr-recent", platform_error_message="=later")
    older = await board.event(group, now - timedelta(days=2), trace_id="tr-older", missing_fields=["brand", "color"])
    await board.event(group, now - timedelta(days=9), trace_id="tr-outside-window")
    await board.event(other, now - timedelta(hours=2), trace_id="tr-warning")
    key = await reader(seed, tenant_id)

    rows = rows_of(await client.get(URL, params={"level": "event", "severity": "error"}, headers=key))
    windowed = rows_of(
        await client.get(
            URL,
            params={"level": "event", "until": (now - timedelta(days=1)).isoformat(), "status": "all"},
            headers=key,
        )
    )

    assert [r["trace_id"] for r in rows] == ["tr-recent", "tr-older"]
    assert [r["event_id"] for r in rows] == [str(recent.id), str(older.id)]
    assert {r["group_id"] for r in rows} == {str(group.id)}
    assert rows[0]["platform_error_message"] == "'=later"
    assert rows[1]["missing_fields"] == "brand;color"
    assert datetime.fromisoformat(rows[0]["occurred_at"]) == now - timedelta(hours=1)
    assert rows[0]["occurred_at"].endswith("+08:00")
    # until bounds the events themselves (the group was last seen after it); since defaults to until - 7 days.
    assert [r["trace_id"] for r in windowed] == ["tr-older"]


async def test_a_saved_view_supplies_the_filters_the_query_does_not_give(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    shop = await board.shop()
    now = datetime.now(UTC)
    await board.group(shop, severity="error", last_seen=now)
    warning = await board.group(shop, severity="warning", last_seen=now)
    handled_warning = await board.group(shop, severity="warning", status="handled", last_seen=now)
    owner = await board.user_id(await seed.user(tenant_id))
    view = await board._add(
        SavedView(tenant_id=tenant_id, owner_id=owner, name="Warnings", filters={"severity": ["warning"]}, shared=True)
    )
    key = await reader(seed, tenant_id)

    from_view = rows_of(await client.get(URL, params={"view_id": str(view.id)}, headers=key))
    overridden = rows_of(await client.get(URL, params={"view_id": str(view.id), "status": "handled"}, headers=key))
    unknown = await client.get(URL, params={"view_id": str(uuid.uuid4())}, headers=key)

    assert [r["group_id"] for r in from_view] == [str(warning.id)]
    assert [r["group_id"] for r in overridden] == [str(handled_warning.id)]
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"


async def test_only_a_caller_with_exports_read_may_export(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    await board.group(await board.shop(), last_seen=datetime.now(UTC))

    without = await client.get(URL, headers=await seed.api_key(tenant_id, ["errors:read", "errors:write"]))
    with_scope = await client.get(URL, headers=await seed.api_key(tenant_id, ["exports:read"]))
    viewer = await client.get(URL, headers=await seed.login(tenant_id, "viewer"))
    anonymous = await client.get(URL)

    assert without.status_code == 403 and without.json()["code"] == "forbidden"
    assert len(rows_of(with_scope)) == 1
    assert len(rows_of(viewer)) == 1
    assert anonymous.status_code == 401


async def test_tenant_b_exports_none_of_tenant_a_rows(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    board_a, board_b = Board(sessions, tenant_a), Board(sessions, tenant_b)
    now = datetime.now(UTC)
    group_a = await board_a.group(await board_a.shop(), last_seen=now)
    await board_a.event(group_a, now)
    group_b = await board_b.group(await board_b.shop(), last_seen=now)
    key_b = await reader(seed, tenant_b)

    groups = rows_of(await client.get(URL, headers=key_b))
    events = rows_of(await client.get(URL, params={"level": "event", "status": "all"}, headers=key_b))
    # Even naming A's shop explicitly finds nothing.
    by_shop = rows_of(await client.get(URL, params={"shop_id": str(group_a.shop_id)}, headers=key_b))

    assert [r["group_id"] for r in groups] == [str(group_b.id)]
    assert events == [] and by_shop == []


async def test_bad_input_is_a_problem_before_any_csv_is_sent(client: httpx.AsyncClient, seed: Seeder) -> None:
    key = await reader(seed, await seed.tenant())

    unknown_level = await client.get(URL, params={"level": "row"}, headers=key)
    backwards = await client.get(
        URL, params={"since": "2026-11-25T00:00:00+08:00", "until": "2026-11-24T00:00:00+08:00"}, headers=key
    )
    unknown_severity = await client.get(URL, params={"severity": "fatal"}, headers=key)

    for response in (unknown_level, backwards, unknown_severity):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
    assert unknown_level.json()["invalid_params"][0]["name"] == "level"
    assert "since must not be after until" in backwards.json()["detail"]
