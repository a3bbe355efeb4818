"""Housekeeping crons: retention."""

from __future__ import annotations

from typing import Any

from api.errors import retention
from workers.jobs.pushes import tenant_ids, unit_of_work

MAX_BATCHES_PER_RUN = 200  # 1M rows per table and tenant an hour; a larger backlog continues next hour


async def apply_retention(ctx: dict[str, Any]) -> dict[str, int]:
    totals = {"events": 0, "traces": 0, "groups": 0}
    for tenant_id in await tenant_ids(ctx):
        for _ in range(MAX_BATCHES_PER_RUN):
            async with unit_of_work(ctx, tenant_id) as session:
                deleted = await retention.delete_expired_batch(session, tenant_id)
            for name, count in deleted.items():
                totals[name] += count
            if not any(deleted.values()):
                break
    return totals
