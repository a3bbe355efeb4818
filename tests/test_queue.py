"""The outbox: jobs written with the data, sent to arq after commit, re-sent when the send was lost."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job, JobStatus
from arq.worker import Worker, func
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api import queue
from api.queue import OutboxJob
from tests.conftest import TEST_REDIS_URL


@pytest.fixture
async def arq_redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(TEST_REDIS_URL))
    yield pool
    await pool.aclose()


async def test_a_job_is_sent_after_commit_and_marked_sent(
    sessions: async_sessionmaker[AsyncSession], arq_redis: ArqRedis
) -> None:
    job_id = f"test:{uuid.uuid4()}"
    async with sessions() as session:
        await queue.enqueue(session, "record_ping", job_id, value=42)
        assert await Job(job_id, arq_redis).status() == JobStatus.not_found  # nothing before commit
        await session.commit()
        await queue.send_pending(session, arq_redis)
        row = (await session.execute(select(OutboxJob).where(OutboxJob.job_id == job_id))).scalar_one()

    assert await Job(job_id, arq_redis).status() == JobStatus.queued
    assert row.sent_at is not None and row.kwargs == {"value": 42}


async def test_a_lost_send_is_re_sent_once_by_the_cron(
    sessions: async_sessionmaker[AsyncSession], arq_redis: ArqRedis
) -> None:
    job_id = f"test:{uuid.uuid4()}"
    async with sessions() as session:
        await queue.enqueue(session, "record_ping", job_id, value=1)
        await session.commit()  # ... and the process dies before send_pending
        await session.execute(
            update(OutboxJob)
            .where(OutboxJob.job_id == job_id)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=5))
        )
        first = await queue.resend_unsent(session, arq_redis)
        second = await queue.resend_unsent(session, arq_redis)

    assert first >= 1 and second == 0
    assert await Job(job_id, arq_redis).status() == JobStatus.queued


async def test_a_worker_runs_the_sent_job(sessions: async_sessionmaker[AsyncSession], arq_redis: ArqRedis) -> None:
    seen: list[Any] = []

    async def record_ping(ctx: dict[str, Any], value: int) -> int:
        seen.append(value)
        return value

    queue_name = f"test-queue:{uuid.uuid4()}"
    job = await arq_redis.enqueue_job("record_ping", 7, _job_id=f"test:{uuid.uuid4()}", _queue_name=queue_name)
    worker = Worker(
        functions=[func(record_ping, name="record_ping")],
        redis_pool=arq_redis,
        queue_name=queue_name,
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
    )
    await worker.main()
    await worker.close()

    assert seen == [7]
    assert job is not None and await job.result(timeout=5) == 7
