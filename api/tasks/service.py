"""Starting tasks (ERP pushes and strategy runs) and reading them back.

An ERP request is answered once per request_id: the first call claims the id (a row in erp_requests, written in the
same transaction as its tasks), a repeat reads the stored answer and starts nothing. A row with `shop_id` is a direct
push to that shop; a row without it sets the SKU's ERP base value, which every active strategy of that kind turns
into pushes (a task per strategy, over those SKUs only). Tasks are planned by a job (`plan_task`), enqueued through
the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems, queue
from api.principal import Principal
from api.shops.models import Shop, Sku
from api.strategies import service as strategies
from api.strategies.models import Strategy
from api.tasks.models import ErpRequest, Task
from api.tasks.planning import OPERATION_OF_KIND, shop_currency
from api.tasks.schemas import InventoryIn, PricesIn, PushAccepted
from api.tenants.models import DEFAULT_APPROVAL_POLICY, TenantSettings

PLAN_JOB = "plan_task"
KIND_OF_OPERATION = {operation: kind for kind, operation in OPERATION_OF_KIND.items()}


def _row_problem(index: int, field: str, reason: str) -> dict[str, str]:
    return {"name": f"items.{index}.{field}", "reason": reason, "type": "value_error"}


async def _claim_request(
    session: AsyncSession, principal: Principal, endpoint: str, request_id: str
) -> PushAccepted | None:
    """The stored answer of an earlier call with this request_id, or None after claiming the id for this call.
    A concurrent call with the same id waits on the key until the first commits, then reads its answer."""
    claimed = await session.execute(
        pg_insert(ErpRequest)
        .values(tenant_id=principal.tenant_id, endpoint=endpoint, request_id=request_id, task_ids=[], accepted=0)
        .on_conflict_do_nothing()
        .returning(ErpRequest.request_id)
    )
    if claimed.first() is not None:
        return None
    earlier = await session.get(ErpRequest, (principal.tenant_id, endpoint, request_id))
    assert earlier is not None
    return PushAccepted(task_ids=list(earlier.task_ids), accepted=earlier.accepted)


async def _answer(
    session: AsyncSession, principal: Principal, endpoint: str, request_id: str, tasks: Sequence[Task], accepted: int
) -> PushAccepted:
    stored = await session.get(ErpRequest, (principal.tenant_id, endpoint, request_id))
    assert stored is not None
    stored.task_ids = [t.id for t in tasks]
    stored.accepted = accepted
    for task in tasks:
        await queue.enqueue(session, PLAN_JOB, f"plan:{task.id}", tenant_id=principal.tenant_id, task_id=str(task.id))
    return PushAccepted(task_ids=stored.task_ids, accepted=accepted)


async def _known(
    session: AsyncSession, principal: Principal, skus: Sequence[str], shop_ids: Sequence[uuid.UUID | None]
) -> tuple[dict[str, Sku], dict[uuid.UUID, Shop], list[dict[str, str]]]:
    """The rows' SKUs and shops, and a problem for each row naming an unknown one."""
    found_skus = {
        s.code: s
        for s in (
            await session.execute(select(Sku).where(Sku.tenant_id == principal.tenant_id, Sku.code.in_(set(skus))))
        ).scalars()
    }
    wanted_shops = {s for s in shop_ids if s is not None}
    found_shops = {
        s.id: s
        for s in (
            await session.execute(select(Shop).where(Shop.tenant_id == principal.tenant_id, Shop.id.in_(wanted_shops)))
        ).scalars()
    } if wanted_shops else {}  # fmt: skip
    bad = []
    for index, (sku, shop_id) in enumerate(zip(skus, shop_ids, strict=True)):
        if sku not in found_skus:
            bad.append(_row_problem(index, "sku", f"unknown SKU {sku}: create it with POST /v1/skus first"))
        if shop_id is not None and shop_id not in found_shops:
            bad.append(_row_problem(index, "shop_id", f"unknown shop {shop_id}"))
        elif shop_id is not None and found_shops[shop_id].archived_at is not None:
            bad.append(_row_problem(index, "shop_id", f"shop {found_shops[shop_id].name} is archived"))
    return found_skus, found_shops, bad


def _refuse(bad: list[dict[str, str]]) -> problems.Invalid:
    rows = sorted({p["name"].split(".")[1] for p in bad}, key=int)
    return problems.Invalid(
        f"{len(rows)} row(s) refused: {', '.join(rows[:20])}; nothing was accepted", invalid_params=bad
    )


async def tenant_policy(session: AsyncSession, tenant_id: uuid.UUID) -> dict[str, Any]:
    settings = await session.get(TenantSettings, tenant_id)
    return dict(settings.approval_policy) if settings else dict(DEFAULT_APPROVAL_POLICY)


def _erp_task(
    principal: Principal, request_id: str, operation: str, policy: dict[str, Any], items: list[dict[str, Any]]
) -> Task:
    snapshot = {
        "kind": "erp_push",
        "operation": operation,
        "request_id": request_id,
        "shop_ids": sorted({row["shop_id"] for row in items}),
        "approval_policy": policy,
        "items": items,
    }
    return Task(
        tenant_id=principal.tenant_id, source="erp", operation=operation, request_id=request_id,
        config_snapshot=snapshot, created_by=principal.actor,
    )  # fmt: skip


async def _strategy_tasks(
    session: AsyncSession, principal: Principal, kind: str, skus: list[str], request_id: str
) -> list[Task]:
    """A run of every active strategy of `kind`, over the SKUs whose base value just changed."""
    rows = await session.execute(
        select(Strategy).where(
            Strategy.tenant_id == principal.tenant_id, Strategy.kind == kind, Strategy.is_active.is_(True)
        )
    )
    tasks = []
    for strategy in rows.scalars():
        task = await new_strategy_task(session, principal, strategy, only_skus=skus, request_id=request_id)
        tasks.append(task)
    return tasks


async def new_strategy_task(
    session: AsyncSession,
    principal: Principal,
    strategy: Strategy,
    *,
    only_skus: list[str] | None = None,
    request_id: str | None = None,
) -> Task:
    """A queued run of `strategy` with its config as it is now (the task's snapshot), planned by a job."""
    snapshot = strategies.snapshot(strategy, await strategies.shop_ids_of(session, strategy.id))
    if only_skus is not None:
        snapshot["only_skus"] = sorted(set(only_skus))
    task = Task(
        tenant_id=principal.tenant_id, strategy_id=strategy.id, source="strategy", operation=OPERATION_OF_KIND[strategy.kind],
        request_id=request_id, config_snapshot=orjson.loads(orjson.dumps(snapshot, default=str)), created_by=principal.actor,
    )  # fmt: skip
    session.add(task)
    await session.flush()
    return task


async def run_strategy(session: AsyncSession, principal: Principal, strategy_id: uuid.UUID) -> Task:
    strategy = await strategies.get_strategy(session, principal, strategy_id)
    if not strategy.is_active:
        raise problems.Conflict(f"strategy {strategy.name} is not active: activate it first")
    task = await new_strategy_task(session, principal, strategy)
    await queue.enqueue(session, PLAN_JOB, f"plan:{task.id}", tenant_id=principal.tenant_id, task_id=str(task.id))
    return task


_MERGE_BASE_PRICES = text("""
    UPDATE skus SET base_prices = skus.base_prices || r.prices, base_updated_at = now(), updated_at = now()
    FROM (SELECT sku, jsonb_object_agg(currency, jsonb_build_object('price', price, 'sale_price', sale_price)) AS prices
          FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(sku text, currency text, price text, sale_price text)
          GROUP BY sku) AS r
    WHERE skus.tenant_id = CAST(:tenant_id AS uuid) AND skus.code = r.sku
""")

_SET_AVAILABLE = text("""
    UPDATE skus SET available_quantity = r.quantity, base_updated_at = now(), updated_at = now()
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(sku text, quantity int)
    WHERE skus.tenant_id = CAST(:tenant_id AS uuid) AND skus.code = r.sku
""")


async def accept_prices(session: AsyncSession, principal: Principal, body: PricesIn) -> PushAccepted:
    earlier = await _claim_request(session, principal, "prices", body.request_id)
    if earlier is not None:
        return earlier
    _, shops, bad = await _known(session, principal, [r.sku for r in body.items], [r.shop_id for r in body.items])
    for index, row in enumerate(body.items):
        shop = shops.get(row.shop_id) if row.shop_id else None
        if shop is not None and row.currency != shop_currency(shop):
            bad.append(
                _row_problem(index, "currency", f"shop {shop.name} sells in {shop_currency(shop)}, not {row.currency}")
            )
        if row.sale_price is not None and row.sale_price > row.price:
            bad.append(_row_problem(index, "sale_price", "must not be above the price"))
    if bad:
        raise _refuse(bad)
    direct = [
        {"shop_id": str(r.shop_id), "sku": r.sku, "value": {
            "price": str(r.price), "currency": r.currency, "sale_price": None if r.sale_price is None else str(r.sale_price)}}
        for r in body.items if r.shop_id is not None
    ]  # fmt: skip
    base = [r for r in body.items if r.shop_id is None]
    tasks: list[Task] = []
    if direct:
        tasks.append(
            _erp_task(principal, body.request_id, "price", await tenant_policy(session, principal.tenant_id), direct)
        )
        session.add(tasks[-1])
        await session.flush()
    if base:
        rows = [{"sku": r.sku, "currency": r.currency, "price": str(r.price),
                 "sale_price": None if r.sale_price is None else str(r.sale_price)} for r in base]  # fmt: skip
        await session.execute(
            _MERGE_BASE_PRICES, {"rows": orjson.dumps(rows).decode(), "tenant_id": str(principal.tenant_id)}
        )
        tasks += await _strategy_tasks(session, principal, "price_adjust", [r.sku for r in base], body.request_id)
        tasks += await _strategy_tasks(session, principal, "listing_publish", [r.sku for r in base], body.request_id)
    return await _answer(session, principal, "prices", body.request_id, tasks, len(body.items))


async def accept_inventory(session: AsyncSession, principal: Principal, body: InventoryIn) -> PushAccepted:
    earlier = await _claim_request(session, principal, "inventory", body.request_id)
    if earlier is not None:
        return earlier
    _, _, bad = await _known(session, principal, [r.sku for r in body.items], [r.shop_id for r in body.items])
    if bad:
        raise _refuse(bad)
    direct = [
        {"shop_id": str(r.shop_id), "sku": r.sku, "value": {"quantity": r.quantity}} for r in body.items if r.shop_id
    ]
    base = [r for r in body.items if r.shop_id is None]
    tasks: list[Task] = []
    if direct:
        tasks.append(
            _erp_task(principal, body.request_id, "stock", await tenant_policy(session, principal.tenant_id), direct)
        )
        session.add(tasks[-1])
        await session.flush()
    if base:
        rows = [{"sku": r.sku, "quantity": r.quantity} for r in base]
        await session.execute(
            _SET_AVAILABLE, {"rows": orjson.dumps(rows).decode(), "tenant_id": str(principal.tenant_id)}
        )
        tasks += await _strategy_tasks(session, principal, "inventory_sync", [r.sku for r in base], body.request_id)
    return await _answer(session, principal, "inventory", body.request_id, tasks, len(body.items))


async def start_due_strategies(session: AsyncSession, tenant_id: uuid.UUID, now: datetime | None = None) -> int:
    """Cron: a run of every active strategy whose schedule is due, and its next run time."""
    now = now or datetime.now(UTC)
    system = Principal.system(tenant_id)
    started = 0
    for strategy in await strategies.due_strategies(session, now):
        task = await new_strategy_task(session, system, strategy)
        await queue.enqueue(session, PLAN_JOB, f"plan:{task.id}", tenant_id=tenant_id, task_id=str(task.id))
        await strategies.advance_schedule(session, strategy, now)
        started += 1
    return started
