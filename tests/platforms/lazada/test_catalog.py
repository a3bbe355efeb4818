"""Lazada's catalog through GetProducts: filter=all, offset and limit 50, one listing per SKU, a QC-rejected
product as LISTING_REJECTED with each of its reject reasons."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.lazada.helpers import API, Harness, body, form
from workers.platforms.base import Operation

PRODUCTS = f"{API}/products/get"


def lazada(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body(name), headers={"content-type": "application/json"})


def pages(request: httpx.Request) -> httpx.Response:
    return lazada("get_products_page_2.json" if form(request)["offset"] == "2" else "get_products_page_1.json")


@respx.mock
async def test_products_are_listed_by_offset_with_one_listing_per_sku(harness: Harness) -> None:
    route = respx.get(PRODUCTS).mock(side_effect=pages)
    client = harness.client()

    first = await client.list_catalog()
    second = await client.list_catalog(first.next_cursor)

    assert (first.next_cursor, second.next_cursor) == ("2", None)
    skus = [listing.ref.sku for listing in [*first.listings, *second.listings]]
    assert skus == ["MY-MUG-001", "MY-MUG-002", "MY-SUPP-010", "MY-BOWL-001"]
    sent = [form(call.request) for call in route.calls]
    assert [(p["filter"], p["offset"], p["limit"]) for p in sent] == [("all", "0", "50"), ("all", "2", "50")]
    assert all("sign" in p for p in sent) and {e.operation for e in harness.recorder.exchanges} == {Operation.catalog}


@respx.mock
async def test_the_skus_of_a_product_keep_their_ids_prices_stock_and_status(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(side_effect=pages)
    mug, second_mug, _ = (await harness.client().list_catalog()).listings

    assert (mug.ref.item_id, mug.ref.variant_id, mug.title) == ("180226526", "1104491", "Ceramic mug")
    assert (mug.price, mug.quantity, mug.status) == (Decimal("19.9"), 7, "active")
    assert (second_mug.ref.variant_id, second_mug.status, second_mug.quantity) == ("1104492", "inactive", 0)
    assert mug.rejected == second_mug.rejected == ()


@respx.mock
async def test_a_qc_rejected_product_is_rejected_once_per_reason_lazada_gives(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(side_effect=pages)
    supplement = (await harness.client().list_catalog()).listings[2]

    assert supplement.status == "rejected"
    assert [(e.error_type, e.platform_code, e.platform_message) for e in supplement.rejected] == [
        (ErrorType.LISTING_REJECTED, "rejected", "Poor image quality; Please upload clear product images"),
        (ErrorType.LISTING_REJECTED, "rejected", "Wrong category; Please select the correct category"),
    ]
    assert supplement.rejected[1].raw["violationDetail"] == "Wrong category"


@respx.mock
async def test_an_expired_token_mid_paging_is_refreshed_and_the_page_read(harness: Harness) -> None:
    route = respx.get(PRODUCTS).mock(
        side_effect=[lazada("illegal_access_token.json"), lazada("get_products_page_2.json")]
    )
    refresh = respx.post("https://auth.lazada.com/rest/auth/token/refresh").mock(
        return_value=lazada("token_refresh_success.json")
    )

    page = await harness.client().list_catalog("2")

    assert page.errors == [] and [listing.ref.sku for listing in page.listings] == ["MY-BOWL-001"]
    assert refresh.call_count == 1 and len(harness.stored_tokens) == 1
    retried = form(route.calls[-1].request)
    assert retried["access_token"] == harness.stored_tokens[0].access_token and retried["offset"] == "2"


@respx.mock
async def test_a_throttled_page_is_retried_and_then_read(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(side_effect=[lazada("api_call_limit.json"), lazada("get_products_page_2.json")])

    page = await harness.client().list_catalog("2")

    assert page.errors == [] and len(page.listings) == 1 and len(harness.delays) == 1


@respx.mock
async def test_a_gateway_429_is_retried_and_then_read(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(
        side_effect=[httpx.Response(429, text="Too Many Requests"), lazada("get_products_page_2.json")]
    )

    page = await harness.client().list_catalog("2")

    assert page.errors == [] and len(page.listings) == 1


@respx.mock
async def test_a_malformed_page_reports_an_error_and_no_listings(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(return_value=httpx.Response(200, content=b'{"code":"0","data":{"products":[{"item'))

    page = await harness.client().list_catalog()

    assert page.listings == [] and page.next_cursor is None
    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR]


@respx.mock
async def test_an_answer_without_products_is_an_error(harness: Harness) -> None:
    respx.get(PRODUCTS).mock(return_value=httpx.Response(200, json={"code": "0", "data": {}, "request_id": "1"}))

    page = await harness.client().list_catalog()

    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR]
