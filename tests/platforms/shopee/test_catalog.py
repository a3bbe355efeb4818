"""Shopee's catalog: get_item_list pages by offset, get_item_base_info reads the items, get_model_list their
variants; a BANNED item is rejected with get_item_violation_info's reasons."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.shopee.conftest import ClientFactory, RecordingSleep, TokenStore, body, url
from workers.platforms.base import ListTraceRecorder, Operation


def shopee(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body(name), headers={"content-type": "application/json"})


def item_pages(request: httpx.Request) -> httpx.Response:
    second = request.url.params.get("offset") == "2"
    return shopee("get_item_list_page_2.json" if second else "get_item_list_page_1.json")


def mock_reads() -> dict[str, respx.Route]:
    return {
        "list": respx.get(url("get_item_list")).mock(side_effect=item_pages),
        "base": respx.get(url("get_item_base_info")).mock(return_value=shopee("get_item_base_info.json")),
        "models": respx.get(url("get_model_list")).mock(return_value=shopee("get_model_list.json")),
        "violations": respx.get(url("get_item_violation_info")).mock(
            return_value=shopee("get_item_violation_info.json")
        ),
    }


@respx.mock
async def test_items_are_listed_by_offset_in_every_state_with_one_listing_per_model(make_client: ClientFactory) -> None:
    routes = mock_reads()
    client = make_client()

    first = await client.list_catalog()
    second = await client.list_catalog(first.next_cursor)

    assert (first.next_cursor, second.next_cursor) == ("2", None)
    assert [listing.ref.sku for listing in first.listings] == ["TS-001", "HD-M", "HD-L"]
    assert [listing.ref.sku for listing in second.listings] == ["MUG"]
    sent = routes["list"].calls[0].request.url.params
    assert (sent["offset"], sent["page_size"]) == ("0", "100")
    assert sent.get_list("item_status") == ["NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"]
    assert routes["base"].calls[0].request.url.params["item_id_list"] == "1000,2000"
    assert [c.request.url.params["item_id"] for c in routes["models"].calls] == ["2000"]  # only the item with models


@respx.mock
async def test_variants_carry_their_model_ids_prices_and_stock(make_client: ClientFactory) -> None:
    mock_reads()
    plain, medium, large = (await make_client().list_catalog()).listings

    assert (plain.ref.item_id, plain.ref.variant_id, plain.price, plain.quantity) == ("1000", "0", Decimal("39.9"), 25)
    assert (medium.ref.item_id, medium.ref.variant_id, medium.price) == ("2000", "2001", Decimal("89.0"))
    assert large.ref.variant_id == "2002" and medium.title == large.title == "Hoodie"
    assert all(listing.rejected == () and listing.status == "NORMAL" for listing in (plain, medium, large))


@respx.mock
async def test_a_banned_item_is_rejected_with_the_violation_shopee_gives(
    make_client: ClientFactory, recorder: ListTraceRecorder
) -> None:
    routes = mock_reads()
    [mug] = (await make_client().list_catalog("2")).listings

    assert {e.operation for e in recorder.exchanges} == {Operation.catalog}
    assert mug.status == "BANNED" and routes["violations"].calls[0].request.url.params["item_id_list"] == "3000"
    [rejection] = mug.rejected
    assert (rejection.error_type, rejection.platform_code) == (ErrorType.LISTING_REJECTED, "BANNED")
    assert rejection.platform_message == "Prohibited Listing: License Reason (Upload license)"
    assert rejection.raw["violation_reason"] == "License Reason"


@respx.mock
async def test_an_expired_token_mid_paging_is_refreshed_and_the_page_read(
    make_client: ClientFactory, store: TokenStore
) -> None:
    expired = shopee("error_invalid_access_token.json", 403)
    item_list = respx.get(url("get_item_list")).mock(side_effect=[expired, shopee("get_item_list_page_2.json")])
    respx.get(url("get_item_base_info")).mock(return_value=shopee("get_item_base_info.json"))
    respx.get(url("get_item_violation_info")).mock(return_value=shopee("get_item_violation_info.json"))
    refresh = respx.post(url("token_refresh")).mock(return_value=shopee("refresh_access_token_success.json"))

    page = await make_client().list_catalog("2")

    assert page.errors == [] and [listing.ref.sku for listing in page.listings] == ["MUG"]
    assert refresh.call_count == 1 and len(store.saved) == 1
    assert item_list.calls[-1].request.url.params["access_token"] == store.saved[0].access_token


@respx.mock
async def test_a_throttled_page_is_retried_and_then_read(make_client: ClientFactory, sleep: RecordingSleep) -> None:
    mock_reads()["list"].side_effect = [
        httpx.Response(429, text="Too Many Requests"),
        shopee("get_item_list_page_2.json"),
    ]

    page = await make_client().list_catalog("2")

    assert page.errors == [] and len(page.listings) == 1 and len(sleep.delays) == 1


@respx.mock
async def test_a_malformed_page_reports_an_error_and_no_listings(make_client: ClientFactory) -> None:
    respx.get(url("get_item_list")).mock(return_value=shopee("truncated.json"))

    page = await make_client().list_catalog()

    assert page.listings == [] and page.next_cursor is None
    assert [e.error_type for e in page.errors] == [ErrorType.UNKNOWN_PLATFORM_ERROR]


@respx.mock
async def test_a_failed_item_read_fails_the_page(make_client: ClientFactory) -> None:
    respx.get(url("get_item_list")).mock(side_effect=item_pages)
    respx.get(url("get_item_base_info")).mock(return_value=shopee("error_server.json", 500))

    page = await make_client().list_catalog()

    assert page.listings == [] and [e.error_type for e in page.errors] == [ErrorType.PLATFORM_UNAVAILABLE]


async def test_a_cursor_that_is_not_an_offset_is_refused_before_sending(make_client: ClientFactory) -> None:
    page = await make_client().list_catalog("next-please")

    assert [e.error_type for e in page.errors] == [ErrorType.VALIDATION_FAILED]
