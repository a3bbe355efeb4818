from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.migrate import alembic_config, drop_database
from tests.conftest import TEST_DATABASE_URL, migrate_fresh

SCRATCH_URL = TEST_DATABASE_URL + "_migrations"


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        forced = await connection.execute(
            text("SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity")
        )
        names = {r[0] for r in rows} | {f"rls:{r[0]}" for r in forced}
    await engine.dispose()
    return names


def test_upgrade_and_downgrade_both_work_on_an_empty_database() -> None:
    migrate_fresh(SCRATCH_URL)
    upgraded = asyncio.run(_tables(SCRATCH_URL))

    command.downgrade(alembic_config(SCRATCH_URL), "base")
    downgraded = asyncio.run(_tables(SCRATCH_URL))
    command.upgrade(alembic_config(SCRATCH_URL), "head")
    again = asyncio.run(_tables(SCRATCH_URL))
    asyncio.run(drop_database(SCRATCH_URL))

    for table in (
        "tenants",
        "users",
        "api_keys",
        "shops",
        "connections",
        "skus",
        "sku_bindings",
        "strategies",
        "tasks",
        "push_actions",
        "traces",
        "error_events",
        "error_groups",
        "approvals",
        "alert_rules",
        "alert_deliveries",
        "audit_log",
        "tenant_settings",
        "outbox_jobs",
    ):
        assert table in upgraded
    assert "rls:error_events" in upgraded and "rls:tenants" in upgraded
    assert "rls:outbox_jobs" not in upgraded
    assert downgraded == {"alembic_version"}
    assert again == upgraded


def test_the_models_and_the_migrations_agree(migrated_database: str) -> None:
    from alembic.util.exc import CommandError

    try:
        command.check(alembic_config(migrated_database))
    except CommandError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"models differ from the migrations: {exc}") from exc
