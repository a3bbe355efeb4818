"""The workers' trace recorder: buffered exchanges reach the traces table through the service, redacted."""

from __future__ import annotations

import uuid

import httpx
import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.traces.models import Trace
from tests.conftest import Seeder
from tests.traces.conftest import TraceData, exchange
from workers.platforms.base import Connection, Operation, Platform, PlatformHttp, RetryPolicy
from workers.trace_recorder import DatabaseTraceRecorder


async def _count(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> int:
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        return (await session.execute(select(func.count()).select_from(Trace))).scalar_one()


async def test_the_recorder_writes_in_batches_and_flushes_the_rest_on_exit(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    task_id = uuid.uuid4()

    async with DatabaseTraceRecorder(sessions, tenant_id, task_id=task_id, flush_every=2) as recorder:
        for _ in range(3):
            await recorder.record(exchange())
        written_before_exit = await _count(sessions, tenant_id)

    assert written_before_exit == 2
    assert await _count(sessions, tenant_id) == 3
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        assert set((await session.execute(select(Trace.task_id))).scalars()) == {task_id}


async def test_the_traces_of_a_failing_job_are_still_stored(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()

    with pytest.raises(RuntimeError, match="push failed"):
        async with DatabaseTraceRecorder(sessions, tenant_id) as recorder:
            await recorder.record(exchange(status=500))
            raise RuntimeError("push failed")

    assert await _count(sessions, tenant_id) == 1


async def test_given_a_session_the_recorder_writes_inside_the_callers_transaction(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()

    async with sessions() as session:
        await use_tenant(session, tenant_id)
        async with DatabaseTraceRecorder(session, tenant_id) as recorder:
            await recorder.record(exchange())
        await session.rollback()

    assert await _count(sessions, tenant_id) == 0


@respx.mock
async def test_a_real_platform_exchange_is_stored_without_the_connections_secrets(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    shop_id = await TraceData(sessions, tenant_id).shop("Lazada MY", "lazada", "MY")
    connection = Connection(
        platform=Platform.lazada,
        shop_id=str(shop_id),
        market="MY",
        credentials={"app_key": "100001", "app_secret": "lazada-app-secret-77"},
        access_token="lazada-access-token-31",
    )
    route = respx.post("https://api.lazada.com.my/rest/product/price_quantity/update").mock(
        return_value=httpx.Response(200, json={"code": "0", "echo": "token lazada-access-token-31"})
    )

    async with (
        httpx.AsyncClient() as http,
        DatabaseTraceRecorder(sessions, tenant_id, secrets=connection.secrets()) as recorder,
    ):
        sender = PlatformHttp(
            platform=Platform.lazada, connection=connection, http=http, recorder=recorder, retry=RetryPolicy()
        )
        await sender.send(
            lambda: httpx.Request(
                "POST",
                "https://api.lazada.com.my/rest/product/price_quantity/update",
                params={"app_key": "100001", "access_token": "lazada-access-token-31", "sign": "ABCDEF0123"},
                content=b"payload=<Request/>",
            ),
            operation=Operation.price,
        )

    listed = (await client.get("/v1/traces", params={"shop_id": str(shop_id)}, headers=admin)).json()["items"]
    detail = await client.get(f"/v1/traces/{listed[0]['trace_id']}", headers=admin)
    assert route.called and listed[0]["outcome"] == "ok" and listed[0]["shop_name"] == "Lazada MY"
    assert "lazada-access-token-31" not in detail.text and "lazada-app-secret-77" not in detail.text
    assert "ABCDEF0123" not in detail.text and "sign=[REDACTED]" in detail.json()["attempts"][0]["url"]
