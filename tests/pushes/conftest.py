"""The whole push path with real processes: `openclaw sandbox` and `openclaw worker` run as subprocesses against a
committed database of their own (a worker cannot see a test's rolled-back transaction), and the API is called in
process through ASGI with a real engine. Sandbox shops are connected exactly as a user would: PUT the sandbox's
own `/_sandbox/shops` entry as the connection."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis

from api.config import Settings
from api.db import create_app_engine, sessionmaker, tenant_session, use_tenant
from api.main import create_app
from api.migrate import drop_database, recreate_database

ROOT = Path(__file__).resolve().parents[2]
OPENCLAW = str(Path(sys.executable).with_name("openclaw"))
DATABASE_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_push_{os.getpid()}"
REDIS_URL = os.environ.get("OPENCLAW_PUSH_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
QUEUE_NAME = f"openclaw:test-queue:{os.getpid()}"
ENCRYPTION_KEY = "E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="module")
def push_database() -> Iterator[str]:
    recreate_database(DATABASE_URL)
    yield DATABASE_URL
    asyncio.run(drop_database(DATABASE_URL))


def worker_env(database_url: str, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_")}
    env.update(
        OPENCLAW_DATABASE_URL=database_url,
        OPENCLAW_REDIS_URL=REDIS_URL,
        OPENCLAW_ENCRYPTION_KEY=ENCRYPTION_KEY,
        OPENCLAW_SECRET_KEY="test-secret",
        OPENCLAW_CONFIRM_CHECK_SECONDS="1",
        OPENCLAW_ACTION_STALE_SECONDS="5",
        OPENCLAW_QUEUE_NAME=QUEUE_NAME,
    )
    env.update(overrides)
    return env


@dataclass
class Processes:
    sandbox_url: str
    sandbox: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]
    database_url: str
    log_dir: Path
    # Settings every worker of the module starts with (the `push_worker_env` fixture); start_worker adds to them.
    worker_overrides: dict[str, str] = field(default_factory=dict)

    def start_worker(self, **overrides: str) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"worker-{len(self.workers)}.log", "wb")  # noqa: SIM115
        env = worker_env(self.database_url, **{**self.worker_overrides, **overrides})
        process = subprocess.Popen([OPENCLAW, "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown hook runs, its arq jobs stay marked in progress and its calls end mid-way."""
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def running_workers(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.workers if p.poll() is None]

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.workers:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def push_worker_env() -> dict[str, str]:
    """Worker settings of a test module; a module overrides this fixture (e.g. a short OPENCLAW_ACTION_STALE_SECONDS)."""
    return {}


@pytest.fixture(scope="module")
def processes(
    push_database: str, tmp_path_factory: pytest.TempPathFactory, push_worker_env: dict[str, str]
) -> Iterator[Processes]:
    log_dir = tmp_path_factory.mktemp("processes")
    port = free_port()
    sandbox_log = open(log_dir / "sandbox.log", "wb")  # noqa: SIM115
    sandbox = subprocess.Popen(
        [OPENCLAW, "sandbox", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=worker_env(push_database), stdout=sandbox_log, stderr=sandbox_log,
    )  # fmt: skip
    running = Processes(f"http://127.0.0.1:{port}", sandbox, [], push_database, log_dir, dict(push_worker_env))
    try:
        wait_for(f"{running.sandbox_url}/_sandbox/clock")
        running.start_worker()
        yield running
    finally:
        running.stop_workers()
        sandbox.terminate()
        try:
            sandbox.wait(10)
        except subprocess.TimeoutExpired:  # it waits for the scenario's long-held requests: do not wait for them
            sandbox.kill()
            sandbox.wait(10)


@dataclass
class Tenant:
    id: uuid.UUID
    headers: dict[str, str]
    shops: dict[str, uuid.UUID]  # sandbox shop id -> our shop id


class PushWorld:
    """The API in process, the sandbox and the worker as processes, and helpers a test reads like a story with."""

    def __init__(self, client: httpx.AsyncClient, sandbox: httpx.AsyncClient, settings: Settings, app: Any) -> None:
        self.client = client
        self.sandbox = sandbox
        self.settings = settings
        self.app = app

    async def tenant(self, sandbox_shops: list[str], *, skus_per_shop: int = 5) -> Tenant:
        from api.auth.service import create_api_key
        from api.principal import SCOPES, Principal
        from api.tenants.service import create_tenant

        factory = self.app.state.sessionmaker
        async with tenant_session(factory, None) as session:
            tenant = await create_tenant(session, f"push-{uuid.uuid4().hex[:8]}")
        async with factory() as session:
            await use_tenant(session, tenant.id)
            _, secret = await create_api_key(session, Principal.system(tenant.id), tenant.id, "erp", list(SCOPES))
            await session.commit()
        admin = await self.admin_headers(tenant.id)
        listing = (await self.sandbox.get("/_sandbox/shops")).json()["shops"]
        entries = {e["id"]: e for e in listing}
        shops: dict[str, uuid.UUID] = {}
        for shop_key in sandbox_shops:
            entry = entries[shop_key]
            created = await self.client.post(
                "/v1/shops",
                json={"name": entry["name"], "platform": entry["platform"], "market": entry["market"]},
                headers=admin,
            )
            assert created.status_code == 201, created.text
            shop_id = uuid.UUID(created.json()["id"])
            put = await self.client.put(f"/v1/shops/{shop_id}/connection", json=entry, headers=admin)
            assert put.status_code == 200, put.text
            shops[shop_key] = shop_id
        return Tenant(tenant.id, {"Authorization": f"Bearer {secret}"}, shops)

    async def admin_headers(self, tenant_id: uuid.UUID) -> dict[str, str]:
        from api.auth.service import create_user

        email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
        async with self.app.state.sessionmaker() as session:
            await use_tenant(session, tenant_id)
            await create_user(session, tenant_id, email, "correct horse", "admin")
            await session.commit()
        response = await self.client.post("/v1/auth/login", json={"email": email, "password": "correct horse"})
        assert response.status_code == 200, response.text
        self.client.cookies.clear()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def bind(self, tenant: Tenant, shop_key: str, skus: list[str]) -> None:
        """Create the SKUs and bind them as the sandbox's catalog knows them."""
        await self.client.post(
            "/v1/skus", json={"items": [{"sku": s, "title": s} for s in skus]}, headers=tenant.headers
        )
        items = []
        for sku in skus:
            found = (await self.sandbox.get("/_sandbox/listing", params={"shop": shop_key, "sku": sku})).json()
            extra = {"product_type": found["category"]} if shop_key.startswith("amazon") else {}
            items.append({"sku": sku, "platform_sku": sku, "platform_item_id": found["item_id"],
                          "platform_variant_id": found["variant_id"], "extra": extra})  # fmt: skip
        response = await self.client.post(
            f"/v1/shops/{tenant.shops[shop_key]}/bindings", json={"items": items}, headers=tenant.headers
        )
        assert response.status_code == 200, response.text

    async def wait_task(self, tenant: Tenant, task_id: str, *, until: set[str], seconds: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            task = (await self.client.get(f"/v1/tasks/{task_id}", headers=tenant.headers)).json()
            if task["status"] in until:
                return task
            if time.monotonic() > deadline:
                actions = (await self.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()
                states = [(a["sku"], a["status"], a["error_type"], a["error_message"]) for a in actions["items"]]
                pending = (await self.sandbox.get("/_sandbox/pending")).json()
                clock = (await self.sandbox.get("/_sandbox/clock")).json()
                raise AssertionError(
                    f"task still {task['status']}: {task['counts']} {states}; sandbox {clock} {pending}"
                )
            await asyncio.sleep(0.3)

    async def wait_actions(
        self, tenant: Tenant, task_id: str, predicate: Any, *, seconds: float = 60
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while True:
            actions = (await self.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
            if predicate(actions):
                return actions
            if time.monotonic() > deadline:
                raise AssertionError(f"actions never matched: {[(a['sku'], a['status']) for a in actions]}")
            await asyncio.sleep(0.3)

    async def groups(self, tenant: Tenant, **params: str) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/errors", params={"limit": "200", **params}, headers=tenant.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


@pytest.fixture
async def world(processes: Processes) -> AsyncIterator[PushWorld]:
    settings = Settings(
        database_url=processes.database_url, redis_url=REDIS_URL, secret_key="test-secret",
        encryption_key=ENCRYPTION_KEY, static_dir="-", queue_name=QUEUE_NAME,
    )  # fmt: skip
    app = create_app(settings)
    app.state.engine = create_app_engine(settings)
    app.state.sessionmaker = sessionmaker(app.state.engine)
    app.state.redis = ArqRedis.from_url(REDIS_URL)
    app.state.redis.default_queue_name = QUEUE_NAME
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        httpx.AsyncClient(base_url=processes.sandbox_url, timeout=10) as sandbox,
    ):
        yield PushWorld(client, sandbox, settings, app)
    await app.state.redis.aclose()
    await app.state.engine.dispose()
