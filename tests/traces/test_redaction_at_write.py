"""A secret is never stored in a trace, even when the caller recorded it unredacted."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.traces.models import Trace
from api.traces.redaction import REDACTED
from tests.conftest import Seeder
from tests.traces.conftest import TraceData, exchange

LEAKY_SECRETS = [
    "Atza|IwEBIAccessTokenValue",
    "lwa-access-0123456789",
    "tts-access-0123456789",
    "query-access-token-42",
    "query-refresh-token-42",
    "f3a9c2sig0123456789",
    "shopee-partner-key-99",
    "lazada-app-secret-77",
    "form-client-secret-55",
    "json-nested-refresh-66",
    "plainsecretvalue-88",
]


async def _stored(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, trace_id: str) -> Trace:
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        return (await session.execute(select(Trace).where(Trace.trace_id == trace_id))).scalar_one()


def _everything(trace: Trace) -> str:
    return " ".join(
        [
            trace.url,
            json.dumps(trace.request_headers),
            trace.request_body,
            json.dumps(trace.response_headers),
            trace.response_body,
            trace.transport_error or "",
        ]
    )


async def test_each_kind_of_secret_a_caller_forgot_to_redact_is_not_stored(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    data = TraceData(sessions, tenant_id)
    unredacted = exchange(
        url=(
            "https://partner.shopeemobile.com/api/v2/product/update_price?partner_id=1"
            "&access_token=query-access-token-42&refresh_token=query-refresh-token-42"
            "&sign=f3a9c2sig0123456789&partner_key=shopee-partner-key-99&app_secret=lazada-app-secret-77"
        ),
        request_headers={
            "Authorization": "Bearer lwa-access-0123456789",
            "x-amz-access-token": "Atza|IwEBIAccessTokenValue",
            "x-tts-access-token": "tts-access-0123456789",
            "content-type": "application/x-www-form-urlencoded",
        },
        request_body="grant_type=client_credentials&client_id=amzn1.app&client_secret=form-client-secret-55",
        response_body=json.dumps({"data": {"token": {"refresh_token": "json-nested-refresh-66", "expires_in": 3600}}}),
        status=400,
        transport_error=None,
    )
    free_text = exchange(
        response_body="upstream said: token plainsecretvalue-88 is not valid for this shop",
        status=None,
        transport_error="ConnectError: refused while sending plainsecretvalue-88",
    )

    await data.traces([unredacted, free_text], secrets=["plainsecretvalue-88"])

    stored = await _stored(sessions, tenant_id, unredacted.trace_id)
    stored_text = await _stored(sessions, tenant_id, free_text.trace_id)
    everything = _everything(stored) + _everything(stored_text)
    assert [s for s in LEAKY_SECRETS if s in everything] == []
    assert stored.request_headers["Authorization"] == REDACTED
    assert stored.request_headers["x-amz-access-token"] == REDACTED
    assert stored.request_headers["x-tts-access-token"] == REDACTED
    assert stored.request_headers["content-type"] == "application/x-www-form-urlencoded"
    assert "partner_id=1" in stored.url and stored.url.count(REDACTED) == 5
    assert "client_id=amzn1.app" in stored.request_body
    assert json.loads(stored.response_body)["data"]["token"] == {"refresh_token": REDACTED, "expires_in": 3600}
    assert stored_text.response_body == f"upstream said: token {REDACTED} is not valid for this shop"
    assert stored_text.transport_error == f"ConnectError: refused while sending {REDACTED}"


async def test_outcome_is_ok_for_2xx_error_for_other_answers_and_transport_error_without_one(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    ok, rejected, throttled, lost = (
        exchange(status=204),
        exchange(status=400),
        exchange(status=429),
        exchange(status=None, transport_error="ReadTimeout: timed out"),
    )

    await TraceData(sessions, tenant_id).traces([ok, rejected, throttled, lost])

    outcomes = [(await _stored(sessions, tenant_id, e.trace_id)).outcome for e in (ok, rejected, throttled, lost)]
    assert outcomes == ["ok", "error", "error", "transport_error"]


async def test_writing_the_same_attempt_twice_stores_it_once(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    data = TraceData(sessions, tenant_id)
    first = exchange(attempt=1, status=503)
    retry = exchange(trace_id=first.trace_id, attempt=2)

    await data.traces([first, retry])
    await data.traces([first])

    async with sessions() as session:
        await use_tenant(session, tenant_id)
        rows = (await session.execute(select(Trace.attempt).where(Trace.trace_id == first.trace_id))).scalars()
        assert sorted(rows) == [1, 2]
