"""Planning a task: SKUs x shops of a strategy, or an ERP request's rows, become push actions.

An unbound SKU is recorded as SKU_MAPPING_FAILED and not pushed; a value that fails our pre-checks is
VALIDATION_FAILED; two active strategies that want different values for one SKU and shop are a
PRICE_STRATEGY_CONFLICT naming both, and neither value is pushed; a risky change waits for approval as an
APPROVAL_PENDING warning. The rest become pending actions in batches sized to each platform's per-call limits, and
a push job per batch is enqueued through the outbox, in the same transaction.

Planning is one transaction: a planner that dies leaves the task queued, and the next one starts from scratch (the
actions' idempotency keys make a second plan of the same task impossible anyway).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from api import platforms, queue
from api.approvals.models import Approval
from api.shops.models import Shop, Sku, SkuBinding
from api.strategies.models import Strategy, StrategyShop
from api.tasks import rules
from api.tasks.models import PushAction, Task
from api.tasks.outcomes import Outcome, record_outcomes

PUSH_JOB = "push_batch"


def shop_currency(shop: Shop) -> str:
    facts = platforms.market(shop.platform, shop.market)
    return shop.currency or (facts.currency if facts else "")


def price_decimals(shop: Shop) -> int:
    facts = platforms.market(shop.platform, shop.market)
    return facts.price_decimals if facts else 2


@dataclass(slots=True)
class Wanted:
    """One value one task wants for one SKU in one shop."""

    shop_id: uuid.UUID
    sku: str
    value: dict[str, Any]
    # A retry from the board: the failed action it re-pushes, and the key its preview showed.
    retry_of: uuid.UUID | None = None
    idempotency_key: str | None = None


@dataclass(slots=True)
class Plan:
    wanted: list[Wanted] = field(default_factory=list)
    skipped_no_base_value: int = 0


# --- what a strategy wants ---------------------------------------------------------------------------------------


def strategy_value(kind: str, config: dict[str, Any], sku: Sku, shop: Shop) -> dict[str, Any] | None:
    """The value a strategy of `kind` with `config` wants for this SKU in this shop; None without an ERP base value."""
    currency = shop_currency(shop)
    if kind == "price_adjust":
        base = (sku.base_prices or {}).get(currency)
        if not base or base.get("price") is None:
            return None
        sale = base.get("sale_price")
        return {
            "price": str(rules.adjusted_price(config, Decimal(str(base["price"])))),
            "currency": currency,
            "sale_price": None if sale is None else str(rules.adjusted_price(config, Decimal(str(sale)))),
        }
    if kind == "inventory_sync":
        if sku.available_quantity is None:
            return None
        return {"quantity": rules.shared_stock(config, sku.available_quantity)}
    if kind == "listing_publish":
        base = (sku.base_prices or {}).get(currency)
        if not sku.listing_draft or not base or sku.available_quantity is None:
            return None
        return {
            **sku.listing_draft,
            "price": str(rules.adjusted_price(config, Decimal(str(base["price"])))),
            "currency": currency,
            "quantity": rules.shared_stock(config, sku.available_quantity),
        }
    raise ValueError(f"unknown strategy kind {kind}")


OPERATION_OF_KIND = {"price_adjust": "price", "inventory_sync": "stock", "listing_publish": "listing"}


def value_problem(
    operation: str, value: dict[str, Any], shop: Shop, config: dict[str, Any] | None = None
) -> str | None:
    if operation in ("price", "listing"):
        sale = value.get("sale_price")
        problem = rules.price_problem(
            Decimal(str(value["price"])), None if sale is None else Decimal(str(sale)), price_decimals(shop), config
        )
        if problem or operation == "price":
            return problem
    if operation in ("stock", "listing"):
        return rules.stock_problem(int(value["quantity"]))
    return None


def _sku_filter(statement: Any, sku_filter: dict[str, Any]) -> Any:
    if sku_filter.get("skus"):
        statement = statement.where(Sku.code.in_(list(sku_filter["skus"])))
    if sku_filter.get("prefix"):
        prefix = str(sku_filter["prefix"]).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Sku.code.like(prefix + "%", escape="\\"))
    return statement


async def _matching_skus(session: AsyncSession, tenant_id: uuid.UUID, snapshot: dict[str, Any]) -> list[Sku]:
    statement = _sku_filter(select(Sku).where(Sku.tenant_id == tenant_id), snapshot.get("sku_filter") or {})
    if snapshot.get("only_skus") is not None:  # a run started by an ERP base-value update covers those SKUs only
        statement = statement.where(Sku.code.in_(snapshot["only_skus"]))
    return list((await session.execute(statement.order_by(Sku.code))).scalars())


def _strategy_plan(snapshot: dict[str, Any], skus: list[Sku], shops: dict[uuid.UUID, Shop]) -> Plan:
    plan = Plan()
    for shop in shops.values():
        for sku in skus:
            value = strategy_value(snapshot["kind"], snapshot.get("config") or {}, sku, shop)
            if value is None:
                plan.skipped_no_base_value += 1
            else:
                plan.wanted.append(Wanted(shop.id, sku.code, value))
    return plan


def _erp_plan(snapshot: dict[str, Any]) -> Plan:
    return Plan(
        wanted=[
            Wanted(
                uuid.UUID(row["shop_id"]),
                row["sku"],
                row["value"],
                retry_of=uuid.UUID(row["retry_of"]) if row.get("retry_of") else None,
                idempotency_key=row.get("idempotency_key"),
            )
            for row in snapshot["items"]
        ]
    )


# --- what else planning needs to know ----------------------------------------------------------------------------


async def _bindings(
    session: AsyncSession, tenant_id: uuid.UUID, shop_ids: Iterable[uuid.UUID], skus: Iterable[str]
) -> dict[tuple[uuid.UUID, str], SkuBinding]:
    rows = await session.execute(
        select(SkuBinding, Sku.code)
        .join(Sku, and_(Sku.tenant_id == SkuBinding.tenant_id, Sku.id == SkuBinding.sku_id))
        .where(SkuBinding.tenant_id == tenant_id, SkuBinding.shop_id.in_(list(shop_ids)), Sku.code.in_(list(skus)))
    )
    return {(binding.shop_id, code): binding for binding, code in rows}


async def last_applied(
    session: AsyncSession, tenant_id: uuid.UUID, operation: str, keys: Iterable[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], dict[str, Any]]:
    """The last value applied on the platform per (shop, SKU), for the approval policy and the task's diff."""
    keys = list(keys)
    if not keys:
        return {}
    a = PushAction
    rows = await session.execute(
        select(a.shop_id, a.sku, a.value)
        .where(
            a.tenant_id == tenant_id,
            a.operation == operation,
            a.status == "applied",
            a.shop_id.in_({shop for shop, _ in keys}),
            a.sku.in_({sku for _, sku in keys}),
        )
        .order_by(a.shop_id, a.sku, a.finished_at.desc())
        .distinct(a.shop_id, a.sku)
    )
    return {(shop_id, sku): value for shop_id, sku, value in rows}


async def _rivals(
    session: AsyncSession, tenant_id: uuid.UUID, snapshot: dict[str, Any]
) -> list[tuple[Strategy, set[uuid.UUID]]]:
    """The other active strategies of the same kind that cover any of this one's shops."""
    rows = await session.execute(
        select(Strategy, StrategyShop.shop_id)
        .join(StrategyShop, and_(StrategyShop.tenant_id == Strategy.tenant_id, StrategyShop.strategy_id == Strategy.id))
        .where(
            Strategy.tenant_id == tenant_id,
            Strategy.kind == snapshot["kind"],
            Strategy.is_active.is_(True),
            Strategy.id != uuid.UUID(snapshot["id"]),
            StrategyShop.shop_id.in_([uuid.UUID(s) for s in snapshot["shop_ids"]]),
        )
    )
    found: dict[uuid.UUID, tuple[Strategy, set[uuid.UUID]]] = {}
    for strategy, shop_id in rows:
        found.setdefault(strategy.id, (strategy, set()))[1].add(shop_id)
    return list(found.values())


def _covers(sku_filter: dict[str, Any], sku: str) -> bool:
    if sku_filter.get("skus") and sku not in sku_filter["skus"]:
        return False
    return not (sku_filter.get("prefix") and not sku.startswith(str(sku_filter["prefix"])))


# --- the plan itself ---------------------------------------------------------------------------------------------


async def plan_task(session: AsyncSession, tenant_id: uuid.UUID, task_id: uuid.UUID) -> int:
    """Plan a queued task; returns the number of push jobs enqueued (0 when it was planned before)."""
    task = await session.get(Task, (tenant_id, task_id), with_for_update=True)
    if task is None or task.status != "queued":
        return 0
    snapshot = task.config_snapshot
    operation = task.operation or OPERATION_OF_KIND[snapshot["kind"]]
    shop_ids = [uuid.UUID(s) for s in snapshot["shop_ids"]]
    shops = {
        shop.id: shop
        for shop in (
            await session.execute(
                select(Shop).where(Shop.tenant_id == tenant_id, Shop.id.in_(shop_ids), Shop.archived_at.is_(None))
            )
        ).scalars()
    }
    is_strategy = "items" not in snapshot  # an ERP request carries its rows; a strategy run computes them
    skus = await _matching_skus(session, tenant_id, snapshot) if is_strategy else []
    plan = _strategy_plan(snapshot, skus, shops) if is_strategy else _erp_plan(snapshot)
    plan.wanted = [w for w in plan.wanted if w.shop_id in shops]

    keys = [(w.shop_id, w.sku) for w in plan.wanted]
    bindings = await _bindings(session, tenant_id, shops, {sku for _, sku in keys})
    previous = await last_applied(session, tenant_id, operation, keys)
    conflicts = await _conflicts(session, tenant_id, snapshot, skus, shops, plan) if is_strategy else {}
    policy = snapshot.get("approval_policy") or {}
    now = datetime.now(UTC)

    rows: list[dict[str, Any]] = []
    outcomes: list[tuple[dict[str, Any], str, str, str, str]] = []  # (row, kind, type, code, message)
    approvals: list[tuple[dict[str, Any], str]] = []
    for wanted in plan.wanted:
        shop = shops[wanted.shop_id]
        binding = bindings.get((wanted.shop_id, wanted.sku))
        action_id = uuid.uuid4()
        row: dict[str, Any] = {
            "tenant_id": tenant_id, "id": action_id, "task_id": task.id, "shop_id": wanted.shop_id,
            "sku": wanted.sku, "operation": operation, "value": wanted.value,
            "previous_value": previous.get((wanted.shop_id, wanted.sku)),
            "idempotency_key": wanted.idempotency_key or f"{task.id}:{wanted.shop_id}:{wanted.sku}:{operation}",
            "retry_of": wanted.retry_of, "status": "pending", "heartbeat_at": now,
        }  # fmt: skip
        rows.append(row)
        conflict = conflicts.get((wanted.shop_id, wanted.sku))
        problem = value_problem(operation, wanted.value, shop, snapshot.get("config"))
        if binding is None:
            outcomes.append((row, "plan", "SKU_MAPPING_FAILED", "NO_BINDING",
                             f"SKU {wanted.sku} has no binding in shop {shop.name}: bind it to its platform ids"))  # fmt: skip
        elif problem:
            outcomes.append((row, "plan", "VALIDATION_FAILED", "PRECHECK", problem))
        elif conflict:
            outcomes.append((row, "plan", "PRICE_STRATEGY_CONFLICT", "STRATEGY_CONFLICT", conflict))
        elif reason := rules.approval_reason(policy, operation, wanted.value, row["previous_value"]):
            row["status"] = "awaiting_approval"
            approvals.append((row, reason))
    for row, _kind, error_type, _code, message in outcomes:
        row.update(status="failed", finished_at=now, error_type=error_type, error_message=message)

    batches = _batch(rows, shops)
    if rows:
        await session.execute(
            pg_insert(PushAction).on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"]), rows
        )
    if approvals:
        await session.execute(
            insert(Approval),
            [{"tenant_id": tenant_id, "push_action_id": row["id"], "reason": reason} for row, reason in approvals],
        )
    held = [row["id"] for row, *_ in outcomes] + [row["id"] for row, _ in approvals]
    stored = (
        {
            a.id: a
            for a in (
                await session.execute(
                    select(PushAction).where(PushAction.tenant_id == tenant_id, PushAction.id.in_(held))
                )
            ).scalars()
        }
        if held
        else {}
    )
    events = [
        Outcome(stored[row["id"]], kind, error_type, code, message)
        for row, kind, error_type, code, message in outcomes
        if row["id"] in stored
    ]
    events += [
        Outcome(stored[row["id"]], "approval", "APPROVAL_PENDING", "APPROVAL_REQUIRED", reason)
        for row, reason in approvals
        if row["id"] in stored
    ]
    await record_outcomes(session, task, events)

    task.status = "running"
    task.started_at = now
    task.summary = {
        **(task.summary or {}),
        "skipped_no_base_value": plan.skipped_no_base_value,
        "planned": len(rows),
        "batches": len(batches),
    }
    for batch_id in batches:
        await queue.enqueue(session, PUSH_JOB, f"push:{batch_id}:0", tenant_id=tenant_id, batch_id=str(batch_id))
    await session.flush()
    if not batches:
        await finish_if_done(session, task)
    return len(batches)


def _batch(rows: list[dict[str, Any]], shops: dict[uuid.UUID, Shop]) -> list[uuid.UUID]:
    """Give the pending rows a batch id per shop, sized to the platform's per-call limit. The batches come back one
    of each shop in turn: enqueued in that order, the workers' slots serve every shop's rate limit at once instead
    of filling up with one shop's batches that all wait on the same bucket."""
    by_shop: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] == "pending":
            by_shop.setdefault(row["shop_id"], []).append(row)
    per_shop: list[list[uuid.UUID]] = []
    for shop_id, pending in by_shop.items():
        size = platforms.PUSH_BATCH_SIZE.get(shops[shop_id].platform, 20)
        per_shop.append([])
        for start in range(0, len(pending), size):
            batch_id = uuid.uuid4()
            per_shop[-1].append(batch_id)
            for row in pending[start : start + size]:
                row["batch_id"] = batch_id
    return [batch_id for turn in itertools.zip_longest(*per_shop) for batch_id in turn if batch_id is not None]


async def _conflicts(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    snapshot: dict[str, Any],
    skus: list[Sku],
    shops: dict[uuid.UUID, Shop],
    plan: Plan,
) -> dict[tuple[uuid.UUID, str], str]:
    """(shop, SKU) pairs where another active strategy of the same kind wants a different value, with the message."""
    rivals = await _rivals(session, tenant_id, snapshot)
    if not rivals:
        return {}
    by_code = {sku.code: sku for sku in skus}
    operation = OPERATION_OF_KIND[snapshot["kind"]]
    found: dict[tuple[uuid.UUID, str], str] = {}
    for wanted in plan.wanted:
        for rival, rival_shops in rivals:
            if wanted.shop_id not in rival_shops or not _covers(rival.sku_filter or {}, wanted.sku):
                continue
            theirs = strategy_value(rival.kind, rival.config or {}, by_code[wanted.sku], shops[wanted.shop_id])
            if theirs is not None and not rules.same_value(operation, wanted.value, theirs):
                found[(wanted.shop_id, wanted.sku)] = (
                    f"strategies 「{snapshot['name']}」 ({_short(operation, wanted.value)}) and 「{rival.name}」 "
                    f"({_short(operation, theirs)}) want different values for {wanted.sku}; neither is pushed"
                )
                break
    return found


def _short(operation: str, value: dict[str, Any]) -> str:
    if operation == "stock":
        return f"stock {value['quantity']}"
    return f"{value.get('price')} {value.get('currency', '')}".strip()


# --- finishing ---------------------------------------------------------------------------------------------------

FINAL = ("applied", "failed", "rejected")


# A task as the push path needs it: its config snapshot (an ERP request's 5,000 rows) is planning's alone, and
# decoding it for every batch and read-back was most of a worker's CPU.
WITHOUT_SNAPSHOT = (defer(Task.config_snapshot, raiseload=True),)
OPEN_STATUSES = ("pending", "sending", "awaiting_confirmation", "awaiting_approval")


async def action_counts(session: AsyncSession, tenant_id: uuid.UUID, task_id: uuid.UUID) -> dict[str, int]:
    rows = await session.execute(
        select(PushAction.status, func.count())
        .where(PushAction.tenant_id == tenant_id, PushAction.task_id == task_id)
        .group_by(PushAction.status)
    )
    return {status: count for status, count in rows}


async def finish_running(session: AsyncSession, tenant_id: uuid.UUID, task_id: uuid.UUID) -> None:
    """finish_if_done for a task known by id, if it is still running (its config snapshot is not loaded)."""
    task = await session.get(Task, (tenant_id, task_id), options=WITHOUT_SNAPSHOT)
    if task is not None and task.status == "running":
        await finish_if_done(session, task)


async def finish_if_done(session: AsyncSession, task: Task) -> None:
    """A task whose actions all reached an outcome (awaiting approval counts as waiting, not done) gets its status.

    Called in the transaction that settled some of its actions: while any stays open (one index probe, no lock,
    so that a shop's settles never queue behind another's) the task is running. When none does, the task row is
    locked and counted again. Two last batches settling at once may each still see the other open; the jobs call
    this once more after their commit, and the later of those calls sees both committed."""
    still_open = await session.scalar(
        select(
            exists().where(
                PushAction.tenant_id == task.tenant_id,
                PushAction.task_id == task.id,
                PushAction.status.in_(OPEN_STATUSES),
            )
        )
    )
    if still_open:
        if task.status != "running":
            task.status = "running"
            task.finished_at = None
        return
    await session.execute(select(Task.id).where(Task.tenant_id == task.tenant_id, Task.id == task.id).with_for_update())
    counts = await action_counts(session, task.tenant_id, task.id)
    if any(counts.get(s) for s in OPEN_STATUSES):
        return
    bad = counts.get("failed", 0) + counts.get("rejected", 0)
    total = sum(counts.values())
    task.status = "succeeded" if bad == 0 else "failed" if bad == total else "partially_failed"
    task.finished_at = datetime.now(UTC)
    await session.execute(
        update(Task)
        .where(Task.tenant_id == task.tenant_id, Task.id == task.id)
        .values(status=task.status, finished_at=task.finished_at)
    )
