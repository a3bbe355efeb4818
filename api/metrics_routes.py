"""`GET /metrics`: the Prometheus text of this API process, with the gauges read at scrape time (docs/metrics.md)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select

from api import metrics, problems
from api.db import use_tenant
from api.shops.models import Connection
from api.tenants.service import all_tenant_ids


async def refresh_gauges(request: Request) -> None:
    """The gauges read at scrape time: the queue's depth in Redis and the connections' health in PostgreSQL."""
    settings = request.app.state.settings
    metrics.QUEUE_DEPTH.labels(settings.queue_name).set(await request.app.state.redis.zcard(settings.queue_name))

    counts = dict.fromkeys(metrics.HEALTH_STATES, 0)
    async with request.app.state.sessionmaker() as session, session.begin():
        # Connections are under row-level security: counted tenant by tenant, in one transaction.
        for tenant_id in await all_tenant_ids(session):
            await use_tenant(session, tenant_id)
            rows = await session.execute(
                select(Connection.health, func.count())
                .where(Connection.tenant_id == tenant_id)
                .group_by(Connection.health)
            )
            for state, count in rows:
                counts[state] = counts.get(state, 0) + count
    for state, count in counts.items():
        metrics.CONNECTION_HEALTH.labels(state).set(count)


router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    operation_id="metrics-scrape",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **problems.problem_answer(401, "OPENCLAW_METRICS_TOKEN is set and the bearer token does not match it"),
        **problems.problem_answer(503, "PostgreSQL or Redis, read for the gauges, is unavailable or too slow"),
    },
)
async def scrape(request: Request) -> Response:
    """Prometheus metrics of this API process (docs/metrics.md). Open when OPENCLAW_METRICS_TOKEN is not set;
    otherwise it needs `Authorization: Bearer <OPENCLAW_METRICS_TOKEN>`."""
    token = request.app.state.settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        scheme, _, credential = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), token.encode()):
            raise problems.Unauthorized(
                "send the metrics token as 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
            )
    await refresh_gauges(request)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
