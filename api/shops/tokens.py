"""Which connections need a token refresh soon: each platform's access-token lifetime and how early to refresh it
are in api/platforms.py. A connection already known to be expired waits for a person (a new authorisation)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import platforms
from api.shops.models import Connection, Shop


async def expiring(
    session: AsyncSession, tenant_id: uuid.UUID, now: datetime | None = None
) -> list[tuple[uuid.UUID, datetime]]:
    """(shop id, access expiry) of the tenant's connections whose access token expires within its platform's
    refresh-ahead margin and that hold a refresh token."""
    now = now or datetime.now(UTC)
    longest = max(platforms.REFRESH_AHEAD.values(), default=timedelta(0))
    rows = await session.execute(
        select(Shop.id, Shop.platform, Connection.access_expires_at)
        .join(Connection, and_(Connection.tenant_id == Shop.tenant_id, Connection.shop_id == Shop.id))
        .where(
            Shop.tenant_id == tenant_id,
            Shop.archived_at.is_(None),
            Connection.health != "expired",
            Connection.refresh_token_encrypted.is_not(None),
            Connection.access_expires_at < now + longest,
        )
    )
    due = []
    for shop_id, platform, expires_at in rows:
        ahead = platforms.REFRESH_AHEAD.get(platform, timedelta(minutes=10))
        if expires_at is not None and expires_at < now + ahead:
            due.append((shop_id, expires_at))
    return due
