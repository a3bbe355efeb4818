"""The arq worker: its functions, cron jobs and Redis settings.

Every worker process shares one httpx client (explicit timeouts), the Redis rate-limit buckets and the Redis
token-refresh lock, so platform limits hold across any number of workers."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
from arq import cron
from arq.connections import RedisSettings

from api.config import get_settings
from api.db import create_app_engine, sessionmaker
from workers.jobs import alerts, catalog, health, maintenance, outbox, pushes, tokens
from workers.platforms.limits import RedisRateLimiter, ShopSlots, redis_refresh_lock

# A platform call gets 15 s to answer (the sandbox's and platforms' slow answers are longer: they time out and are
# retried by the client within its budget), 5 s to connect.
PLATFORM_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_JOBS = 20
# Push jobs per shop at once, across workers: one job keeps an Amazon shop at its 5 calls/s; a few keep up with the
# platforms that allow more. The rest of the worker's slots serve other shops.
SHOP_SLOTS = 3


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
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
