"""Ingest with grouping: events/s through the ingest service in batches, and the ratio to a bare COPY.

    .venv/bin/python bench/ingest_bench.py [--events 200000] [--groups 40000] [--batch 500] [--concurrency 2]

Uses its own database (OPENCLAW_BENCH_DATABASE_URL, default .../openclaw_bench_ingest), recreated each run. Each
batch is one transaction through `api.errors.ingest.ingest_events`, as the API and the workers call it, under the app
role and row-level security. The baseline COPYs the same rows into a table with no index or constraint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.config import Settings
from api.db import create_app_engine, sessionmaker, use_tenant
from api.errors.ingest import ingest_events
from api.errors.schemas import ErrorEventIn
from api.errors.taxonomy import ErrorType
from api.migrate import recreate_database
from api.principal import Principal
from api.shops.models import Shop
from api.tenants.service import create_tenant

URL = os.environ.get(
    "OPENCLAW_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_ingest"
)
PLATFORMS = [("amazon", "US"), ("amazon", "UK"), ("amazon", "DE"), ("amazon", "JP"), ("tiktok", "US"),
             ("tiktok", "UK"), ("shopee", "MY"), ("shopee", "TH"), ("shopee", "PH"), ("lazada", "MY"),
             ("lazada", "TH"), ("lazada", "PH")]  # fmt: skip
TYPES = [t for t in ErrorType]


def plain_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def recreate(url: str) -> None:
    await asyncio.to_thread(recreate_database, url)


def make_events(shops: list[uuid.UUID], n_events: int, n_groups: int) -> list[ErrorEventIn]:
    rng = random.Random(7)
    now = datetime.now(UTC)
    fingerprints = [
        (rng.choice(shops), rng.choice(TYPES), f"code-{rng.randrange(40)}", f"SKU-{rng.randrange(5000):05}")
        for _ in range(n_groups)
    ]
    events = []
    for i in range(n_events):
        shop_id, error_type, code, sku = fingerprints[rng.randrange(n_groups)]
        events.append(
            ErrorEventIn(
                idempotency_key=f"bench:{i}",
                occurred_at=now - timedelta(seconds=rng.randrange(7 * 86400)),
                shop_id=shop_id,
                error_type=error_type,
                operation="price",
                sku=sku,
                trace_id=uuid.uuid4().hex,
                platform_error_code=code,
                platform_error_message=f"platform says no ({code}) for {sku}",
                raw_excerpt='{"error":"product.error_param","message":"..."}',
            )
        )
    return events


async def copy_baseline(url: str, events: list[ErrorEventIn], tenant_id: uuid.UUID) -> float:
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.execute(
            "DROP TABLE IF EXISTS bench_bare_events; CREATE TABLE bench_bare_events (tenant_id uuid, "
            "idempotency_key text, occurred_at timestamptz, shop_id uuid, error_type text, severity text, "
            "operation text, sku text, trace_id text, platform_error_code text, platform_error_message text, "
            "raw_excerpt text)"
        )
        records = [
            (tenant_id, e.idempotency_key, e.occurred_at, e.shop_id, e.error_type.value, "error", e.operation, e.sku,
             e.trace_id, e.platform_error_code, e.platform_error_message, e.raw_excerpt)
            for e in events
        ]  # fmt: skip
        started = time.perf_counter()
        await connection.copy_records_to_table("bench_bare_events", records=records)
        return len(events) / (time.perf_counter() - started)
    finally:
        await connection.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2, help="concurrent ingesting sessions (default 2)")
    args = parser.parse_args()

    await recreate(URL)
    settings = Settings(database_url=URL)
    engine = create_app_engine(settings, pool_size=max(2, args.concurrency))
    factory = sessionmaker(engine)
    async with factory() as session:
        tenant = await create_tenant(session, "bench")
        shops = [
            Shop(tenant_id=tenant.id, name=f"shop {i}", platform=p, market=m) for i, (p, m) in enumerate(PLATFORMS)
        ]
        session.add_all(shops)
        await session.commit()
        tenant_id, shop_ids = tenant.id, [s.id for s in shops]
    principal = Principal.system(tenant_id)
    events = make_events(shop_ids, args.events, args.groups)
    batches = [events[i : i + args.batch] for i in range(0, len(events), args.batch)]

    # Warm-up: the first batches create most groups; then ANALYZE, as autovacuum does on a live database, so the
    # planner knows the table is no longer empty.
    warm_up, batches = batches[:10], batches[10:]
    for batch in warm_up:
        async with factory() as session:
            await use_tenant(session, tenant_id)
            await ingest_events(session, principal, batch)
            await session.commit()
    owner = await asyncpg.connect(plain_url(URL))  # ANALYZE needs the tables' owner
    await owner.execute("ANALYZE error_groups, error_events")
    await owner.close()
    events = [e for batch in batches for e in batch]

    pending = list(batches)

    async def ingest_worker() -> None:
        # Like API replicas or arq workers: each takes the next batch and writes it in its own transaction.
        while pending:
            batch = pending.pop()
            async with factory() as session:
                await use_tenant(session, tenant_id)
                await ingest_events(session, principal, batch)
                await session.commit()

    started = time.perf_counter()
    await asyncio.gather(*(ingest_worker() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - started
    rate = len(events) / elapsed

    # Re-sending everything is the retried-job case: all duplicates, nothing written.
    started = time.perf_counter()
    for batch in batches[:20]:
        async with factory() as session:
            await use_tenant(session, tenant_id)
            result = await ingest_events(session, principal, batch)
            assert result.created == 0
            await session.commit()
    replay_rate = sum(len(b) for b in batches[:20]) / (time.perf_counter() - started)
    async with factory() as session:
        await use_tenant(session, tenant_id)
        groups = (await session.execute(text("SELECT count(*), sum(count) FROM error_groups"))).one()
    await engine.dispose()

    copy_rate = await copy_baseline(URL, events, tenant_id)
    print(f"events {len(events):,} in batches of {args.batch} -> {groups[0]:,} groups (sum of counts {groups[1]:,})")
    print(f"ingest with grouping : {rate:10,.0f} events/s  ({elapsed:.1f} s, {args.concurrency} concurrent sessions)")
    print(f"replayed (duplicates): {replay_rate:10,.0f} events/s")
    print(f"COPY into bare table : {copy_rate:10,.0f} rows/s")
    print(f"ratio ingest / COPY  : {rate / copy_rate:10.3f}")


if __name__ == "__main__":
    asyncio.run(main())
