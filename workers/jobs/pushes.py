"""Push jobs: plan a task, send a batch, read a batch back, and re-enqueue what lost its job. Thin: each loads,
calls the tasks domain's services, commits; the platform call happens between two commits, outside any
transaction, so a worker that dies mid-call leaves its actions `sending` for the read-back to decide."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from api import queue
from api.config import get_settings
from api.db import tenant_session
from api.shops import connections
from api.tasks import actions, planning, recovery
from api.tasks import service as tasks_service
from api.tasks.actions import Batch, Claimed
from api.tenants import service as tenants_service
from workers import category_rules, clients
from workers.platforms.rules import RulesSource

log = structlog.get_logger("openclaw.jobs.pushes")
HEARTBEAT_SECONDS = 10
DRAIN_SECONDS = 300  # half of arq's job timeout: the batch under way always ends inside it


@asynccontextmanager
async def unit_of_work(ctx: dict[str, Any], tenant_id: uuid.UUID) -> AsyncIterator[AsyncSession]:
    """One transaction of a job; the jobs it enqueued go to Redis after the commit (the outbox re-sends if not)."""
    async with ctx["sessionmaker"]() as session:
        session.info["tenant_id"] = tenant_id
        async with session.begin():
            yield session
        with suppress(Exception):  # best effort: the outbox cron re-sends what did not go
            await queue.send_pending(session, ctx["redis"])


async def plan_task(ctx: dict[str, Any], tenant_id: str, task_id: str) -> int:
    async with unit_of_work(ctx, uuid.UUID(tenant_id)) as session:
        return await planning.plan_task(session, uuid.UUID(tenant_id), uuid.UUID(task_id))


@asynccontextmanager
async def heartbeats(ctx: dict[str, Any], tenant_id: uuid.UUID, items: Sequence[Claimed]) -> AsyncIterator[None]:
    """While a call runs (rate limits can make it long), its actions keep showing they are alive."""
    ids = [c.action.id for c in items]
    # Well inside the reconciler's stale time, or a live call would look abandoned and be read back meanwhile.
    every = min(HEARTBEAT_SECONDS, get_settings().action_stale_seconds / 3)

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            with suppress(Exception):
                async with tenant_session(ctx["sessionmaker"], tenant_id) as session:
                    await actions.heartbeat(session, tenant_id, ids)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def _deadline(platform: str) -> timedelta:
    return actions.confirm_deadline(platform, get_settings().confirm_deadline_seconds)


async def push_batch(ctx: dict[str, Any], tenant_id: str, batch_id: str) -> dict[str, int]:
    """Send a batch, then the shop's next pending batches while this job holds one of the shop's slots (at most
    DRAIN_SECONDS, then a new job takes over). A job that finds the shop's slots taken leaves its batch to their
    holders, which drain the shop: a worker's slots then serve every shop's rate limit instead of queueing on one."""
    tenant, first = uuid.UUID(tenant_id), uuid.UUID(batch_id)
    async with unit_of_work(ctx, tenant) as session:
        shop_id = await actions.shop_of_batch(session, tenant, first)
    next_batch: uuid.UUID | None = first
    totals: dict[str, int] = {}
    started = time.monotonic()
    while next_batch is not None and shop_id is not None:
        async with ctx["shop_slots"].hold(str(shop_id)) as ours:
            if not ours:
                return totals
            while next_batch is not None:
                counts = await _push(ctx, tenant, next_batch)
                for key, value in counts.items():
                    totals[key] = totals.get(key, 0) + value
                if counts.get("waiting"):
                    return totals  # the shop has no usable authorisation: its batches wait for one
                async with unit_of_work(ctx, tenant) as session:
                    next_batch = await actions.next_pending_batch(session, tenant, shop_id)
                    if next_batch is not None and time.monotonic() - started > DRAIN_SECONDS:
                        await actions.push_later(session, tenant, next_batch)
                        return totals
        # The slot is given back: a batch queued meanwhile, whose job found the slots taken, is still to send.
        async with unit_of_work(ctx, tenant) as session:
            next_batch = await actions.next_pending_batch(session, tenant, shop_id)
    return totals


async def _push(ctx: dict[str, Any], tenant: uuid.UUID, batch: uuid.UUID) -> dict[str, int]:
    async with unit_of_work(ctx, tenant) as session:
        if not await actions.shop_can_push(session, tenant, batch):
            return {"waiting": 1}
        pending = await actions.pending_of(session, tenant, batch)
    if pending is None:
        return {}
    try:
        client, recorder = await clients.open_client(ctx, tenant, pending.shop, pending.task)
    except clients.NoConnection:
        return {"waiting": 1}
    async with unit_of_work(ctx, tenant) as session:
        claimed = await actions.claim(session, tenant, batch, [c.action.id for c in pending.items])
    if claimed is None:
        return {}
    async with recorder, heartbeats(ctx, tenant, claimed.items):
        operation = claimed.task.operation or claimed.items[0].action.operation
        results = await clients.push(client, operation, claimed.items, _rules_of(ctx, client, claimed.shop))
    async with unit_of_work(ctx, tenant) as session:
        totals = await actions.settle_push(session, claimed, results, deadline=_deadline(claimed.shop.platform))
    if totals.get("accepted"):
        async with unit_of_work(ctx, tenant) as session:
            await connections.note_success(session, claimed.shop.id)
            await actions.confirm_later(
                session, tenant, batch, actions.chain_of(claimed.items[0].action),
                check_after_seconds=get_settings().confirm_check_seconds,
            )  # fmt: skip
    await finish_after_commit(ctx, tenant, claimed.task.id)
    return totals


def _rules_of(ctx: dict[str, Any], client: Any, shop: Any) -> RulesSource | None:
    """The client's category rules behind the shared Redis cache (None for a client that reads none)."""
    load = getattr(client, "get_category_rules", None)
    if load is None or ctx.get("redis") is None:
        return load
    return category_rules.cached(ctx["redis"], shop.platform, shop.market, load)


async def confirm_batch(
    ctx: dict[str, Any], tenant_id: str, batch_id: str, round_no: int = 0, chain: str = ""
) -> dict[str, int]:
    tenant, batch_uuid = uuid.UUID(tenant_id), uuid.UUID(batch_id)
    async with unit_of_work(ctx, tenant) as session:
        batch: Batch | None = await actions.to_confirm(session, tenant, batch_uuid)
    if batch is None:
        return {}
    try:
        client, recorder = await clients.open_client(ctx, tenant, batch.shop, batch.task)
    except clients.NoConnection:
        return {}
    read_at = datetime.now(UTC)
    async with recorder, heartbeats(ctx, tenant, batch.items):
        seen = await clients.read_back(client, batch.items)
    settings = get_settings()
    async with unit_of_work(ctx, tenant) as session:
        counts = await actions.settle_readbacks(
            session, batch, seen, deadline=_deadline(batch.shop.platform),
            check_after_seconds=settings.confirm_check_seconds, round_no=round_no, chain=chain, read_at=read_at,
        )  # fmt: skip
    await finish_after_commit(ctx, tenant, batch.task.id)
    return counts


async def finish_after_commit(ctx: dict[str, Any], tenant_id: uuid.UUID, task_id: uuid.UUID) -> None:
    """The last two batches of a task may settle at once and each see the other still open: checked again after
    the commit, the later of the two sees both (planning.finish_if_done)."""
    async with unit_of_work(ctx, tenant_id) as session:
        await planning.finish_running(session, tenant_id, task_id)


async def tenant_ids(ctx: dict[str, Any]) -> list[uuid.UUID]:
    """Crons walk the tenants one by one: each tenant's work runs under its own row-level security."""
    async with ctx["sessionmaker"]() as session, session.begin():
        return await tenants_service.all_tenant_ids(session)


async def reconcile(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: every tenant's stale actions, enqueued again."""
    settings = get_settings()
    totals = {"push": 0, "confirm": 0}
    for tenant_id in await tenant_ids(ctx):
        async with unit_of_work(ctx, tenant_id) as session:
            counts = await recovery.requeue_stale(
                session, tenant_id,
                stale_after=timedelta(seconds=settings.action_stale_seconds),
                check_every=timedelta(seconds=settings.confirm_check_seconds),
            )  # fmt: skip
        for key, value in counts.items():
            totals[key] += value
    if any(totals.values()):
        log.info("reconciled", **totals)
    return totals


async def sum_over_tenants(ctx: dict[str, Any], work: Callable[[AsyncSession, uuid.UUID], Awaitable[int]]) -> int:
    """A cron's work for every tenant, each in its own transaction under its own row-level security; the total."""
    total = 0
    for tenant_id in await tenant_ids(ctx):
        async with unit_of_work(ctx, tenant_id) as session:
            total += await work(session, tenant_id)
    return total


async def start_due_strategies(ctx: dict[str, Any]) -> int:
    """Cron: every tenant's scheduled strategies that are due."""
    return await sum_over_tenants(ctx, tasks_service.start_due_strategies)
