"""The alert evaluator and the send job over committed data: thresholds, cooldowns, quiet hours, digests, SLA
reminders with mentions, retries, merging, and exactly once under two evaluators at the same time.

Events arrive through the ERP's ingest route (`POST /v1/error-events`); the rule through `/v1/alert-rules`; the
evaluator and the send job are the worker's own functions, against real local receivers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from arq.connections import ArqRedis
from sqlalchemy import delete, select

from api.alerts.evaluate import evaluate_tenant
from api.alerts.models import AlertDelivery
from api.config import Settings, get_settings
from api.db import create_app_engine, sessionmaker, tenant_session
from api.main import create_app
from api.queue import OutboxJob
from tests.alerts.conftest import Mailbox, Receiver
from tests.conftest import Seeder
from workers.jobs.alerts import send_alert_batch

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class World:
    """A tenant on its own engine (every request commits, as in production), its admin and two shops."""

    client: httpx.AsyncClient
    admin: dict[str, str]
    tenant_id: uuid.UUID
    shopee: str
    amazon: str
    ctx: dict[str, Any]

    async def ingest(self, count: int, *, shop: str | None = None, ago: timedelta = timedelta(minutes=1),
                     error_type: str = "INVENTORY_SYNC_FAILED", sku: str = "SKU-1") -> None:  # fmt: skip
        occurred = (datetime.now(UTC) - ago).isoformat()
        events = [
            {"idempotency_key": f"t-{uuid.uuid4().hex}", "occurred_at": occurred, "shop_id": shop or self.shopee,
             "error_type": error_type, "operation": "stock", "sku": sku, "platform_error_code": "error_stock",
             "platform_error_message": "stock of the model is locked by a promotion"}
            for _ in range(count)
        ]  # fmt: skip
        answer = await self.client.post("/v1/error-events", json={"events": events}, headers=self.admin)
        assert answer.status_code == 200, answer.text

    async def rule(self, **body: Any) -> dict[str, Any]:
        answer = await self.client.post("/v1/alert-rules", json=body, headers=self.admin)
        assert answer.status_code == 201, answer.text
        rule: dict[str, Any] = answer.json()
        return rule

    async def evaluate(self, now: datetime | None = None) -> int:
        async with tenant_session(self.ctx["sessionmaker"], self.tenant_id) as session:
            return await evaluate_tenant(session, self.tenant_id, now or datetime.now(UTC))

    async def deliveries(self) -> list[AlertDelivery]:
        async with tenant_session(self.ctx["sessionmaker"], self.tenant_id) as session:
            rows = await session.scalars(select(AlertDelivery).order_by(AlertDelivery.created_at))
            return list(rows)

    async def send_all(self) -> list[str]:
        """Run the send job for every batch the outbox holds for this tenant (as the worker would)."""
        async with tenant_session(self.ctx["sessionmaker"], None) as session:
            jobs = list(await session.scalars(select(OutboxJob).where(
                OutboxJob.tenant_id == self.tenant_id, OutboxJob.function == "send_alert_batch",
                OutboxJob.sent_at.is_(None) | OutboxJob.sent_at.is_not(None),
            ).order_by(OutboxJob.id)))  # fmt: skip
        done = self.ctx.setdefault("done_jobs", set())
        results = []
        for job in jobs:
            if job.job_id in done:
                continue
            done.add(job.job_id)
            results.append(await send_alert_batch(self.ctx, job.kwargs["tenant_id"], job.kwargs["batch_id"]))
        return results


@pytest.fixture
async def world(settings: Settings, redis: ArqRedis, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    # The worker's code reads the process settings: let it send to the loopback receivers, link to a known board.
    monkeypatch.setenv("OPENCLAW_ALLOW_PRIVATE_WEBHOOKS", "true")
    monkeypatch.setenv("OPENCLAW_PUBLIC_URL", "https://board.example.com")
    monkeypatch.setenv("OPENCLAW_ENCRYPTION_KEY", settings.encryption_key)  # the API sealed the channels with it
    get_settings.cache_clear()
    settings = settings.model_copy(update={"allow_private_webhooks": True})
    engine = create_app_engine(settings, pool_size=4)
    app = create_app(settings)
    app.state.engine, app.state.sessionmaker, app.state.redis = engine, sessionmaker(engine), redis
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            seeder = Seeder(app.state.sessionmaker, client)
            tenant_id = await seeder.tenant()
            admin = await seeder.login(tenant_id)
            shops = [
                (await client.post("/v1/shops", json={"name": name, "platform": p, "market": m}, headers=admin)).json()
                for name, p, m in (("Shopee MY 旗舰店", "shopee", "MY"), ("Amazon US", "amazon", "US"))
            ]
            ctx = {"sessionmaker": app.state.sessionmaker, "redis": redis}
            yield World(client, admin, tenant_id, shops[0]["id"], shops[1]["id"], ctx)
            # The outbox has no row-level security: other tests read it whole, so this one's jobs go.
            async with tenant_session(app.state.sessionmaker, None) as session:
                await session.execute(delete(OutboxJob).where(OutboxJob.tenant_id == tenant_id))
    finally:
        await engine.dispose()
        get_settings.cache_clear()


def wecom(receiver: Receiver, key: str = "k1", **extra: Any) -> dict[str, Any]:
    return {"kind": "wecom", "url": receiver.url(f"/cgi-bin/webhook/send?key={key}"), **extra}


def count_rule(receiver: Receiver, **overrides: Any) -> dict[str, Any]:
    return {
        "name": f"Stock failures {uuid.uuid4().hex[:6]}",
        "condition": {"kind": "count", "threshold": 2, "window_minutes": 60},
        "filters": {"platform": ["shopee"], "error_type": ["INVENTORY_SYNC_FAILED"]},
        "channels": [wecom(receiver)],
        "cooldown_minutes": 30,
        **overrides,
    }


async def test_a_count_over_the_threshold_sends_once_per_cooldown_with_a_link_to_the_filtered_board(
    world: World, receiver: Receiver
) -> None:
    rule = await world.rule(**count_rule(receiver))
    await world.ingest(2)
    await world.ingest(5, shop=world.amazon)  # another platform: outside the rule's filters
    assert await world.evaluate() == 0  # 2 is not more than 2

    await world.ingest(1)
    now = datetime.now(UTC)
    assert await world.evaluate(now) == 1
    assert await world.evaluate(now + timedelta(minutes=1)) == 0  # cooling down
    assert await world.send_all() == ["sent"]

    (request,) = receiver.requests
    markdown = json.loads(request.body)["markdown"]["content"]
    assert rule["name"] in markdown and "3" in markdown and "Shopee MY 旗舰店" in markdown
    link = markdown[markdown.index("https://board.example.com") :].split(")")[0]
    query = parse_qs(urlsplit(link).query)
    assert query["platform"] == ["shopee"] and query["error_type"] == ["INVENTORY_SYNC_FAILED"]
    assert query["since"] == [(now - timedelta(minutes=60)).astimezone(SHANGHAI).date().isoformat()]
    (delivery,) = await world.deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 1, "0")
    assert delivery.summary["count"] == 3

    assert await world.evaluate(now + timedelta(minutes=31)) == 1  # cooled down, still over the threshold


async def test_any_event_of_a_type_fires_and_the_mark_moves_on(world: World, receiver: Receiver) -> None:
    await world.rule(**count_rule(receiver, condition={"kind": "any", "error_types": ["AUTH_EXPIRED"]},
                                  filters={}, cooldown_minutes=0))  # fmt: skip
    await world.ingest(3)  # not the rule's type
    await world.ingest(1, shop=world.amazon, error_type="AUTH_EXPIRED", sku="")
    settled = datetime.now(UTC) + timedelta(seconds=31)
    assert await world.evaluate(settled) == 1
    assert await world.evaluate(settled + timedelta(minutes=1)) == 0  # nothing new since
    await world.send_all()
    content = json.loads(receiver.requests[0].body)["markdown"]["content"]
    assert "1 个新错误" in content and "Amazon US" in content


async def test_quiet_hours_hold_the_message_until_they_end(world: World, receiver: Receiver) -> None:
    local = datetime.now(SHANGHAI)
    start, end = (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=1)).strftime("%H:%M")
    await world.rule(**count_rule(receiver, condition={"kind": "any", "error_types": ["INVENTORY_SYNC_FAILED"]},
                                  quiet_hours={"start": start, "end": end}))  # fmt: skip
    await world.ingest(2)
    settled = datetime.now(UTC) + timedelta(seconds=31)
    assert await world.evaluate(settled) == 0
    await world.ingest(1)
    after = settled + timedelta(hours=1, minutes=1)
    assert await world.evaluate(after) == 1
    (delivery,) = await world.deliveries()
    assert delivery.summary["count"] == 3  # what arrived during the quiet hours, in the first message after


async def test_a_daily_digest_at_its_hour_once_a_day(world: World, receiver: Receiver) -> None:
    await world.ingest(4)
    now = datetime.now(UTC)
    await world.rule(**count_rule(receiver, condition={"kind": "count", "threshold": 1000, "window_minutes": 60},
                                  digest_hour=now.astimezone(SHANGHAI).hour))  # fmt: skip
    assert await world.evaluate(now) == 1
    assert await world.evaluate(now + timedelta(minutes=2)) == 0
    (delivery,) = await world.deliveries()
    assert delivery.kind == "digest" and delivery.summary["count"] == 4 and delivery.summary["severity"] == "info"
    await world.send_all()
    assert "过去 24 小时共 4 个错误" in json.loads(receiver.requests[0].body)["markdown"]["content"]


async def test_an_unhandled_group_reminds_once_and_mentions_its_assignee(world: World, receiver: Receiver) -> None:
    users = (await world.client.get("/v1/users", headers=world.admin)).json()["items"]
    assignee = users[0]["id"]
    channel = wecom(receiver, mentions=[{"user_id": assignee, "mobile": "13800138000"}])
    await world.rule(**count_rule(receiver, condition={"kind": "unhandled_for", "minutes": 120},
                                  channels=[channel], cooldown_minutes=0))  # fmt: skip
    await world.ingest(1, ago=timedelta(hours=3), sku="OLD")
    await world.ingest(1, ago=timedelta(minutes=10), sku="NEW")  # not overdue yet
    groups = (await world.client.get("/v1/errors", params={"q": "OLD"}, headers=world.admin)).json()["items"]
    assigned = await world.client.put(f"/v1/errors/{groups[0]['id']}/assignee", json={"assignee_id": assignee},
                                      headers=world.admin)  # fmt: skip
    assert assigned.status_code == 200, assigned.text

    assert await world.evaluate() == 1
    assert await world.evaluate(datetime.now(UTC) + timedelta(minutes=1)) == 0  # that opening was reminded of
    await world.send_all()
    markdown, text = (json.loads(r.body) for r in receiver.requests)
    assert "1 个错误组超过 120 分钟未处理" in markdown["markdown"]["content"]
    assert text["text"]["mentioned_mobile_list"] == ["13800138000"]
    assert await world.evaluate(datetime.now(UTC) + timedelta(hours=2)) == 1  # now NEW is overdue too


async def test_a_failing_channel_is_retried_with_a_growing_pause_then_sent(world: World, receiver: Receiver) -> None:
    await world.rule(**count_rule(receiver))
    await world.ingest(3)
    receiver.answers = [(500, b"busy"), (200, b'{"errcode":-1,"errmsg":"system busy"}')]
    await world.evaluate()
    assert await world.send_all() == ["retrying"]
    assert await world.send_all() == ["retrying"]
    (delivery,) = await world.deliveries()
    assert delivery.attempts == 2 and delivery.response_code == "-1" and delivery.next_attempt_at is not None
    async with tenant_session(world.ctx["sessionmaker"], None) as session:
        pauses = [j.kwargs.get("_defer_by") for j in await session.scalars(
            select(OutboxJob).where(OutboxJob.tenant_id == world.tenant_id).order_by(OutboxJob.id))]  # fmt: skip
    assert pauses == [None, 30, 60]
    assert await world.send_all() == ["sent"]
    assert len(receiver.requests) == 3


async def test_rules_sharing_a_target_merge_into_one_message(world: World, receiver: Receiver) -> None:
    first = await world.rule(**count_rule(receiver))
    second = await world.rule(**count_rule(receiver, filters={}))
    await world.ingest(3)
    assert await world.evaluate() == 2
    assert await world.send_all() == ["sent"]
    (request,) = receiver.requests
    content = json.loads(request.body)["markdown"]["content"]
    assert first["name"] in content and second["name"] in content
    assert {d.status for d in await world.deliveries()} == {"sent"}


async def test_two_evaluators_at_once_send_once(world: World, receiver: Receiver) -> None:
    await world.rule(**count_rule(receiver, cooldown_minutes=0, channels=[wecom(receiver), wecom(receiver, "k2")]))
    await world.ingest(3)
    now = datetime.now(UTC)
    written = await asyncio.gather(*(world.evaluate(now) for _ in range(4)))
    assert sum(written) == 2
    assert len(await world.deliveries()) == 2


async def test_an_email_channel_gets_a_text_and_an_html_part_through_smtp(
    world: World, smtp_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, port = smtp_server
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "none"),
                        ("FROM", "alerts@openclaw.example.com")):  # fmt: skip
        monkeypatch.setenv(f"OPENCLAW_SMTP_{name}", value)
    get_settings.cache_clear()
    email = {"kind": "email", "to": ["ops@example.com", "lead@example.com"]}
    rule = await world.rule(**count_rule(Receiver(), channels=[email]))
    await world.ingest(3)
    assert await world.evaluate() == 1
    assert await world.send_all() == ["sent"]
    ((envelope, message),) = mailbox.messages
    assert sorted(envelope.rcpt_tos) == ["lead@example.com", "ops@example.com"]
    assert rule["name"] in str(message["Subject"])
    text, html = (message.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert text is not None and html is not None
    assert "Shopee MY 旗舰店" in text.get_content() and "https://board.example.com/?" in html.get_content()
    (delivery,) = await world.deliveries()
    assert (delivery.status, delivery.response_status) == ("sent", 250)
