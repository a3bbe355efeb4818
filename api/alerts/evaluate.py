"""What each active alert rule of a tenant has to say now, written as deliveries for the send job.

The worker's cron calls `evaluate_tenant` every minute in the tenant's transaction. Exactly once, also with two
workers: the rules are locked FOR UPDATE SKIP LOCKED (a second evaluator skips a rule the first is looking at),
each rule's claim (last fired, checked until, digest day, the SLA reminders) is written in the same transaction
as its deliveries, and a delivery is unique per (rule, window, channel) as a last guard.

- `count`: more than `threshold` events arrived in the last `window_minutes`; then at most once per cooldown.
- `any`: events of the given types arrived since `checked_until`. During quiet hours or a cooldown the mark stays
  behind, so what arrived meanwhile is said in the first message after.
- `unhandled_for`: groups open (and, optionally, unassigned) longer than `minutes`, each opening reminded once,
  with their assignees @mentioned where the channel knows them.
- `digest_hour`: once a day at that hour (tenant's zone), the last 24 hours of the rule's filters, quiet or not.

Rules that send to the same target in one run share a batch: the send job merges them into one message, which
keeps a robot under its ~20 messages a minute.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import queue
from api.alerts.channels.message import AlertMessage, AlertSeverity, Counted, Mentions
from api.alerts.deliver import SEND_FUNCTION, fail_stuck
from api.alerts.models import AlertDelivery, AlertReminder, AlertRule
from api.alerts.schemas import ChannelIn
from api.alerts.service import board_url, stored_channels, target_hint
from api.alerts.summary import message_summary
from api.config import get_settings
from api.errors.actors import shop_names
from api.errors.filters import ErrorFilter, event_facet_conditions, facet_conditions
from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.taxonomy import ErrorType, title_of
from api.tenants.models import TenantSettings

MAX_REMINDED_GROUPS = 200  # per rule and run; the rest come in the next run
DIGEST_HOURS = 24
SETTLED = timedelta(seconds=30)  # longer than an ingesting transaction stays open (statement timeout 4 s)

TEXTS = {
    "zh": {
        "any": "{count} 个新错误：{types}",
        "unhandled": "{count} 个错误组超过 {minutes} 分钟未处理",
        "unassigned": "{count} 个错误组超过 {minutes} 分钟无人认领",
        "digest": "过去 24 小时共 {count} 个错误",
        "all_types": "全部类型",
        "error": "错误",
        "warning": "警告",
    },
    "en": {
        "any": "{count} new errors: {types}",
        "unhandled": "{count} error groups unhandled for over {minutes} min",
        "unassigned": "{count} error groups unassigned for over {minutes} min",
        "digest": "{count} errors in the last 24 hours",
        "all_types": "all types",
        "error": "errors",
        "warning": "warnings",
    },
}


@dataclass
class Due:
    """One message a rule has to send now, before it is written per channel."""

    rule: AlertRule
    kind: str  # alert, digest or reminder
    window_key: str
    message: AlertMessage
    assignees: tuple[uuid.UUID, ...] = ()  # SLA reminders: whom to @mention where the channel knows them


@dataclass
class Context:
    tenant_id: uuid.UUID
    now: datetime
    zone: ZoneInfo
    language: str  # "zh" or "en"
    public_url: str
    shop_names: dict[uuid.UUID, str] = field(default_factory=dict)

    @property
    def local(self) -> datetime:
        return self.now.astimezone(self.zone)


async def evaluate_tenant(session: AsyncSession, tenant_id: uuid.UUID, now: datetime | None = None) -> int:
    """Write the deliveries every active rule of the tenant owes now and enqueue their sends; how many."""
    rules = list(
        await session.scalars(
            select(AlertRule)
            .where(AlertRule.tenant_id == tenant_id, AlertRule.is_active)
            .order_by(AlertRule.id)
            .with_for_update(skip_locked=True)
        )
    )
    if not rules:
        return 0
    context = await _context(session, tenant_id, now or datetime.now(UTC))
    await fail_stuck(session, tenant_id, context.now)
    due: list[Due] = []
    for rule in rules:
        due += await _digest(session, context, rule)
        if in_quiet_hours(rule.quiet_hours, context.local.time()):
            continue
        due += await _condition(session, context, rule)
    return await _write(session, context, due)


def in_quiet_hours(quiet: dict[str, str] | None, local: time) -> bool:
    """Quiet from start (included) to end (excluded), in the tenant's zone; a span may cross midnight."""
    if not quiet:
        return False
    start, end = time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"])
    return start <= local < end if start < end else local >= start or local < end


def _cooling(rule: AlertRule, now: datetime) -> bool:
    return rule.last_fired_at is not None and now - rule.last_fired_at < timedelta(minutes=rule.cooldown_minutes)


async def _condition(session: AsyncSession, context: Context, rule: AlertRule) -> list[Due]:
    condition, now = rule.condition, context.now
    if _cooling(rule, now):
        return []
    kind = condition["kind"]
    if kind == "count":
        since = now - timedelta(minutes=condition["window_minutes"])
        counted = await _count_events(session, context, rule, since, now)
        if counted.total <= condition["threshold"]:
            return []
        rule.last_fired_at = now
        minute = now.replace(second=0, microsecond=0).isoformat()
        return [Due(rule, "alert", f"count:{minute}", _message(context, rule, counted, since))]
    if kind == "any":
        # An event becomes visible when its transaction commits, a little after its received_at: looking only up
        # to SETTLED ago means none slips in behind the mark.
        since, until = rule.checked_until or rule.created_at, now - SETTLED
        if until <= since:
            return []
        types = [ErrorType(t) for t in condition["error_types"]]
        counted = await _count_events(session, context, rule, since, until, types=types)
        rule.checked_until = until
        if counted.total == 0:
            return []
        rule.last_fired_at = now
        shown = "、".join(title_of(t, context.language) for t in condition["error_types"])
        reason = TEXTS[context.language]["any"].format(count=counted.total, types=shown)
        message = _message(context, rule, counted, since, reason=reason)
        return [Due(rule, "alert", f"any:{since.isoformat()}", message)]
    return await _overdue(session, context, rule)


@dataclass
class Tally:
    """Events (or groups) counted for a message: the total, the top types and shops, and the worst severity."""

    total: int
    types: tuple[Counted, ...] = ()
    shops: tuple[Counted, ...] = ()
    has_errors: bool = False


def _rule_filter(rule: AlertRule, types: list[ErrorType] | None = None) -> ErrorFilter | None:
    """The rule's filters as the board's; an "any" rule's types narrow its error_type (None: nothing can match)."""
    filters = dict(rule.filters)
    if types:
        named = set(filters.get("error_type") or [])
        filters["error_type"] = [t.value for t in types if not named or t.value in named]
        if not filters["error_type"]:
            return None
    return ErrorFilter.model_validate(filters)


async def _count_events(
    session: AsyncSession,
    context: Context,
    rule: AlertRule,
    since: datetime,
    until: datetime,
    *,
    types: list[ErrorType] | None = None,
) -> Tally:
    e, narrowed = ErrorEvent, _rule_filter(rule, types)
    if narrowed is None:
        return Tally(0)
    where: list[ColumnElement[bool]] = [
        e.tenant_id == context.tenant_id,
        e.received_at > since,
        e.received_at <= until,
        *event_facet_conditions(narrowed),
    ]
    rows = await session.execute(
        select(e.error_type, e.shop_id, e.severity, func.count())
        .where(*where)
        .group_by(e.error_type, e.shop_id, e.severity)
    )
    return await _tally(session, context, [(t, s, v, n) for t, s, v, n in rows])


async def _tally(session: AsyncSession, context: Context, rows: Sequence[tuple[str, uuid.UUID, str, int]]) -> Tally:
    """(error type, shop, severity, count) rows as a message's numbers: the total, top types and shops, severity."""
    by_type: dict[str, int] = defaultdict(int)
    by_shop: dict[uuid.UUID, int] = defaultdict(int)
    for error_type, shop_id, _severity, n in rows:
        by_type[error_type] += n
        by_shop[shop_id] += n
    missing = [s for s in by_shop if s not in context.shop_names]
    context.shop_names.update(await shop_names(session, context.tenant_id, missing))
    return Tally(
        total=sum(by_type.values()),
        types=tuple(Counted(k, n, title_of(k, context.language)) for k, n in _ranked(by_type)),
        shops=tuple(Counted(str(k), n, context.shop_names.get(k, str(k))) for k, n in _ranked(by_shop)),
        has_errors=any(severity == "error" for _t, _s, severity, _n in rows),
    )


def _ranked(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:5]


async def _overdue(session: AsyncSession, context: Context, rule: AlertRule) -> list[Due]:
    """SLA: each opening of a group open longer than `minutes` is reminded of once (alert_reminders)."""
    condition, g = rule.condition, ErrorGroup
    opened = func.coalesce(g.regressed_at, g.first_seen)
    not_snoozed = and_(or_(g.snoozed_until.is_(None), g.snoozed_until <= context.now), g.snoozed_until_count.is_(None))
    reminded = exists().where(
        AlertReminder.tenant_id == g.tenant_id, AlertReminder.rule_id == rule.id,
        AlertReminder.group_id == g.id, AlertReminder.opened_at == opened,
    )  # fmt: skip
    where = [
        g.tenant_id == context.tenant_id,
        g.status == "open",
        not_snoozed,
        opened <= context.now - timedelta(minutes=condition["minutes"]),
        ~reminded,
        *facet_conditions(ErrorFilter.model_validate(rule.filters)).values(),
    ]
    if condition.get("unassigned"):
        where.append(g.assignee_id.is_(None))
    overdue = (
        await session.execute(
            select(g.id, opened, g.error_type, g.shop_id, g.severity, g.assignee_id)
            .where(*where)
            .order_by(opened)
            .limit(MAX_REMINDED_GROUPS)
        )
    ).all()
    if not overdue:
        return []
    await session.execute(
        pg_insert(AlertReminder)
        .values(
            [{"tenant_id": context.tenant_id, "rule_id": rule.id, "group_id": r[0], "opened_at": r[1]} for r in overdue]
        )
        .on_conflict_do_nothing()
    )
    rule.last_fired_at = context.now
    counted = await _tally(session, context, [(r.error_type, r.shop_id, r.severity, 1) for r in overdue])
    text = "unassigned" if condition.get("unassigned") else "unhandled"
    reason = TEXTS[context.language][text].format(count=len(overdue), minutes=condition["minutes"])
    message = _message(context, rule, counted, None, reason=reason, severity=AlertSeverity.warning)
    assignees = tuple(sorted({r.assignee_id for r in overdue if r.assignee_id}, key=str))
    return [Due(rule, "reminder", f"sla:{context.now.isoformat()}", message, assignees)]


async def _digest(session: AsyncSession, context: Context, rule: AlertRule) -> list[Due]:
    today = context.local.date()
    if rule.digest_hour is None or context.local.hour != rule.digest_hour or rule.last_digest_on == today:
        return []
    rule.last_digest_on = today
    since = context.now - timedelta(hours=DIGEST_HOURS)
    counted = await _count_events(session, context, rule, since, context.now)
    if counted.total == 0:
        return []  # nothing to say: a daily "nothing happened" would teach people to ignore the robot
    reason = TEXTS[context.language]["digest"].format(count=counted.total)
    message = _message(context, rule, counted, since, reason=reason, severity=AlertSeverity.info)
    return [Due(rule, "digest", f"digest:{today.isoformat()}", message)]


def _message(
    context: Context,
    rule: AlertRule,
    counted: Tally,
    since: datetime | None,
    *,
    reason: str = "",
    severity: AlertSeverity | None = None,
) -> AlertMessage:
    condition = rule.condition
    return AlertMessage(
        title=rule.name,
        severity=severity or (AlertSeverity.critical if counted.has_errors else AlertSeverity.warning),
        count=counted.total,
        threshold=int(condition.get("threshold", 0)),
        window_minutes=int(condition.get("window_minutes") or condition.get("minutes") or DIGEST_HOURS * 60),
        board_url=board_url(rule, since, context.public_url, str(context.zone)),
        occurred_at=context.now,
        scope=scope_words(rule, context),
        top_error_types=counted.types,
        top_shops=counted.shops,
        timezone=str(context.zone),
        language=context.language,
        reason=reason,
    )


def scope_words(rule: AlertRule, context: Context) -> str:
    """The rule's filter as people read it: "Shopee · 店铺 A · 价格未生效"."""
    words: list[str] = [p.capitalize() if p != "tiktok" else "TikTok Shop" for p in rule.filters.get("platform") or []]
    words += [context.shop_names.get(uuid.UUID(s), s) for s in rule.filters.get("shop_id") or []]
    words += [TEXTS[context.language][s] for s in rule.filters.get("severity") or []]
    types = rule.filters.get("error_type") or (rule.condition["error_types"] if rule.condition["kind"] == "any" else [])
    words += [title_of(t, context.language) for t in types]
    if not words:
        words.append(TEXTS[context.language]["all_types"])
    return " · ".join(words)


async def _context(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> Context:
    row = (
        await session.execute(
            select(TenantSettings.timezone, TenantSettings.language).where(TenantSettings.tenant_id == tenant_id)
        )
    ).first()
    zone, language = (row[0], row[1]) if row else ("Asia/Shanghai", "zh-CN")
    language = "en" if language.startswith("en") else "zh"
    return Context(tenant_id, now, ZoneInfo(zone), language, get_settings().public_url)


# --- writing the deliveries ----------------------------------------------------------------------------------


def _mentions(channel: ChannelIn, assignees: tuple[uuid.UUID, ...]) -> Mentions:
    known = {m.user_id: m for m in channel.mentions}
    chosen = [known[a] for a in assignees if a in known]
    return Mentions(
        mobiles=tuple(m.mobile for m in chosen if m.mobile),
        user_ids=tuple(m.im_user_id for m in chosen if m.im_user_id),
    )


def _target_key(channel: ChannelIn) -> tuple[str, ...]:
    return (channel.kind.value, channel.url or "", channel.secret or "", ",".join(sorted(channel.to)))


async def _write(session: AsyncSession, context: Context, due: list[Due]) -> int:
    """One delivery per message and channel; messages for one target share a batch (one send job)."""
    batches: dict[tuple[str, ...], uuid.UUID] = {}
    sending: set[uuid.UUID] = set()
    written = 0
    for item in due:
        for index, channel in enumerate(stored_channels(item.rule)):
            batch = batches.setdefault(_target_key(channel), uuid.uuid4())
            message = item.message
            if item.assignees:
                message = replace(message, mentions=_mentions(channel, item.assignees))
            inserted = await session.execute(
                pg_insert(AlertDelivery)
                .values(
                    tenant_id=context.tenant_id,
                    id=uuid.uuid4(),
                    rule_id=item.rule.id,
                    batch_id=batch,
                    channel_index=index,
                    channel_kind=channel.kind.value,
                    target_hint=target_hint(channel),
                    kind=item.kind,
                    window_key=item.window_key,
                    summary=message_summary(message),
                )
                .on_conflict_do_nothing()
                .returning(AlertDelivery.id)
            )
            if inserted.scalar_one_or_none() is not None:
                written += 1
                sending.add(batch)
    for batch in sending:
        await queue.enqueue(session, SEND_FUNCTION, f"alert:{batch}:1", tenant_id=context.tenant_id,
                            batch_id=str(batch))  # fmt: skip
    return written
