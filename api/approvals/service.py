"""Approvals: a risky push action (a price cut beyond the policy, stock to zero) waits until a person approves it
(it is then sent like any other) or rejects it (it ends `rejected`). Either way the SKU's APPROVAL_PENDING warning
is handled, and the decision is audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems, queue
from api.approvals.models import Approval
from api.approvals.schemas import ApprovalList, ApprovalOut
from api.audit import service as audit
from api.errors.models import ErrorGroup
from api.principal import Principal
from api.shops.models import Shop
from api.tasks.models import PushAction, Task
from api.tasks.planning import PUSH_JOB, finish_if_done


def _readable(principal: Principal) -> Any:
    return (
        select(Approval, PushAction, Task.strategy_id, Shop.name)
        .join(PushAction, and_(PushAction.tenant_id == Approval.tenant_id, PushAction.id == Approval.push_action_id))
        .join(Task, and_(Task.tenant_id == PushAction.tenant_id, Task.id == PushAction.task_id))
        .join(Shop, and_(Shop.tenant_id == PushAction.tenant_id, Shop.id == PushAction.shop_id))
        .where(Approval.tenant_id == principal.tenant_id)
    )


def _out(approval: Approval, action: PushAction, strategy_id: uuid.UUID | None, shop_name: str) -> ApprovalOut:
    return ApprovalOut(
        id=approval.id, status=approval.status, reason=approval.reason, requested_at=approval.requested_at,
        decided_at=approval.decided_at, decided_by=approval.decided_by, note=approval.note,
        push_action_id=action.id, task_id=action.task_id, strategy_id=strategy_id, shop_id=action.shop_id,
        shop_name=shop_name, sku=action.sku, operation=action.operation, value=action.value,
        previous_value=action.previous_value,
    )  # fmt: skip


async def list_approvals(session: AsyncSession, principal: Principal, status: str | None, limit: int) -> ApprovalList:
    statement = _readable(principal)
    if status:
        statement = statement.where(Approval.status == status)
    rows = await session.execute(statement.order_by(Approval.requested_at.desc(), Approval.id).limit(limit))
    return ApprovalList(items=[_out(*row) for row in rows])


async def decide(
    session: AsyncSession, principal: Principal, approval_id: uuid.UUID, approve: bool, note: str
) -> ApprovalOut:
    row = (
        await session.execute(_readable(principal).where(Approval.id == approval_id).with_for_update(of=Approval))
    ).first()
    if row is None:
        raise problems.NotFound("no such approval")
    approval, action, strategy_id, shop_name = row
    if approval.status != "pending":
        raise problems.Conflict(f"this approval was already {approval.status}")
    now = datetime.now(UTC)
    approval.status = "approved" if approve else "rejected"
    approval.decided_at, approval.decided_by, approval.note = now, principal.actor, note or None
    if approve:
        # A batch of its own: sent at once by the push job, like any planned action.
        action.status, action.batch_id, action.heartbeat_at = "pending", uuid.uuid4(), now
        await queue.enqueue(session, PUSH_JOB, f"push:{action.batch_id}:0", tenant_id=principal.tenant_id,
                            batch_id=str(action.batch_id))  # fmt: skip
    else:
        action.status, action.finished_at = "rejected", now
        action.error_message = f"rejected by {principal.label or principal.actor}" + (f": {note}" if note else "")
    await session.flush()
    await _handle_warning(session, principal, action, approve, note)
    await audit.record(
        session, principal, "approval.approved" if approve else "approval.rejected", "approval", approval.id,
        before={"status": "pending"}, after={"status": approval.status, "note": note},
        payload={"push_action_id": str(action.id), "sku": action.sku, "value": action.value},
    )  # fmt: skip
    task = await session.get(Task, (principal.tenant_id, action.task_id))
    if task is not None:
        await finish_if_done(session, task)
    return _out(approval, action, strategy_id, shop_name)


async def _handle_warning(
    session: AsyncSession, principal: Principal, action: PushAction, approve: bool, note: str
) -> None:
    """The SKU's open APPROVAL_PENDING group is handled by the decision (its SLA clock stops)."""
    g = ErrorGroup
    await session.execute(
        update(g)
        .where(
            g.tenant_id == principal.tenant_id, g.shop_id == action.shop_id, g.sku == action.sku,
            g.operation == action.operation, g.error_type == "APPROVAL_PENDING", g.status == "open",
        )
        .values(
            status="handled", handled_at=datetime.now(UTC), handled_by=principal.actor,
            resolution="other", handled_note=("approved" if approve else "rejected") + (f": {note}" if note else ""),
        )
    )  # fmt: skip
