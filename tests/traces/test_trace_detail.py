"""GET /v1/traces/{trace_id}: every attempt of one platform call, and the error events that cite it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.traces.redaction import REDACTED
from tests.conftest import Seeder
from tests.traces.conftest import NOW, TraceData, exchange


async def test_a_trace_shows_its_attempts_in_order_with_names_and_the_events_citing_it(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    viewer = await seed.login(tenant_id, "viewer")
    data = TraceData(sessions, tenant_id)
    shop_id, strategy_id, task_id = await data.shop("Amazon US main"), await data.strategy(), uuid.uuid4()
    trace_id = uuid.uuid4().hex
    started = NOW - timedelta(minutes=3)
    await data.traces(
        [
            exchange(
                trace_id=trace_id,
                attempt=2,
                shop_id=shop_id,
                started_at=started + timedelta(seconds=2),
                status=400,
                response_headers={"x-amzn-RequestId": "req-2"},
            ),
            exchange(
                trace_id=trace_id,
                attempt=1,
                shop_id=shop_id,
                started_at=started,
                status=503,
                request_headers={"Authorization": "Bearer lwa-access-0123456789", "accept": "application/json"},
            ),
        ],
        task_id=task_id,
        strategy_id=strategy_id,
    )
    second_event = await data.event(shop_id, trace_id, sku="SKU-2", occurred_at=started + timedelta(seconds=3))
    first_event = await data.event(shop_id, trace_id, sku="SKU-1", occurred_at=started + timedelta(seconds=3))
    await data.event(shop_id, "another-trace", sku="SKU-3", occurred_at=started)

    response = await client.get(f"/v1/traces/{trace_id}", headers=viewer)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["trace_id"] == trace_id
    first, second = body["attempts"]
    assert (first["attempt"], first["response_status"], first["outcome"]) == (1, 503, "error")
    assert (second["attempt"], second["response_status"], second["outcome"]) == (2, 400, "error")
    assert first["request_headers"] == {"Authorization": REDACTED, "accept": "application/json"}
    assert second["response_headers"] == {"x-amzn-RequestId": "req-2"}
    assert second["response_body"] == '{"errors": [{"code": "InvalidInput"}]}'
    assert first["request_body"] == '{"productType": "LUGGAGE"}' and first["method"] == "PATCH"
    assert first["url"].endswith("?marketplaceIds=ATVPDKIKX0DER") and first["duration_ms"] == 120
    assert {a["shop_id"] for a in body["attempts"]} == {str(shop_id)}
    assert {a["shop_name"] for a in body["attempts"]} == {"Amazon US main"}
    assert {a["strategy_name"] for a in body["attempts"]} == {"Weekend prices"}
    assert {(a["task_id"], a["strategy_id"]) for a in body["attempts"]} == {(str(task_id), str(strategy_id))}
    assert [e["id"] for e in body["events"]] == [second_event, first_event]
    assert body["events"][1] == {
        "id": first_event,
        "group_id": body["events"][1]["group_id"],
        "error_type": "VALIDATION_FAILED",
        "severity": "error",
        "sku": "SKU-1",
        "platform_error_code": "InvalidInput",
        "platform_error_message": "price must be positive",
        "occurred_at": body["events"][1]["occurred_at"],
    }


async def test_a_trace_nobody_cites_has_no_events(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    reader = await seed.api_key(tenant_id, ["errors:read"])
    ok = exchange(status=200)
    await TraceData(sessions, tenant_id).traces([ok])

    response = await client.get(f"/v1/traces/{ok.trace_id}", headers=reader)

    assert response.status_code == 200
    assert response.json()["events"] == [] and response.json()["attempts"][0]["shop_name"] is None


async def test_an_unknown_trace_is_a_404_problem(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    response = await client.get(f"/v1/traces/{uuid.uuid4().hex}", headers=admin)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_another_tenants_trace_is_a_404_and_its_events_stay_hidden(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    data_a = TraceData(sessions, tenant_a)
    shop_a = await data_a.shop()
    secret_trace = exchange(shop_id=shop_a)
    await data_a.traces([secret_trace])
    await data_a.event(shop_a, secret_trace.trace_id, sku="A-SKU", occurred_at=NOW)
    admin_b = await seed.login(tenant_b)

    response = await client.get(f"/v1/traces/{secret_trace.trace_id}", headers=admin_b)

    assert response.status_code == 404
    assert "A-SKU" not in response.text


async def test_reading_traces_needs_the_errors_read_scope(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    writer_only = await seed.api_key(tenant_id, ["errors:write", "exports:read"])
    trace = exchange()
    await TraceData(sessions, tenant_id).traces([trace])

    one = await client.get(f"/v1/traces/{trace.trace_id}", headers=writer_only)
    many = await client.get("/v1/traces", headers=writer_only)
    anonymous = await client.get("/v1/traces")

    assert (one.status_code, many.status_code, anonymous.status_code) == (403, 403, 401)


async def test_row_level_security_hides_another_tenants_traces_even_from_raw_sql(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from sqlalchemy import text

    from api.db import use_tenant

    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    await TraceData(sessions, tenant_a).traces([exchange(), exchange()])

    async with sessions() as session:
        await use_tenant(session, tenant_b)
        seen_by_b = (await session.execute(text("SELECT trace_id FROM traces"))).all()
        await use_tenant(session, tenant_a)
        seen_by_a = (await session.execute(text("SELECT trace_id FROM traces"))).all()

    assert seen_by_b == [] and len(seen_by_a) == 2
