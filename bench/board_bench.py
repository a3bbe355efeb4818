"""Board benchmark: `GET /v1/errors` and `GET /v1/errors/facets` latency with one filter at a time, over HTTP.

Seeds a dedicated database (dropped, recreated and migrated) with one tenant: 12 shops on the 4 platforms, a few
strategies and users, and N error groups holding M events (default 200,000 and 1,000,000), generated in SQL with
generate_series. The spread is meant to look like a real board: error types skewed by a weight table, severities
from the taxonomy, last_seen over ~30 days with a bias to recent days, mostly open groups (older ones more often
handled or archived), a few snoozed and some assigned, event counts per group skewed (a few noisy groups).

Then it runs the API with uvicorn (the app factory) in a subprocess on a loopback port, creates an API key with the
service, and times each board filter over HTTP with one keep-alive client: p50 and p95 per filter, for the list and
for the facets. Beside them it prints the same SQL timed straight on PostgreSQL (captured from the app's own query
functions, run as the app role with the tenant set) and the HTTP / SQL ratio, then EXPLAIN (ANALYZE, BUFFERS) of
the slowest cases.

    .venv/bin/python bench/board_bench.py                                   # 200,000 groups, 1,000,000 events
    .venv/bin/python bench/board_bench.py --groups 20000 --events 100000    # a quick run
    .venv/bin/python bench/board_bench.py --reuse                           # keep the seeded data, re-measure
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import create_app_engine, sessionmaker, use_tenant  # noqa: E402
from api.migrate import migrate, recreate_database  # noqa: E402

TENANT = "bench-board"
LIST = "/v1/errors"
FACETS = "/v1/errors/facets"

# (name, platform, market, weight): 3 shops per platform, some busier than others.
SHOPS = [
    ("Amazon US", "amazon", "US", 14),
    ("Amazon UK", "amazon", "UK", 9),
    ("Amazon DE", "amazon", "DE", 6),
    ("TikTok Shop US", "tiktok", "US", 11),
    ("TikTok Shop UK", "tiktok", "UK", 6),
    ("TikTok Shop MY", "tiktok", "MY", 4),
    ("Shopee MY", "shopee", "MY", 12),
    ("Shopee ID", "shopee", "ID", 8),
    ("Shopee TH", "shopee", "TH", 6),
    ("Lazada MY", "lazada", "MY", 10),
    ("Lazada PH 2", "lazada", "PH", 8),
    ("Lazada PH", "lazada", "PH", 6),
]
# (error type, weight in %, operation, a message that names the SKU with %s): a long tail, like real boards.
TYPES = [
    ("PRICE_NOT_EFFECTIVE", 18, "price", "price not applied to %s: locked by an ongoing promotion"),
    ("SKU_MAPPING_FAILED", 14, "stock", "seller sku %s is not mapped to a platform item"),
    ("INVENTORY_SYNC_FAILED", 13, "stock", "stock update for %s failed: warehouse quantity mismatch"),
    ("RATE_LIMITED", 10, "price", "request throttled while updating %s, retry later"),
    ("VALIDATION_FAILED", 8, "listing", "attribute validation failed for %s: bullet point too long"),
    ("LISTING_REJECTED", 7, "listing", "listing %s rejected by platform review: prohibited keyword"),
    ("PLATFORM_STATE_DELAYED", 6, "price", "price of %s still shows the old value after the read-back window"),
    ("AUTH_EXPIRED", 5, "auth", "access token expired while pushing %s"),
    ("CATEGORY_COMPLIANCE_FAILED", 4, "listing", "category of %s requires a safety certificate upload"),
    ("MEDIA_QUALITY", 4, "listing", "main image of %s has a non-white background"),
    ("PLATFORM_UNAVAILABLE", 3, "stock", "upstream 503 while updating %s"),
    ("PRICE_STRATEGY_CONFLICT", 3, "price", "two strategies set different prices for %s"),
    ("UNKNOWN_PLATFORM_ERROR", 2, "price", "unexpected response for %s: internal error code"),
    ("PLATFORM_LIMIT_EXCEEDED", 1.5, "listing", "daily listing quota exceeded at %s"),
    ("AUTH_SCOPE_MISSING", 1, "auth", "the app lacks the scope needed for %s"),
    ("APPROVAL_PENDING", 0.5, "price", "price change of %s waits for approval: drop over 30 percent"),
]
STRATEGIES = [
    ("Weekend price cut", "price_adjust"),
    ("Competitor match", "price_adjust"),
    ("Clearance", "price_adjust"),
    ("Warehouse sync", "inventory_sync"),
    ("Safety stock", "inventory_sync"),
    ("New arrivals", "listing_publish"),
]
USERS = 6
SKUS = 50_000


def cumulative(weights: list[float]) -> list[float]:
    """Bucket bounds for width_bucket(random(), bounds): bucket i (0-based) has probability weights[i] / sum."""
    total, running, bounds = sum(weights), 0.0, []
    for w in weights[:-1]:
        running += w
        bounds.append(running / total)
    return bounds


# --- seeding -------------------------------------------------------------------------------------------------------


async def create_tenant(settings: Settings) -> uuid.UUID:
    from api.tenants.service import create_tenant as create

    engine = create_app_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            tenant = await create(session, TENANT)
            await session.commit()
            return tenant.id
    finally:
        await engine.dispose()


async def seed(owner: AsyncEngine, tenant_id: uuid.UUID, groups: int, events: int) -> None:
    """Everything in a few set-based statements on the owner connection (it writes past row-level security)."""
    from api.errors.taxonomy import TAXONOMY, ErrorType

    p: dict[str, Any] = {
        "t": tenant_id,
        "groups": groups,
        "events": events,
        "skus": SKUS,
        "shop_bounds": cumulative([s[3] for s in SHOPS]),
        "type_bounds": cumulative([t[1] for t in TYPES]),
        "types": [t[0] for t in TYPES],
        "severities": [TAXONOMY[ErrorType(t[0])].severity.value for t in TYPES],
        "operations": [t[2] for t in TYPES],
        "messages": [t[3] for t in TYPES],
        "strategies": len(STRATEGIES),
        "users": USERS,
    }
    async with owner.begin() as c:
        for name, platform, market, _ in SHOPS:
            await c.execute(
                text("INSERT INTO shops (tenant_id, name, platform, market) VALUES (:t, :n, :p, :m)"),
                {"t": tenant_id, "n": name, "p": platform, "m": market},
            )
        for name, kind in STRATEGIES:
            await c.execute(
                text("INSERT INTO strategies (tenant_id, name, kind) VALUES (:t, :n, :k)"),
                {"t": tenant_id, "n": name, "k": kind},
            )
        await c.execute(
            text(
                "INSERT INTO users (tenant_id, email, display_name, password_hash, role)"
                " SELECT :t, 'ops' || u || '@bench.example', 'Ops ' || u, '!', 'operator'"
                " FROM generate_series(1, :users) u"
            ),
            p,
        )
        # The dimensions of each group, drawn once; seq links a group to its events.
        await c.execute(
            text(
                "CREATE TEMP TABLE bench_groups ON COMMIT DROP AS"
                " WITH shop AS (SELECT array_agg(id ORDER BY created_at, name) AS ids,"
                "                      array_agg(platform ORDER BY created_at, name) AS platforms"
                "               FROM shops WHERE tenant_id = :t),"
                "      strategy AS (SELECT array_agg(id ORDER BY name) AS ids FROM strategies WHERE tenant_id = :t),"
                "      person AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE tenant_id = :t),"
                "      draw AS (SELECT seq,"
                "                 1 + width_bucket(random(), CAST(:shop_bounds AS float8[])) AS shop_i,"
                "                 1 + width_bucket(random(), CAST(:type_bounds AS float8[])) AS type_i,"
                "                 1 + floor(:skus * random() ^ 1.5)::int AS sku_n,"
                "                 30 * random() ^ 1.4 AS age_days,"
                "                 random() AS r_strategy, random() AS r_status, random() AS r_assign"
                "               FROM generate_series(1, :groups) seq)"
                " SELECT d.seq, gen_random_uuid() AS id, shop.ids[d.shop_i] AS shop_id,"
                "   shop.platforms[d.shop_i] AS platform, (CAST(:types AS text[]))[d.type_i] AS error_type,"
                "   (CAST(:severities AS text[]))[d.type_i] AS severity,"
                "   (CAST(:operations AS text[]))[d.type_i] AS operation,"
                "   upper(left(shop.platforms[d.shop_i], 2)) || '-' || d.type_i || '-' || (d.sku_n % 7) AS code,"
                "   'SKU-' || lpad(d.sku_n::text, 6, '0') AS sku,"
                "   format((CAST(:messages AS text[]))[d.type_i], 'SKU-' || lpad(d.sku_n::text, 6, '0')) AS message,"
                "   CASE WHEN d.r_strategy < 0.3 THEN NULL"
                "        ELSE strategy.ids[1 + floor(d.r_strategy * 100)::int % :strategies] END AS strategy_id,"
                "   now() - d.age_days * interval '1 day' AS last_seen,"
                # Older groups are more often handled, and the oldest handled ones archived.
                "   CASE WHEN d.r_status >= least(0.7, 0.03 + 0.025 * d.age_days) THEN 'open'"
                "        WHEN d.age_days > 14 AND d.r_status < 0.15 THEN 'archived' ELSE 'handled' END AS status,"
                "   CASE WHEN d.r_assign < 0.12 THEN person.ids[1 + floor(d.r_assign * 50)::int % :users] END"
                "     AS assignee_id,"
                "   d.r_assign"
                " FROM draw d, shop, strategy, person"
            ),
            p,
        )
        # Every group gets one event at its last_seen (id = seq, its latest event); the rest land on groups
        # with a power-law skew, earlier in time.
        await c.execute(
            text(
                "CREATE TEMP TABLE bench_events ON COMMIT DROP AS"
                " SELECT n, CASE WHEN n <= :groups THEN n ELSE 1 + floor(:groups * random() ^ 2.5)::int END AS seq,"
                "   CASE WHEN n <= :groups THEN 0 ELSE 20 * random() * random() END AS before_days"
                " FROM generate_series(1, :events) n"
            ),
            p,
        )
        await c.execute(text("CREATE INDEX ON bench_events (seq)"))
        await c.execute(text("ANALYZE bench_groups"))
        await c.execute(text("ANALYZE bench_events"))
        await c.execute(
            text(
                "INSERT INTO error_groups (tenant_id, id, shop_id, platform, error_type, severity,"
                "  platform_error_code, sku, operation, strategy_id, status, count, first_seen, last_seen,"
                "  latest_event_id, latest_trace_id, latest_message, regression_count, handled_at, handled_by,"
                "  resolution, assignee_id, snoozed_until)"
                " SELECT :t, g.id, g.shop_id, g.platform, g.error_type, g.severity, g.code,"
                "   g.sku, g.operation, g.strategy_id, g.status, e.n, g.last_seen - e.span * interval '1 day',"
                "   g.last_seen, g.seq, md5(g.seq::text), g.message, (g.r_assign < 0.05)::int,"
                "   CASE WHEN g.status <> 'open' THEN g.last_seen + interval '3 hours' END,"
                "   CASE WHEN g.status <> 'open' THEN 'system' END,"
                "   CASE WHEN g.status <> 'open' THEN 'repushed' END,"
                "   g.assignee_id,"
                "   CASE WHEN g.status = 'open' AND g.r_assign > 0.99 THEN now() + interval '2 days' END"
                " FROM bench_groups g"
                " JOIN (SELECT seq, count(*) AS n, max(before_days) AS span FROM bench_events GROUP BY seq) e"
                "   USING (seq)"
            ),
            p,
        )
        await c.execute(
            text(
                "INSERT INTO error_events (tenant_id, id, group_id, idempotency_key, occurred_at, received_at,"
                "  platform, shop_id, strategy_id, trace_id, operation, sku, platform_item_id, error_type, severity,"
                "  platform_error_code, platform_error_message, raw_excerpt)"
                " SELECT :t, e.n, g.id, 'bench-' || e.n, g.last_seen - e.before_days * interval '1 day',"
                "   g.last_seen - e.before_days * interval '1 day' + interval '2 seconds',"
                "   g.platform, g.shop_id, g.strategy_id, md5(e.n::text), g.operation, g.sku,"
                "   'ITEM' || (100000 + e.seq % 90000), g.error_type, g.severity, g.code, g.message,"
                "   '{\"code\": \"' || g.code || '\"}'"
                " FROM bench_events e JOIN bench_groups g USING (seq)"
            ),
            p,
        )
        await c.execute(text("SELECT setval(pg_get_serial_sequence('error_events', 'id'), :events)"), p)


async def tenant_of(owner: AsyncEngine) -> uuid.UUID | None:
    async with owner.connect() as c:
        found: uuid.UUID | None = await c.scalar(text("SELECT id FROM tenants WHERE name = :n"), {"n": TENANT})
        return found


async def new_api_key(settings: Settings, tenant_id: uuid.UUID) -> str:
    from api.auth.service import create_api_key
    from api.principal import Principal

    engine = create_app_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            await use_tenant(session, tenant_id)
            _, key = await create_api_key(
                session, Principal.system(tenant_id), tenant_id, "board-bench", ["errors:read"]
            )
            await session.commit()
            return key
    finally:
        await engine.dispose()


# --- the cases -----------------------------------------------------------------------------------------------------


async def cases(owner: AsyncEngine, tenant_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """One filter per case, with values picked from the seeded data (the smallest shop, a rare type, ...)."""
    async with owner.connect() as c:

        async def one(sql: str) -> str:
            return str(await c.scalar(text(sql), {"t": tenant_id}))

        shop = await one("SELECT id FROM shops WHERE tenant_id = :t AND name = 'Lazada PH'")
        strategy = await one("SELECT id FROM strategies WHERE tenant_id = :t AND name = 'Clearance'")
        user = await one("SELECT id FROM users WHERE tenant_id = :t ORDER BY email LIMIT 1")
    return {
        "none": {},
        "severity=warning": {"severity": "warning"},
        "error_type=AUTH_SCOPE_MISSING": {"error_type": "AUTH_SCOPE_MISSING"},
        "platform=lazada": {"platform": "lazada"},
        "shop_id=<Lazada PH>": {"shop_id": shop},
        "strategy_id=<Clearance>": {"strategy_id": strategy},
        "status=handled": {"status": "handled"},
        "q=SKU-0012 (sku prefix)": {"q": "SKU-0012"},
        "q=certificate (message word)": {"q": "certificate"},
        "assignee=<a user>": {"assignee": user},
    }


async def shares(owner: AsyncEngine, tenant_id: uuid.UUID) -> str:
    async with owner.connect() as c:
        row = (
            await c.execute(
                text(
                    "SELECT count(*), sum(count)::bigint, count(*) FILTER (WHERE last_seen >= now() - interval '7 days'),"
                    " count(*) FILTER (WHERE last_seen >= now() - interval '7 days' AND status = 'open'),"
                    " count(*) FILTER (WHERE status = 'open'), count(*) FILTER (WHERE status = 'handled'),"
                    " count(*) FILTER (WHERE status = 'archived'), max(count)"
                    " FROM error_groups WHERE tenant_id = :t"
                ),
                {"t": tenant_id},
            )
        ).one()
    total, events, window, window_open, open_, handled, archived, biggest = row
    return (
        f"{total:,} groups, {events:,} events (largest group {biggest:,}); last 7 days: {window:,} groups,"
        f" {window_open:,} open; status open {open_:,} / handled {handled:,} / archived {archived:,}"
    )


# --- measuring -----------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    http_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    rows: int = 0

    def p(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.http_ms if values is None else values)
        return data[min(len(data) - 1, round(q * (len(data) - 1)))]


async def time_http(client: httpx.AsyncClient, path: str, params: dict[str, Any], n: int) -> Timing:
    timing = Timing()
    for i in range(n + 3):  # 3 warm-ups
        started = time.perf_counter()
        response = await client.get(path, params=params)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        if i >= 3:
            timing.http_ms.append(elapsed)
    body = response.json()
    timing.rows = len(body["items"]) if "items" in body else body["total"]
    return timing


@dataclass
class Captured:
    """The statements the app runs for one request: the search's own (for `q`), then the board statement."""

    statements: list[tuple[str, Any]]

    @property
    def searches(self) -> bool:
        return len(self.statements) > 1


async def capture(settings: Settings, tenant_id: uuid.UUID, params: dict[str, Any], facets: bool) -> Captured:
    """What the app runs for these parameters: the filter is resolved and the query functions called in-process,
    and each statement reading error_groups (the search function's included) is taken at the cursor."""
    from api.errors import queries
    from api.errors.filters import ErrorFilter, with_search_hits
    from api.principal import Principal

    engine = create_app_engine(settings)
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM error_groups" in statement:
            seen.append((statement, parameters))

    principal = Principal(kind="api_key", id=None, tenant_id=tenant_id, scopes=frozenset({"errors:read"}))
    f = ErrorFilter.model_validate({k: [v] if k not in ("status", "q") else v for k, v in params.items()})
    try:
        async with sessionmaker(engine)() as session:
            await use_tenant(session, tenant_id)
            f = await with_search_hits(session, principal, f)
            if facets:
                await queries.facets(session, principal, f, "zh-CN")
            else:
                await queries.list_groups(
                    session, principal, f, sort="last_seen", limit=50, cursor=None, language="zh-CN"
                )
    finally:
        await engine.dispose()
    assert len(seen) == (2 if f.q else 1), [sql for sql, _ in seen]
    return Captured(seen)


async def _app_connection(settings: Settings, tenant_id: uuid.UUID, captured: Captured) -> AsyncIterator[Any]:
    """A connection as the app role in the tenant, planning as the app does when a search's ids are bound."""
    engine = create_app_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            await use_tenant(session, tenant_id)
            connection = await session.connection()
            if captured.searches:
                await connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
            yield connection
    finally:
        await engine.dispose()


async def run_sql(settings: Settings, tenant_id: uuid.UUID, captured: Captured, n: int) -> list[float]:
    times = []
    async for connection in _app_connection(settings, tenant_id, captured):
        for i in range(n + 3):
            started = time.perf_counter()
            for sql, parameters in captured.statements:
                await connection.exec_driver_sql(sql, parameters)
            if i >= 3:
                times.append((time.perf_counter() - started) * 1000)
    return times


async def explain(settings: Settings, tenant_id: uuid.UUID, captured: Captured) -> str:
    plans = []
    async for connection in _app_connection(settings, tenant_id, captured):
        for sql, parameters in captured.statements:
            result = await connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, parameters)
            plans.append("\n".join(r[0] for r in result))
    # A search's bound hits print as thousands of ids: shown as their number.
    return _ID_ARRAY.sub(lambda m: f"'{{<{m.group(0).count(',') + 1} ids>}}'::uuid[]", "\n\n".join(plans))


_ID_ARRAY = re.compile(r"'\{[0-9a-f-]{36}(?:,[0-9a-f-]{36})*\}'::uuid\[\]")


async def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        for _ in range(300):
            if process.poll() is not None:
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
    parser.add_argument("--groups", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per case and endpoint")
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN the N slowest list and facets cases")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database (migrate it to head)")
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_board")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if args.events < args.groups:
        parser.error("--events must be at least --groups (every group has an event)")
    settings = Settings(database_url=args.database_url, static_dir="-")
    database = make_url(args.database_url).database

    owner = create_async_engine(args.database_url)
    tenant_id = None
    if args.reuse:
        await migrate(settings)
        tenant_id = await tenant_of(owner)
    if tenant_id is None:
        print(f"seeding {database}: {args.groups:,} groups, {args.events:,} events ...", flush=True)
        started = time.perf_counter()
        await owner.dispose()
        await asyncio.to_thread(recreate_database, args.database_url)
        owner = create_async_engine(args.database_url)
        tenant_id = await create_tenant(settings)
        await seed(owner, tenant_id, args.groups, args.events)
        async with owner.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    print(await shares(owner, tenant_id))
    board_cases = await cases(owner, tenant_id)
    await owner.dispose()
    key = await new_api_key(settings, tenant_id)

    base_url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "OPENCLAW_DATABASE_URL": args.database_url, "OPENCLAW_STATIC_DIR": "-"}
    command = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(args.port), "--log-level", "warning", "--no-access-log"]
    # The app logs one JSON line per request to stdout: keep it out of the report. (Started once, before any
    # timing, so a blocking Popen in this coroutine costs nothing measured.)
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    results: dict[tuple[str, str], Timing] = {}
    try:
        await wait_until_up(base_url, process)
        headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
            for name, params in board_cases.items():
                for path in (LIST, FACETS):
                    results[(name, path)] = await time_http(client, path, params, args.requests)
    finally:
        process.terminate()
        process.wait(timeout=30)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    captured: dict[tuple[str, str], Captured] = {}
    for name, params in board_cases.items():
        for path in (LIST, FACETS):
            captured[(name, path)] = await capture(settings, tenant_id, params, path == FACETS)
            results[(name, path)].sql_ms = await run_sql(settings, tenant_id, captured[(name, path)], args.requests)

    print(f"\n{args.requests} requests per row after 3 warm-ups; one client, one uvicorn process; times in ms")
    print(f"load average at the end of the HTTP runs: {load} on {os.cpu_count()} CPUs (other work skews the figures)")
    print("SQL = the same statement straight on PostgreSQL as the app role; ratio = HTTP p50 / SQL p50")
    header = f"{'filter':32} {'endpoint':8} {'rows':>7} {'p50':>7} {'p95':>7} {'SQL p50':>8} {'ratio':>6}  bar"
    print(header)
    print("-" * len(header))
    failed = []
    for (name, path), t in results.items():
        bar = 50 if path == LIST else 150
        ok = t.p(0.95) <= bar
        if not ok:
            failed.append(f"{name} {path}")
        sql_p50 = t.p(0.5, t.sql_ms)
        print(
            f"{name:32} {'list' if path == LIST else 'facets':8} {t.rows:>7,} {t.p(0.5):7.1f} {t.p(0.95):7.1f}"
            f" {sql_p50:8.1f} {t.p(0.5) / sql_p50:6.1f}  {'ok' if ok else 'OVER'} (p95 <= {bar})"
        )
    for path in (LIST, FACETS):
        slowest = sorted((k for k in results if k[1] == path), key=lambda k: -results[k].p(0.95))[: args.explain]
        for key_ in slowest:
            print(f"\n=== EXPLAIN (ANALYZE, BUFFERS) {path} {key_[0]} ===")
            print(await explain(settings, tenant_id, captured[key_]))
    print("\nall cases within the bar" if not failed else f"\nover the bar: {', '.join(failed)}")


if __name__ == "__main__":
    asyncio.run(main())
