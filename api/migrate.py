"""`openclaw migrate`: create the database when missing, then `alembic upgrade head` (which creates the roles)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from api.config import Settings

ROOT = Path(__file__).resolve().parent.parent


async def ensure_database(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    return config


async def migrate(settings: Settings) -> None:
    import asyncio

    await ensure_database(settings.database_url)
    # alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(command.upgrade, alembic_config(settings.database_url), "head")


async def drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def recreate_database(url: str) -> None:
    """Drop, create and migrate a database: for test runs and benchmarks, never for a real one."""
    import asyncio

    async def recreate() -> None:
        await drop_database(url)
        await ensure_database(url)

    asyncio.run(recreate())
    command.upgrade(alembic_config(url), "head")
