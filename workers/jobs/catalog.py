"""Catalog sync jobs: read a shop's listings page by page through its platform client, then write what was found
in one transaction (api/shops/catalog_sync.py). Reading happens outside any transaction; a worker that dies midway
leaves the task running and arq runs the job again from the first page (applying is idempotent)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import structlog

from api.errors.taxonomy import TRANSIENT
from api.shops import catalog_sync
from api.shops.catalog_sync import Rejection, SyncedListing
from workers import clients
from workers.jobs.pushes import sum_over_tenants, unit_of_work
from workers.platforms.base import CatalogListing, CatalogPage, CatalogReader, PlatformClient, PlatformError

log = structlog.get_logger("openclaw.jobs.catalog")
# A shop of 100,000 listings at 20 a page (Amazon's largest page) is 5,000 pages; past this a platform that keeps
# answering a next page is looping.
MAX_PAGES = 20_000
# A page the platform could not serve this time (busy, down, timed out after the client's own retries) is read
# again after a pause, this many times, before the sync gives up: a read changes nothing, and one slow page of a
# 5,000-listing shop should not throw away the pages already read.
PAGE_REREADS = 3
PAGE_REREAD_PAUSE_SECONDS = 5.0


def synced(listing: CatalogListing) -> SyncedListing:
    ref = listing.ref
    return SyncedListing(
        sku=ref.sku.strip(),
        item_id=ref.item_id,
        variant_id=ref.variant_id,
        extra=dict(ref.extra),
        title=listing.title,
        status=listing.status,
        price=listing.price,
        quantity=listing.quantity,
        rejections=tuple(
            Rejection(e.platform_code, e.platform_message, tuple(e.missing_fields), dict(e.raw))
            for e in listing.rejected
        ),
    )


class PageRefused(Exception):
    def __init__(self, errors: list[PlatformError]) -> None:
        first = errors[0]
        super().__init__(f"{first.error_type.value} {first.platform_code}: {first.platform_message}")


class NoCatalogApi(Exception):
    """The platform's client does not read listings yet: the sync says so instead of failing obscurely."""


async def _read_page(client: CatalogReader, cursor: str | None, pause: float) -> CatalogPage:
    for attempt in range(PAGE_REREADS + 1):
        page = await client.list_catalog(cursor)
        transient = page.errors and all(e.error_type in TRANSIENT for e in page.errors)
        if not transient or attempt == PAGE_REREADS:
            return page
        await asyncio.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")


async def read_catalog(
    client: PlatformClient, pause: float = PAGE_REREAD_PAUSE_SECONDS
) -> tuple[list[SyncedListing], str | None]:
    """Every listing of the shop, and the trace of the first page (the events link to it)."""
    if not isinstance(client, CatalogReader):
        raise NoCatalogApi(f"reading the {client.platform.value} catalog is not available yet")
    listings: list[SyncedListing] = []
    cursor: str | None = None
    seen: set[str] = set()
    first_trace: str | None = None
    for _ in range(MAX_PAGES):
        page = await _read_page(client, cursor, pause)
        if page.errors:
            raise PageRefused(page.errors)
        first_trace = first_trace or next(iter(page.trace_ids), None)
        listings += [synced(x) for x in page.listings]
        if page.next_cursor is None or page.next_cursor in seen:
            break
        seen.add(page.next_cursor)
        cursor = page.next_cursor
    return listings, first_trace


async def sync_catalog(ctx: dict[str, Any], tenant_id: str, task_id: str) -> dict[str, Any]:
    tenant, task_key = uuid.UUID(tenant_id), uuid.UUID(task_id)
    async with unit_of_work(ctx, tenant) as session:
        begun = await catalog_sync.begin(session, tenant, task_key)
    if begun is None:
        return {}
    task, shop = begun
    try:
        client, recorder = await clients.open_client(ctx, tenant, shop, task)
        async with recorder:
            listings, trace_id = await read_catalog(client)
    except (clients.NoConnection, NoCatalogApi, PageRefused) as refused:
        async with unit_of_work(ctx, tenant) as session:
            await catalog_sync.fail(session, tenant, task_key, str(refused))
        return {"failed": 1}
    async with unit_of_work(ctx, tenant) as session:
        begun = await catalog_sync.begin(session, tenant, task_key)
        if begun is None:
            return {}
        task, shop = begun
        summary = await catalog_sync.apply_sync(session, task, shop, listings, trace_id)
        catalog_sync.end(task, "succeeded", summary=summary)
    log.info("catalog synced", shop=shop.name, **{k: v for k, v in summary.items() if isinstance(v, int)})
    return summary


async def start_due_syncs(ctx: dict[str, Any]) -> int:
    """Cron: the daily catalog sync of every connected shop of every tenant."""
    return await sum_over_tenants(ctx, catalog_sync.start_due_syncs)
