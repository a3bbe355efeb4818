"""Strategies: CRUD with versions and audit, and what the planner needs (snapshots, schedules)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from croniter import CroniterError, croniter
from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy, StrategyShop
from api.strategies.schemas import (
    CONFIG_MODELS,
    ApprovalPolicy,
    InventorySyncConfig,
    Kind,
    ListingPublishConfig,
    PriceAdjustConfig,
    SkuFilter,
    StrategyIn,
    StrategyOut,
)

# Five cron fields (minute hour day month weekday) or a macro such as @hourly; croniter's optional seconds field
# would let one strategy run every second.
_CRON_FIELDS = 5


def readable(principal: Principal) -> Select[Strategy]:
    return select(Strategy).where(Strategy.tenant_id == principal.tenant_id)


def _invalid(name: str, reason: str) -> problems.Invalid:
    return problems.Invalid(
        f"{name}: {reason}", invalid_params=[{"name": name, "reason": reason, "type": "value_error"}]
    )


def next_run(schedule: str | None, after: datetime) -> datetime | None:
    """The first time the cron expression fires after `after`, in UTC; None for an on-demand strategy."""
    if schedule is None:
        return None
    expression = schedule.strip()
    if not expression.startswith("@") and len(expression.split()) != _CRON_FIELDS:
        raise _invalid("schedule", "needs five cron fields (minute hour day month weekday), e.g. '0 */2 * * *'")
    try:
        fires_at: datetime = croniter(expression, after.astimezone(UTC)).get_next(datetime)
    except (CroniterError, ValueError, KeyError, OverflowError) as exc:
        # CroniterBadDateError (e.g. '0 0 31 2 *' never fires) is a CroniterError too.
        raise _invalid("schedule", f"not a cron expression croniter can run: {exc}") from exc
    return fires_at.astimezone(UTC)


async def shop_ids_of(session: AsyncSession, strategy_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(StrategyShop.shop_id).where(StrategyShop.strategy_id == strategy_id)
    return sorted((await session.execute(statement)).scalars(), key=str)


async def _shop_ids_of_many(session: AsyncSession, strategy_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if strategy_ids:
        statement = select(StrategyShop.strategy_id, StrategyShop.shop_id).where(
            StrategyShop.strategy_id.in_(strategy_ids)
        )
        for strategy_id, shop_id in (await session.execute(statement)).all():
            found[strategy_id].append(shop_id)
    return {key: sorted(value, key=str) for key, value in found.items()}


# A config stored without markup_pct (rows written before the API validated them, such as the first demo's) reads
# as the planner's rules read it: no markup.
_READ_DEFAULTS: dict[str, Any] = {"markup_pct": "0"}


def _config(strategy: Strategy) -> PriceAdjustConfig | InventorySyncConfig | ListingPublishConfig:
    """The stored config through its kind's own model, so that it never takes another kind's shape."""
    model = CONFIG_MODELS[strategy.kind]
    defaults = {key: value for key, value in _READ_DEFAULTS.items() if key in model.model_fields}
    return model.model_validate({**defaults, **(strategy.config or {})})


def snapshot(strategy: Strategy, shop_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The strategy as a task stores it (config_snapshot): plain JSON, every field of the API plus id and version,
    read through the same models as the API's answers, so a run applies exactly what the strategy shows."""
    return {
        "id": str(strategy.id),
        "version": strategy.version,
        "name": strategy.name,
        "kind": strategy.kind,
        "shop_ids": [str(shop_id) for shop_id in shop_ids],
        "sku_filter": SkuFilter.model_validate(strategy.sku_filter or {}).model_dump(mode="json", exclude_none=True),
        "config": _config(strategy).model_dump(mode="json"),
        "schedule": strategy.schedule,
        "monitoring_enabled": strategy.monitoring_enabled,
        "approval_policy": ApprovalPolicy.model_validate(strategy.approval_policy or {}).model_dump(mode="json"),
        "is_active": strategy.is_active,
    }


def to_out(strategy: Strategy, shop_ids: list[uuid.UUID]) -> StrategyOut:
    return StrategyOut(
        id=strategy.id,
        name=strategy.name,
        kind=strategy.kind,
        shop_ids=shop_ids,
        sku_filter=SkuFilter.model_validate(strategy.sku_filter or {}),
        config=_config(strategy),
        schedule=strategy.schedule,
        next_run_at=strategy.next_run_at,
        monitoring_enabled=strategy.monitoring_enabled,
        approval_policy=ApprovalPolicy.model_validate(strategy.approval_policy or {}),
        is_active=strategy.is_active,
        version=strategy.version,
        created_by=strategy.created_by,
        created_at=strategy.created_at,
        updated_at=strategy.updated_at,
    )


async def list_strategies(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: Kind | None = None,
    is_active: bool | None = None,
    shop_id: uuid.UUID | None = None,
) -> list[StrategyOut]:
    statement = readable(principal).order_by(Strategy.name, Strategy.id)
    if kind is not None:
        statement = statement.where(Strategy.kind == kind)
    if is_active is not None:
        statement = statement.where(Strategy.is_active.is_(is_active))
    if shop_id is not None:
        covering = select(StrategyShop.strategy_id).where(
            StrategyShop.tenant_id == principal.tenant_id, StrategyShop.shop_id == shop_id
        )
        statement = statement.where(Strategy.id.in_(covering))
    strategies = list((await session.execute(statement)).scalars())
    shop_ids = await _shop_ids_of_many(session, [s.id for s in strategies])
    return [to_out(s, shop_ids.get(s.id, [])) for s in strategies]


async def get_strategy(session: AsyncSession, principal: Principal, strategy_id: uuid.UUID) -> Strategy:
    strategy = (await session.execute(readable(principal).where(Strategy.id == strategy_id))).scalar_one_or_none()
    if strategy is None:
        raise problems.NotFound("strategy not found")
    return strategy


async def describe(session: AsyncSession, principal: Principal, strategy_id: uuid.UUID) -> StrategyOut:
    strategy = await get_strategy(session, principal, strategy_id)
    return to_out(strategy, await shop_ids_of(session, strategy.id))


async def _check_shops(session: AsyncSession, principal: Principal, shop_ids: list[uuid.UUID]) -> None:
    """Every shop must be the tenant's and not archived; a 422 names each bad index."""
    statement = select(Shop.id, Shop.archived_at).where(Shop.tenant_id == principal.tenant_id, Shop.id.in_(shop_ids))
    archived = {shop_id: archived_at is not None for shop_id, archived_at in (await session.execute(statement)).all()}
    bad: list[dict[str, str]] = []
    seen: set[uuid.UUID] = set()
    for index, shop_id in enumerate(shop_ids):
        if shop_id not in archived:
            reason = "no such shop"
        elif archived[shop_id]:
            reason = "the shop is archived"
        elif shop_id in seen:
            reason = "listed twice"
        else:
            seen.add(shop_id)
            continue
        bad.append({"name": f"shop_ids.{index}", "reason": reason, "type": "value_error"})
    if bad:
        detail = "; ".join(f"{b['name']}: {b['reason']}" for b in bad)
        raise problems.Invalid(detail, invalid_params=bad)


def _apply(strategy: Strategy, body: StrategyIn, now: datetime) -> None:
    strategy.name = body.name
    strategy.kind = body.kind
    strategy.config = body.config.model_dump(mode="json")
    strategy.sku_filter = body.sku_filter.model_dump(mode="json", exclude_none=True)
    strategy.schedule = body.schedule.strip() if body.schedule else None
    strategy.next_run_at = next_run(strategy.schedule, now)
    strategy.monitoring_enabled = body.monitoring_enabled
    strategy.approval_policy = body.approval_policy.model_dump(mode="json")
    strategy.is_active = body.is_active


async def _store(session: AsyncSession, strategy: Strategy, shop_ids: list[uuid.UUID]) -> None:
    try:
        async with session.begin_nested():
            session.add(strategy)
            await session.flush()
            await session.execute(delete(StrategyShop).where(StrategyShop.strategy_id == strategy.id))
            session.add_all(
                StrategyShop(tenant_id=strategy.tenant_id, strategy_id=strategy.id, shop_id=shop_id)
                for shop_id in shop_ids
            )
            await session.flush()
    except IntegrityError as exc:
        raise problems.Conflict(f"a strategy named {strategy.name!r} already exists") from exc


async def create_strategy(session: AsyncSession, principal: Principal, body: StrategyIn) -> StrategyOut:
    await _check_shops(session, principal, body.shop_ids)
    strategy = Strategy(tenant_id=principal.tenant_id, id=uuid.uuid4(), version=1, created_by=principal.actor)
    _apply(strategy, body, datetime.now(UTC))
    await _store(session, strategy, body.shop_ids)
    await session.refresh(strategy)  # created_at / updated_at from the database
    shop_ids = sorted(body.shop_ids, key=str)
    await audit.record(
        session, principal, "strategy.create", "strategy", strategy.id, after=snapshot(strategy, shop_ids)
    )
    return to_out(strategy, shop_ids)


async def update_strategy(
    session: AsyncSession, principal: Principal, strategy_id: uuid.UUID, body: StrategyIn
) -> StrategyOut:
    """A full replacement of the strategy's fields; its kind is fixed (its tasks' history is of that kind)."""
    strategy = await get_strategy(session, principal, strategy_id)
    if body.kind != strategy.kind:
        raise _invalid("kind", f"a strategy's kind is fixed ({strategy.kind}); create a new strategy instead")
    await _check_shops(session, principal, body.shop_ids)
    before = snapshot(strategy, await shop_ids_of(session, strategy.id))
    _apply(strategy, body, datetime.now(UTC))
    strategy.version += 1
    await _store(session, strategy, body.shop_ids)
    await session.refresh(strategy)
    shop_ids = sorted(body.shop_ids, key=str)
    after = snapshot(strategy, shop_ids)
    await audit.record(session, principal, "strategy.update", "strategy", strategy.id, before=before, after=after)
    return to_out(strategy, shop_ids)


async def delete_strategy(session: AsyncSession, principal: Principal, strategy_id: uuid.UUID) -> None:
    """Its tasks and error groups stay (their strategy_id becomes null; each task keeps its config snapshot)."""
    strategy = await get_strategy(session, principal, strategy_id)
    before = snapshot(strategy, await shop_ids_of(session, strategy.id))
    await audit.record(session, principal, "strategy.delete", "strategy", strategy.id, before=before)
    await session.delete(strategy)
    await session.flush()


# --- for the planner ------------------------------------------------------------------------------------------


async def due_strategies(session: AsyncSession, now: datetime) -> list[Strategy]:
    """Active scheduled strategies of the session's tenant (see api.db.use_tenant) whose next run is due.

    Locked FOR UPDATE SKIP LOCKED: two planners running at once never take the same strategy; call
    `advance_schedule` for each in the same transaction.
    """
    statement = (
        select(Strategy)
        .where(Strategy.is_active, Strategy.schedule.is_not(None), Strategy.next_run_at <= now)
        .order_by(Strategy.next_run_at, Strategy.id)
        .with_for_update(skip_locked=True)
    )
    tenant_id = session.info.get("tenant_id")
    if tenant_id is not None:  # row-level security confines it too; this says so in the query
        statement = statement.where(Strategy.tenant_id == tenant_id)
    return list((await session.execute(statement)).scalars())


async def advance_schedule(session: AsyncSession, strategy: Strategy, now: datetime) -> None:
    """Move a run's next time past `now` (a missed run is not repeated); not a change of the strategy: no version."""
    try:
        strategy.next_run_at = next_run(strategy.schedule, now)
    except problems.Invalid:
        # A schedule stored before a croniter upgrade refused it: stop scheduling rather than fail every cron tick.
        strategy.next_run_at = None
    await session.flush()
