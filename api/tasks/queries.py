"""Reading tasks, their actions and the difference between two runs' configs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.pagination import decode_cursor, encode_cursor, invalid_cursor
from api.principal import Principal
from api.shops.models import Shop
from api.strategies import service as strategies
from api.strategies.models import Strategy
from api.tasks import rules
from api.tasks.models import PushAction, Task
from api.tasks.schemas import ActionList, ActionOut, Change, TaskCounts, TaskDiff, TaskList, TaskOut


async def _counts(
    session: AsyncSession, tenant_id: uuid.UUID, task_ids: list[uuid.UUID]
) -> dict[uuid.UUID, TaskCounts]:
    rows = await session.execute(
        select(PushAction.task_id, PushAction.status, func.count())
        .where(PushAction.tenant_id == tenant_id, PushAction.task_id.in_(task_ids))
        .group_by(PushAction.task_id, PushAction.status)
    )
    counts: dict[uuid.UUID, TaskCounts] = {t: TaskCounts() for t in task_ids}
    for task_id, status, count in rows:
        c = counts[task_id]
        c.planned += count
        if status in ("pending", "sending"):
            c.in_flight += count
        else:
            setattr(c, status, getattr(c, status) + count)
    return counts


def _out(task: Task, counts: TaskCounts, strategy_name: str | None) -> TaskOut:
    return TaskOut(
        id=task.id, strategy_id=task.strategy_id, strategy_name=strategy_name, source=task.source,
        operation=task.operation, request_id=task.request_id, status=task.status,
        counts=counts, summary=task.summary or {}, config_snapshot=task.config_snapshot or {}, error=task.error,
        created_by=task.created_by, created_at=task.created_at, started_at=task.started_at, finished_at=task.finished_at,
    )  # fmt: skip


async def _outs(session: AsyncSession, principal: Principal, rows: list[tuple[Task, str | None]]) -> list[TaskOut]:
    counts = await _counts(session, principal.tenant_id, [t.id for t, _ in rows])
    return [_out(task, counts[task.id], name) for task, name in rows]


def _with_strategy_name() -> Any:
    return select(Task, Strategy.name).outerjoin(
        Strategy, and_(Strategy.tenant_id == Task.tenant_id, Strategy.id == Task.strategy_id)
    )


async def get_task(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> TaskOut:
    row = (
        await session.execute(_with_strategy_name().where(Task.tenant_id == principal.tenant_id, Task.id == task_id))
    ).first()
    if row is None:
        raise problems.NotFound("no such task")
    return (await _outs(session, principal, [(row[0], row[1])]))[0]


async def list_tasks(
    session: AsyncSession,
    principal: Principal,
    *,
    strategy_id: uuid.UUID | None,
    status: str | None,
    source: str | None,
    cursor: str | None,
    limit: int,
) -> TaskList:
    statement = _with_strategy_name().where(Task.tenant_id == principal.tenant_id)
    if strategy_id:
        statement = statement.where(Task.strategy_id == strategy_id)
    if status:
        statement = statement.where(Task.status == status)
    if source:
        statement = statement.where(Task.source == source)
    if cursor:
        at, last_id = _position(cursor)
        statement = statement.where(or_(Task.created_at < at, and_(Task.created_at == at, Task.id < last_id)))
    rows = [
        (t, n)
        for t, n in (await session.execute(statement.order_by(Task.created_at.desc(), Task.id.desc()).limit(limit + 1)))
    ]
    page = rows[:limit]
    next_cursor = (
        encode_cursor([page[-1][0].created_at.isoformat(), str(page[-1][0].id)]) if len(rows) > limit else None
    )
    return TaskList(items=await _outs(session, principal, page), next_cursor=next_cursor)


def _position(cursor: str) -> tuple[datetime, uuid.UUID]:
    value = decode_cursor(cursor)
    try:
        at, last_id = value
        return datetime.fromisoformat(at), uuid.UUID(last_id)
    except (TypeError, ValueError) as exc:
        raise invalid_cursor() from exc


async def _task(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    task = await session.get(Task, (principal.tenant_id, task_id))
    if task is None:
        raise problems.NotFound("no such task")
    return task


async def list_actions(
    session: AsyncSession,
    principal: Principal,
    task_id: uuid.UUID,
    *,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> ActionList:
    await _task(session, principal, task_id)
    a = PushAction
    statement = (
        select(a, Shop.name)
        .join(Shop, and_(Shop.tenant_id == a.tenant_id, Shop.id == a.shop_id))
        .where(a.tenant_id == principal.tenant_id, a.task_id == task_id)
    )
    if status:
        statement = statement.where(a.status == status)
    if cursor:
        position = decode_cursor(cursor)
        if not (isinstance(position, list) and len(position) == 2 and all(isinstance(p, str) for p in position)):
            raise invalid_cursor()
        statement = statement.where(or_(a.sku > position[0], and_(a.sku == position[0], a.id > _uuid(position[1]))))
    rows = list(await session.execute(statement.order_by(a.sku, a.id).limit(limit + 1)))
    page = rows[:limit]
    items = [
        ActionOut(
            id=x.id,
            task_id=x.task_id,
            sku=x.sku,
            shop_id=x.shop_id,
            shop_name=name,
            operation=x.operation,
            value=x.value,
            previous_value=x.previous_value,
            status=x.status,
            attempts=x.attempts,
            last_trace_id=x.last_trace_id,
            error_type=x.error_type,
            error_message=x.error_message,
            confirm_deadline=x.confirm_deadline,
            sent_at=x.sent_at,
            finished_at=x.finished_at,
            updated_at=x.updated_at,
        )
        for x, name in page
    ]
    next_cursor = encode_cursor([page[-1][0].sku, str(page[-1][0].id)]) if len(rows) > limit else None
    return ActionList(items=items, next_cursor=next_cursor)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise invalid_cursor() from exc


async def diff(session: AsyncSession, principal: Principal, task_id: uuid.UUID, against: str) -> TaskDiff:
    """Changes from this task's config snapshot (before) to the other run's or the strategy's current one (after)."""
    task = await _task(session, principal, task_id)
    if against == "current":
        if task.strategy_id is None:
            raise problems.Invalid(
                "this task ran no strategy: compare it with another task",
                invalid_params=[{"name": "against", "reason": "no strategy to compare with", "type": "value_error"}],
            )
        strategy = await strategies.get_strategy(session, principal, task.strategy_id)
        other = strategies.snapshot(strategy, await strategies.shop_ids_of(session, strategy.id))
        other = {
            **other,
            **({"only_skus": task.config_snapshot["only_skus"]} if "only_skus" in task.config_snapshot else {}),
        }
    else:
        try:
            other_id = uuid.UUID(against)
        except ValueError as exc:
            raise problems.Invalid(
                "against must be a task id or 'current'",
                invalid_params=[{"name": "against", "reason": "not a task id or 'current'", "type": "value_error"}],
            ) from exc
        other = (await _task(session, principal, other_id)).config_snapshot
    before = _plain(task.config_snapshot)
    after = _plain(other)
    return TaskDiff(
        against=against, changes=[Change(path=p, before=b, after=a) for p, b, a in rules.diff(before, after)]
    )


def _plain(value: Any) -> Any:
    """JSON as stored: datetimes and UUIDs as strings, so a snapshot and a live config compare alike."""
    import orjson

    return orjson.loads(orjson.dumps(value, default=str))
