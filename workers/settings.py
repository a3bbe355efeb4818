"""The arq worker: its functions, cron jobs and Redis settings."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

from api.config import get_settings
from api.db import create_app_engine, sessionmaker
from workers.jobs import outbox


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    ctx["engine"] = create_app_engine(settings)
    ctx["sessionmaker"] = sessionmaker(ctx["engine"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["engine"].dispose()


class WorkerSettings:
    functions: ClassVar[list[Any]] = []
    cron_jobs: ClassVar[list[Any]] = [cron(outbox.resend_outbox, second={0}, run_at_startup=True)]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
