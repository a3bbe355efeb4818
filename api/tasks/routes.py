"""ERP pushes, strategy runs and tasks over HTTP."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CatalogWrite, ErrorsRead, SessionDep, StrategiesWrite
from api.pagination import MAX_LIMIT, CursorParam
from api.problems import PROBLEM_RESPONSES, problem_answer
from api.tasks import queries, retry, service
from api.tasks.schemas import (
    ActionList,
    ActionStatus,
    InventoryIn,
    PricesIn,
    PushAccepted,
    RetryIn,
    RetryPreview,
    TaskDiff,
    TaskList,
    TaskOut,
    TaskSource,
    TaskStarted,
    TaskStatus,
)

router = APIRouter(prefix="/v1", tags=["tasks"], responses=PROBLEM_RESPONSES)
_NO_TASK = problem_answer(404, "No such task in this tenant")


@router.post("/prices", response_model=PushAccepted, status_code=202, operation_id="prices-push")
async def push_prices(body: PricesIn, principal: CatalogWrite, session: SessionDep) -> PushAccepted:
    """Prices from the ERP: a row with `shop_id` is pushed to that shop; a row without it sets the SKU's base price
    in that currency, which the active price strategies turn into pushes. The same request_id again answers the same
    and starts nothing. Rows that name an unknown SKU or shop, or a currency not the shop's: 422, nothing accepted."""
    return await service.accept_prices(session, principal, body)


@router.post("/inventory", response_model=PushAccepted, status_code=202, operation_id="inventory-push")
async def push_inventory(body: InventoryIn, principal: CatalogWrite, session: SessionDep) -> PushAccepted:
    """Stock from the ERP: a row with `shop_id` is pushed to that shop; a row without it sets the SKU's available
    quantity, which the active inventory strategies share out per shop. Idempotent on request_id."""
    return await service.accept_inventory(session, principal, body)


@router.post(
    "/strategies/{strategy_id}/run",
    response_model=TaskStarted,
    status_code=202,
    operation_id="strategies-run",
    responses=problem_answer(404, "No such strategy") | problem_answer(409, "The strategy is not active"),
)
async def run_strategy(strategy_id: uuid.UUID, principal: StrategiesWrite, session: SessionDep) -> TaskStarted:
    """Run the strategy now: a task with its config as it is now, planned and pushed by the workers."""
    task = await service.run_strategy(session, principal, strategy_id)
    return TaskStarted(task_id=task.id)


@router.get("/tasks", response_model=TaskList, operation_id="tasks-list")
async def list_tasks(
    principal: ErrorsRead,
    session: SessionDep,
    strategy_id: uuid.UUID | None = None,
    status: TaskStatus | None = None,
    source: TaskSource | None = None,
    cursor: CursorParam = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> TaskList:
    """Runs newest first, with their action counts."""
    return await queries.list_tasks(
        session, principal, strategy_id=strategy_id, status=status, source=source, cursor=cursor, limit=limit
    )


@router.get("/tasks/{task_id}", response_model=TaskOut, operation_id="tasks-get", responses=_NO_TASK)
async def get_task(task_id: uuid.UUID, principal: ErrorsRead, session: SessionDep) -> TaskOut:
    return await queries.get_task(session, principal, task_id)


@router.get("/tasks/{task_id}/actions", response_model=ActionList, operation_id="tasks-actions", responses=_NO_TASK)
async def list_actions(
    task_id: uuid.UUID,
    principal: ErrorsRead,
    session: SessionDep,
    status: ActionStatus | None = None,
    cursor: CursorParam = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> ActionList:
    """The task's push actions by SKU: value, status, attempts and the last trace."""
    return await queries.list_actions(session, principal, task_id, status=status, cursor=cursor, limit=limit)


@router.get("/tasks/{task_id}/diff", response_model=TaskDiff, operation_id="tasks-diff", responses=_NO_TASK)
async def diff(
    task_id: uuid.UUID,
    principal: ErrorsRead,
    session: SessionDep,
    against: Annotated[str, Query(max_length=64, description="another task's id, or 'current'")] = "current",
) -> TaskDiff:
    """What changed from this run's config snapshot (before) to another run's, or the strategy's current config (after)."""
    return await queries.diff(session, principal, task_id, against)


@router.post(
    "/errors/{group_id}/retry",
    response_model=RetryPreview,
    status_code=202,
    operation_id="errors-retry",
    responses=problem_answer(404, "No such error group")
    | problem_answer(409, "A retry of this SKU already runs, or the group has nothing OpenClaw can re-push"),
)
async def retry_group(group_id: uuid.UUID, body: RetryIn, principal: CatalogWrite, session: SessionDep) -> RetryPreview:
    """Re-push the group's failed action with the value the SKU should have now (the strategy's current config over
    the current ERP base value, or the ERP's newest value), under a new idempotency key. With `dry_run` it answers
    exactly what would be sent and starts nothing; without it, the same with the retry's `task_id`."""
    return await retry.retry_group(session, principal, group_id, dry_run=body.dry_run)
