"""Alembic environment: async, on the owner connection (OPENCLAW_DATABASE_URL or the `url` passed by the CLI)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

# Every domain's models, so autogenerate sees the whole schema.
import api.alerts.models
import api.approvals.models
import api.audit.models
import api.auth.models
import api.errors.models
import api.hooks.models
import api.queue
import api.shops.models
import api.strategies.models
import api.tasks.models
import api.tenants.models
import api.traces.models  # noqa: F401
from api.config import Settings
from api.db import create_owner_engine
from api.models_base import Base

target_metadata = Base.metadata


def _url() -> str:
    return context.config.attributes.get("url") or Settings().database_url


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_owner_engine(Settings(database_url=_url()))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())
