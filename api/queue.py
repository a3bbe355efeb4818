"""Jobs enqueued after commit through an outbox.

A request or job calls `enqueue(session, function, job_id, **kwargs)`: an outbox row is written in the same
transaction as the data the job acts on; after commit the job is sent to arq under `job_id`; a cron job re-sends
rows not marked sent within minutes. A lost queue therefore loses no work, and arq's job ids make a re-send of a
job that is still queued a no-op.

The outbox carries ids and scalars only; it is read across tenants by the re-sender, so it has no row-level
security and holds no tenant data beyond the ids in its arguments.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from arq.connections import ArqRedis
from sqlalchemy import BigInteger, DateTime, Identity, Index, String, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at


class OutboxJob(Base):
    __tablename__ = "outbox_jobs"
    __table_args__ = (Index(None, "sent_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    job_id: Mapped[str] = mapped_column(String(200), unique=True)
    function: Mapped[str] = mapped_column(String(100))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")


def pending_jobs(session: AsyncSession) -> list[OutboxJob]:
    jobs: list[OutboxJob] = session.info.setdefault("outbox", [])
    return jobs


async def enqueue(
    session: AsyncSession, function: str, job_id: str, *, tenant_id: uuid.UUID | None = None, **kwargs: Any
) -> None:
    """Write the job in the caller's transaction; `send_pending` sends it after commit. A job of a tenant is given
    `tenant_id` (a string) among its arguments: it runs under that tenant's row-level security."""
    if tenant_id is not None:
        kwargs = {"tenant_id": str(tenant_id), **kwargs}
    # A job id names one job: enqueueing it again (a retried job, two batches' settlements) is a no-op, as arq
    # treats it, instead of a unique violation that would undo the caller's whole transaction.
    written = await session.execute(
        pg_insert(OutboxJob)
        .values(tenant_id=tenant_id, job_id=job_id, function=function, kwargs=kwargs)
        .on_conflict_do_nothing(index_elements=["job_id"])
        .returning(OutboxJob.id)
    )
    row_id = written.scalar_one_or_none()
    if row_id is not None:
        pending_jobs(session).append(
            OutboxJob(id=row_id, tenant_id=tenant_id, job_id=job_id, function=function, kwargs=kwargs)
        )


async def _send(redis: ArqRedis, job: OutboxJob) -> None:
    # arq refuses a job id it already holds (queued or with a kept result): a re-send is then a no-op.
    await redis.enqueue_job(job.function, _job_id=job.job_id, **job.kwargs)


async def send_pending(session: AsyncSession, redis: ArqRedis) -> None:
    """After commit: send this transaction's jobs and mark them sent (best effort; the cron re-sends)."""
    jobs = pending_jobs(session)
    if not jobs:
        return
    session.info["outbox"] = []
    for job in jobs:
        await _send(redis, job)
    async with session.begin():
        await session.execute(
            update(OutboxJob).where(OutboxJob.id.in_([j.id for j in jobs])).values(sent_at=func.now())
        )


RESEND_AFTER = timedelta(minutes=2)


async def resend_unsent(session: AsyncSession, redis: ArqRedis, limit: int = 500) -> int:
    stale = datetime.now(UTC) - RESEND_AFTER
    stmt = (
        select(OutboxJob)
        .where(OutboxJob.sent_at.is_(None), OutboxJob.created_at < stale)
        .order_by(OutboxJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    jobs = list((await session.execute(stmt)).scalars())
    for job in jobs:
        await _send(redis, job)
    if jobs:
        await session.execute(
            update(OutboxJob)
            .where(OutboxJob.id.in_([j.id for j in jobs]))
            .values(sent_at=func.now(), attempts=OutboxJob.attempts + 1)
        )
    return len(jobs)
