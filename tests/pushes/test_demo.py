"""The demo is produced by the workers: `seed-demo` sets the tenant up against the sandbox and starts its strategies,
and the board fills through plan -> push -> platform client -> sandbox -> events and traces, with the worker and
the sandbox as real processes. The seed writes no board rows of its own."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from api.config import Settings
from tests.pushes.conftest import ENCRYPTION_KEY, QUEUE_NAME, REDIS_URL, Processes, PushWorld
from workers.demo import DEMO_ADMIN, seed

FILL_SECONDS = 120
PASSWORD = "demo-pass-1"


def _settings(processes: Processes) -> Settings:
    return Settings(
        database_url=processes.database_url, redis_url=REDIS_URL, secret_key="test-secret",
        encryption_key=ENCRYPTION_KEY, static_dir="-", queue_name=QUEUE_NAME,
    )  # fmt: skip


class Board:
    """The demo admin's view of the board, with each trace read once."""

    def __init__(self, world: PushWorld, headers: dict[str, str], sandbox_url: str) -> None:
        self.world, self.headers, self.sandbox_url = world, headers, sandbox_url
        self.traces: dict[str, bool] = {}  # trace id -> holds the sandbox's request and response

    async def groups(self, status: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"status": status, "limit": "200", **({"cursor": cursor} if cursor else {})}
            answer = await self.world.client.get("/v1/errors", params=params, headers=self.headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            found += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                return found

    async def traced(self, trace_id: str | None) -> bool:
        """Whether the trace's attempts hold a request to the sandbox and the sandbox's own answer."""
        if not trace_id:
            return False
        if trace_id not in self.traces:
            answer = await self.world.client.get(f"/v1/traces/{trace_id}", headers=self.headers)
            attempts = answer.json()["attempts"] if answer.status_code == 200 else []
            last = attempts[-1] if attempts else {}
            self.traces[trace_id] = (
                bool(attempts)
                and all(a["url"].startswith(self.sandbox_url) and a["method"] for a in attempts)
                and last["response_status"] is not None
                and bool(last["response_body"])
            )
        return self.traces[trace_id]

    async def traced_types(self, groups: list[dict[str, Any]]) -> set[str]:
        types = set()
        for group in groups:
            if group["error_type"] not in types and await self.traced(group["latest_event"]["trace_id"]):
                types.add(group["error_type"])
        return types


async def _counts(world: PushWorld, tenant_id: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from api.auth.models import User
    from api.db import tenant_session
    from api.shops.models import Connection, Shop, Sku, SkuBinding
    from api.strategies.models import Strategy
    from api.tasks.models import PushAction, Task

    counts = {}
    async with tenant_session(world.app.state.sessionmaker, tenant_id) as session:
        for model in (User, Shop, Connection, Sku, SkuBinding, Strategy, Task, PushAction):
            statement = select(func.count()).select_from(model).where(model.tenant_id == tenant_id)
            counts[model.__tablename__] = int((await session.execute(statement)).scalar_one())
    return counts


async def _robot_messages(world: PushWorld, headers: dict[str, str], deadline: float) -> list[dict[str, Any]]:
    """The sandbox robots' messages once the surge (WeCom) and the lost authorisation (DingTalk) were delivered."""
    while True:
        messages: list[dict[str, Any]] = (await world.sandbox.get("/_sandbox/robots/messages")).json()["messages"]
        robots = {m["robot"] for m in messages}
        deliveries = (await world.client.get("/v1/alert-deliveries", headers=headers)).json()["items"]
        if {"wecom", "dingtalk"} <= robots and {d["channel_kind"] for d in deliveries if d["status"] == "sent"} >= {
            "wecom",
            "dingtalk",
        }:
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(
                f"robots heard {sorted(robots)}; deliveries {[(d['channel_kind'], d['status'], d['error']) for d in deliveries]}"
            )
        await asyncio.sleep(3)


async def test_the_demo_fills_the_board_through_the_workers_and_seeding_twice_changes_nothing(
    processes: Processes, world: PushWorld
) -> None:
    # The demo's settings, as scripts/run.sh sets them: read-backs every 5 s, a 75 s confirmation deadline (past
    # Lazada's 60 s, so that only the scenario's slow and lost confirmations miss it).
    processes.stop_workers()
    processes.start_worker(
        OPENCLAW_CONFIRM_CHECK_SECONDS="5", OPENCLAW_CONFIRM_DEADLINE_SECONDS="75",
        OPENCLAW_ALLOW_PRIVATE_WEBHOOKS="true", OPENCLAW_PUBLIC_URL="http://board.demo.test",
    )  # fmt: skip
    started = time.monotonic()
    result = await seed(_settings(processes), sandbox_url=processes.sandbox_url, password=PASSWORD, wait_seconds=90)
    seeded = time.monotonic() - started
    assert result.shops == 12 and result.strategies == 6 and result.alert_rules == 4
    assert result.flash_sale == "started", result.flash_sale
    # The sandbox notifies each demo shop's receiver of what it changes (tests/hooks follow one through).
    hooks = (await world.sandbox.get("/_sandbox/hooks")).json()["urls"]
    assert len(hooks) == 12 and all("/v1/hooks/" in url for url in hooks.values())

    login = await world.client.post("/v1/auth/login", json={"email": DEMO_ADMIN, "password": PASSWORD})
    assert login.status_code == 200, login.text
    world.client.cookies.clear()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    board = Board(world, headers, processes.sandbox_url)

    deadline = started + FILL_SECONDS
    while True:
        open_groups, handled = await board.groups("open"), await board.groups("handled")
        traced = await board.traced_types(open_groups + handled)
        open_types = {g["error_type"] for g in open_groups}
        resolved_delay = [
            g for g in handled if g["error_type"] == "PLATFORM_STATE_DELAYED" and g["resolution"] == "auto_resolved"
        ]
        approvals = (await world.client.get("/v1/approvals", params={"status": "pending"}, headers=headers)).json()
        price_cuts = [a for a in approvals["items"] if "price cut" in a["reason"]]
        if (
            len(traced) >= 12
            and resolved_delay
            and price_cuts
            and {"PRICE_STRATEGY_CONFLICT", "APPROVAL_PENDING", "SKU_MAPPING_FAILED"} <= open_types
        ):
            break
        if time.monotonic() > deadline:
            raise AssertionError(
                f"after {FILL_SECONDS} s: traced types {sorted(traced)}, open types {sorted(open_types)}, "
                f"resolved delays {len(resolved_delay)}, pending price cuts {len(price_cuts)}"
            )
        await asyncio.sleep(2)
    filled = time.monotonic() - started
    print(
        f"\ndemo: seeded in {seeded:.1f} s, board filled in {filled:.1f} s: {len(open_groups)} open groups, "
        f"{len(handled)} resolved, {len(traced)} traced types {sorted(traced)}, all open types {sorted(open_types)}"
    )

    # Every traced type's latest event cites the sandbox's own exchange; the plan-time types carry none.
    conflict = next(g for g in open_groups if g["error_type"] == "PRICE_STRATEGY_CONFLICT")
    assert "Everyday pricing" in conflict["latest_event"]["platform_error_message"]
    assert "Mega sale pricing" in conflict["latest_event"]["platform_error_message"]
    assert price_cuts[0]["sku"] in {g["sku"] for g in open_groups if g["error_type"] == "APPROVAL_PENDING"}

    # The demo tenant compares prices in CNY with an FX table for every shop currency: a SKU traced across its
    # shops has each shop's price in CNY.
    sku = price_cuts[0]["sku"]
    trace = (await world.client.get("/v1/skus/trace", params={"sku": sku}, headers=headers)).json()
    assert trace["reporting_currency"] == "CNY" and trace["missing_rates"] == [], trace
    assert all(s["price_in_reporting"] for s in trace["shops"] if s["current_price"]), trace["shops"]

    # The demo's alert rules post to the sandbox's robots once the errors cross them: the push failures surge to
    # WeCom, TikTok UK's lost authorisation to DingTalk (signed), each delivery recorded with the robot's answer.
    messages = await _robot_messages(world, headers, started + FILL_SECONDS + 120)
    wecom = next(m for m in messages if m["robot"] == "wecom" and m["target"] == "demo-ops-room")
    assert "推送失败激增" in wecom["body"]["markdown"]["content"]
    assert "http://board.demo.test/?severity=error&since=" in wecom["body"]["markdown"]["content"]
    dingtalk = next(m for m in messages if m["robot"] == "dingtalk")
    assert "店铺授权失效" in dingtalk["body"]["markdown"]["text"]
    assert dingtalk["query"]["sign"] and dingtalk["query"]["timestamp"]
    for message in messages:
        print(f"\n--- {message['robot']} ({message['target']}) ---\n{json.dumps(message['body'], ensure_ascii=False)}")

    # Seeding again finds everything in place and starts nothing.
    tenant_id = (await world.client.get("/v1/me", headers=headers)).json()["tenant_id"]
    before = await _counts(world, tenant_id)
    again = await seed(_settings(processes), sandbox_url=processes.sandbox_url, password="demo-pass-2")
    assert again.started == [] and again.flash_sale == "already started"
    assert await _counts(world, tenant_id) == before
    relogin = await world.client.post("/v1/auth/login", json={"email": DEMO_ADMIN, "password": "demo-pass-2"})
    assert relogin.status_code == 200
    world.client.cookies.clear()
