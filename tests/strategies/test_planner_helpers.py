"""What the planner reads from api.strategies.service: snapshots, shop groups, due schedules."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.db import use_tenant
from api.principal import Principal
from api.strategies import service
from api.strategies.models import Strategy
from tests.conftest import Seeder
from tests.strategies.conftest import Team, price_strategy


async def _create(client: httpx.AsyncClient, team: Team, **overrides: object) -> uuid.UUID:
    response = await client.post(
        "/v1/strategies", json=price_strategy(team.shop_ids, **overrides), headers=team.operator
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def test_a_snapshot_holds_every_field_as_plain_json(
    client: httpx.AsyncClient, db: AsyncSession, team: Team
) -> None:
    strategy_id = await _create(client, team, name="Snap")
    await use_tenant(db, team.tenant_id)
    strategy = await service.get_strategy(db, Principal.system(team.tenant_id), strategy_id)

    snap = service.snapshot(strategy, await service.shop_ids_of(db, strategy_id))

    assert json.loads(json.dumps(snap)) == snap
    assert snap["id"] == str(strategy_id) and snap["version"] == 1 and snap["name"] == "Snap"
    assert snap["kind"] == "price_adjust" and snap["config"]["markup_pct"] == "12.5"
    assert sorted(snap["shop_ids"]) == sorted(str(s) for s in team.shop_ids)
    assert snap["sku_filter"] == {"prefix": "AMZ-"}
    assert snap["approval_policy"] == {"max_price_cut_pct": "20", "hold_stock_to_zero": False}
    assert {"schedule", "monitoring_enabled", "is_active"} <= snap.keys()


async def test_another_tenants_strategy_is_not_found(client: httpx.AsyncClient, db: AsyncSession, team: Team) -> None:
    strategy_id = await _create(client, team)
    stranger = uuid.uuid4()
    await use_tenant(db, stranger)

    with pytest.raises(problems.NotFound):
        await service.get_strategy(db, Principal.system(stranger), strategy_id)


async def test_due_strategies_are_the_active_scheduled_ones_whose_time_has_come(
    client: httpx.AsyncClient, db: AsyncSession, team: Team
) -> None:
    due = await _create(client, team, name="due")
    later = await _create(client, team, name="later")
    paused = await _create(client, team, name="paused", is_active=False)
    on_demand = await _create(client, team, name="on demand", schedule=None)
    now = datetime.now(UTC)
    await use_tenant(db, team.tenant_id)
    past = now - timedelta(minutes=5)
    await db.execute(update(Strategy).where(Strategy.id.in_([due, paused])).values(next_run_at=past))

    found = [s.id for s in await service.due_strategies(db, now)]

    assert found == [due]
    assert later not in found and on_demand not in found
    strategy = (await service.due_strategies(db, now))[0]
    await service.advance_schedule(db, strategy, now)
    assert strategy.next_run_at is not None and strategy.next_run_at > now
    assert strategy.version == 1  # moving the schedule is not a change of the strategy
    assert await service.due_strategies(db, now) == []


async def test_a_strategy_stored_without_a_config_reads_as_the_planner_applies_it(
    client: httpx.AsyncClient, seed: Seeder, team: Team
) -> None:
    async with seed.sessions() as session:  # as the first demo seeding wrote them: no config, no policy
        await use_tenant(session, team.tenant_id)
        strategy = Strategy(tenant_id=team.tenant_id, name="bare", kind="price_adjust")
        session.add(strategy)
        await session.flush()
        snap = service.snapshot(strategy, [])
        await session.commit()

    listed = await client.get("/v1/strategies", headers=team.operator)

    assert listed.status_code == 200
    [bare] = listed.json()["items"]
    assert bare["config"]["markup_pct"] == "0" and bare["approval_policy"]["hold_stock_to_zero"] is True
    assert snap["config"] == bare["config"] and snap["approval_policy"] == bare["approval_policy"]
