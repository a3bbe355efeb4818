"""Sending deliveries and recording the channel's answer: the worker's send job and the API's test-send both
come through here.

A batch's rows are claimed (pending or retrying → sending, attempts + 1) in one transaction, sent as one merged
message after it, and settled in another: sent, retrying with a growing pause (5xx, 429, timeouts, the robots'
throttling codes), or failed. A worker killed between claim and settle leaves its rows `sending`: they are not sent
again (a robot message cannot be taken back, so at most once), and the evaluator marks them failed later.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import queue
from api.alerts.channels.email import SmtpConfig
from api.alerts.channels.message import AlertMessage, AlertSeverity, merge_messages
from api.alerts.channels.send import send_alert
from api.alerts.channels.transport import SendResult
from api.alerts.models import AlertDelivery, AlertRule
from api.alerts.schemas import ChannelIn
from api.alerts.service import board_url, stored_channels, target_hint
from api.alerts.summary import message_summary, summary_message
from api.config import Settings
from api.shops.secrets import SecretBox

MAX_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 30  # then 60, 120, 240
STUCK_SENDING = timedelta(minutes=10)
SEND_FUNCTION = "send_alert_batch"


@dataclass(frozen=True)
class Claimed:
    deliveries: list[AlertDelivery]
    channel: ChannelIn
    message: AlertMessage


async def claim_batch(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> Claimed | None:
    """The batch's rows still to send, now `sending`, with their channel and merged message; None if none."""
    d = AlertDelivery
    rows = list(
        await session.scalars(
            update(d)
            .where(d.tenant_id == tenant_id, d.batch_id == batch_id, d.status.in_(("pending", "retrying")))
            .values(status="sending", attempts=d.attempts + 1, claimed_at=func.now())
            .returning(d)
            .execution_options(synchronize_session=False)
        )
    )
    if not rows:
        return None
    rows.sort(key=lambda r: r.created_at)
    first = rows[0]
    rule = await session.get(AlertRule, (tenant_id, first.rule_id))
    if rule is None:
        return None  # deleted meanwhile: its deliveries went with it
    channel = stored_channels(rule)[first.channel_index]
    message = merge_messages([summary_message(r.summary) for r in rows])
    return Claimed(rows, channel, message)


async def send(claimed: Claimed, client: httpx.AsyncClient, settings: Settings) -> SendResult:
    return await send_to(claimed.channel, claimed.message, client, settings)


async def send_to(
    channel: ChannelIn, message: AlertMessage, client: httpx.AsyncClient, settings: Settings
) -> SendResult:
    target = ",".join(channel.to) if channel.to else channel.url or ""
    return await send_alert(
        channel.kind, target, message, client=client, allow_private=settings.allow_private_webhooks,
        secret=channel.secret, smtp=SmtpConfig.from_settings(settings),
    )  # fmt: skip


async def settle(
    session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID, rows: Sequence[AlertDelivery], result: SendResult
) -> str:
    """Record the answer on the batch's rows; a retryable failure is sent again later. The status written."""
    now = datetime.now(UTC)
    attempts = max(r.attempts for r in rows)
    retry = not result.ok and result.retryable and attempts < MAX_ATTEMPTS
    status = "sent" if result.ok else "retrying" if retry else "failed"
    pause = timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
    await session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.tenant_id == tenant_id, AlertDelivery.id.in_([r.id for r in rows]))
        .values(
            status=status,
            response_status=result.status,
            response_code=result.code,
            response_body=result.body or None,
            error=result.error or None,
            sent_at=now if result.ok else None,
            next_attempt_at=now + pause if retry else None,
        )
        .execution_options(synchronize_session=False)
    )
    if retry:
        await queue.enqueue(
            session, SEND_FUNCTION, f"alert:{batch_id}:{attempts + 1}", tenant_id=tenant_id,
            batch_id=str(batch_id), _defer_by=pause.total_seconds(),
        )  # fmt: skip
    return status


async def fail_stuck(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> int:
    """Rows a killed worker left `sending`: failed, not re-sent (it may have gone out)."""
    d = AlertDelivery
    stuck = await session.execute(
        update(d)
        .where(d.tenant_id == tenant_id, d.status == "sending", d.claimed_at < now - STUCK_SENDING)
        .values(status="failed", error="the worker stopped while sending; not sent again in case it went out")
        .returning(d.id)
    )
    return len(stuck.all())


async def batch_of(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> list[AlertDelivery]:
    return list(
        await session.scalars(
            select(AlertDelivery).where(AlertDelivery.tenant_id == tenant_id, AlertDelivery.batch_id == batch_id)
        )
    )


TEST_TEXTS = {
    "zh": ("测试消息：{name}", "这是 OpenClaw 的测试消息，收到即表示通道可用。"),
    "en": ("Test message: {name}", "A test from OpenClaw: if you read this, the channel works."),
}


async def test_send(
    session: AsyncSession,
    rule: AlertRule,
    *,
    language: str,
    timezone: str,
    client: httpx.AsyncClient,
    settings: Settings,
) -> list[tuple[int, ChannelIn, SendResult]]:
    """Send a test message to each of the rule's channels now and record each as a `test` delivery."""
    lang = "en" if language.startswith("en") else "zh"
    title, reason = TEST_TEXTS[lang]
    now = datetime.now(UTC)
    message = AlertMessage(
        title=title.format(name=rule.name), severity=AlertSeverity.info, count=0, threshold=0,
        window_minutes=0, board_url=board_url(rule, None, settings.public_url, timezone), occurred_at=now, reason=reason, language=lang, timezone=timezone,
    )  # fmt: skip
    results = []
    key = f"test:{uuid.uuid4()}"
    for index, channel in enumerate(stored_channels(rule, SecretBox(settings.encryption_key))):
        result = await send_to(channel, message, client, settings)
        session.add(
            AlertDelivery(
                tenant_id=rule.tenant_id,
                id=uuid.uuid4(),
                rule_id=rule.id,
                batch_id=uuid.uuid4(),
                channel_index=index,
                channel_kind=channel.kind.value,
                target_hint=target_hint(channel),
                kind="test",
                window_key=key,
                summary=message_summary(message),
                attempts=1,
                status="sent" if result.ok else "failed",
                response_status=result.status,
                response_code=result.code,
                response_body=result.body or None,
                error=result.error or None,
                sent_at=now if result.ok else None,
            )
        )
        results.append((index, channel, result))
    await session.flush()
    return results
