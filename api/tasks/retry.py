"""Retry from the board: re-push a group's failed action with the value wanted now, under a new idempotency key.

The value is the one the SKU should have today, not the one that failed: a strategy's action is recomputed from
the strategy's current config and the SKU's current ERP base value; an ERP push takes the newest value the ERP sent
for that SKU, shop and operation. A retry is a task of its own (source `manual`), planned and pushed by the workers
like any other, so its outcome lands on the board the same way. While one of a group is queued or running, another
is refused (409); the group's row lock orders two that arrive together.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems, queue
from api.errors.models import ErrorGroup
from api.principal import Principal
from api.shops.models import Shop, Sku, SkuBinding
from api.strategies import service as strategies
from api.strategies.models import Strategy
from api.tasks.models import PushAction, Task
from api.tasks.planning import strategy_value, value_problem
from api.tasks.schemas import RetryPreview
from api.tasks.service import PLAN_JOB, tenant_policy


async def _group(session: AsyncSession, principal: Principal, group_id: uuid.UUID) -> ErrorGroup:
    # Locked: two retries of one group at once are decided one after the other.
    group = await session.get(ErrorGroup, (principal.tenant_id, group_id), with_for_update=True)
    if group is None:
        raise problems.NotFound(f"no error group {group_id}")
    if group.status != "open":
        raise problems.Conflict(f"this group is {group.status} (resolved): reopen it to retry")
    if not group.sku or group.operation not in ("price", "stock", "listing"):
        raise problems.Conflict(
            "this group is not about one SKU's price, stock or listing: there is nothing to re-push"
        )
    return group


def _same_target(of: ErrorGroup | PushAction) -> list[Any]:
    """Actions on the same SKU, shop and operation as a group (or another action)."""
    return [
        PushAction.tenant_id == of.tenant_id,
        PushAction.shop_id == of.shop_id,
        PushAction.sku == of.sku,
        PushAction.operation == of.operation,
    ]


async def _failed_action(session: AsyncSession, group: ErrorGroup) -> PushAction:
    action = await session.scalar(
        select(PushAction)
        .where(
            *_same_target(group),
            PushAction.status == "failed",
        )
        .order_by(PushAction.finished_at.desc().nulls_last(), PushAction.created_at.desc())
        .limit(1)
    )
    if action is None:
        raise problems.Conflict(
            "no failed push of this SKU by OpenClaw: the errors were reported by another system, retry it there"
        )
    return action


async def _running_retry(session: AsyncSession, group: ErrorGroup) -> uuid.UUID | None:
    """A retry of this group still queued or running (it runs until its action has an outcome)."""
    return await session.scalar(
        select(Task.id)
        .where(
            Task.tenant_id == group.tenant_id,
            Task.source == "manual",
            Task.status.in_(("queued", "running")),
            Task.config_snapshot["group_id"].astext == str(group.id),
        )
        .limit(1)
    )


async def _wanted_now(
    session: AsyncSession, principal: Principal, action: PushAction, shop: Shop, sku: Sku
) -> tuple[dict[str, Any], dict[str, Any], uuid.UUID | None]:
    """(value, approval policy, strategy id) the SKU should have in this shop now."""
    task = await session.get(Task, (action.tenant_id, action.task_id))
    strategy = await session.get(Strategy, (action.tenant_id, task.strategy_id)) if task and task.strategy_id else None
    if strategy is not None and strategy.is_active:
        snapshot = strategies.snapshot(strategy, await strategies.shop_ids_of(session, strategy.id))
        value = strategy_value(strategy.kind, snapshot.get("config") or {}, sku, shop)
        if value is None:
            raise problems.Conflict(f"SKU {sku.code} has no ERP base value for strategy {strategy.name} any more")
        return value, snapshot.get("approval_policy") or {}, strategy.id
    newest = await session.scalar(
        select(PushAction.value)
        .where(
            *_same_target(action),
        )
        .order_by(PushAction.created_at.desc())
        .limit(1)
    )
    return dict(newest or action.value), await tenant_policy(session, principal.tenant_id), None


async def retry_group(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, *, dry_run: bool
) -> RetryPreview:
    group = await _group(session, principal, group_id)
    running = await _running_retry(session, group)
    if running is not None:
        raise problems.Conflict(f"a retry of this SKU is already running (task {running}); wait for its outcome")
    action = await _failed_action(session, group)
    shop = await session.get(Shop, (group.tenant_id, group.shop_id))
    sku = await session.scalar(select(Sku).where(Sku.tenant_id == group.tenant_id, Sku.code == group.sku))
    if shop is None or shop.archived_at is not None or sku is None:
        raise problems.Conflict("the shop is archived or the SKU no longer exists: there is nothing to re-push")
    binding = await session.scalar(
        select(SkuBinding).where(
            SkuBinding.tenant_id == group.tenant_id, SkuBinding.shop_id == shop.id, SkuBinding.sku_id == sku.id
        )
    )
    if binding is None:
        raise problems.Conflict(f"SKU {sku.code} has no binding in shop {shop.name}: bind it first, then retry")
    value, policy, strategy_id = await _wanted_now(session, principal, action, shop, sku)
    if problem := value_problem(action.operation, value, shop):
        raise problems.Invalid(f"the value wanted now would be refused again: {problem}")

    retries = await session.scalar(
        select(func.count()).where(PushAction.tenant_id == group.tenant_id, PushAction.retry_of == action.id)
    )
    key = f"retry:{action.id}:{(retries or 0) + 1}"
    preview = RetryPreview(
        dry_run=dry_run, shop_id=shop.id, sku=sku.code, operation=action.operation, value=value,
        binding={"platform_sku": binding.platform_sku, "platform_item_id": binding.platform_item_id,
                 "platform_variant_id": binding.platform_variant_id},
        idempotency_key=key,
    )  # fmt: skip
    if dry_run:
        return preview

    item = {"shop_id": str(shop.id), "sku": sku.code, "value": value, "retry_of": str(action.id),
            "idempotency_key": key}  # fmt: skip
    task = Task(
        tenant_id=principal.tenant_id, strategy_id=strategy_id, source="manual", operation=action.operation,
        config_snapshot={"kind": "retry", "operation": action.operation, "group_id": str(group.id),
                         "shop_ids": [str(shop.id)], "approval_policy": policy, "items": [item]},
        created_by=principal.actor,
    )  # fmt: skip
    session.add(task)
    await session.flush()
    await queue.enqueue(session, PLAN_JOB, f"plan:{task.id}", tenant_id=principal.tenant_id, task_id=str(task.id))
    preview.task_id = task.id
    return preview
