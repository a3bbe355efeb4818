"""Reading a default-scenario shop's whole catalog through our client, against a running sandbox."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx

from tests.sandbox.conftest import RunningSandbox, no_sleep
from workers.platforms.base import (
    CatalogListing,
    ClientDeps,
    Connection,
    ListTraceRecorder,
    Platform,
    PlatformClient,
    RetryPolicy,
    get_client,
)


class WaitingBucket:
    """A process-local token bucket that waits for a token (the Redis limiter's behaviour, without Redis)."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}

    async def acquire(self, key: str, rate: float, burst: int) -> None:
        while True:
            tokens, at = self.buckets.get(key, (float(burst), time.monotonic()))
            now = time.monotonic()
            tokens = min(float(burst), tokens + (now - at) * rate)
            if tokens >= 1:
                self.buckets[key] = (tokens - 1, now)
                return
            self.buckets[key] = (tokens, now)
            await asyncio.sleep((1 - tokens) / rate)


def connect(sandbox: RunningSandbox, http: httpx.AsyncClient, shop_id: str) -> PlatformClient:
    """Our client for one sandbox shop, configured from /_sandbox/shops as an operator would connect it."""
    shops = httpx.get(f"{sandbox.url}/_sandbox/shops").json()["shops"]
    shop: dict[str, Any] = next(s for s in shops if s["id"] == shop_id)
    expires = shop["access_expires_at"]
    connection = Connection(
        platform=Platform(shop["platform"]),
        shop_id=shop_id,
        market=shop["market"],
        credentials=shop["credentials"],
        access_token=shop["access_token"],
        refresh_token=shop["refresh_token"],
        access_expires_at=datetime.fromisoformat(expires.replace("Z", "+00:00")) if expires else None,
        base_url=shop["base_url"],
        auth_base_url=shop["auth_base_url"],
    )
    deps = ClientDeps(
        http=http,
        recorder=ListTraceRecorder(),
        limiter=WaitingBucket(),
        retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01),
        sleep=no_sleep,
    )
    return get_client(connection, deps)


async def read_catalog(client: PlatformClient) -> tuple[list[CatalogListing], int]:
    """Every listing over every page, and the number of pages; fails on a page that reports errors."""
    listings: list[CatalogListing] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await client.list_catalog(cursor)
        pages += 1
        assert page.errors == [], page.errors
        listings += page.listings
        if page.next_cursor is None:
            return listings, pages
        cursor = page.next_cursor


def set_listing_state(sandbox: RunningSandbox, shop: str, sku: str, status: str | None, **more: Any) -> None:
    url = f"{sandbox.url}/_sandbox/shops/{shop}/listings/{sku}/state"
    httpx.put(url, json={"status": status, **more}).raise_for_status()


def rejected_by_sku(listings: list[CatalogListing]) -> dict[str, list[tuple[str, str]]]:
    """SKU -> the (platform code, platform message) of each rejection, for the listings that carry any."""
    return {
        listing.ref.sku: [(e.platform_code, e.platform_message) for e in listing.rejected]
        for listing in listings
        if listing.rejected
    }


def item_ids_of(listings: list[CatalogListing], sku: str) -> list[str | None]:
    return [listing.ref.item_id for listing in listings if listing.ref.sku == sku]
