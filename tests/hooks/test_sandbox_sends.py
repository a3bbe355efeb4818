"""The sandbox's notifications against the running app on loopback: the sandbox (uvicorn, a thread) bans and
clears listings and revokes a shop, and posts what each platform would push to the API (uvicorn, another thread,
on a committed database of its own); the board and the connection show what the notifications said."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.config import Settings
from api.db import create_app_engine, sessionmaker, tenant_session, use_tenant
from api.main import create_app
from api.migrate import drop_database, recreate_database
from sandbox import create_app as create_sandbox
from sandbox.scenario import parse_scenario
from tests.conftest import TEST_REDIS_URL

DATABASE_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_hooks_{os.getpid()}"
ENCRYPTION_KEY = "E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A="


def _shop(shop_id: str, platform: str, market: str, currency: str, credentials: dict[str, str],
          sku: str, item_id: str, variant_id: str | None) -> dict[str, Any]:  # fmt: skip
    return {
        "id": shop_id, "name": shop_id, "platform": platform, "market": market, "currency": currency,
        "credentials": credentials,
        "tokens": {"access_token": f"{shop_id}-access-token", "refresh_token": f"{shop_id}-refresh-token"},
        "categories": {"100001": {}, "LUGGAGE": {}},
        "catalog": {"items": [{"sku": sku, "item_id": item_id, "variant_id": variant_id,
                               "category": "LUGGAGE" if platform == "amazon" else "100001",
                               "price": "10.00", "stock": 5}]},
    }  # fmt: skip


SCENARIO = {
    "version": 1,
    "seed": 3,
    "shops": [
        _shop("hk-tiktok", "tiktok", "US", "USD",
              {"app_key": "6hookstts01", "app_secret": "hooks-tiktok-secret", "shop_cipher": "ROW_hooks01",
               "shop_id": "7494000099"}, "TT-1", "1729000000001", "1729100000001"),
        _shop("hk-shopee", "shopee", "MY", "MYR",
              {"partner_id": "2000099", "partner_key": "hooks-shopee-partner-key", "shop_id": "88000099"},
              "SHP-1", "25000000001", "0"),
        _shop("hk-lazada", "lazada", "MY", "MYR",
              {"app_key": "100099", "app_secret": "hooks-lazada-secret", "seller_id": "10000099"},
              "LZD-1", "31000000001", "32000000001"),
        _shop("hk-amazon", "amazon", "US", "USD",
              {"client_id": "amzn1.application-oa2-client.hooks", "client_secret": "hooks-client-secret",
               "seller_id": "A99HOOKSSELLER", "notification_secret": "hooks-forwarder-secret"},
              "AMZ-1", "B0HOOKS0001", None),
    ],
}  # fmt: skip
REFUSALS = {
    "hk-tiktok": ("TT-1", "FAILED", [{"position": "product", "reasons": ["violate listing rules"]}]),
    "hk-shopee": ("SHP-1", "BANNED", [{"violation_type": "Prohibited Listing", "violation_reason": "License Reason"}]),
    "hk-lazada": ("LZD-1", "rejected", [{"violationDetail": "Poor image quality"}]),
    "hk-amazon": ("AMZ-1", "SUPPRESSED", [{"code": "18742", "message": "Restricted Products Policy Violation",
                                           "severity": "ERROR",
                                           "enforcements": {"actions": [{"action": "LISTING_SUPPRESSED"}]}}]),
}  # fmt: skip
WORDS = {
    "hk-tiktok": "violate listing rules",
    "hk-shopee": "License Reason",
    "hk-lazada": "Poor image quality",
    "hk-amazon": "LISTING_SUPPRESSED",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """An ASGI app behind uvicorn on a free loopback port, in a thread with its own event loop."""

    def __init__(self, app: Any, *, lifespan: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    recreate_database(DATABASE_URL)
    yield DATABASE_URL
    asyncio.run(drop_database(DATABASE_URL))


@pytest.fixture(scope="module")
def settings(database: str) -> Settings:
    return Settings(
        database_url=database, redis_url=TEST_REDIS_URL, secret_key="test-secret", encryption_key=ENCRYPTION_KEY,
        static_dir="-", queue_name=f"openclaw:hooks-test:{os.getpid()}",
    )  # fmt: skip


@pytest.fixture(scope="module")
def servers(settings: Settings) -> Iterator[tuple[Served, Served]]:
    with (
        Served(create_app(settings), lifespan="on") as api,
        Served(create_sandbox(parse_scenario(SCENARIO)), lifespan="off") as platforms,
    ):
        yield api, platforms


@dataclass
class World:
    api: httpx.AsyncClient
    sandbox: httpx.AsyncClient
    admin: dict[str, str]
    shops: dict[str, uuid.UUID]

    async def wait_deliveries(self, count: int, seconds: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while True:
            deliveries: list[dict[str, Any]] = (await self.sandbox.get("/_sandbox/hooks")).json()["deliveries"]
            done = [d for d in deliveries if d["status"] is not None or d["error"] is not None]
            if len(done) >= count:
                return done
            if time.monotonic() > deadline:
                raise AssertionError(f"deliveries: {deliveries}")
            await asyncio.sleep(0.1)

    async def groups(self, error_type: str) -> list[dict[str, Any]]:
        response = await self.api.get(
            "/v1/errors", params={"error_type": error_type, "status": "all", "limit": "200"},
            headers=self.admin,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


@pytest.fixture
async def world(servers: tuple[Served, Served], settings: Settings) -> AsyncIterator[World]:
    api_server, sandbox_server = servers
    engine = create_app_engine(settings)
    factory = sessionmaker(engine)
    from api.auth.service import create_user
    from api.tenants.service import create_tenant

    async with tenant_session(factory, None) as session:
        tenant = await create_tenant(session, f"hooks-{uuid.uuid4().hex[:8]}")
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    async with factory() as session:
        await use_tenant(session, tenant.id)
        await create_user(session, tenant.id, email, "correct horse", "admin")
        await session.commit()
    await engine.dispose()
    async with (
        httpx.AsyncClient(base_url=api_server.url, timeout=10) as api,
        httpx.AsyncClient(base_url=sandbox_server.url, timeout=10) as sandbox,
    ):
        login = await api.post("/v1/auth/login", json={"email": email, "password": "correct horse"})
        assert login.status_code == 200, login.text
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        api.cookies.clear()
        assert (await sandbox.post("/_sandbox/reset")).status_code == 200
        shops: dict[str, uuid.UUID] = {}
        for entry in (await sandbox.get("/_sandbox/shops")).json()["shops"]:
            created = await api.post(
                "/v1/shops", json={"name": f"{entry['name']}-{uuid.uuid4().hex[:4]}", "platform": entry["platform"],
                                   "market": entry["market"]}, headers=admin,
            )  # fmt: skip
            assert created.status_code == 201, created.text
            shop_id = uuid.UUID(created.json()["id"])
            assert (await api.put(f"/v1/shops/{shop_id}/connection", json=entry, headers=admin)).status_code == 200
            sku = REFUSALS[entry["id"]][0]
            listing = (await sandbox.get("/_sandbox/listing", params={"shop": entry["id"], "sku": sku})).json()
            await api.post("/v1/skus", json={"items": [{"sku": sku, "title": sku}]}, headers=admin)
            bound = await api.post(
                f"/v1/shops/{shop_id}/bindings", headers=admin,
                json={"items": [{"sku": sku, "platform_sku": sku, "platform_item_id": listing["item_id"],
                                 "platform_variant_id": listing["variant_id"]}]},
            )  # fmt: skip
            assert bound.status_code == 200, bound.text
            shops[entry["id"]] = shop_id
        urls = {key: f"{api_server.url}/v1/hooks/{key.removeprefix('hk-')}/{shop_id}" for key, shop_id in shops.items()}
        configured = await sandbox.put("/_sandbox/hooks", json={"urls": urls})
        assert configured.status_code == 200, configured.text
        yield World(api, sandbox, admin, shops)
        await sandbox.put("/_sandbox/hooks", json={"urls": {}})


async def test_the_sandbox_notifies_bans_and_clearances_which_the_board_shows(world: World) -> None:
    for shop, (sku, status, reasons) in REFUSALS.items():
        answer = await world.sandbox.put(
            f"/_sandbox/shops/{shop}/listings/{sku}/state", json={"status": status, "reasons": reasons}
        )
        assert answer.status_code == 200, answer.text

    deliveries = await world.wait_deliveries(4)
    assert sorted((d["shop"], d["kind"], d["status"]) for d in deliveries) == [
        (shop, "listing_rejected", 200) for shop in sorted(REFUSALS)
    ]
    groups = {g["shop_id"]: g for g in await world.groups("LISTING_REJECTED")}
    for shop, (sku, _, _) in REFUSALS.items():
        group = groups[str(world.shops[shop])]
        assert (group["sku"], group["status"]) == (sku, "open")
        assert WORDS[shop] in group["latest_event"]["platform_error_message"], group

    for shop, (sku, _, _) in REFUSALS.items():
        answer = await world.sandbox.put(f"/_sandbox/shops/{shop}/listings/{sku}/state", json={"status": None})
        assert answer.status_code == 200, answer.text

    deliveries = await world.wait_deliveries(8)
    assert sorted((d["shop"], d["status"]) for d in deliveries if d["kind"] == "listing_cleared") == [
        (shop, 200) for shop in sorted(REFUSALS)
    ]
    assert {g["status"] for g in await world.groups("LISTING_REJECTED")} == {"handled"}


async def test_a_revoked_shop_is_notified_and_its_connection_expires(world: World) -> None:
    for shop in ("hk-tiktok", "hk-shopee", "hk-lazada"):
        assert (await world.sandbox.put(f"/_sandbox/shops/{shop}/faults", json={"revoked": True})).status_code == 200

    deliveries = await world.wait_deliveries(3)

    assert sorted((d["shop"], d["kind"], d["status"]) for d in deliveries[-3:]) == [
        ("hk-lazada", "deauthorised", 200), ("hk-shopee", "deauthorised", 200), ("hk-tiktok", "deauthorised", 200)
    ]  # fmt: skip
    for shop in ("hk-tiktok", "hk-shopee", "hk-lazada"):
        connection = (await world.api.get(f"/v1/shops/{world.shops[shop]}/connection", headers=world.admin)).json()
        assert connection["health"] == "expired", (shop, connection)
    expired = [g for g in await world.groups("AUTH_EXPIRED") if g["shop_id"] in {str(s) for s in world.shops.values()}]
    assert sorted(g["count"] for g in expired) == [1, 1, 1]


async def test_the_sandbox_takes_only_loopback_urls(world: World) -> None:
    answer = await world.sandbox.put("/_sandbox/hooks", json={"urls": {"hk-tiktok": "http://203.0.113.7/v1/hooks"}})

    assert answer.status_code == 422
    assert "loopback" in answer.json()["detail"]


async def test_a_receiver_that_is_down_is_logged_and_the_sandbox_still_answers(world: World) -> None:
    down = f"http://127.0.0.1:{free_port()}/v1/hooks/tiktok/{world.shops['hk-tiktok']}"
    assert (await world.sandbox.put("/_sandbox/hooks", json={"urls": {"hk-tiktok": down}})).status_code == 200

    answer = await world.sandbox.put(
        "/_sandbox/shops/hk-tiktok/listings/TT-1/state", json={"status": "FAILED", "reasons": []}
    )

    assert answer.status_code == 200
    [delivery] = await world.wait_deliveries(1)
    assert delivery["status"] is None and "ConnectError" in delivery["error"]


async def test_the_sandbox_answers_before_a_slow_receiver_does(world: World) -> None:
    async def slow(request: Request) -> Response:
        await asyncio.sleep(2)
        return Response(status_code=200)

    with Served(Starlette(routes=[Route("/hook", slow, methods=["POST"])]), lifespan="off") as receiver:
        urls = {"hk-shopee": f"{receiver.url}/hook"}
        assert (await world.sandbox.put("/_sandbox/hooks", json={"urls": urls})).status_code == 200
        started = time.monotonic()

        answer = await world.sandbox.put(
            "/_sandbox/shops/hk-shopee/listings/SHP-1/state", json={"status": "BANNED", "reasons": []}
        )

        assert answer.status_code == 200 and time.monotonic() - started < 1.5
        [delivery] = await world.wait_deliveries(1)
        assert delivery["status"] == 200
