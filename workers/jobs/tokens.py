"""Token jobs: a cron enqueues a refresh for every connection whose access token nears its expiry; the refresh
runs under the shop's lock (the client's own), stores the new pair before it is used, and a refused refresh marks
the connection expired with one AUTH_EXPIRED event for the shop, after which its pushes wait instead of failing."""

from __future__ import annotations

import uuid
from typing import Any

from api import queue
from api.shops import tokens
from api.shops.models import Shop
from api.tasks import actions
from workers import clients
from workers.clients import failure
from workers.jobs.pushes import tenant_ids, unit_of_work
from workers.platforms.base import TokenRefreshError


async def refresh_expiring(ctx: dict[str, Any]) -> int:
    enqueued = 0
    for tenant_id in await tenant_ids(ctx):
        async with unit_of_work(ctx, tenant_id) as session:
            for shop_id, expires_at in await tokens.expiring(session, tenant_id):
                await queue.enqueue(
                    session, "refresh_token", f"refresh:{shop_id}:{int(expires_at.timestamp())}",
                    tenant_id=tenant_id, shop_id=str(shop_id),
                )  # fmt: skip
                enqueued += 1
    return enqueued


async def refresh_token(ctx: dict[str, Any], tenant_id: str, shop_id: str) -> str:
    tenant, shop_uuid = uuid.UUID(tenant_id), uuid.UUID(shop_id)
    async with unit_of_work(ctx, tenant) as session:
        shop = await session.get(Shop, (tenant, shop_uuid))
    if shop is None:
        return "no shop"
    try:
        client, recorder = await clients.open_client(ctx, tenant, shop, None)
    except clients.NoConnection:
        return "no connection"
    try:
        async with recorder:
            await client.refresh_access_token()
    except TokenRefreshError as refused:
        first = refused.errors[0] if refused.errors else None
        async with unit_of_work(ctx, tenant) as session:
            await actions.shop_lost_authorisation(
                session,
                shop,
                failure(first) if first else actions.Failure("AUTH_EXPIRED", "REFRESH_REFUSED", str(refused)),
                None,
            )
        return "refused"
    return "refreshed"  # store_tokens marked the connection healthy with the new tokens
