from __future__ import annotations

import asyncio
import tracemalloc
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from tests.conftest import Seeder
from tests.exports.builders import Board

ROWS = 100_000


async def test_a_100k_row_export_streams_in_many_chunks_without_holding_the_file(
    app: Any, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    board = Board(sessions, tenant_id)
    now = datetime.now(UTC)
    shop = await board.shop()
    group = await board.group(shop, count=ROWS, last_seen=now)
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        await session.execute(
            text(
                "INSERT INTO error_events (tenant_id, group_id, idempotency_key, occurred_at, platform, shop_id,"
                " error_type, severity, sku, platform_error_code, platform_error_message, trace_id)"
                " SELECT :tenant, :group, 'k-' || n, CAST(:now AS timestamptz) - n * interval '1 second', 'amazon', :shop,"
                " 'PRICE_NOT_EFFECTIVE', 'error', 'SKU-' || n % 500, 'InvalidInput',"
                " '价格低于最低价 price below the minimum, item ' || n, 'tr-' || n"
                " FROM generate_series(1, :rows) AS n"
            ),
            {"tenant": tenant_id, "group": group.id, "now": now, "shop": shop.id, "rows": ROWS},
        )
        await session.commit()
    key = await seed.api_key(tenant_id, ["exports:read"])

    # Drive the ASGI app directly: the test client would gather the body before returning it.
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/exports/errors.csv",
        "raw_path": b"/v1/exports/errors.csv",
        "query_string": b"level=event",
        "headers": [(b"host", b"testserver"), (b"authorization", key["Authorization"].encode())],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    requested = False
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected
        return {"type": "http.disconnect"}

    status, chunks, lines, total, peak = 0, 0, 0, 0, 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, chunks, lines, total, peak
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            chunks += 1
            lines += message["body"].count(b"\n")
            total += len(message["body"])
            peak = max(peak, tracemalloc.get_traced_memory()[0])

    # One small export first, so one-time costs (imports, statement caches) are not counted as streaming memory.
    warm_up = {**scope, "query_string": b"level=event&since=2999-01-01T00:00:00Z&until=2999-01-02T00:00:00Z"}
    await app(warm_up, receive, lambda message: asyncio.sleep(0))
    requested = False
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        await app(scope, receive, send)
        growth = max(peak, tracemalloc.get_traced_memory()[1]) - baseline
    finally:
        tracemalloc.stop()

    assert status == 200
    assert lines == ROWS + 1  # the header and every event
    assert total > 15_000_000
    assert chunks > 100  # ~64 KiB pieces, not one body
    # The file is ~36 MB; the process held only a few socket reads and queued chunks of it (~256 KiB each).
    assert growth < 4_000_000, f"memory grew by {growth} bytes while streaming {total} bytes"
