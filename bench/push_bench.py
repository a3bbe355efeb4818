"""Push throughput: N stock updates over the 12 sandbox shops through `openclaw worker` and `openclaw sandbox`.

    .venv/bin/python bench/push_bench.py [--updates 10000] [--workers 1]

Uses its own database (OPENCLAW_BENCH_DATABASE_URL, default .../openclaw_bench_push, recreated each run) and Redis
database (OPENCLAW_BENCH_REDIS_URL, default db 8, emptied). The sandbox runs the default scenario's 12 shops with
their documented rate limits and per-call limits, without the injected faults (errors, timeouts, tighter buckets),
so that the figure is the path's own cost. It prints:

- planning alone: the ERP requests' tasks planned in-process (validation, bindings, policy, batching), actions/s;
- the wall time from the worker's start until the platform has answered every push, the floor the platforms'
  rate limits allow (per shop: the calls its API shape needs beyond the burst, at the documented rate; the
  slowest shop), and their ratio (target <= 1.2);
- per shop: updates, calls needed, calls made (traces), its floor, when its last push was answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from arq.connections import ArqRedis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from api import queue
from api.auth.service import create_api_key, create_user
from api.config import Settings
from api.db import create_app_engine, sessionmaker, tenant_session, use_tenant
from api.logging import configure as configure_logging
from api.main import create_app
from api.migrate import recreate_database
from api.principal import SCOPES, Principal
from api.tasks import planning
from api.tasks.models import PushAction
from api.tenants.service import create_tenant
from api.traces.models import Trace
from sandbox import amazon, lazada, shopee, tiktok
from sandbox.default_scenario import build
from sandbox.faults import Rate
from sandbox.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
OPENCLAW = str(Path(sys.executable).with_name("openclaw"))
URL = os.environ.get("OPENCLAW_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_push")
REDIS_URL = os.environ.get("OPENCLAW_BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
QUEUE = "openclaw:bench-push"
ENCRYPTION_KEY = "E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A="
MAX_ROWS = 5000  # per ERP request

# The bucket a stock write draws from in each emulator (its documented usage plan), and how many SKUs one call
# takes: Amazon patches one listing a call; TikTok and Shopee one product / item (with its variants); Lazada
# UpdatePriceQuantity takes up to 50 SKUs.
STOCK_RATE: dict[str, Rate] = {
    "amazon": amazon.RATES["patchListingsItem"],
    "tiktok": tiktok.RATES["update_inventory"],
    "shopee": shopee.RATES["update_stock"],
    "lazada": lazada.RATES["inventory"],
}


def calls_needed(platform: str, items: list[str]) -> int:
    """Calls the platform's API shape needs for these bindings' item ids."""
    if platform == "lazada":
        return math.ceil(len(items) / 50)
    if platform == "amazon":
        return len(items)
    return len(set(items))


def floor_seconds(calls: int, rate: Rate) -> float:
    return max(0, calls - rate.burst) / rate.per_second


def scenario(per_shop: int) -> dict[str, Any]:
    """The default scenario without its faults, each catalog large enough for the shop's share."""
    data = build()
    for shop in data["shops"]:
        shop["faults"] = {}
        for rule in shop["catalog"]["rules"]:
            rule["count"] = max(rule["count"], per_shop)
    return data


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "wb")  # noqa: SIM115 (the process owns it until it exits)
    return subprocess.Popen([OPENCLAW, *args], cwd=ROOT, env=env, stdout=out, stderr=out)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


async def setup_tenant(
    client: httpx.AsyncClient, app: Any, data: dict[str, Any], sandbox_url: str, per_shop: int
) -> tuple[uuid.UUID, dict[str, str], list[dict[str, Any]], dict[str, list[str]], dict[uuid.UUID, str]]:
    """A tenant with the 12 shops connected as a user would (PUT the sandbox's own entry), its SKUs bound."""
    factory = app.state.sessionmaker
    async with tenant_session(factory, None) as session:
        tenant = await create_tenant(session, "bench-push")
    async with factory() as session:
        await use_tenant(session, tenant.id)
        _, secret = await create_api_key(session, Principal.system(tenant.id), tenant.id, "erp", list(SCOPES))
        await create_user(session, tenant.id, "admin@bench.dev", "correct horse", "admin")
        await session.commit()
    login = await client.post("/v1/auth/login", json={"email": "admin@bench.dev", "password": "correct horse"})
    admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
    client.cookies.clear()
    erp = {"Authorization": f"Bearer {secret}"}

    async with httpx.AsyncClient(base_url=sandbox_url) as sandbox:
        entries = {e["id"]: e for e in (await sandbox.get("/_sandbox/shops")).json()["shops"]}
    parsed = parse_scenario(data)
    rows: list[dict[str, Any]] = []
    items_of: dict[str, list[str]] = {}
    sandbox_id: dict[uuid.UUID, str] = {}
    for spec in parsed.shops:
        entry = entries[spec.id]
        created = await client.post(
            "/v1/shops", json={"name": entry["name"], "platform": entry["platform"], "market": entry["market"]},
            headers=admin,
        )  # fmt: skip
        shop_id = created.json()["id"]
        sandbox_id[uuid.UUID(shop_id)] = spec.id
        assert (await client.put(f"/v1/shops/{shop_id}/connection", json=entry, headers=admin)).status_code == 200
        catalog = spec.expand_catalog(parsed.seed)[:per_shop]
        await client.post("/v1/skus", json={"items": [{"sku": s.sku, "title": s.title} for s in catalog]}, headers=erp)
        bindings = [
            {"sku": s.sku, "platform_sku": s.sku, "platform_item_id": s.item_id, "platform_variant_id": s.variant_id,
             "extra": {"product_type": s.category} if spec.platform == "amazon" else {}}
            for s in catalog
        ]  # fmt: skip
        bound = await client.post(f"/v1/shops/{shop_id}/bindings", json={"items": bindings}, headers=erp)
        assert bound.status_code == 200, bound.text
        items_of[spec.id] = [s.item_id or s.sku for s in catalog]
        rows += [{"sku": s.sku, "quantity": s.stock + 1, "shop_id": shop_id, "shop": spec.id} for s in catalog]
    return tenant.id, erp, rows, items_of, sandbox_id


def quiet() -> None:
    """The in-process API's request lines would bury the figures."""
    configure_logging("WARNING")
    logging.getLogger().setLevel(logging.WARNING)


async def analyze(url: str) -> None:
    """As autovacuum does on a live database (the tables' owner may): the planner learns the catalog's size."""
    owner = create_async_engine(url)
    async with owner.begin() as connection:
        await connection.execute(text("ANALYZE skus, sku_bindings"))
    await owner.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args()

    await asyncio.to_thread(recreate_database, URL)
    data = scenario(math.ceil(args.updates / len(build()["shops"])))
    per_shop = math.ceil(args.updates / len(data["shops"]))
    logs = Path(tempfile.mkdtemp(prefix="push-bench-"))
    scenario_file = logs / "scenario.json"
    scenario_file.write_text(json.dumps(data))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_")} | {
        "OPENCLAW_DATABASE_URL": URL, "OPENCLAW_REDIS_URL": REDIS_URL, "OPENCLAW_QUEUE_NAME": QUEUE,
        "OPENCLAW_ENCRYPTION_KEY": ENCRYPTION_KEY, "OPENCLAW_SECRET_KEY": "bench-secret",
    }  # fmt: skip
    port = 18_000 + os.getpid() % 1000
    sandbox_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=URL, redis_url=REDIS_URL, secret_key="bench-secret", encryption_key=ENCRYPTION_KEY,
        static_dir="-", queue_name=QUEUE,
    )  # fmt: skip
    app = create_app(settings)
    quiet()
    app.state.engine = create_app_engine(settings, pool_size=4)
    app.state.sessionmaker = sessionmaker(app.state.engine)
    app.state.redis = ArqRedis.from_url(REDIS_URL)
    app.state.redis.default_queue_name = QUEUE
    await app.state.redis.flushdb()
    processes = [start(["sandbox", "--port", str(port), "--scenario", str(scenario_file)], env, logs / "sandbox.log")]
    try:
        wait_for(f"{sandbox_url}/_sandbox/clock")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            tenant_id, erp, rows, items_of, sandbox_id = await setup_tenant(client, app, data, sandbox_url, per_shop)
            await analyze(URL)
            rows = rows[: args.updates]
            task_ids: list[str] = []
            for start_at in range(0, len(rows), MAX_ROWS):
                chunk = [{k: v for k, v in r.items() if k != "shop"} for r in rows[start_at : start_at + MAX_ROWS]]
                body = {"request_id": f"bench-{start_at}", "items": chunk}
                answer = await client.post("/v1/inventory", json=body, headers=erp)
                assert answer.status_code == 202, answer.text
                task_ids += answer.json()["task_ids"]

            # Planning alone, in process, before any worker runs (the worker then finds the tasks planned); the
            # batches' push jobs go to the queue after each commit, as a job's unit of work sends them.
            planning_seconds = 0.0
            for task_id in task_ids:
                async with app.state.sessionmaker() as session:
                    session.info["tenant_id"] = tenant_id
                    started = time.perf_counter()
                    async with session.begin():
                        await planning.plan_task(session, tenant_id, uuid.UUID(task_id))
                    planning_seconds += time.perf_counter() - started
                    await queue.send_pending(session, app.state.redis)

            started = time.monotonic()
            for n in range(args.workers):
                processes.append(start(["worker"], env, logs / f"worker-{n}.log"))
            answered_at, shop_done = await _wait_answered(app, tenant_id, sandbox_id, started)
            calls_made = await _stock_calls(app, tenant_id, sandbox_id)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(15)
        await app.state.redis.aclose()
        await app.state.engine.dispose()

    shops_of = {s["id"]: s for s in data["shops"]}
    counts = Counter(r["shop"] for r in rows)
    print(f"{len(rows):,} stock updates over {len(counts)} shops, {args.workers} worker(s); logs in {logs}")
    print(f"planning alone     : {len(rows) / planning_seconds:10,.0f} actions/s  ({planning_seconds:.2f} s)")
    floors = {}
    print(f"{'shop':<11} {'updates':>7} {'calls':>6} {'made':>6} {'rate/s':>6} {'floor s':>8} {'done s':>7}")
    for shop, n in sorted(counts.items()):
        platform = shops_of[shop]["platform"]
        rate = STOCK_RATE[platform]
        needed = calls_needed(platform, items_of[shop][:n])
        floors[shop] = floor_seconds(needed, rate)
        print(f"{shop:<11} {n:>7} {needed:>6} {calls_made.get(shop, 0):>6} {rate.per_second:>6g} "
              f"{floors[shop]:>8.1f} {shop_done.get(shop, 0):>7.1f}")  # fmt: skip
    floor = max(floors.values())
    print(f"wall time (every push answered): {answered_at:.1f} s")
    print(f"rate-limit floor (slowest shop) : {floor:.1f} s")
    print(f"ratio                           : {answered_at / floor:.2f}  (target <= 1.2)")


async def _wait_answered(
    app: Any, tenant_id: uuid.UUID, sandbox_id: dict[uuid.UUID, str], started: float
) -> tuple[float, dict[str, float]]:
    """Poll until no action is pending or sending; per shop, when its last one left."""
    done: dict[str, float] = {}
    while True:
        async with tenant_session(app.state.sessionmaker, tenant_id) as session:
            open_by_shop = dict(
                (
                    await session.execute(
                        select(PushAction.shop_id, func.count())
                        .where(PushAction.status.in_(("pending", "sending")))
                        .group_by(PushAction.shop_id)
                    )
                ).all()
            )
        now = time.monotonic() - started
        for shop_id, name in sandbox_id.items():
            if shop_id not in open_by_shop:
                done.setdefault(name, now)
        if not open_by_shop:
            return now, done
        if now > 1800:
            raise SystemExit(f"still open after 30 minutes: {open_by_shop}")
        await asyncio.sleep(0.25)


async def _stock_calls(app: Any, tenant_id: uuid.UUID, sandbox_id: dict[uuid.UUID, str]) -> dict[str, int]:
    async with tenant_session(app.state.sessionmaker, tenant_id) as session:
        rows = await session.execute(
            select(Trace.shop_id, func.count()).where(Trace.operation == "stock").group_by(Trace.shop_id)
        )
        return {sandbox_id[shop_id]: n for shop_id, n in rows if shop_id is not None}


if __name__ == "__main__":
    asyncio.run(main())
