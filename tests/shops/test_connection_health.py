"""Connection health: the pure function's table, and the cron's transitions raising one event each."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.config import Settings
from api.db import create_app_engine, create_owner_engine, sessionmaker, tenant_session, use_tenant
from api.errors.models import ErrorEvent, ErrorGroup
from api.shops import health_sync
from api.shops.health import HealthInput, compute
from api.shops.models import Connection, Shop
from api.tenants.models import Tenant as TenantRow
from api.tenants.service import create_tenant

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def row(platform: str, **fields: object) -> HealthInput:
    values: dict[str, object] = {
        "platform": platform,
        "observed": "ok",
        "has_access_token": True,
        "has_refresh_token": True,
        "access_expires_at": NOW + timedelta(hours=1),
        "refresh_expires_at": None,
        "grant_expires_at": None,
        "scopes": (),
    }
    return HealthInput(**(values | fields))  # type: ignore[arg-type]


TIKTOK_SCOPES = ("seller.product.basic", "seller.product.write")


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        # Refresh token (or grant) nearer than 3 days: expiring; 3 days or more: ok.
        ("tiktok refresh in 2d23h", row("tiktok", refresh_expires_at=NOW + 3 * DAY - timedelta(hours=1)), "expiring"),
        ("tiktok refresh in exactly 3d", row("tiktok", refresh_expires_at=NOW + 3 * DAY), "ok"),
        ("tiktok refresh ended", row("tiktok", refresh_expires_at=NOW - timedelta(seconds=1)), "expired"),
        ("tiktok scope missing", row("tiktok", scopes=("seller.product.basic",)), "scope_missing"),
        ("tiktok all scopes", row("tiktok", scopes=TIKTOK_SCOPES, refresh_expires_at=NOW + 300 * DAY), "ok"),
        ("shopee refresh in 2d", row("shopee", refresh_expires_at=NOW + 2 * DAY), "expiring"),
        ("shopee grant in 4d", row("shopee", refresh_expires_at=NOW + 30 * DAY, grant_expires_at=NOW + 4 * DAY), "ok"),
        (
            "shopee grant in 2d",
            row("shopee", refresh_expires_at=NOW + 30 * DAY, grant_expires_at=NOW + 2 * DAY),
            "expiring",
        ),
        ("shopee no named scopes", row("shopee", scopes=("item.base",)), "ok"),
        # Shorter rule: an access token nothing refreshes is expiring only in the last quarter of its life.
        (
            "shopee access only, 61m left",
            row("shopee", has_refresh_token=False, access_expires_at=NOW + timedelta(minutes=61)),
            "ok",
        ),
        (
            "shopee access only, 59m left",
            row("shopee", has_refresh_token=False, access_expires_at=NOW + timedelta(minutes=59)),
            "expiring",
        ),
        (
            "amazon access only, 16m left",
            row("amazon", has_refresh_token=False, access_expires_at=NOW + timedelta(minutes=16)),
            "ok",
        ),
        (
            "amazon access only, 14m left",
            row("amazon", has_refresh_token=False, access_expires_at=NOW + timedelta(minutes=14)),
            "expiring",
        ),
        ("amazon refresh token, access ended", row("amazon", access_expires_at=NOW - DAY), "ok"),
        ("amazon grant in 2d", row("amazon", grant_expires_at=NOW + 2 * DAY), "expiring"),
        ("lazada refresh in 2d", row("lazada", refresh_expires_at=NOW + 2 * DAY), "expiring"),
        ("lazada refresh in 100d", row("lazada", refresh_expires_at=NOW + 100 * DAY), "ok"),
        (
            "refused refresh stays expired",
            row("lazada", observed="expired", refresh_expires_at=NOW + 100 * DAY),
            "expired",
        ),
        ("failing call", row("lazada", observed="failing", refresh_expires_at=NOW + 100 * DAY), "failing"),
        ("expiring beats failing", row("lazada", observed="failing", refresh_expires_at=NOW + DAY), "expiring"),
        ("never tried", row("lazada", observed="unknown"), "unknown"),
        ("no tokens", row("lazada", has_access_token=False, has_refresh_token=False), "unknown"),
    ],
)
def test_health_of_a_connection_row(name: str, given: HealthInput, expected: str) -> None:
    assert compute(given, NOW).state == expected, name


def test_missing_scopes_name_what_the_grant_lacks() -> None:
    assert compute(row("tiktok", scopes=("seller.product.basic",)), NOW).missing_scopes == ("seller.product.write",)
    assert compute(row("amazon", scopes=("x",)), NOW).missing_scopes == ()


# --- the cron, on committed data (two crons at once need two connections) ------------------------------------


@pytest.fixture
async def committed(settings: Settings) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], uuid.UUID, uuid.UUID]]:
    engine = create_app_engine(settings)
    factory = sessionmaker(engine)
    async with factory() as session, session.begin():
        tenant = await create_tenant(session, f"health-{uuid.uuid4().hex[:8]}")
        tenant_id = tenant.id
    async with tenant_session(factory, tenant_id) as session:
        shop = Shop(tenant_id=tenant_id, name="Lazada MY", platform="lazada", market="MY", currency="MYR")
        session.add(shop)
        await session.flush()
        session.add(
            Connection(
                tenant_id=tenant_id, shop_id=shop.id, credentials_encrypted=b"-", access_token_encrypted=b"-",
                refresh_token_encrypted=b"-", access_expires_at=NOW + 30 * DAY,
                refresh_expires_at=datetime.now(UTC) + 2 * DAY, health="ok",
            )
        )  # fmt: skip
        shop_id = shop.id
    yield factory, tenant_id, shop_id
    await engine.dispose()
    owner = create_owner_engine(settings)
    async with owner.begin() as connection:
        await connection.execute(delete(TenantRow).where(TenantRow.id == tenant_id))
    await owner.dispose()


async def _auth_groups(factory: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> list[tuple[str, str, int]]:
    async with tenant_session(factory, tenant_id) as session:
        rows = await session.execute(
            select(ErrorGroup.platform_error_code, ErrorGroup.status, ErrorGroup.count).where(
                ErrorGroup.tenant_id == tenant_id, ErrorGroup.operation == "auth"
            )
        )
        return sorted((str(a), str(b), int(c)) for a, b, c in rows)


async def _health(factory: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> str:
    async with tenant_session(factory, tenant_id) as session:
        return str((await session.execute(select(Connection.health))).scalar_one())


async def _run(factory: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> int:
    async with tenant_session(factory, tenant_id) as session:
        return await health_sync.check_connections(session, tenant_id)


async def test_entering_expiring_raises_one_event_however_often_and_concurrently_the_cron_runs(committed) -> None:  # type: ignore[no-untyped-def]
    factory, tenant_id, _shop_id = committed
    changed = await asyncio.gather(*(_run(factory, tenant_id) for _ in range(4)))
    again = await _run(factory, tenant_id)

    assert sorted(changed) == [0, 0, 0, 1] and again == 0
    assert await _health(factory, tenant_id) == "expiring"
    assert await _auth_groups(factory, tenant_id) == [("AUTHORIZATION_EXPIRING", "open", 1)]
    async with tenant_session(factory, tenant_id) as session:
        events = (await session.execute(select(ErrorEvent.error_type))).scalars().all()
    assert events == ["AUTH_EXPIRED"]


async def test_a_renewed_authorisation_resolves_the_group_and_a_lapse_raises_expired_once(committed) -> None:  # type: ignore[no-untyped-def]
    factory, tenant_id, _shop_id = committed
    await _run(factory, tenant_id)
    async with tenant_session(factory, tenant_id) as session:
        connection = (await session.execute(select(Connection))).scalar_one()
        connection.refresh_expires_at = datetime.now(UTC) + 100 * DAY
    assert await _run(factory, tenant_id) == 1
    assert await _health(factory, tenant_id) == "ok"
    assert await _auth_groups(factory, tenant_id) == [("AUTHORIZATION_EXPIRING", "handled", 1)]

    async with tenant_session(factory, tenant_id) as session:
        connection = (await session.execute(select(Connection))).scalar_one()
        connection.refresh_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    await asyncio.gather(_run(factory, tenant_id), _run(factory, tenant_id))
    await _run(factory, tenant_id)
    assert await _health(factory, tenant_id) == "expired"
    assert await _auth_groups(factory, tenant_id) == [
        ("AUTHORIZATION_EXPIRED", "open", 1),
        ("AUTHORIZATION_EXPIRING", "handled", 1),
    ]


async def test_the_shop_list_shows_each_connection_s_health(tenant, client: httpx.AsyncClient, sessions) -> None:  # type: ignore[no-untyped-def]
    from tests.shops.conftest import sandbox_listing

    connected = await tenant.shop("shopee", "MY")
    bare = await tenant.shop("lazada", "MY")
    soon = (datetime.now(UTC) + DAY).isoformat()
    body = sandbox_listing(refresh_expires_at=soon)
    assert (
        await client.put(f"/v1/shops/{connected['id']}/connection", json=body, headers=tenant.admin)
    ).status_code == 200
    async with sessions() as session:
        await use_tenant(session, tenant.id)
        from api.shops import connections

        await connections.set_health(session, uuid.UUID(connected["id"]), "ok")
        await session.commit()

    listed = {s["id"]: s for s in (await client.get("/v1/shops", headers=tenant.admin)).json()["items"]}
    one = (await client.get(f"/v1/shops/{connected['id']}/connection", headers=tenant.admin)).json()

    assert listed[bare["id"]]["connection"] is None
    summary = listed[connected["id"]]["connection"]
    assert summary["health"] == "expiring" and summary["missing_scopes"] == []
    assert summary["access_expires_at"] == "2030-01-01T04:00:00Z" and summary["last_success_at"] is not None
    assert summary["refresh_expires_at"] is not None
    assert one["health"] == "expiring" and one["missing_scopes"] == []
