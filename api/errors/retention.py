"""Retention: a tenant's events, traces and resolved groups older than its retention (30/90/180 days) are deleted in
bounded batches, so a large backlog never holds locks for long or bloats one transaction. Open groups stay, with
their latest event: what nobody has handled yet does not vanish from the board."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.tenants.models import TenantSettings

# Each statement deletes at most `limit` rows of one table, oldest first by the table's time index.
_DELETES = {
    # An open group keeps its latest event (the board's drawer shows it, with its trace id) until it is handled.
    "events": """DELETE FROM error_events WHERE tenant_id = :tenant AND id IN (
        SELECT id FROM error_events WHERE tenant_id = :tenant AND occurred_at < :cutoff
        AND id NOT IN (SELECT latest_event_id FROM error_groups
                       WHERE tenant_id = :tenant AND status = 'open' AND latest_event_id IS NOT NULL)
        LIMIT :limit)""",
    "traces": """DELETE FROM traces WHERE tenant_id = :tenant AND id IN (
        SELECT id FROM traces WHERE tenant_id = :tenant AND started_at < :cutoff LIMIT :limit)""",
    "groups": """DELETE FROM error_groups WHERE tenant_id = :tenant AND id IN (
        SELECT id FROM error_groups WHERE tenant_id = :tenant AND status IN ('handled', 'archived')
        AND last_seen < :cutoff LIMIT :limit)""",
}


async def retention_days(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    settings = await session.get(TenantSettings, tenant_id)
    return settings.retention_days if settings else 90


async def delete_expired_batch(
    session: AsyncSession, tenant_id: uuid.UUID, *, now: datetime | None = None, limit: int = 5000
) -> dict[str, int]:
    """One bounded batch per table; call again (each in its own transaction) while anything was deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=await retention_days(session, tenant_id))
    deleted = {}
    for name, statement in _DELETES.items():
        result = await session.execute(text(statement), {"tenant": tenant_id, "cutoff": cutoff, "limit": limit})
        deleted[name] = result.rowcount or 0  # type: ignore[attr-defined]
    return deleted
