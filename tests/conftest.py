"""Test fixtures: a fresh PostgreSQL database migrated once per run, real Redis, and per-test transactions.

Each test's database work happens inside one outer transaction that is rolled back at the end; sessions join it
with savepoints, so a service's flush or a request's commit behaves as in production. The engine is built per test
(an asyncpg engine cannot cross event loops).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from api.config import Settings
from api.db import create_app_engine, use_tenant
from api.main import create_app
from api.migrate import drop_database, recreate_database

# One database per test run (several runs may share a machine), dropped when the run ends.
TEST_DATABASE_URL = os.environ.get(
    "OPENCLAW_TEST_DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_test_{os.getpid()}"
)
TEST_REDIS_URL = os.environ.get("OPENCLAW_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def migrate_fresh(url: str) -> None:
    recreate_database(url)


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[str]:
    migrate_fresh(TEST_DATABASE_URL)
    yield TEST_DATABASE_URL
    asyncio.run(drop_database(TEST_DATABASE_URL))


@pytest.fixture
def settings(migrated_database: str) -> Settings:
    return Settings(
        database_url=migrated_database,
        redis_url=TEST_REDIS_URL,
        secret_key="test-secret",
        encryption_key="E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A=",
        max_body_bytes=1024 * 1024,
        login_max_failures=5,
        static_dir="-",
        # Seeding big boards on a shared machine takes longer than a request may; the production timeouts are
        # tested in tests/test_outages.py.
        db_statement_timeout_ms=120_000,
    )


@pytest.fixture
async def connection(settings: Settings) -> AsyncIterator[AsyncConnection]:
    """One connection as the app role, inside a transaction rolled back after the test."""
    engine = create_app_engine(settings)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()
    await engine.dispose()


@pytest.fixture
def sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def db(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = ArqRedis.from_url(TEST_REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
def app(
    settings: Settings, connection: AsyncConnection, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> Any:
    application = create_app(settings)
    application.state.engine = connection.engine
    application.state.sessionmaker = sessions
    application.state.redis = redis
    return application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# --- data builders -----------------------------------------------------------------------------------------------


class Seeder:
    """Creates tenants, users and keys through the services, as the product does."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient) -> None:
        self.sessions = sessions
        self.client = client

    async def tenant(self, name: str | None = None) -> uuid.UUID:
        from api.tenants.service import create_tenant

        async with self.sessions() as session:
            tenant = await create_tenant(session, name or f"tenant-{uuid.uuid4().hex[:8]}")
            await session.commit()
            return tenant.id

    async def user(self, tenant_id: uuid.UUID, role: str = "admin", password: str = "correct horse") -> str:
        from api.auth.service import create_user

        email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
        async with self.sessions() as session:
            await use_tenant(session, tenant_id)
            await create_user(session, tenant_id, email, password, role)
            await session.commit()
        return email

    async def login(self, tenant_id: uuid.UUID, role: str = "admin") -> dict[str, str]:
        """A user of that role, signed in: returns the Authorization header."""
        email = await self.user(tenant_id, role)
        response = await self.client.post("/v1/auth/login", json={"email": email, "password": "correct horse"})
        assert response.status_code == 200, response.text
        self.client.cookies.clear()  # callers choose between the header and the cookie explicitly
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def api_key(self, tenant_id: uuid.UUID, scopes: list[str]) -> dict[str, str]:
        from api.auth.service import create_api_key
        from api.principal import Principal

        async with self.sessions() as session:
            await use_tenant(session, tenant_id)
            _, secret = await create_api_key(session, Principal.system(tenant_id), tenant_id, "test key", scopes)
            await session.commit()
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def seed(sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient) -> Seeder:
    return Seeder(sessions, client)


@pytest.fixture(autouse=True)
def _no_leaked_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("OPENCLAW_ENV", raising=False)
    yield
