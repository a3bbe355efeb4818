"""Engines and sessions. Requests and jobs run as the non-superuser role `openclaw_app`, under row-level security
driven by `app.tenant_id`, which is set at the start of every transaction from `session.info["tenant_id"]`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction

from api.config import Settings
from api.rls import APP_ROLE


def create_owner_engine(settings: Settings, **kwargs: Any) -> AsyncEngine:
    """The owner connection: migrations and operator CLI commands."""
    return create_async_engine(settings.database_url, **kwargs)


def create_app_engine(settings: Settings, *, statement_timeout_ms: int | None = None, **kwargs: Any) -> AsyncEngine:
    """The connection requests and jobs use: the app role, subject to row-level security.

    Bounded everywhere, so that a database that is down or hung fails fast (answered as 503, api/outages.py):
    connecting, waiting for a pooled connection, and every statement (requests' timeout unless one is given)."""
    statement_ms = settings.db_statement_timeout_ms if statement_timeout_ms is None else statement_timeout_ms
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_timeout": settings.db_pool_timeout_seconds,
        "connect_args": {**timeout_connect_args(settings, statement_ms), **kwargs.pop("connect_args", {})},
        **kwargs,
    }
    if settings.app_database_url:
        return create_async_engine(settings.app_database_url, **options)
    engine = create_async_engine(settings.database_url, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _become_app_role(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET ROLE {APP_ROLE}")
        cursor.close()

    return engine


def timeout_connect_args(settings: Settings, statement_timeout_ms: int) -> dict[str, Any]:
    """asyncpg's connect arguments: the connect timeout, PostgreSQL's statement timeout, and a client-side
    backstop one second later for a server that stops answering altogether (then PostgreSQL cannot cancel)."""
    args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout_seconds,
        "server_settings": {"statement_timeout": str(statement_timeout_ms)},
    }
    if statement_timeout_ms > 0:
        args["command_timeout"] = statement_timeout_ms / 1000 + 1
    return args


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@event.listens_for(Session, "after_begin")
def _set_tenant(session: Session, _transaction: SessionTransaction, connection: Any) -> None:
    tenant_id = session.info.get("tenant_id")
    connection.execute(
        text("SELECT set_config('app.tenant_id', :tenant_id, true)"),
        {"tenant_id": str(tenant_id) if tenant_id else ""},
    )


async def use_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Scope this session to one tenant, now and for every later transaction of it."""
    session.info["tenant_id"] = tenant_id
    if session.in_transaction():
        await session.execute(
            text("SELECT set_config('app.tenant_id', :tenant_id, true)"), {"tenant_id": str(tenant_id)}
        )


@asynccontextmanager
async def tenant_session(
    factory: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID | None
) -> AsyncIterator[AsyncSession]:
    """A unit of work for a job or a command: commits on success, rolls back on error."""
    async with factory() as session:
        session.info["tenant_id"] = tenant_id
        async with session.begin():
            yield session


def database_name(url: str) -> str:
    return make_url(url).database or ""
