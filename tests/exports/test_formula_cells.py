"""Through the real export: a cell a spreadsheet would run as a formula is neutralised, however it is disguised
(full-width or small forms, leading blanks and line breaks) and wherever it sits in a multi-valued cell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.exports.csv_safety import neutralised, neutralised_parts
from tests.conftest import Seeder
from tests.exports.builders import Board
from tests.exports.test_errors_csv import URL, reader, rows_of

DISGUISED = [
    '＝HYPERLINK("http://evil")',  # full-width equals
    "＋1+1",
    "－2+3",
    "＠SUM(A1)",
    "﹦1+1",  # small equals
    " =1+1",
    "   -2",
    "\n=cmd|' /C calc'!A0",
    "\r\n+1",
    "\u3000@cmd",  # ideographic space
    "\u00a0=1",  # no-break space
    "\t \n=1",
]
HARMLESS = ["plain", " leading blank only", "A=B", "price 5-3", "价格＝低于最低价", "\nsecond line only"]


async def test_disguised_formula_starts_are_neutralised_in_every_text_cell(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    shop = await board.shop(name="\n＝cmd")
    now = datetime.now(UTC)
    cells = [*DISGUISED, *HARMLESS]
    for i, text in enumerate(cells):
        await board.group(shop, sku=f"SKU-{i:02}", latest_message=text, last_seen=now - timedelta(minutes=i))

    rows = rows_of(await client.get(URL, headers=await reader(seed, tenant_id)))

    assert [r["platform_error_message"] for r in rows] == [*("'" + t for t in DISGUISED), *HARMLESS]
    assert {r["shop"] for r in rows} == {"'\n＝cmd"}


async def test_every_part_of_the_missing_fields_cell_is_neutralised(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    now = datetime.now(UTC)
    group = await board.group(await board.shop(), last_seen=now)
    await board.event(
        group,
        now - timedelta(minutes=1),
        trace_id="tr-parts",
        missing_fields=["brand", "=1+1", " @cmd", "＋x", "color;-2", "\tsize", "weight"],
    )
    await board.event(group, now - timedelta(minutes=2), trace_id="tr-first", missing_fields=["=first", "fine"])
    await board.event(group, now - timedelta(minutes=3), trace_id="tr-none", missing_fields=[])

    rows = rows_of(await client.get(URL, params={"level": "event"}, headers=await reader(seed, tenant_id)))

    cells = {r["trace_id"]: r["missing_fields"] for r in rows}
    assert cells == {
        "tr-parts": "brand;'=1+1;' @cmd;'＋x;color;'-2;'\tsize;weight",
        "tr-first": "'=first;fine",
        "tr-none": "",
    }
    # Split as a spreadsheet would: no part starts a formula any more.
    parts = cells["tr-parts"].split(";")
    assert [p for p in parts if neutralised(p) != p] == []


def test_the_python_rules_match_the_exports() -> None:
    assert [neutralised(t) for t in DISGUISED] == ["'" + t for t in DISGUISED]
    assert [neutralised(t) for t in HARMLESS] == HARMLESS
    assert neutralised_parts("brand;=1+1; @cmd") == "brand;'=1+1;' @cmd"
