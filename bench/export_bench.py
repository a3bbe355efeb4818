"""CSV export benchmark: event-level export of N rows over HTTP vs PostgreSQL's own COPY of the same query.

Seeds a dedicated database (dropped and recreated), runs the API with uvicorn in a subprocess on a loopback port,
and prints rows/s over HTTP, rows/s of `COPY (same query) TO STDOUT CSV` through asyncpg's copy_from_query, their
ratio, and the API process's peak RSS (VmHWM) after a 10,000-row export and after the N-row export.

    .venv/bin/python bench/export_bench.py                 # 1,000,000 rows
    .venv/bin/python bench/export_bench.py --rows 100000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import create_app_engine, sessionmaker, use_tenant  # noqa: E402
from api.migrate import recreate_database  # noqa: E402

SMALL_ROWS = 10_000
SHOPS = 12
EVENTS_PER_GROUP = 5
EXPORT = "/v1/exports/errors.csv"


def make_app() -> Any:
    """The API as deployed, with the export routes included if api/main.py does not register them yet."""
    from api.exports.routes import router
    from api.main import create_app

    app = create_app()
    if not any(getattr(route, "path", None) == EXPORT for route in app.routes):
        app.include_router(router)
    return app


# --- seeding -------------------------------------------------------------------------------------------------


async def seed_tenant(settings: Settings, owner: AsyncEngine, name: str, rows: int) -> tuple[uuid.UUID, str]:
    """A tenant with `rows` events in rows / 5 open groups over 12 shops, and an exports:read API key."""
    from api.auth.service import create_api_key
    from api.principal import Principal
    from api.tenants.service import create_tenant

    app_engine = create_app_engine(settings)
    async with sessionmaker(app_engine)() as session:
        tenant = await create_tenant(session, name)
        await session.flush()
        await use_tenant(session, tenant.id)
        _, key = await create_api_key(session, Principal.system(tenant.id), tenant.id, "bench", ["exports:read"])
        await session.commit()
    await app_engine.dispose()

    groups = max(1, rows // EVENTS_PER_GROUP)
    # The owner (a superuser) writes past row-level security, in bulk. Group ids are derived from the group
    # number, so events compute their group's id and fields without a join.
    group_id = "md5(:t || '-' || {n})::uuid"
    shop = "(CAST(:shop_ids AS uuid[]))[1 + {n} % :shops]"
    platform = "(ARRAY['amazon','tiktok','shopee','lazada'])[1 + ({n} % :shops) % 4]"
    error_type = (
        "(ARRAY['SKU_MAPPING_FAILED','INVENTORY_SYNC_FAILED','PRICE_NOT_EFFECTIVE','AUTH_EXPIRED',"
        "'CATEGORY_COMPLIANCE_FAILED','RATE_LIMITED','LISTING_REJECTED','UNKNOWN_PLATFORM_ERROR'])[1 + {n} % 8]"
    )
    message = "'价格低于最低价 price below the minimum for SKU-' || {n}"
    shop_ids = [uuid.uuid4() for _ in range(SHOPS)]
    params = {"t": str(tenant.id), "shop_ids": shop_ids, "shops": SHOPS, "groups": groups, "rows": rows}
    statements = [
        "INSERT INTO shops (tenant_id, id, name, platform, market)"
        " SELECT CAST(:t AS uuid), (CAST(:shop_ids AS uuid[]))[s], 'Shop ' || s,"
        " (ARRAY['amazon','tiktok','shopee','lazada'])[1 + (s - 1) % 4], (ARRAY['US','UK','MY','SG'])[1 + (s - 1) % 4]"
        " FROM generate_series(1, :shops) s",
        "INSERT INTO error_groups (tenant_id, id, shop_id, platform, error_type, severity,"
        " platform_error_code, sku, operation, status, count, first_seen, last_seen, latest_trace_id, latest_message)"
        f" SELECT CAST(:t AS uuid), {group_id.format(n='g')}, {shop.format(n='g')},"
        f" {platform.format(n='g')}, {error_type.format(n='g')}, 'error', 'E' || (g % 50), 'SKU-' || g, 'price',"
        " 'open', 5, now() - interval '6 days', now() - (g % 3600) * interval '1 second', 'tr-' || md5(g::text),"
        f" {message.format(n='g')} FROM generate_series(0, :groups - 1) g",
        "INSERT INTO error_events (tenant_id, group_id, idempotency_key, occurred_at, platform, shop_id,"
        " error_type, severity, platform_error_code, sku, operation, trace_id, platform_error_message)"
        f" SELECT CAST(:t AS uuid), {group_id.format(n='n % :groups')}, 'k-' || n,"
        " now() - (n % 400000) * interval '1 second',"
        f" {platform.format(n='(n % :groups)')}, {shop.format(n='(n % :groups)')},"
        f" {error_type.format(n='(n % :groups)')}, 'error', 'E' || (n % :groups % 50), 'SKU-' || (n % :groups),"
        f" 'price', 'tr-' || md5(n::text), {message.format(n='(n % :groups)')} || ' (attempt ' || n || ')'"
        " FROM generate_series(0, :rows - 1) n",
    ]
    for statement in statements:
        async with owner.begin() as connection:
            await connection.execute(text(statement), params)
    # As autovacuum would: a backend that checked foreign keys against a nearly empty error_groups keeps a
    # sequential-scan plan for them until the table's statistics change, and the next tenant's bulk insert
    # (its search texts reference error_groups) would scan the table once per row.
    async with owner.begin() as connection:
        await connection.execute(text("ANALYZE error_groups, error_events"))
    return tenant.id, key


# --- measuring -----------------------------------------------------------------------------------------------


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


async def export_over_http(base_url: str, key: str, params: dict[str, str]) -> tuple[float, int, int]:
    """Seconds to the last byte, data rows, bytes."""
    lines = size = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        started = time.perf_counter()
        async with client.stream("GET", EXPORT, params=params, headers={"Authorization": f"Bearer {key}"}) as response:
            response.raise_for_status()
            async for chunk in response.aiter_raw():
                lines += chunk.count(b"\n")
                size += len(chunk)
        return time.perf_counter() - started, lines - 1, size


async def copy_same_query(settings: Settings, tenant_id: uuid.UUID) -> tuple[float, int, int]:
    """The API's own export query, run as `COPY (...) TO STDOUT CSV` straight through asyncpg."""
    from api.errors.filters import ErrorFilter
    from api.exports import service
    from api.principal import Principal

    engine = create_app_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            await use_tenant(session, tenant_id)
            principal = Principal.system(tenant_id)
            export = await service.errors_csv(session, principal, ErrorFilter(), None, "event", "zh-CN")
            connection = await export.prepare(session)  # the same time zone and settings as the API
            lines = size = 0

            async def sink(data: bytes) -> None:
                nonlocal lines, size
                lines += data.count(b"\n")
                size += len(data)

            started = time.perf_counter()
            await connection.copy_from_query(export.sql, *export.args, output=sink, format="csv")
            return time.perf_counter() - started, lines, size
    finally:
        await engine.dispose()


async def wait_until_up(base_url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        for _ in range(200):
            if process.returncode is not None:
                raise RuntimeError("the API process exited")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_export")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    settings = Settings(database_url=args.database_url, static_dir="-")

    print(f"seeding {args.database_url.rsplit('/', 1)[-1]}: {SMALL_ROWS:,} and {args.rows:,} event rows ...")
    started = time.perf_counter()
    await asyncio.to_thread(recreate_database, args.database_url)
    print(f"  database migrated in {time.perf_counter() - started:.1f} s")
    owner = create_async_engine(args.database_url)
    _, small_key = await seed_tenant(settings, owner, "bench-small", SMALL_ROWS)
    large_tenant, large_key = await seed_tenant(settings, owner, "bench-large", args.rows)
    async with owner.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))
    await owner.dispose()
    print(f"  seeded in {time.perf_counter() - started:.1f} s")

    base_url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "OPENCLAW_DATABASE_URL": args.database_url, "OPENCLAW_STATIC_DIR": "-"}
    command = [sys.executable, "-m", "uvicorn", "export_bench:make_app", "--factory", "--app-dir", str(ROOT / "bench")]
    command += ["--host", "127.0.0.1", "--port", str(args.port), "--log-level", "warning", "--no-access-log"]
    process = await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT)
    try:
        await wait_until_up(base_url, process)
        event = {"level": "event"}
        await export_over_http(base_url, small_key, {"level": "group"})  # warm-up
        _, small_rows, _ = await export_over_http(base_url, small_key, event)
        peak_small = peak_rss_kib(process.pid)
        runs = [await export_over_http(base_url, large_key, event) for _ in range(2)]
        peak_large = peak_rss_kib(process.pid)
    finally:
        process.terminate()
        await process.wait()
    copies = [await copy_same_query(settings, large_tenant) for _ in range(2)]

    api_seconds, api_rows, api_bytes = min(runs)
    copy_seconds, copy_rows, copy_bytes = min(copies)
    print(f"export, level=event, {api_rows:,} rows ({api_bytes / 1e6:.0f} MB)")
    print(f"  API over HTTP      {api_seconds:7.2f} s  {api_rows / api_seconds:>10,.0f} rows/s")
    print(f"  COPY same query    {copy_seconds:7.2f} s  {copy_rows / copy_seconds:>10,.0f} rows/s")
    print(f"  ratio API / COPY   {copy_seconds / api_seconds:7.2f}")
    print(f"  API peak RSS (VmHWM) after {small_rows:,} rows: {peak_small / 1024:.1f} MiB")
    print(f"  API peak RSS (VmHWM) after {api_rows:,} rows: {peak_large / 1024:.1f} MiB")
    print(f"  growth: {(peak_large - peak_small) / 1024:.1f} MiB")
    assert api_rows == copy_rows == args.rows, (api_rows, copy_rows)
    assert 0 < api_bytes - copy_bytes < 1024, "the API sends COPY's bytes plus the BOM and the header"
    assert small_rows == SMALL_ROWS


if __name__ == "__main__":
    asyncio.run(main())
