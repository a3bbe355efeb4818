"""How the catalog sync job reads a shop's pages: a page the platform could not serve this time is read again,
a page it refused for good stops the sync at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.errors.taxonomy import ErrorType
from api.platforms import Platform
from workers.jobs.catalog import PAGE_REREADS, PageRefused, read_catalog
from workers.platforms.base import CatalogListing, CatalogPage, ListingRef, make_error


def _listing(sku: str) -> CatalogListing:
    return CatalogListing(ListingRef(sku=sku, item_id=f"i-{sku}"), title=sku, price=Decimal("1.00"), quantity=1)


class Pages:
    """A shop of two pages whose platform answers each page with the errors queued for it first."""

    platform = Platform.shopee

    def __init__(self, failures: dict[str | None, list[ErrorType]]) -> None:
        self.failures = failures
        self.calls: list[str | None] = []

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        self.calls.append(cursor)
        queued = self.failures.get(cursor) or []
        if queued:
            error_type = queued.pop(0)
            return CatalogPage([], errors=[make_error(error_type, self.platform, "E", "the page failed")])
        if cursor is None:
            return CatalogPage([_listing("A"), _listing("B")], next_cursor="2", trace_ids=("t1",))
        return CatalogPage([_listing("C")], trace_ids=("t2",))


async def test_a_page_that_timed_out_or_was_throttled_is_read_again() -> None:
    shop = Pages({"2": [ErrorType.PLATFORM_UNAVAILABLE, ErrorType.RATE_LIMITED]})
    listings, trace = await read_catalog(shop, pause=0)  # type: ignore[arg-type]
    assert [x.sku for x in listings] == ["A", "B", "C"]
    assert trace == "t1"
    assert shop.calls == [None, "2", "2", "2"]


async def test_a_page_failing_every_reread_fails_the_sync_with_the_platform_reason() -> None:
    shop = Pages({None: [ErrorType.PLATFORM_UNAVAILABLE] * (PAGE_REREADS + 1)})
    with pytest.raises(PageRefused, match="PLATFORM_UNAVAILABLE E: the page failed"):
        await read_catalog(shop, pause=0)  # type: ignore[arg-type]
    assert len(shop.calls) == PAGE_REREADS + 1


async def test_a_refusal_that_will_not_change_is_not_read_again() -> None:
    shop = Pages({None: [ErrorType.AUTH_EXPIRED]})
    with pytest.raises(PageRefused, match="AUTH_EXPIRED"):
        await read_catalog(shop, pause=0)  # type: ignore[arg-type]
    assert shop.calls == [None]
