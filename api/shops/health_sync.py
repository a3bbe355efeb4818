"""Storing a connection's computed health (api/shops/health.py), and what entering a state does.

A state change is one conditional UPDATE (`... WHERE health <> new RETURNING`): of two checks running at once the
second waits on the row and then finds nothing to change, so each transition happens, and raises its event, once.
Entering `expiring` or `expired` raises one AUTH_EXPIRED event, entering `scope_missing` one AUTH_SCOPE_MISSING
event (through the error ingest); staying raises nothing; going back to `ok` resolves the shop's open
authorisation groups, as a successful push resolves its SKU's.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ingest
from api.errors.schemas import ErrorEventIn
from api.principal import Principal
from api.shops import health
from api.shops.models import Connection, Shop

AUTH_ERROR_TYPES = ("AUTH_EXPIRED", "AUTH_SCOPE_MISSING")
# The operation and SKU of authorisation events: one group per shop and platform code, as the workers' own.
AUTH_OPERATION = "auth"


def health_input(connection: Connection, platform: str, observed: str | None = None) -> health.HealthInput:
    return health.HealthInput(
        platform=platform,
        observed=connection.health if observed is None else observed,
        has_access_token=connection.access_token_encrypted is not None,
        has_refresh_token=connection.refresh_token_encrypted is not None,
        access_expires_at=connection.access_expires_at,
        refresh_expires_at=connection.refresh_expires_at,
        grant_expires_at=connection.grant_expires_at,
        scopes=tuple(connection.scopes or ()),
    )


def current(connection: Connection, platform: str, now: datetime | None = None) -> health.Health:
    """The health as of now, from the stored row (what the API shows between two runs of the cron)."""
    return health.compute(health_input(connection, platform), now or datetime.now(UTC))


async def settle(session: AsyncSession, shop: Shop, computed: health.Health, now: datetime | None = None) -> bool:
    """Store the computed state; when it changed, raise or resolve what entering it means. True when it changed."""
    now = now or datetime.now(UTC)
    state = computed.state
    changed = (
        await session.execute(
            update(Connection)
            .where(Connection.tenant_id == shop.tenant_id, Connection.shop_id == shop.id, Connection.health != state)
            # A health change is not a change of the connection: its updated_at (the version the workers' own
            # authorisation events are keyed on) stays.
            .values(health=state, last_checked_at=now, updated_at=Connection.updated_at)
            .returning(Connection.id)
            .execution_options(synchronize_session=False)
        )
    ).first() is not None
    if not changed:
        return False
    system = Principal.system(shop.tenant_id)
    if state == "ok":
        await ingest.record_success(
            session, system, shop.id, [""], AUTH_OPERATION, now, error_types=list(AUTH_ERROR_TYPES)
        )
    elif state in health.AUTH_PROBLEM_STATES:
        await ingest.ingest_events(session, system, [_event(shop, computed, now)])
    return True


def _event(shop: Shop, computed: health.Health, now: datetime) -> ErrorEventIn:
    state, ends = computed.state, computed.ends_at
    ends_text = ends.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if ends else ""
    if state == "scope_missing":
        names = ", ".join(computed.missing_scopes)
        error_type, code = "AUTH_SCOPE_MISSING", "SCOPE_NOT_GRANTED"
        message = (
            f"授权缺少权限 {names}，请重新授权。The authorisation lacks the scopes {names}: authorise the shop again."
        )
    elif state == "expiring":
        error_type, code = "AUTH_EXPIRED", "AUTHORIZATION_EXPIRING"
        message = (
            f"店铺授权将于 {ends_text} 到期，请重新授权。"
            f"The shop's authorisation ends at {ends_text}: authorise it again before then."
        )
    else:
        error_type, code = "AUTH_EXPIRED", "AUTHORIZATION_EXPIRED"
        when = f" ({ends_text})" if ends_text else ""
        message = f"店铺授权已过期{when}，请重新授权。The shop's authorisation has ended{when}: authorise it again."
    return ErrorEventIn(
        idempotency_key=f"shop:{shop.id}:health:{state}:{now.isoformat()}"[:200],
        occurred_at=now,
        shop_id=shop.id,
        error_type=error_type,
        operation=AUTH_OPERATION,
        platform_error_code=code,
        platform_error_message=message,
        missing_fields=list(computed.missing_scopes)[:100],
    )


async def check_connections(session: AsyncSession, tenant_id: uuid.UUID, now: datetime | None = None) -> int:
    """The health cron's work for one tenant: every active shop's connection computed again and stored where it
    changed. Returns how many changed."""
    now = now or datetime.now(UTC)
    rows = await session.execute(
        select(Connection, Shop)
        .join(Shop, and_(Shop.tenant_id == Connection.tenant_id, Shop.id == Connection.shop_id))
        .where(Connection.tenant_id == tenant_id, Shop.archived_at.is_(None))
        .order_by(Shop.id)
    )
    changed = 0
    for connection, shop in rows:
        computed = current(connection, shop.platform, now)
        if computed.state != connection.health and await settle(session, shop, computed, now):
            changed += 1
    return changed


async def observe(
    session: AsyncSession, shop: Shop, connection: Connection, observed: str, now: datetime | None = None
) -> health.Health:
    """What a call, a refresh or an authorisation saw (`observed`), combined with what the row says, stored."""
    now = now or datetime.now(UTC)
    computed = health.compute(health_input(connection, shop.platform, observed), now)
    await settle(session, shop, computed, now)
    return computed
