from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from tests.conftest import Seeder


async def test_a_session_for_tenant_b_reads_none_of_tenant_a_rows_even_raw(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    admin_a = await seed.login(tenant_a)
    await client.post("/v1/shops", json={"name": "A's shop", "platform": "amazon", "market": "US"}, headers=admin_a)
    await seed.api_key(tenant_a, ["errors:read"])

    async with sessions() as session:
        await use_tenant(session, tenant_b)
        role = (await session.execute(text("SELECT current_user"))).scalar_one()
        rows = {
            table: (await session.execute(text(f"SELECT * FROM {table}"))).all()
            for table in ("tenants", "users", "user_sessions", "api_keys", "shops", "audit_log", "tenant_settings")
        }

    assert role == "openclaw_app"
    assert [r.id for r in rows["tenants"]] == [tenant_b]
    assert all(r.tenant_id == tenant_b for table, rs in rows.items() if table != "tenants" for r in rs)
    assert rows["shops"] == [] and rows["api_keys"] == []


async def test_without_a_tenant_the_app_role_sees_nothing(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed.user(await seed.tenant())

    async with sessions() as session:
        users = (await session.execute(text("SELECT * FROM users"))).all()
        tenants = (await session.execute(text("SELECT * FROM tenants"))).all()

    assert users == [] and tenants == []


async def test_the_app_role_cannot_write_into_another_tenant(
    seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()

    async with sessions() as session:
        await use_tenant(session, tenant_b)
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(
                text("INSERT INTO shops (tenant_id, id, name, platform, market) VALUES (:t, :i, 'x', 'amazon', 'US')"),
                {"t": tenant_a, "i": uuid.uuid4()},
            )


async def test_the_app_role_is_not_privileged(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        flags = (
            await session.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"))
        ).one()

    assert tuple(flags) == (False, False)


async def test_another_tenant_gets_404_for_the_first_tenants_objects(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    admin_a, admin_b = await seed.login(tenant_a), await seed.login(tenant_b)
    shop = (
        await client.post("/v1/shops", json={"name": "A", "platform": "amazon", "market": "US"}, headers=admin_a)
    ).json()
    key = (await client.post("/v1/api-keys", json={"name": "k", "scopes": ["errors:read"]}, headers=admin_a)).json()

    assert (await client.get(f"/v1/shops/{shop['id']}", headers=admin_b)).status_code == 404
    assert (await client.patch(f"/v1/shops/{shop['id']}", json={"name": "B"}, headers=admin_b)).status_code == 404
    assert (await client.delete(f"/v1/shops/{shop['id']}", headers=admin_b)).status_code == 404
    assert (await client.delete(f"/v1/api-keys/{key['id']}", headers=admin_b)).status_code == 404
    assert (await client.get("/v1/shops", headers=admin_b)).json()["items"] == []
    assert (await client.get(f"/v1/shops/{shop['id']}", headers=admin_a)).status_code == 200
