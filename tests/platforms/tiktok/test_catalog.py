"""TikTok Shop's catalog through Search Products: one listing per SKU, paged by page_token, a FAILED audit read
from Get Product as LISTING_REJECTED with TikTok's reasons."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.tiktok.conftest import API_HOST, AUTH_HOST, NEW_ACCESS, MakeClient, answer
from workers.platforms.base import Operation

SEARCH = f"https://{API_HOST}/product/202309/products/search"
FAILED_PRODUCT = f"https://{API_HOST}/product/202309/products/1729592969712207020"
NEXT = "b2Zmc2V0PTE="


def search_pages(api: respx.MockRouter) -> respx.Route:
    def page(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("page_token")
        return answer("search_products_page_2.json" if token == NEXT else "search_products_page_1.json")

    return api.post(SEARCH).mock(side_effect=page)


async def test_every_sku_of_every_product_is_listed_page_by_page(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = search_pages(api)
    api.get(FAILED_PRODUCT).mock(return_value=answer("get_product_audit_failed.json"))
    harness = make_client()

    first = await harness.client.list_catalog()
    second = await harness.client.list_catalog(first.next_cursor)

    assert first.next_cursor == NEXT and second.next_cursor is None
    skus = [listing.ref.sku for listing in [*first.listings, *second.listings]]
    assert skus == ["Color-Red-XM001", "Color-Blue-XM001", "Color-Black-XM001", "ANKLE-5PK", "WOOL-HIKE-L"]
    params = [call.request.url.params for call in route.calls]
    assert [p.get("page_token") for p in params] == [None, NEXT] and {p["page_size"] for p in params} == {"100"}
    assert json.loads(route.calls[0].request.content) == {"status": "ALL"}
    assert "sign" in params[0] and {e.operation for e in harness.recorder.exchanges} == {Operation.catalog}


async def test_the_variants_of_a_product_share_its_id_and_keep_their_own_sku_ids_prices_and_stock(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    search_pages(api)
    api.get(FAILED_PRODUCT).mock(return_value=answer("get_product_audit_failed.json"))
    red, blue, black = (await make_client().client.list_catalog()).listings[:3]

    assert {red.ref.item_id, blue.ref.item_id, black.ref.item_id} == {"1729592969712207008"}
    assert (red.ref.variant_id, red.ref.extra) == ("1729592969712207012", {"warehouse_id": "7068517275539719942"})
    assert (red.price, red.quantity, red.status) == (Decimal("117.5"), 999, "ACTIVATE")
    assert (black.price, black.quantity) == (Decimal("128.2"), 0)
    assert red.rejected == blue.rejected == black.rejected == ()


async def test_a_product_that_failed_its_audit_is_rejected_with_tiktoks_reasons(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    search_pages(api)
    detail = api.get(FAILED_PRODUCT).mock(return_value=answer("get_product_audit_failed.json"))

    failed = (await make_client().client.list_catalog()).listings[3]

    assert detail.call_count == 1 and failed.status == "FAILED"
    [rejection] = failed.rejected
    assert rejection.error_type is ErrorType.LISTING_REJECTED
    assert rejection.platform_message == (
        "violate listing rules; The product violates TikTok Shopping listing rules, please check and resubmit."
    )
    assert rejection.raw["reasons"] == ["violate listing rules"] and rejection.raw["position"] == "product"


async def test_an_expired_token_mid_paging_is_refreshed_and_the_page_read(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    search = api.post(SEARCH).mock(
        side_effect=[answer("access_token_expired.json"), answer("search_products_page_2.json")]
    )
    refresh = api.get(f"https://{AUTH_HOST}/api/v2/token/refresh").mock(
        return_value=answer("token_refresh_success.json")
    )
    harness = make_client()

    page = await harness.client.list_catalog(NEXT)

    assert page.errors == [] and [listing.ref.sku for listing in page.listings] == ["WOOL-HIKE-L"]
    assert refresh.call_count == 1 and len(harness.stored_tokens) == 1
    assert search.calls[-1].request.headers["x-tts-access-token"] == NEW_ACCESS
    assert search.calls[-1].request.url.params["page_token"] == NEXT


async def test_a_throttled_page_is_retried_and_then_read(api: respx.MockRouter, make_client: MakeClient) -> None:
    api.post(SEARCH).mock(side_effect=[answer("rate_limited.json", status=429), answer("search_products_page_2.json")])
    harness = make_client()

    page = await harness.client.list_catalog(NEXT)

    assert page.errors == [] and len(page.listings) == 1 and len(harness.sleeps) == 1


async def test_a_malformed_page_reports_an_error_and_no_listings(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.post(SEARCH).mock(return_value=httpx.Response(200, content=b'{"code":0,"data":{"products":[{"id":"17'))

    page = await make_client().client.list_catalog()

    assert page.listings == [] and page.next_cursor is None
    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR]


async def test_an_answer_without_a_product_list_is_an_error(api: respx.MockRouter, make_client: MakeClient) -> None:
    body = {"code": 0, "data": {"products": "none"}, "message": "Success", "request_id": "2024"}
    api.post(SEARCH).mock(return_value=httpx.Response(200, json=body))

    page = await make_client().client.list_catalog()

    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR] and page.listings == []
