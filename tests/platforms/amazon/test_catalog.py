"""Amazon's listing catalog through searchListingsItems: paging by pageToken, prices and stock from the offers and
fulfillment sections, suppressed listings as LISTING_REJECTED with Amazon's issues verbatim."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType, Severity
from tests.platforms.amazon.conftest import LWA, NA, SELLER, US, Harness, answer, fixture, new_token
from workers.platforms.base import Operation

SEARCH = f"{NA}/listings/2021-08-01/items/{SELLER}"
NEXT = fixture("search-listings-page-1.json")["pagination"]["nextToken"]


def pages(router: respx.MockRouter) -> respx.Route:
    def answer_page(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("pageToken")
        return answer(200, "search-listings-page-2.json" if token == NEXT else "search-listings-page-1.json")

    return router.get(SEARCH).mock(side_effect=answer_page)


async def test_the_catalog_is_read_page_by_page_with_amazons_page_token(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = pages(router)
    client = harness.make()

    first = await client.list_catalog()
    second = await client.list_catalog(first.next_cursor)

    assert first.next_cursor == NEXT and second.next_cursor is None
    assert [listing.ref.sku for listing in [*first.listings, *second.listings]] == [
        "GM-ZDPI-9B4E",
        "GM-ZDPI-9B4F",
        "KITCHEN-KETTLE-01",
    ]
    sent = [call.request.url.params for call in route.calls]
    assert [p.get("pageToken") for p in sent] == [None, NEXT]
    assert all(p["pageSize"] == "20" and p["marketplaceIds"] == US for p in sent)
    assert sent[0]["includedData"] == "summaries,attributes,issues,offers,fulfillmentAvailability"
    assert {e.operation for e in harness.recorder.exchanges} == {Operation.catalog}


async def test_a_buyable_listing_carries_its_asin_product_type_price_and_stock(
    router: respx.MockRouter, harness: Harness
) -> None:
    pages(router)
    healthy = (await harness.make().list_catalog()).listings[0]

    assert (healthy.ref.item_id, healthy.ref.extra) == ("B071VG5N9D", {"product_type": "LUGGAGE"})
    assert (healthy.price, healthy.quantity, healthy.status) == (Decimal("100.00"), 100, "BUYABLE,DISCOVERABLE")
    assert healthy.title == "Hardside Carry-On Spinner Suitcase Luggage" and healthy.rejected == ()


async def test_a_suppressed_listing_is_rejected_by_its_error_issue_with_amazons_words(
    router: respx.MockRouter, harness: Harness
) -> None:
    pages(router)
    suppressed = (await harness.make().list_catalog()).listings[1]

    [rejection] = suppressed.rejected  # the WARNING beside the ERROR does not reject the listing
    assert rejection.error_type is ErrorType.LISTING_REJECTED and rejection.severity is Severity.error
    assert (rejection.platform_code, rejection.platform_message) == ("90220", "'size' is required but not supplied.")
    assert rejection.missing_fields == ("size",)
    assert rejection.raw["enforcements"]["actions"] == [{"action": "LISTING_SUPPRESSED"}]


async def test_a_listing_that_is_not_buyable_is_rejected_by_the_issue_it_carries(
    router: respx.MockRouter, harness: Harness
) -> None:
    pages(router)
    [listing] = (await harness.make().list_catalog(NEXT)).listings

    assert listing.status == "DISCOVERABLE"
    [rejection] = listing.rejected
    assert (rejection.error_type, rejection.platform_code) == (ErrorType.LISTING_REJECTED, "18742")
    assert rejection.platform_message == "Restricted Products Policy Violation"


async def test_an_access_token_that_expired_mid_paging_is_refreshed_once_and_the_page_read(
    router: respx.MockRouter, harness: Harness
) -> None:
    expired = answer(403, "errors-403-token-expired.json")
    search = router.get(SEARCH).mock(
        side_effect=[answer(200, "search-listings-page-1.json"), expired, answer(200, "search-listings-page-2.json")]
    )
    lwa = router.post(LWA).mock(return_value=new_token())
    client = harness.make()

    first = await client.list_catalog()
    second = await client.list_catalog(first.next_cursor)

    assert second.errors == [] and [listing.ref.sku for listing in second.listings] == ["KITCHEN-KETTLE-01"]
    assert lwa.call_count == 1 and len(harness.stored) == 1
    assert search.calls[-1].request.headers["x-amz-access-token"] == "Atza|fresh-access-token-0002"
    assert search.calls[-1].request.url.params["pageToken"] == NEXT


async def test_a_throttled_page_is_retried_and_then_read(router: respx.MockRouter, harness: Harness) -> None:
    router.get(SEARCH).mock(
        side_effect=[answer(429, "errors-429-quota-exceeded.json"), answer(200, "search-listings-page-1.json")]
    )

    page = await harness.make().list_catalog()

    assert page.errors == [] and len(page.listings) == 2
    assert len(harness.sleeps.delays) == 1


async def test_a_malformed_page_reports_an_error_and_no_listings(router: respx.MockRouter, harness: Harness) -> None:
    router.get(SEARCH).mock(return_value=httpx.Response(200, content=b'{"numberOfResults": 3, "items": [{"sku"'))

    page = await harness.make().list_catalog()

    assert page.listings == [] and page.next_cursor is None
    [error] = page.errors
    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR and error.raw["body"].startswith('{"numberOfResults"')


async def test_a_page_without_an_item_list_is_an_error_too(router: respx.MockRouter, harness: Harness) -> None:
    router.get(SEARCH).mock(return_value=httpx.Response(200, json={"numberOfResults": 3}))

    page = await harness.make().list_catalog()

    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR] and page.listings == []
