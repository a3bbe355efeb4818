from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body

from api.deps import SessionDep, StrategiesRead, StrategiesWrite
from api.problems import PROBLEM_JSON, PROBLEM_RESPONSES, Problem
from api.strategies import service
from api.strategies.schemas import Kind, StrategyIn, StrategyList, StrategyOut

# Strategies are operator business: every route needs strategies:write (operators, admins, keys with that scope).
router = APIRouter(
    prefix="/v1/strategies",
    tags=["strategies"],
    responses={
        **PROBLEM_RESPONSES,
        404: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "No such strategy in this tenant"},
    },
)

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "The name is taken"}
}
StrategyBody = Annotated[StrategyIn, Body()]


@router.get("", response_model=StrategyList, operation_id="strategies-list")
async def list_strategies(
    principal: StrategiesRead,
    session: SessionDep,
    kind: Kind | None = None,
    is_active: bool | None = None,
    shop_id: uuid.UUID | None = None,
) -> StrategyList:
    """The tenant's strategies by name; `shop_id` keeps those whose group of shops includes it."""
    items = await service.list_strategies(session, principal, kind=kind, is_active=is_active, shop_id=shop_id)
    return StrategyList(items=items)


@router.post("", response_model=StrategyOut, status_code=201, operation_id="strategies-create", responses=_CONFLICT)
async def create_strategy(body: StrategyBody, principal: StrategiesWrite, session: SessionDep) -> StrategyOut:
    return await service.create_strategy(session, principal, body)


@router.get("/{strategy_id}", response_model=StrategyOut, operation_id="strategies-get")
async def get_strategy(strategy_id: uuid.UUID, principal: StrategiesRead, session: SessionDep) -> StrategyOut:
    return await service.describe(session, principal, strategy_id)


@router.put("/{strategy_id}", response_model=StrategyOut, operation_id="strategies-update", responses=_CONFLICT)
async def update_strategy(
    strategy_id: uuid.UUID, body: StrategyBody, principal: StrategiesWrite, session: SessionDep
) -> StrategyOut:
    """Replace every field (the create body; the kind stays). Bumps `version`; the audit log keeps before/after."""
    return await service.update_strategy(session, principal, strategy_id, body)


@router.delete("/{strategy_id}", status_code=204, operation_id="strategies-delete")
async def delete_strategy(strategy_id: uuid.UUID, principal: StrategiesWrite, session: SessionDep) -> None:
    """Past tasks keep their config snapshots; their link to the strategy is cleared."""
    await service.delete_strategy(session, principal, strategy_id)
