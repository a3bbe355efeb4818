"""The arq worker: its functions, cron jobs and Redis settings.

Every worker process shares one httpx client (explicit timeouts), the Redis rate-limit buckets and the Redis
token-refresh lock, so platform limits hold across any number of workers."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import httpx
import prometheus_client
import structlog
from arq import Retry, cron
from arq.connections import RedisSettings

from api import metrics
from api.config import get_settings
from api.db import create_app_engine, sessionmaker
from api.logging import configure as configure_logging
from workers.jobs import alerts, catalog, health, maintenance, outbox, pushes, tokens
from workers.platforms.limits import RedisRateLimiter, ShopSlots, redis_refresh_lock

# A platform call gets 15 s to answer (the sandbox's and platforms' slow answers are longer: they time out and are
# retried by the client within its budget), 5 s to connect.
PLATFORM_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_JOBS = 20
# Push jobs per shop at once, across workers: one job keeps an Amazon shop at its 5 calls/s; a few keep up with the
# platforms that allow more. The rest of the worker's slots serve other shops.
SHOP_SLOTS = 3


Job = Callable[..., Awaitable[Any]]
# The kwargs of a job that name what it works on: bound to every log line of the job.
_LOGGED_KWARGS = ("tenant_id", "task_id", "trace_id")


def instrumented(job: Job) -> Job:
    """A job with its metrics (openclaw_jobs_total, openclaw_job_duration_seconds by job and outcome) and its log
    context (job, job_id, and the tenant_id/task_id it was given). arq names jobs by __qualname__, which is kept."""
    name = job.__name__

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        ids = {k: str(kwargs[k]) for k in _LOGGED_KWARGS if kwargs.get(k) is not None}
        started = time.perf_counter()
        outcome = "failure"
        try:
            with structlog.contextvars.bound_contextvars(job=name, job_id=ctx.get("job_id"), **ids):
                result = await job(ctx, *args, **kwargs)
            outcome = "success"
            return result
        except Retry:
            outcome = "retry"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            metrics.JOBS.labels(name, outcome).inc()
            metrics.JOB_DURATION.labels(name, outcome).observe(time.perf_counter() - started)

    return run


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging()
    if settings.worker_metrics_port:
        # Each worker process serves its own families (docs/metrics.md): give each worker its own port.
        prometheus_client.start_http_server(settings.worker_metrics_port)
    # Jobs may run statements longer than a request should wait, but not unbounded ones.
    # A pooled connection for each job at once, and as many again for their heartbeats and traces: connections
    # beyond the pool are opened and closed per use, which costs more CPU than the pushes themselves.
    ctx["engine"] = create_app_engine(
        settings,
        statement_timeout_ms=settings.db_worker_statement_timeout_ms,
        pool_size=MAX_JOBS,
        max_overflow=MAX_JOBS,
    )
    ctx["sessionmaker"] = sessionmaker(ctx["engine"])
    ctx["http"] = httpx.AsyncClient(timeout=PLATFORM_TIMEOUT, limits=httpx.Limits(max_connections=100))
    ctx["limiter"] = RedisRateLimiter(ctx["redis"])
    ctx["refresh_lock"] = redis_refresh_lock(ctx["redis"])
    ctx["shop_slots"] = ShopSlots(ctx["redis"], slots=SHOP_SLOTS)


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["http"].aclose()
    await ctx["engine"].dispose()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        pushes.plan_task,
        pushes.push_batch,
        pushes.confirm_batch,
        tokens.refresh_token,
        catalog.sync_catalog,
        alerts.send_alert_batch,
        health.check_connection_health,  # also a job: an operator (or a test) can run it now
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(outbox.resend_outbox, second={0}, run_at_startup=True),
        cron(pushes.reconcile, second={5, 20, 35, 50}, run_at_startup=True),
        cron(pushes.start_due_strategies, second={30}),
        cron(tokens.refresh_expiring, second={40}, run_at_startup=True),
        cron(health.check_connection_health, minute=set(range(2, 60, 5)), second={10}, run_at_startup=True),
        cron(maintenance.apply_retention, minute={17}, second={0}),
        cron(catalog.start_due_syncs, minute={23}, second={0}),
        cron(alerts.evaluate_alerts, second={10}),
    ]
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = MAX_JOBS
    job_timeout = 600
    # Jobs are idempotent on their domain keys; arq's own retries are for a worker that died mid-job.
    max_tries = 5
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    queue_name = get_settings().queue_name


# Every job and cron with its metrics and log context (kept out of the lists above, so they stay plain to read).
WorkerSettings.functions = [instrumented(f) for f in WorkerSettings.functions]
WorkerSettings.cron_jobs = [
    dataclasses.replace(c, coroutine=instrumented(c.coroutine)) for c in WorkerSettings.cron_jobs
]
