"""Retention deletes what is older than the tenant's setting, in bounded batches, and never what is still open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from api.db import use_tenant
from api.errors.models import ErrorEvent
from api.errors.retention import delete_expired_batch
from api.platforms import Platform
from api.traces.models import Trace
from api.traces.records import Operation, TraceExchange
from api.traces.service import record_exchanges
from tests.errors.conftest import Board, event

SINCE = {"since": (datetime.now(UTC) - timedelta(days=60)).isoformat()}


async def _count(sessions: Any, tenant_id: uuid.UUID, model: Any) -> int:
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _exchange(shop_id: str, days_ago: int) -> TraceExchange:
    return TraceExchange(
        trace_id=uuid.uuid4().hex, platform=Platform.shopee, shop_id=shop_id, operation=Operation.price,
        method="POST", url="https://partner.shopeemobile.com/api/v2/product/update_price", request_headers={},
        request_body="{}", started_at=datetime.now(UTC) - timedelta(days=days_ago), duration_ms=80,
        response_status=200, response_body='{"error": ""}',
    )  # fmt: skip


async def test_old_events_traces_and_resolved_groups_go_in_batches_and_open_groups_stay(
    board: Board, sessions: Any, seed: Any
) -> None:
    admin = await seed.login(board.tenant_id, "admin")
    assert (await board.client.put("/v1/settings", json={"retention_days": 30}, headers=admin)).status_code == 200
    old = timedelta(days=40)
    # A resolved group last seen 40 days ago; an open one as old, with five events; a recent one.
    await board.ingest(*(event(board.shop_a, sku="OLD-HANDLED", ago=old + timedelta(hours=h)) for h in range(3)))
    await board.ingest(*(event(board.shop_a, sku="OLD-OPEN", ago=old + timedelta(hours=h)) for h in range(5)))
    await board.ingest(event(board.shop_a, sku="RECENT", ago=timedelta(days=2)))
    handled = next(g for g in await board.groups(**SINCE) if g["sku"] == "OLD-HANDLED")
    resolve = await board.client.post(f"/v1/errors/{handled['id']}/handle", json={"resolution": "fixed_data"},
                                      headers=board.headers)  # fmt: skip
    assert resolve.status_code == 200, resolve.text
    async with sessions() as session:
        await use_tenant(session, board.tenant_id)
        await record_exchanges(session, board.tenant_id, [_exchange(board.shop_a, 45), _exchange(board.shop_a, 1)])
        await session.commit()

    rounds, totals = 0, {"events": 0, "traces": 0, "groups": 0}
    while True:
        async with sessions() as session:
            await use_tenant(session, board.tenant_id)
            deleted = await delete_expired_batch(session, board.tenant_id, limit=2)
            await session.commit()
        if not any(deleted.values()):
            break
        rounds += 1
        assert all(n <= 2 for n in deleted.values())
        totals = {k: totals[k] + deleted[k] for k in totals}

    assert rounds >= 2  # bounded: the open group's four older events alone take two batches of two
    assert totals["traces"] == 1 and totals["groups"] == 1
    skus = {g["sku"]: g for g in await board.groups(status="open", **SINCE)}
    assert set(skus) == {"OLD-OPEN", "RECENT"}
    assert skus["OLD-OPEN"]["latest_event"]["id"] is not None  # the open group keeps its latest event
    detail = await board.client.get(f"/v1/errors/{skus['OLD-OPEN']['id']}/events", headers=board.headers)
    assert len(detail.json()["items"]) == 1
    assert await _count(sessions, board.tenant_id, ErrorEvent) == 2  # OLD-OPEN's latest and RECENT's
    assert await _count(sessions, board.tenant_id, Trace) == 1
