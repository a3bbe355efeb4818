"""Catalog sync, the writing half: what one full read of a shop's listings does to SKUs, bindings and the board
(the reading half, through the clients and the sandbox, is tests/pushes/test_catalog_sync.py)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.errors.models import ErrorGroup
from api.shops import catalog_sync
from api.shops.catalog_sync import Rejection, SyncedListing
from api.shops.models import Shop, Sku, SkuBinding
from api.tasks.models import Task
from tests.shops.conftest import Tenant, sandbox_listing

BANNED = Rejection("BANNED", "Prohibited item: counterfeit brand", raw={"violation_reason": "counterfeit"})


def listing(sku: str, item: str, variant: str | None = None, *reasons: Rejection, **fields: Any) -> SyncedListing:
    return SyncedListing(sku=sku, item_id=item, variant_id=variant, rejections=reasons, **fields)


async def _sync(
    sessions: async_sessionmaker[AsyncSession], tenant: Tenant, shop_id: str, listings: list[SyncedListing]
) -> dict[str, Any]:
    """Starts a sync through the API, then applies these listings as its job would."""
    started = await tenant.client.post(f"/v1/shops/{shop_id}/catalog-sync", headers=tenant.admin)
    assert started.status_code == 202, started.text
    task_id = uuid.UUID(started.json()["task_id"])
    async with sessions() as session:
        await use_tenant(session, tenant.id)
        begun = await catalog_sync.begin(session, tenant.id, task_id)
        assert begun is not None
        task, shop = begun
        summary = await catalog_sync.apply_sync(session, task, shop, listings, trace_id=None)
        catalog_sync.end(task, "succeeded", summary=summary)
        await session.commit()
    return summary


async def _connected_shop(tenant: Tenant) -> dict[str, Any]:
    shop = await tenant.shop("shopee", "MY")
    put = await tenant.client.put(f"/v1/shops/{shop['id']}/connection", json=sandbox_listing(), headers=tenant.admin)
    assert put.status_code == 200, put.text
    return shop


async def _open_groups(db: AsyncSession, tenant: Tenant) -> dict[tuple[str, str], ErrorGroup]:
    await use_tenant(db, tenant.id)
    db.expire_all()  # the sync wrote through its own session
    groups = (await db.execute(select(ErrorGroup).where(ErrorGroup.status == "open"))).scalars()
    return {(g.sku, g.error_type): g for g in groups}


async def test_a_sync_binds_by_seller_sku_keeps_hand_set_bindings_and_reports_duplicates(
    tenant: Tenant, sessions: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    shop = await _connected_shop(tenant)
    await tenant.client.post("/v1/skus", json={"items": [{"sku": "MUG-1", "title": "Our mug"}]}, headers=tenant.admin)
    hand_set = {
        "items": [{"sku": "MUG-1", "platform_sku": "MUG-1", "platform_item_id": "111", "platform_variant_id": "7"}]
    }
    assert (
        await tenant.client.post(f"/v1/shops/{shop['id']}/bindings", json=hand_set, headers=tenant.admin)
    ).is_success

    summary = await _sync(sessions, tenant, shop["id"], [
        listing("MUG-1", "999", "9", title="Mug on the platform", price=Decimal("12.90"), quantity=4),  # user's kept
        listing("MUG-1", "999", "9"),  # the same listing twice on a page is one listing
        listing("CAP-1", "222", "1", title="Cap", price=Decimal("5.00"), quantity=10, status="NORMAL"),
        listing("DUP-1", "333", "1"),
        listing("DUP-1", "444", "2"),  # one seller SKU, two items: bound to neither
        listing("", "555", None),  # no seller SKU: nothing to bind it by
    ])  # fmt: skip

    assert summary | {"conflict_skus": None} == {
        "listings_read": 6, "skus_bound": 1, "bindings_created": 1, "skus_created": 1, "user_bindings_kept": 0,
        "conflicts": 1, "conflict_skus": None, "rejected": 0, "resolved": 0, "without_seller_sku": 1,
    }  # fmt: skip
    assert summary["conflict_skus"] == ["DUP-1"]
    await use_tenant(db, tenant.id)
    rows = (
        await db.execute(select(Sku.code, Sku.title, SkuBinding).join(SkuBinding, SkuBinding.sku_id == Sku.id))
    ).all()
    by_code = {code: (title, binding) for code, title, binding in rows}
    assert set(by_code) == {"MUG-1", "CAP-1"}
    mug_title, mug = by_code["MUG-1"]
    assert (mug_title, mug.bound_by, mug.platform_item_id, mug.platform_variant_id) == ("Our mug", "user", "111", "7")
    assert mug.platform_seen_at is None  # the listing read was not the one the user bound
    cap_title, cap = by_code["CAP-1"]
    assert (cap_title, cap.bound_by, cap.platform_item_id, cap.platform_variant_id) == ("Cap", "sync", "222", "1")
    assert (cap.platform_status, cap.platform_price, cap.platform_quantity) == ("NORMAL", Decimal("5.0000"), 10)
    duplicate = (await _open_groups(db, tenant))[("DUP-1", "SKU_MAPPING_FAILED")]
    assert duplicate.platform_error_code == "DUPLICATE_SELLER_SKU"
    assert "333/1" in duplicate.latest_message and "444/2" in duplicate.latest_message


async def test_a_rejected_listing_is_on_the_board_with_the_platforms_words_until_a_later_sync_sees_it_cleared(
    tenant: Tenant, sessions: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    shop = await _connected_shop(tenant)
    missing_brand = Rejection("QC_REJECTED", "Brand is missing", fields=("brand",))
    first = await _sync(sessions, tenant, shop["id"], [
        listing("BAG-1", "10", "1", BANNED),
        listing("BAG-2", "20", "1", missing_brand, Rejection("QC_REJECTED", "Main image is blurry")),
        listing("BAG-3", "30", "1"),
    ])  # fmt: skip
    assert (first["rejected"], first["resolved"]) == (2, 0)
    groups = await _open_groups(db, tenant)
    assert set(groups) == {("BAG-1", "LISTING_REJECTED"), ("BAG-2", "LISTING_REJECTED")}
    banned = groups[("BAG-1", "LISTING_REJECTED")]
    assert (banned.platform_error_code, banned.latest_message) == ("BANNED", "Prohibited item: counterfeit brand")
    assert groups[("BAG-2", "LISTING_REJECTED")].latest_message == "Brand is missing; Main image is blurry"

    again = await _sync(
        sessions, tenant, shop["id"], [listing("BAG-1", "10", "1", BANNED), listing("BAG-2", "20", "1")]
    )
    assert (again["rejected"], again["resolved"]) == (1, 1)
    groups = await _open_groups(db, tenant)
    assert set(groups) == {("BAG-1", "LISTING_REJECTED")}
    assert groups[("BAG-1", "LISTING_REJECTED")].count == 2  # seen again by the second sync


async def test_a_second_click_answers_the_running_sync_and_a_shop_without_connection_is_refused(
    tenant: Tenant, db: AsyncSession
) -> None:
    shop = await _connected_shop(tenant)
    unconnected = await tenant.shop("lazada", "MY")
    first = await tenant.client.post(f"/v1/shops/{shop['id']}/catalog-sync", headers=tenant.admin)
    second = await tenant.client.post(f"/v1/shops/{shop['id']}/catalog-sync", headers=tenant.admin)
    refused = await tenant.client.post(f"/v1/shops/{unconnected['id']}/catalog-sync", headers=tenant.admin)
    unknown = await tenant.client.post(f"/v1/shops/{uuid.uuid4()}/catalog-sync", headers=tenant.admin)

    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert refused.status_code == 409 and "no connection" in refused.json()["detail"]
    assert unknown.status_code == 404
    await use_tenant(db, tenant.id)
    task = await db.get(Task, (tenant.id, uuid.UUID(first.json()["task_id"])))
    assert task is not None and (task.operation, task.source, task.status) == ("catalog_sync", "manual", "queued")
    assert task.config_snapshot["shop_id"] == shop["id"]


async def test_viewers_cannot_start_a_sync(tenant: Tenant, seed: Any, client: httpx.AsyncClient) -> None:
    shop = await _connected_shop(tenant)
    viewer = await seed.login(tenant.id, "viewer")
    assert (await client.post(f"/v1/shops/{shop['id']}/catalog-sync", headers=viewer)).status_code == 403


async def test_the_daily_cron_syncs_each_connected_shop_once_a_day(
    tenant: Tenant, sessions: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    from datetime import UTC, datetime, timedelta

    shop = await _connected_shop(tenant)
    async with sessions() as session:
        await use_tenant(session, tenant.id)
        assert await catalog_sync.start_due_syncs(session, tenant.id) == 0  # connected just now: the user syncs first
        tomorrow = datetime.now(UTC) + timedelta(hours=25)
        assert await catalog_sync.start_due_syncs(session, tenant.id, now=tomorrow) == 1
        assert await catalog_sync.start_due_syncs(session, tenant.id, now=tomorrow) == 0  # queued: not again
        await session.commit()
    await use_tenant(db, tenant.id)
    tasks = (await db.execute(select(Task).where(Task.operation == "catalog_sync"))).scalars().all()
    assert [(t.source, t.config_snapshot["shop_id"]) for t in tasks] == [("schedule", shop["id"])]
    assert (await db.get(Shop, (tenant.id, uuid.UUID(shop["id"])))) is not None
