"""Prometheus metrics and JSON logs (docs/metrics.md): `/metrics` answers the families after real traffic, the token
closes it, and the workers' hooks (jobs, platform calls, rate-limit waits, alert deliveries) count what they do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
import structlog
from arq import Retry
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import LogCapture

from api import middleware
from api.alerts import deliver
from api.alerts.channels.transport import SendResult
from api.alerts.models import AlertDelivery
from api.db import use_tenant
from tests.conftest import Seeder
from workers.platforms.base import Connection, ListTraceRecorder, Operation, Platform, PlatformHttp, RetryPolicy
from workers.platforms.limits import RedisRateLimiter
from workers.settings import WorkerSettings, instrumented


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[LogCapture]:
    """structlog lines as dicts, with the bound context merged in as the real configuration does. The access
    logger is replaced by a fresh one (the module's may be cached with the JSON configuration already)."""
    capture = LogCapture()
    structlog.configure(processors=[structlog.contextvars.merge_contextvars, capture], cache_logger_on_first_use=False)
    monkeypatch.setattr(middleware, "log", structlog.get_logger("openclaw.http"))
    yield capture
    structlog.reset_defaults()


async def _shop_and_event(
    client: httpx.AsyncClient, headers: dict[str, str], key: str
) -> tuple[httpx.Response, dict[str, Any]]:
    shop = await client.post(
        "/v1/shops", json={"name": "Shopee MY", "platform": "shopee", "market": "MY"}, headers=headers
    )
    assert shop.status_code == 201, shop.text
    event = {
        "idempotency_key": key,
        "occurred_at": "2026-11-25T08:00:00+08:00",
        "shop_id": shop.json()["id"],
        "error_type": "RATE_LIMITED",
    }
    return await client.post("/v1/error-events", json={"events": [event, event]}, headers=headers), event


async def test_metrics_show_request_latency_by_route_template_and_events_ingested(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    admin = await seed.login(await seed.tenant())
    ingested = sample("openclaw_events_ingested_total", error_type="RATE_LIMITED", platform="shopee")
    key = f"metrics-{uuid.uuid4().hex}"

    first, event = await _shop_and_event(client, admin, key)
    again = await client.post("/v1/error-events", json={"events": [event]}, headers=admin)
    group_id = first.json()["items"][0]["group_id"]
    await client.get(f"/v1/errors/{group_id}", headers=admin)
    scraped = await client.get("/metrics")

    assert first.status_code == 200 and first.json()["created"] == 1 and again.json()["created"] == 0
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert (
        'openclaw_http_request_duration_seconds_count{method="GET",route="/v1/errors/{group_id}",status="200"}' in text
    )
    assert group_id not in text  # the template, never the raw path
    # The event counted once: the repeat inside the batch and the second request were duplicates.
    assert sample("openclaw_events_ingested_total", error_type="RATE_LIMITED", platform="shopee") == ingested + 1
    for family in (
        "openclaw_events_ingested_total",
        "openclaw_queue_depth",
        "openclaw_connections",
        "openclaw_alert_deliveries_total",
        "openclaw_platform_calls_total",
        "openclaw_platform_call_duration_seconds",
        "openclaw_rate_limit_wait_seconds",
        "openclaw_jobs_total",
        "openclaw_job_duration_seconds",
    ):
        assert f"# TYPE {family}" in text, family
    assert 'openclaw_queue_depth{queue="arq:queue"}' in text
    assert 'openclaw_connections{state="ok"}' in text and 'openclaw_connections{state="expired"}' in text


async def test_the_metrics_token_is_required_when_it_is_set(app: Any, client: httpx.AsyncClient) -> None:
    app.state.settings = app.state.settings.model_copy(update={"metrics_token": "scrape-me-7"})

    missing = await client.get("/metrics")
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-8"})
    right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-7"})

    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "unauthorized"
    assert right.status_code == 200 and "openclaw_http_request_duration_seconds" in right.text


async def test_a_job_is_counted_by_name_and_outcome_with_its_ids_in_the_logs(logs: LogCapture) -> None:
    log = structlog.get_logger("test.job")
    tenant_id, task_id = uuid.uuid4(), uuid.uuid4()

    async def metrics_probe_job(ctx: dict[str, Any], *, tenant_id: str, task_id: str, fail: str = "") -> str:
        log.info("probe")
        if fail == "retry":
            raise Retry(defer=1)
        if fail:
            raise ValueError(fail)
        return "done"

    job = instrumented(metrics_probe_job)
    before = {
        o: sample("openclaw_jobs_total", job="metrics_probe_job", outcome=o) for o in ("success", "failure", "retry")
    }

    assert await job({"job_id": "j-1"}, tenant_id=str(tenant_id), task_id=str(task_id)) == "done"
    with pytest.raises(ValueError):
        await job({"job_id": "j-2"}, tenant_id=str(tenant_id), task_id=str(task_id), fail="boom")
    with pytest.raises(Retry):
        await job({"job_id": "j-3"}, tenant_id=str(tenant_id), task_id=str(task_id), fail="retry")

    for outcome in ("success", "failure", "retry"):
        assert sample("openclaw_jobs_total", job="metrics_probe_job", outcome=outcome) == before[outcome] + 1
    assert sample("openclaw_job_duration_seconds_count", job="metrics_probe_job", outcome="success") >= 1
    line = logs.entries[0]
    assert line["job"] == "metrics_probe_job" and line["job_id"] == "j-1"
    assert line["tenant_id"] == str(tenant_id) and line["task_id"] == str(task_id)
    assert structlog.contextvars.get_contextvars() == {}  # nothing leaks past the job
    # Every registered job and cron goes through the wrapper, under the name arq gives it.
    assert all(f.__wrapped__ for f in WorkerSettings.functions)  # type: ignore[attr-defined]
    assert all(c.coroutine.__wrapped__ for c in WorkerSettings.cron_jobs)  # type: ignore[attr-defined]


@respx.mock
async def test_platform_calls_are_counted_by_outcome_with_their_latency() -> None:
    url = "https://partner.shopeemobile.com/api/v2/product/update_price"
    respx.post(url).mock(side_effect=[httpx.Response(429), httpx.Response(200, json={"error": ""})])
    connection = Connection(platform=Platform.shopee, shop_id=str(uuid.uuid4()), market="MY", credentials={})
    labels = {"platform": "shopee", "operation": "price"}
    before = {o: sample("openclaw_platform_calls_total", **labels, outcome=o) for o in ("ok", "rate_limited")}
    seconds_before = sample("openclaw_platform_call_duration_seconds_count", **labels)

    async def no_sleep(_: float) -> None:
        return None

    async with httpx.AsyncClient() as http:
        sender = PlatformHttp(
            platform=Platform.shopee, connection=connection, http=http, recorder=ListTraceRecorder(),
            retry=RetryPolicy(), sleep=no_sleep,
        )  # fmt: skip
        response = await sender.send(lambda: httpx.Request("POST", url), operation=Operation.price)

    assert response.status == 200
    for outcome in ("ok", "rate_limited"):
        assert sample("openclaw_platform_calls_total", **labels, outcome=outcome) == before[outcome] + 1
    assert sample("openclaw_platform_call_duration_seconds_count", **labels) == seconds_before + 2


async def test_rate_limit_waits_are_observed_by_platform(redis: Redis) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RedisRateLimiter(redis, prefix=f"test:metrics:{uuid.uuid4().hex}:", sleep=sleep)
    count = sample("openclaw_rate_limit_wait_seconds_count", platform="tiktok")
    total = sample("openclaw_rate_limit_wait_seconds_sum", platform="tiktok")

    key = f"tiktok:{uuid.uuid4()}:stock"
    for _ in range(3):  # a burst of one at 1/s: the second and third calls wait about 1 s and 2 s
        await limiter.acquire(key, 1.0, 1)

    assert sample("openclaw_rate_limit_wait_seconds_count", platform="tiktok") == count + 3
    assert sample("openclaw_rate_limit_wait_seconds_sum", platform="tiktok") == pytest.approx(total + sum(waits))
    assert len(waits) == 2


async def test_settling_a_delivery_counts_it_by_channel_and_outcome(db: AsyncSession, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    await use_tenant(db, tenant_id)
    rows = [AlertDelivery(tenant_id=tenant_id, id=uuid.uuid4(), channel_kind="dingtalk", attempts=1)]
    sent = sample("openclaw_alert_deliveries_total", channel="dingtalk", outcome="sent", kind="alert")
    retrying = sample("openclaw_alert_deliveries_total", channel="dingtalk", outcome="retrying", kind="alert")

    assert await deliver.settle(db, tenant_id, uuid.uuid4(), rows, SendResult(ok=True, status=200)) == "sent"
    failure = SendResult(ok=False, status=503, retryable=True, error="busy")
    assert await deliver.settle(db, tenant_id, uuid.uuid4(), rows, failure) == "retrying"

    assert sample("openclaw_alert_deliveries_total", channel="dingtalk", outcome="sent", kind="alert") == sent + 1
    assert (
        sample("openclaw_alert_deliveries_total", channel="dingtalk", outcome="retrying", kind="alert") == retrying + 1
    )


async def test_request_log_lines_carry_the_request_id_and_the_tenant(
    client: httpx.AsyncClient, seed: Seeder, logs: LogCapture
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    logs.entries.clear()

    await client.get("/v1/errors", headers={**admin, "X-Request-ID": "erp-metrics-1"})
    missing = uuid.uuid4()
    await client.get(f"/v1/tasks/{missing}", headers={**admin, "X-Request-ID": "erp-metrics-2"})

    lines = [e for e in logs.entries if e["event"] == "request"]
    assert lines[0]["request_id"] == "erp-metrics-1" and lines[0]["tenant_id"] == str(tenant_id)
    assert lines[0]["route"] == "/v1/errors"
    assert lines[1]["request_id"] == "erp-metrics-2" and lines[1]["task_id"] == str(missing)


def test_every_family_is_documented_and_on_the_dashboard() -> None:
    from pathlib import Path

    from api import metrics

    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs" / "metrics.md").read_text(encoding="utf-8")
    dashboard = (root / "docs" / "grafana-dashboard.json").read_text(encoding="utf-8")
    families = [v for v in vars(metrics).values() if hasattr(v, "_name") and hasattr(v, "_labelnames")]
    assert len(families) == 10
    for family in families:
        name = family._name + ("_total" if family._type == "counter" else "")
        assert f"`{name}`" in docs, name
        assert family._name in dashboard, name
        for label in family._labelnames:
            assert f"`{label}`" in docs, (name, label)
