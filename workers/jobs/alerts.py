"""Alert jobs: the every-minute evaluation of every tenant's rules, and the send of one batch of deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from api.alerts import deliver
from api.alerts.channels.transport import outbound_client
from api.alerts.evaluate import evaluate_tenant
from api.config import get_settings
from workers.jobs.pushes import sum_over_tenants, unit_of_work


async def evaluate_alerts(ctx: dict[str, Any]) -> int:
    """Cron: the deliveries every tenant's active rules owe now (their sends are enqueued after each commit)."""
    return await sum_over_tenants(ctx, evaluate_tenant)


async def send_alert_batch(ctx: dict[str, Any], tenant_id: str, batch_id: str) -> str:
    """Send one batch (one target, one merged message) and record the channel's answer; retries are enqueued by
    `deliver.settle` with their pause. A batch already sent or claimed by another job sends nothing."""
    tenant, batch = uuid.UUID(tenant_id), uuid.UUID(batch_id)
    async with unit_of_work(ctx, tenant) as session:
        claimed = await deliver.claim_batch(session, tenant, batch)
    if claimed is None:
        return "nothing to send"
    async with outbound_client() as client:
        result = await deliver.send(claimed, client, get_settings())
    async with unit_of_work(ctx, tenant) as session:
        return await deliver.settle(session, tenant, batch, claimed.deliveries, result)
