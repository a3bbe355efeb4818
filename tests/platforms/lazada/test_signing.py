"""The LazOP signature, checked against the official worked example and on the requests the client sends."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from tests.platforms.lazada.helpers import API, APP_SECRET, Harness, body, form
from workers.platforms.base import ListingRef, PriceUpdate
from workers.platforms.lazada.wire import sign


def test_signature_matches_lazadas_published_worked_example() -> None:
    # Lazada's "HTTP request sample" guide: GetOrder with these parameters and secret "helloworld".
    params = {
        "app_key": "123456",
        "access_token": "test",
        "timestamp": "1517820392000",
        "sign_method": "sha256",
        "order_id": "1234",
    }
    assert sign("helloworld", "/order/get", params) == (
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    )


def test_signature_ignores_an_existing_sign_parameter_and_depends_on_the_path() -> None:
    params = {"app_key": "1", "timestamp": "2"}
    assert sign("k", "/a", {**params, "sign": "OLD"}) == sign("k", "/a", params)
    assert sign("k", "/a", params) != sign("k", "/b", params)


@respx.mock
async def test_a_price_push_is_posted_form_encoded_with_a_valid_signature(harness: Harness) -> None:
    route = respx.post(f"{API}/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("price_quantity_success.json"))
    )
    item = PriceUpdate(ListingRef("MY-TEA-001", "234222211", "314525867"), Decimal("32.90"), "MYR")

    await harness.client().update_prices([item])

    request = route.calls.last.request
    assert request.url.query == b""  # everything travels in the form body, as the official SDK sends it
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    params = form(request)
    assert params["sign_method"] == "sha256" and params["app_key"] == "123456"
    assert len(params["timestamp"]) == 13  # epoch milliseconds
    assert params["sign"] == sign(APP_SECRET, "/product/price_quantity/update", params)
    assert "<SellerSku>MY-TEA-001</SellerSku>" in params["payload"]


@respx.mock
async def test_a_read_sends_its_signed_parameters_in_the_query_string(harness: Harness) -> None:
    route = respx.get(f"{API}/product/item/get").mock(
        return_value=httpx.Response(200, content=body("get_product_item_success.json"))
    )

    await harness.client().get_listing_status([ListingRef("MY-TEA-001", "234222211")])

    params = dict(route.calls.last.request.url.params)
    assert params["item_id"] == "234222211"
    assert params["sign"] == sign(APP_SECRET, "/product/item/get", params)
