"""Connection health cron: every few minutes each tenant's connections are computed again (api/shops/health.py) and
stored where the state changed; entering expiring/expired or scope_missing raises its event once, going back to ok
resolves it (api/shops/health_sync.py). Two runs at once change each connection once."""

from __future__ import annotations

from typing import Any

from api.shops import health_sync
from workers.jobs.pushes import sum_over_tenants


async def check_connection_health(ctx: dict[str, Any]) -> int:
    return await sum_over_tenants(ctx, health_sync.check_connections)
