from __future__ import annotations

import asyncio
import hashlib
import uuid

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.migrate import alembic_config, drop_database, ensure_database
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


async def _run(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    engine = create_async_engine(url)
    results = []
    async with engine.begin() as connection:
        for statement in statements:
            result = await connection.execute(text(statement))
            results.append([tuple(row) for row in result] if result.returns_rows else [])
    await engine.dispose()
    return results


def test_groups_created_before_0008_get_their_fingerprint_ids_and_keep_their_events() -> None:
    from api.errors.ingest import group_id_of

    tenant, shop, old_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    asyncio.run(drop_database(SCRATCH_URL))
    asyncio.run(ensure_database(SCRATCH_URL))
    command.upgrade(alembic_config(SCRATCH_URL), "0007")
    key = "\x1f".join((str(tenant), str(shop), "PRICE_NOT_EFFECTIVE", "E100", "SKU-9"))
    asyncio.run(
        _run(
            SCRATCH_URL,
            f"INSERT INTO tenants (id, name) VALUES ('{tenant}', 'before 0008')",
            f"INSERT INTO shops (tenant_id, id, name, platform, market) VALUES ('{tenant}', '{shop}', 'S', 'amazon', 'US')",
            "INSERT INTO error_groups (tenant_id, id, fingerprint, shop_id, platform, error_type, severity,"
            " platform_error_code, sku, count, first_seen, last_seen, latest_message)"
            f" VALUES ('{tenant}', '{old_id}', '{hashlib.sha256(key.encode()).hexdigest()}', '{shop}', 'amazon',"
            " 'PRICE_NOT_EFFECTIVE', 'error', 'E100', 'SKU-9', 1, now(), now(), 'Price Below Floor')",
            "INSERT INTO error_events (tenant_id, group_id, idempotency_key, occurred_at, platform, shop_id,"
            f" error_type, severity) VALUES ('{tenant}', '{old_id}', 'k1', now(), 'amazon', '{shop}',"
            " 'PRICE_NOT_EFFECTIVE', 'error')",
            "INSERT INTO audit_log (tenant_id, actor_kind, action, object_type, object_id)"
            f" VALUES ('{tenant}', 'system', 'error_group.regressed', 'error_group', '{old_id}')",
        )
    )

    command.upgrade(alembic_config(SCRATCH_URL), "head")
    group_ids, event_groups, audited, texts = asyncio.run(
        _run(
            SCRATCH_URL,
            "SELECT id FROM error_groups",
            "SELECT group_id FROM error_events",
            "SELECT object_id FROM audit_log",
            "SELECT group_id, search_text FROM error_group_texts",
        )
    )
    command.downgrade(alembic_config(SCRATCH_URL), "0007")
    (fingerprints,) = asyncio.run(_run(SCRATCH_URL, "SELECT fingerprint FROM error_groups"))
    asyncio.run(drop_database(SCRATCH_URL))

    new_id = group_id_of(tenant, shop, "PRICE_NOT_EFFECTIVE", "E100", "SKU-9")
    assert group_ids == event_groups == [(new_id,)]
    assert audited == [(str(new_id),)]
    assert texts == [(new_id, "sku-9\ne100\nprice below floor")]
    assert fingerprints == [(hashlib.sha256(key.encode()).hexdigest(),)]  # the downgrade recomputes it
