"""Approvals over HTTP: who may decide is an operator or admin (scope strategies:write)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.approvals import service
from api.approvals.schemas import ApprovalList, ApprovalOut, ApprovalStatus, DecisionIn
from api.deps import ErrorsRead, SessionDep, StrategiesWrite
from api.pagination import MAX_LIMIT
from api.problems import PROBLEM_RESPONSES, problem_answer

router = APIRouter(prefix="/v1/approvals", tags=["approvals"], responses=PROBLEM_RESPONSES)
_DECIDE = problem_answer(404, "No such approval") | problem_answer(409, "The approval was already decided")


@router.get("", response_model=ApprovalList, operation_id="approvals-list")
async def list_approvals(
    principal: ErrorsRead,
    session: SessionDep,
    status: ApprovalStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> ApprovalList:
    """Held push actions, newest first, with the value that waits and the last applied one."""
    return await service.list_approvals(session, principal, status, limit)


@router.post("/{approval_id}/approve", response_model=ApprovalOut, operation_id="approvals-approve", responses=_DECIDE)
async def approve(
    approval_id: uuid.UUID, body: DecisionIn, principal: StrategiesWrite, session: SessionDep
) -> ApprovalOut:
    """Send the held change now."""
    return await service.decide(session, principal, approval_id, True, body.note)


@router.post("/{approval_id}/reject", response_model=ApprovalOut, operation_id="approvals-reject", responses=_DECIDE)
async def reject(
    approval_id: uuid.UUID, body: DecisionIn, principal: StrategiesWrite, session: SessionDep
) -> ApprovalOut:
    """Drop the held change: the action ends rejected and nothing is sent."""
    return await service.decide(session, principal, approval_id, False, body.note)
