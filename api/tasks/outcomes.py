"""The one way a push action's outcome reaches the board: failures and warnings become error events (through the
errors ingest, so grouping, regression and idempotency are the board's own), applied values become successes that
auto-resolve the SKU's open groups of that operation.

Each event's idempotency key names the action, its attempt and the kind of outcome, so a job that is retried after
a crash records the same outcome once: exactly one event per action outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ingest
from api.errors.schemas import ErrorEventIn
from api.principal import Principal
from api.tasks.models import PushAction, Task

RAW_EXCERPT_LIMIT = 20_000
MESSAGE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """One failure or warning of one action, in the taxonomy's terms, with the platform's raw words kept."""

    action: PushAction
    kind: str  # what happened, part of the idempotency key: plan, failed, delayed, approval, auth, ...
    error_type: str
    code: str
    message: str
    trace_id: str | None = None
    missing_fields: Sequence[str] = ()
    raw: Any = None
    severity: str | None = None
    platform_item_id: str | None = None
    extra_key: str = ""  # distinguishes outcomes of one kind that may recur (e.g. one per read-back deadline)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def event_key(action_id: uuid.UUID, attempt: int, kind: str, extra: str = "") -> str:
    return f"action:{action_id}:{attempt}:{kind}{':' + extra if extra else ''}"


def _excerpt(raw: Any) -> str:
    if raw is None or raw == {} or raw == "":
        return ""
    text = raw if isinstance(raw, str) else orjson.dumps(raw, default=str).decode()
    return text[:RAW_EXCERPT_LIMIT]


async def record_outcomes(session: AsyncSession, task: Task, outcomes: Sequence[Outcome]) -> None:
    """Write the events of these outcomes (a repeat of the same outcome writes nothing)."""
    if not outcomes:
        return
    events = [
        ErrorEventIn(
            idempotency_key=event_key(o.action.id, o.action.attempts, o.kind, o.extra_key),
            occurred_at=o.occurred_at,
            shop_id=o.action.shop_id,
            error_type=o.error_type,
            severity=o.severity,
            operation=o.action.operation,
            sku=o.action.sku,
            platform_item_id=(o.platform_item_id or None) and o.platform_item_id[:64],
            strategy_id=task.strategy_id,
            task_id=task.id,
            trace_id=o.trace_id,
            platform_error_code=o.code[:200],
            platform_error_message=o.message[:MESSAGE_LIMIT],
            missing_fields=[f[:200] for f in o.missing_fields][:100],
            raw_excerpt=_excerpt(o.raw),
        )
        for o in outcomes
    ]
    system = Principal.system(task.tenant_id)
    for start in range(0, len(events), 1000):
        await ingest.ingest_events(session, system, events[start : start + 1000])


async def record_applied(session: AsyncSession, task: Task, actions: Sequence[PushAction], at: datetime) -> None:
    """The values are on the platform: the SKUs' open groups of that operation resolve themselves."""
    system = Principal.system(task.tenant_id)
    for action in actions:
        await ingest.record_success(session, system, action.shop_id, [action.sku], action.operation, at)


async def record_wait_over(session: AsyncSession, task: Task, actions: Sequence[PushAction], at: datetime) -> None:
    """The confirmation deadline passed: 'waiting for the platform' is over (the failure is its own group now)."""
    system = Principal.system(task.tenant_id)
    for action in actions:
        await ingest.record_success(
            session, system, action.shop_id, [action.sku], action.operation, at, error_types=["PLATFORM_STATE_DELAYED"]
        )
