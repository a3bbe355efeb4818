"""Confirmation deadlines and token refreshes through the whole path, with the worker and the sandbox as processes.
The worker here runs with a confirmation deadline of a few seconds (OPENCLAW_CONFIRM_DEADLINE_SECONDS)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis

from tests.pushes.conftest import QUEUE_NAME, REDIS_URL, Processes, PushWorld, Tenant

DEADLINE_SECONDS = 6


@pytest.fixture(scope="module", autouse=True)
def short_deadline_worker(processes: Processes) -> Iterator[None]:
    processes.stop_workers()
    processes.start_worker(OPENCLAW_CONFIRM_DEADLINE_SECONDS=str(DEADLINE_SECONDS))
    yield


async def _until(probe: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("never happened")
        await asyncio.sleep(0.3)


async def _groups_by_type(world: PushWorld, tenant: Tenant, **params: str) -> dict[str, dict[str, Any]]:
    return {g["error_type"]: g for g in await world.groups(tenant, **params)}


async def test_an_accepted_push_never_visible_fails_after_the_deadline_with_both_times(world: PushWorld) -> None:
    tenant = await world.tenant(["lazada-my"])
    sku = "LZD-MY-00012"  # the scenario accepts its writes and never applies them
    await world.bind(tenant, "lazada-my", [sku])
    body = {"request_id": "lost", "items": [{"sku": sku, "quantity": 9, "shop_id": str(tenant.shops["lazada-my"])}]}
    (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]

    waiting = await _until(lambda: _delayed(world, tenant))
    assert waiting["severity"] == "warning" and waiting["status"] == "open"
    task = await world.wait_task(tenant, task_id, until={"failed", "succeeded"}, seconds=DEADLINE_SECONDS + 30)

    assert task["status"] == "failed"
    groups = await _groups_by_type(world, tenant, status="open")
    assert set(groups) == {"INVENTORY_SYNC_FAILED"}  # the warning ended with the wait; the failure is open
    events = (await world.client.get(f"/v1/errors/{groups['INVENTORY_SYNC_FAILED']['id']}/events",
                                     headers=tenant.headers)).json()["items"]  # fmt: skip
    message = events[0]["platform_error_message"]
    assert "accepted by the platform at" in message and "still not visible" in message
    sent, seen, _deadline = (datetime.fromisoformat(t) for t in re.findall(r"\d{4}-[\d-]+T[\d:.]+\+00:00", message))
    assert seen - sent >= timedelta(seconds=DEADLINE_SECONDS)
    handled = await _groups_by_type(world, tenant, status="handled")
    assert handled["PLATFORM_STATE_DELAYED"]["resolution"] == "auto_resolved"


async def _delayed(world: PushWorld, tenant: Tenant) -> dict[str, Any] | None:
    return (await _groups_by_type(world, tenant, severity="warning")).get("PLATFORM_STATE_DELAYED")


async def _enqueue_refresh(tenant: Tenant, shop_id: uuid.UUID) -> None:
    """What the refresh cron enqueues for a connection near its expiry (tokens.expiring picks it)."""
    redis = ArqRedis.from_url(REDIS_URL)
    try:
        await redis.enqueue_job(
            "refresh_token", tenant_id=str(tenant.id), shop_id=str(shop_id),
            _job_id=f"test-refresh:{uuid.uuid4()}", _queue_name=QUEUE_NAME,
        )  # fmt: skip
    finally:
        await redis.aclose()


async def test_an_access_token_near_its_expiry_is_refreshed_and_stored(world: PushWorld) -> None:
    tenant = await world.tenant(["amazon-ca"])
    shop_id = tenant.shops["amazon-ca"]
    entry = next(e for e in (await world.sandbox.get("/_sandbox/shops")).json()["shops"] if e["id"] == "amazon-ca")
    soon = datetime.now(UTC) + timedelta(minutes=2)  # inside Amazon's 10-minute refresh-ahead margin
    admin = await world.admin_headers(tenant.id)  # connections are the admins'
    put = await world.client.put(
        f"/v1/shops/{shop_id}/connection", json={**entry, "access_expires_at": soon.isoformat()}, headers=admin
    )
    assert put.status_code == 200, put.text

    await _enqueue_refresh(tenant, shop_id)

    async def refreshed() -> dict[str, Any] | None:
        got = (await world.client.get(f"/v1/shops/{shop_id}/connection", headers=admin)).json()
        expires = got["access_expires_at"] and datetime.fromisoformat(got["access_expires_at"])
        return got if expires and expires > soon + timedelta(minutes=30) else None

    connection = await _until(refreshed, 30)
    assert connection["health"] == "ok"
    traces = (await world.client.get("/v1/traces", params={"shop_id": str(shop_id), "operation": "auth"},
                                     headers=tenant.headers)).json()["items"]  # fmt: skip
    assert traces and traces[0]["response_status"] == 200
    # The new token works: a push goes through.
    await world.bind(tenant, "amazon-ca", ["AMZ-CA-00301"])
    body = {"request_id": "after", "items": [{"sku": "AMZ-CA-00301", "quantity": 4, "shop_id": str(shop_id)}]}
    (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]
    await world.wait_actions(tenant, task_id, lambda xs: xs and xs[0]["status"] in ("awaiting_confirmation", "applied"))


async def test_a_refused_authorisation_is_one_auth_expired_and_the_pushes_wait(world: PushWorld) -> None:
    tenant = await world.tenant(["tiktok-uk"])  # the seller revoked the app: tokens and refreshes are refused
    shop_id = tenant.shops["tiktok-uk"]
    skus = ["TTS-UK-00001", "TTS-UK-00002", "TTS-UK-00003"]
    await world.bind(tenant, "tiktok-uk", skus)
    body = {"request_id": "r", "items": [{"sku": s, "quantity": 5, "shop_id": str(shop_id)} for s in skus]}
    (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]

    auth = await _until(lambda: _auth_expired(world, tenant))
    await _enqueue_refresh(tenant, shop_id)  # a refresh is refused too
    admin = await world.admin_headers(tenant.id)
    await _until(lambda: _health(world, admin, shop_id, "expired"))
    await asyncio.sleep(2)

    (group,) = await world.groups(tenant)
    assert group["id"] == auth["id"] and group["sku"] == ""  # one group for the shop, not one per SKU
    actions = (await world.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
    assert [a["status"] for a in actions] == ["pending"] * 3  # waiting for a new authorisation, not failed
    task = (await world.client.get(f"/v1/tasks/{task_id}", headers=tenant.headers)).json()
    assert task["status"] == "running"
    ledger = (await world.sandbox.get("/_sandbox/ledger", params={"shop": "tiktok-uk"})).json()
    assert ledger["count"] == 0


async def _auth_expired(world: PushWorld, tenant: Tenant) -> dict[str, Any] | None:
    return (await _groups_by_type(world, tenant)).get("AUTH_EXPIRED")


async def _health(world: PushWorld, admin: dict[str, str], shop_id: uuid.UUID, health: str) -> bool:
    got = (await world.client.get(f"/v1/shops/{shop_id}/connection", headers=admin)).json()
    return bool(got["health"] == health)


async def test_a_read_back_the_platform_garbles_is_read_again_not_taken_as_the_push_failing(world: PushWorld) -> None:
    """Amazon accepts the stock and applies it, but its listing reads answer a truncated body for a while: the
    action waits and is read again; it is applied once the reads work, with no error on the board."""
    shop, sku = "amazon-ca", "AMZ-CA-00003"
    tenant = await world.tenant([shop])
    await world.bind(tenant, shop, [sku])
    garbled = {"malformed": {"rate": 1.0, "operations": ["status"]}}
    assert (await world.sandbox.put(f"/_sandbox/shops/{shop}/faults", json=garbled)).status_code == 200
    try:
        body = {"request_id": "garbled", "items": [{"sku": sku, "quantity": 7, "shop_id": str(tenant.shops[shop])}]}
        (task_id,) = (await world.client.post("/v1/inventory", json=body, headers=tenant.headers)).json()["task_ids"]

        async def garbled_reads() -> bool:
            params = {"task_id": task_id, "operation": "status"}
            answer = await world.client.get("/v1/traces", params=params, headers=tenant.headers)
            return len(answer.json()["items"]) >= 2

        await _until(garbled_reads, seconds=DEADLINE_SECONDS - 1)
        (action,) = (await world.client.get(f"/v1/tasks/{task_id}/actions", headers=tenant.headers)).json()["items"]
        assert action["status"] == "awaiting_confirmation", action
    finally:
        assert (await world.sandbox.put(f"/_sandbox/shops/{shop}/faults", json={})).status_code == 200
    await world.sandbox.post("/_sandbox/clock", json={"advance_seconds": 120})  # past Amazon's apply delay

    task = await world.wait_task(tenant, task_id, until={"failed", "succeeded"}, seconds=DEADLINE_SECONDS + 30)
    assert task["status"] == "succeeded", task
    assert await _groups_by_type(world, tenant, severity="error") == {}


async def _run_health_check() -> Any:
    """What the health cron does, as a job of the running worker; its result once it ran."""
    redis = ArqRedis.from_url(REDIS_URL)
    try:
        job = await redis.enqueue_job(
            "check_connection_health", _job_id=f"test-health:{uuid.uuid4()}", _queue_name=QUEUE_NAME
        )
        assert job is not None
        return await job.result(timeout=60)
    finally:
        await redis.aclose()


async def test_a_seller_authorisation_near_its_end_is_expiring_with_one_event(
    world: PushWorld,
) -> None:
    # Lazada TH's refresh token (the seller's authorisation) ends two days after the sandbox started.
    tenant = await world.tenant(["lazada-th"])
    shop_id = tenant.shops["lazada-th"]

    async def expiring_groups() -> list[dict[str, Any]] | None:
        groups = await world.groups(tenant, error_type="AUTH_EXPIRED", shop_id=str(shop_id))
        return groups or None

    # The worker's health cron, run now (it is also a job) twice: one event.
    for _ in range(2):
        assert isinstance(await _run_health_check(), int)
    (group,) = await _until(expiring_groups, 10)
    assert group["platform_error_code"] == "AUTHORIZATION_EXPIRING" and group["count"] == 1
    assert "店铺授权将于" in group["latest_event"]["platform_error_message"]
    admin = await world.admin_headers(tenant.id)
    (shop,) = (await world.client.get("/v1/shops", headers=admin)).json()["items"]
    assert shop["connection"]["health"] == "expiring"
    ends = datetime.fromisoformat(shop["connection"]["authorization_expires_at"])
    assert timedelta(days=1) < ends - datetime.now(UTC) < timedelta(days=2)
