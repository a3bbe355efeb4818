"""Finding work that lost its job: a worker killed mid-batch, or a queue flushed. PostgreSQL holds every action;
Redis only carries the queue, so whatever is not final and has not shown a heartbeat for a while is enqueued
again, under a fresh job id. Conditional claims make a duplicate job harmless."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import queue
from api.shops.models import Connection
from api.tasks.actions import CONFIRM_JOB
from api.tasks.models import PushAction
from api.tasks.planning import PUSH_JOB


async def requeue_stale(
    session: AsyncSession, tenant_id: uuid.UUID, *, stale_after: timedelta, check_every: timedelta, limit: int = 500
) -> dict[str, int]:
    """Enqueue again the batches of stale actions: pending ones (their shop's authorisation permitting) to be sent,
    `sending` and `awaiting_confirmation` ones to be read back. Returns the batches enqueued per kind."""
    now = datetime.now(UTC)
    a = PushAction
    usable = (
        ~select(Connection.shop_id)
        .where(Connection.tenant_id == a.tenant_id, Connection.shop_id == a.shop_id, Connection.health == "expired")
        .exists()
    )
    stale = or_(
        and_(a.status.in_(("pending", "sending")), a.heartbeat_at < now - stale_after),
        and_(a.status == "awaiting_confirmation", a.heartbeat_at < now - stale_after - check_every),
    )
    rows = (
        await session.execute(
            select(a.batch_id, a.status)
            .where(a.tenant_id == tenant_id, a.batch_id.is_not(None), stale, or_(a.status != "pending", usable))
            .distinct()
            .limit(limit)
        )
    ).all()
    counts = {"push": 0, "confirm": 0}
    stamp = now.strftime("%Y%m%dT%H%M%S.%f")
    for batch_id, status in rows:
        if status == "pending":
            await queue.enqueue(
                session, PUSH_JOB, f"push:{batch_id}:again:{stamp}", tenant_id=tenant_id, batch_id=str(batch_id)
            )
            counts["push"] += 1
        else:
            chain = f"again.{status}.{stamp}"
            await queue.enqueue(
                session, CONFIRM_JOB, f"confirm:{batch_id}:{chain}:0",
                tenant_id=tenant_id, batch_id=str(batch_id), chain=chain,
            )  # fmt: skip
            counts["confirm"] += 1
    if rows:
        await session.execute(
            update(a)
            .where(
                a.tenant_id == tenant_id,
                a.batch_id.in_({b for b, _ in rows}),
                a.status.in_(("pending", "sending", "awaiting_confirmation")),
            )
            .values(heartbeat_at=now)
        )
    return counts
