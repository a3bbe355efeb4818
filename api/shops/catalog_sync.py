"""Catalog sync: a shop's listings, read from the platform by a worker, become the tenant's SKUs and bindings, and
the listings the platform rejected, banned, suppressed or failed in review become LISTING_REJECTED on the board.

A sync is a task (operation `catalog_sync`; source `manual` from the API, `schedule` from the daily cron) whose
summary holds its counts. Applying what the worker read is set-based and idempotent: SKUs are created by seller SKU
(an existing SKU keeps its title), bindings are written `bound_by = 'sync'` and never over one a user set, a seller
SKU found on two listings is bound to neither and reported, and a listing seen healthy again resolves its open
LISTING_REJECTED groups. The events' keys name the task, so a retried job records each finding once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems, queue
from api.errors import ingest
from api.errors.schemas import ErrorEventIn
from api.principal import Principal
from api.shops import service as shops
from api.shops.models import Connection, Shop
from api.tasks.models import Task

OPERATION = "catalog_sync"
JOB = "sync_catalog"
# The daily sync of each connected shop: started when its last sync is older than this.
SYNC_EVERY = timedelta(hours=24)
CONFLICTS_SHOWN = 50  # the task summary names this many conflicting SKUs; the board has every one
MESSAGE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason the platform gives for a listing's rejected state, in its own words."""

    code: str
    message: str
    fields: tuple[str, ...] = ()
    raw: Any = None


@dataclass(frozen=True, slots=True)
class SyncedListing:
    """One sellable variant the platform lists, as the worker hands it over."""

    sku: str  # the seller SKU; "" when the platform holds none
    item_id: str | None
    variant_id: str | None
    extra: dict[str, str] = field(default_factory=dict)
    title: str = ""
    status: str | None = None
    price: Decimal | None = None
    quantity: int | None = None
    rejections: tuple[Rejection, ...] = ()

    @property
    def ids(self) -> tuple[str | None, str | None]:
        return (self.item_id, self.variant_id)


def task_of(shop: Shop, principal: Principal, source: str) -> Task:
    snapshot = {"shop_id": str(shop.id), "shop_name": shop.name, "platform": shop.platform, "market": shop.market}
    return Task(
        tenant_id=principal.tenant_id, source=source, operation=OPERATION, config_snapshot=snapshot,
        created_by=principal.actor,
    )  # fmt: skip


async def _running_sync(session: AsyncSession, tenant_id: uuid.UUID, shop_id: uuid.UUID) -> Task | None:
    statement = select(Task).where(
        Task.tenant_id == tenant_id,
        Task.operation == OPERATION,
        Task.status.in_(("queued", "running")),
        Task.config_snapshot["shop_id"].astext == str(shop_id),
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def start_sync(session: AsyncSession, principal: Principal, shop_id: uuid.UUID, source: str = "manual") -> Task:
    """A queued sync of the shop, or the one already queued or running (a second click starts nothing)."""
    shop = await shops.get_active_shop(session, principal, shop_id)
    running = await _running_sync(session, principal.tenant_id, shop.id)
    if running is not None:
        return running
    has_connection = await session.scalar(
        select(Connection.id).where(Connection.tenant_id == principal.tenant_id, Connection.shop_id == shop.id)
    )
    if has_connection is None:
        raise problems.Conflict(f"shop {shop.name!r} has no connection yet: connect it before syncing its catalog")
    task = task_of(shop, principal, source)
    session.add(task)
    await session.flush()
    await queue.enqueue(session, JOB, f"catalog:{task.id}", tenant_id=principal.tenant_id, task_id=str(task.id))
    return task


async def start_due_syncs(session: AsyncSession, tenant_id: uuid.UUID, now: datetime | None = None) -> int:
    """The daily cron: a sync for every connected, active shop whose last sync started over a day ago (one never
    synced counts from its connection: connecting a shop is followed by the user's own first sync)."""
    now = now or datetime.now(UTC)
    system = Principal.system(tenant_id)
    last_sync = (
        select(Task.created_at)
        .where(
            Task.tenant_id == tenant_id,
            Task.operation == OPERATION,
            Task.config_snapshot["shop_id"].astext == text("CAST(shops.id AS text)"),
        )
        .order_by(Task.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    due = await session.scalars(
        select(Shop)
        .join(Connection, (Connection.tenant_id == Shop.tenant_id) & (Connection.shop_id == Shop.id))
        .where(Shop.tenant_id == tenant_id, Shop.archived_at.is_(None))
        .where(func.coalesce(last_sync, Connection.updated_at) < now - SYNC_EVERY)
        .order_by(Shop.id)
    )
    started = 0
    for shop in due.all():
        if await _running_sync(session, tenant_id, shop.id) is None:
            await start_sync(session, system, shop.id, source="schedule")
            started += 1
    return started


# Bindings a sync writes. A binding a user set is left as it is (the WHERE of the update); its listing's state is
# still recorded, by _RECORD_USER_BOUND, when the user's ids are the listing's.
_UPSERT_SKUS = text("""
    INSERT INTO skus (tenant_id, code, title)
    SELECT CAST(:tenant_id AS uuid), r.sku, r.title
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(sku text, title text)
    ORDER BY r.sku
    ON CONFLICT (tenant_id, code) DO NOTHING
    RETURNING id
""")

_UPSERT_BINDINGS = text("""
    INSERT INTO sku_bindings AS b
        (tenant_id, sku_id, shop_id, platform_sku, platform_item_id, platform_variant_id, extra, bound_by,
         platform_status, platform_price, platform_quantity, platform_seen_at)
    SELECT s.tenant_id, s.id, CAST(:shop_id AS uuid), r.sku, r.item_id, r.variant_id, COALESCE(r.extra, '{}'::jsonb),
           'sync', r.status, r.price, r.quantity, :seen_at
    FROM jsonb_to_recordset(CAST(:rows AS jsonb))
         AS r(sku text, item_id text, variant_id text, extra jsonb, status text, price numeric, quantity int)
    JOIN skus s ON s.tenant_id = CAST(:tenant_id AS uuid) AND s.code = r.sku
    ORDER BY s.id
    ON CONFLICT (tenant_id, shop_id, sku_id) DO UPDATE SET
        platform_sku = EXCLUDED.platform_sku,
        platform_item_id = EXCLUDED.platform_item_id,
        platform_variant_id = EXCLUDED.platform_variant_id,
        extra = b.extra || EXCLUDED.extra,
        platform_status = EXCLUDED.platform_status,
        platform_price = EXCLUDED.platform_price,
        platform_quantity = EXCLUDED.platform_quantity,
        platform_seen_at = EXCLUDED.platform_seen_at,
        updated_at = now()
    WHERE b.bound_by = 'sync'
    RETURNING (xmax = 0) AS created
""")

_RECORD_USER_BOUND = text("""
    UPDATE sku_bindings AS b
    SET platform_status = r.status, platform_price = r.price, platform_quantity = r.quantity,
        platform_seen_at = :seen_at
    FROM jsonb_to_recordset(CAST(:rows AS jsonb))
         AS r(sku text, item_id text, variant_id text, status text, price numeric, quantity int),
         skus s
    WHERE s.tenant_id = CAST(:tenant_id AS uuid) AND s.code = r.sku
      AND b.tenant_id = s.tenant_id AND b.shop_id = CAST(:shop_id AS uuid) AND b.sku_id = s.id
      AND b.bound_by = 'user'
      AND b.platform_item_id IS NOT DISTINCT FROM r.item_id
      AND (b.platform_variant_id IS NULL OR b.platform_variant_id IS NOT DISTINCT FROM r.variant_id)
    RETURNING b.id
""")


def _row(listing: SyncedListing) -> dict[str, Any]:
    return {
        "sku": listing.sku, "title": listing.title[:500], "item_id": listing.item_id, "variant_id": listing.variant_id,
        "extra": listing.extra, "status": (listing.status or "")[:64] or None,
        "price": None if listing.price is None else str(listing.price), "quantity": listing.quantity,
    }  # fmt: skip


def _by_sku(listings: Sequence[SyncedListing]) -> tuple[list[SyncedListing], dict[str, list[SyncedListing]]]:
    """The listings whose seller SKU names one listing, and the SKUs that name several (distinct ids)."""
    seen: dict[str, dict[tuple[str | None, str | None], SyncedListing]] = defaultdict(dict)
    for listing in listings:
        if listing.sku:
            seen[listing.sku].setdefault(listing.ids, listing)
    single = [next(iter(found.values())) for found in seen.values() if len(found) == 1]
    several = {sku: list(found.values()) for sku, found in seen.items() if len(found) > 1}
    return single, several


def _conflict_message(sku: str, listings: list[SyncedListing]) -> str:
    ids = ", ".join(f"{x.item_id or '-'}/{x.variant_id or '-'}" for x in listings)
    return (
        f"卖家 SKU {sku} 在本店铺对应 {len(listings)} 个商品（{ids}），未自动绑定，请手动绑定。 / "
        f"Seller SKU {sku} is on {len(listings)} listings in this shop ({ids}); not bound: bind it by hand."
    )


async def apply_sync(
    session: AsyncSession, task: Task, shop: Shop, listings: Sequence[SyncedListing], trace_id: str | None
) -> dict[str, Any]:
    """Write what one full read of the shop's listings found; the counts for the task's summary."""
    now = datetime.now(UTC)
    single, several = _by_sku(listings)
    rows = [_row(x) for x in sorted(single, key=lambda x: x.sku)]
    params = {"tenant_id": str(task.tenant_id), "shop_id": str(shop.id), "seen_at": now}
    skus_created = bindings_created = bindings_updated = kept = 0
    for start in range(0, len(rows), 5000):
        chunk = orjson.dumps(rows[start : start + 5000]).decode()
        skus_created += len((await session.execute(_UPSERT_SKUS, {**params, "rows": chunk})).all())
        written = [created for (created,) in await session.execute(_UPSERT_BINDINGS, {**params, "rows": chunk})]
        bindings_created += sum(written)
        bindings_updated += len(written) - sum(written)
        kept += len((await session.execute(_RECORD_USER_BOUND, {**params, "rows": chunk})).all())

    events = [
        _event(task, shop, x.sku, x.item_id, f"rejected:{r.code}", "LISTING_REJECTED", r.code, r.message, r.fields,
               r.raw, trace_id)
        for x in single
        for r in _one_per_code(x.rejections)
    ]  # fmt: skip
    events += [
        _event(task, shop, sku, None, "duplicate", "SKU_MAPPING_FAILED", "DUPLICATE_SELLER_SKU",
               _conflict_message(sku, found), (), [_row(x) for x in found], trace_id)
        for sku, found in sorted(several.items())
    ]  # fmt: skip
    system = Principal.system(task.tenant_id)
    for start in range(0, len(events), 1000):
        await ingest.ingest_events(session, system, events[start : start + 1000])

    healthy = sorted(x.sku for x in single if not x.rejections)
    resolved = await _resolve(session, system, shop, healthy, "LISTING_REJECTED", now)
    await _resolve(session, system, shop, sorted(x.sku for x in single), "SKU_MAPPING_FAILED", now)
    return {
        "listings_read": len(listings),
        "skus_bound": bindings_created + bindings_updated,
        "bindings_created": bindings_created,
        "skus_created": skus_created,
        "user_bindings_kept": kept,
        "conflicts": len(several),
        "conflict_skus": sorted(several)[:CONFLICTS_SHOWN],
        "rejected": sum(1 for x in single if x.rejections),
        "resolved": resolved,
        "without_seller_sku": sum(1 for x in listings if not x.sku),
    }


def _one_per_code(rejections: Sequence[Rejection]) -> list[Rejection]:
    """A listing's reasons, one per platform code (one group per code): the reasons of one code read together."""
    by_code: dict[str, list[Rejection]] = defaultdict(list)
    for rejection in rejections:
        by_code[rejection.code].append(rejection)
    return [
        Rejection(code, "; ".join(dict.fromkeys(r.message for r in same)),
                  tuple(dict.fromkeys(f for r in same for f in r.fields)), [r.raw for r in same])
        for code, same in by_code.items()
    ]  # fmt: skip


async def _resolve(
    session: AsyncSession, system: Principal, shop: Shop, skus: list[str], error_type: str, at: datetime
) -> int:
    """The open groups of `error_type` of these SKUs' listings, which this sync saw cleared."""
    resolved = 0
    for start in range(0, len(skus), 5000):
        chunk = skus[start : start + 5000]
        resolved += len(
            await ingest.record_success(session, system, shop.id, chunk, "listing", at, error_types=[error_type])
        )
    return resolved


def _event(
    task: Task,
    shop: Shop,
    sku: str,
    item_id: str | None,
    kind: str,
    error_type: str,
    code: str,
    message: str,
    fields: Sequence[str],
    raw: Any,
    trace_id: str | None,
) -> ErrorEventIn:
    return ErrorEventIn(
        idempotency_key=f"catalog:{task.id}:{sku}:{kind}"[:200],
        occurred_at=datetime.now(UTC),
        shop_id=shop.id,
        error_type=error_type,
        operation="listing",
        sku=sku,
        platform_item_id=item_id[:64] if item_id else None,
        task_id=task.id,
        trace_id=trace_id,
        platform_error_code=code[:200],
        platform_error_message=message[:MESSAGE_LIMIT],
        missing_fields=[f[:200] for f in fields][:100],
        raw_excerpt=orjson.dumps(raw, default=str).decode()[:20_000] if raw not in (None, "", {}) else "",
    )


async def begin(session: AsyncSession, tenant_id: uuid.UUID, task_id: uuid.UUID) -> tuple[Task, Shop] | None:
    """The sync's task, marked running, with its shop; None when it is already over or its shop is gone."""
    task = await session.get(Task, (tenant_id, task_id), with_for_update=True)
    if task is None or task.operation != OPERATION or task.status not in ("queued", "running"):
        return None
    shop = await session.get(Shop, (tenant_id, uuid.UUID(task.config_snapshot["shop_id"])))
    if shop is None or shop.archived_at is not None:
        end(task, "cancelled", error="the shop was deleted or archived before its catalog was read")
        return None
    task.status, task.started_at = "running", task.started_at or datetime.now(UTC)
    return task, shop


def end(task: Task, status: str, *, summary: dict[str, Any] | None = None, error: str | None = None) -> None:
    task.status, task.finished_at, task.error = status, datetime.now(UTC), error
    if summary is not None:
        task.summary = summary


async def fail(session: AsyncSession, tenant_id: uuid.UUID, task_id: uuid.UUID, error: str) -> None:
    """The platform did not let the listings be read: the task says why; nothing of the catalog changed."""
    task = await session.get(Task, (tenant_id, task_id), with_for_update=True)
    if task is not None and task.status in ("queued", "running"):
        end(task, "failed", error=error[:MESSAGE_LIMIT])
