"""SP-API needs no SigV4: the "signing vector" is the exact request shape Amazon documents.

Headers `x-amz-access-token`, `x-amz-date` (the developer guide's example is `20190430T123600Z`) and a user agent,
no Authorization header; the LWA refresh is a form POST with grant_type, refresh_token, client_id, client_secret.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from tests.platforms.amazon.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    LWA,
    NA,
    OLD_ACCESS,
    REFRESH,
    SELLER,
    US,
    Harness,
    answer,
    connection,
    new_token,
    sku_of,
)
from workers.platforms.amazon.wire import listing_path, lwa_refresh_form, sp_api_headers
from workers.platforms.base import ListingRef, PriceUpdate, StockUpdate


def test_headers_carry_the_token_and_the_documented_date_format_and_no_signature() -> None:
    headers = sp_api_headers("Atza|token", datetime(2019, 4, 30, 12, 36, 0, tzinfo=UTC))

    assert headers["x-amz-access-token"] == "Atza|token"
    assert headers["x-amz-date"] == "20190430T123600Z"
    assert headers["user-agent"].startswith("OpenClaw/")
    assert "authorization" not in {k.lower() for k in headers}


def test_request_date_is_converted_to_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    headers = sp_api_headers("t", datetime(2019, 4, 30, 21, 36, 0, tzinfo=tokyo))

    assert headers["x-amz-date"] == "20190430T123600Z"


def test_lwa_refresh_form_has_exactly_the_four_documented_fields() -> None:
    form = parse_qs(lwa_refresh_form("Atzr|abc", "client-1", "secret-1"), strict_parsing=True)

    assert form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["Atzr|abc"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_sku_is_percent_encoded_in_the_path_including_slashes() -> None:
    assert listing_path("A1B2", "BOX/12 pack#1") == "/listings/2021-08-01/items/A1B2/BOX%2F12%20pack%231"


async def test_a_price_patch_goes_out_in_the_documented_shape(router: respx.MockRouter, harness: Harness) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))
    client = harness.make()
    ref = ListingRef(sku="BOX/12", extra={"product_type": "LUGGAGE"})

    [result] = await client.update_prices([PriceUpdate(ref, Decimal("15.99"), "USD", sale_price=Decimal("12.5"))])

    assert result.ok
    request = route.calls.last.request
    assert request.url.raw_path.startswith(f"/listings/2021-08-01/items/{SELLER}/BOX%2F12?".encode())
    assert request.url.params["marketplaceIds"] == US
    assert request.headers["x-amz-access-token"] == OLD_ACCESS
    assert re.fullmatch(r"\d{8}T\d{6}Z", request.headers["x-amz-date"])
    assert request.headers["user-agent"].startswith("OpenClaw/")
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {
        "productType": "LUGGAGE",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/purchasable_offer",
                "value": [
                    {
                        "marketplace_id": US,
                        "currency": "USD",
                        "our_price": [{"schedule": [{"value_with_tax": 15.99}]}],
                        "discounted_price": [{"schedule": [{"value_with_tax": 12.5}]}],
                    }
                ],
            }
        ],
    }


async def test_a_stock_patch_merges_quantity_on_the_default_channel_with_product_type_fallback(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))

    await harness.make().update_stock([StockUpdate(ListingRef(sku="MUG-1"), 7)])

    body = json.loads(route.calls.last.request.content)
    assert body == {
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "merge",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 7}],
            }
        ],
    }


async def test_the_lwa_refresh_is_a_form_post_without_sp_api_headers(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(LWA).mock(return_value=new_token())

    tokens = await harness.make().refresh_access_token()

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded;charset=UTF-8"
    assert "x-amz-access-token" not in request.headers
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }
    assert tokens.access_token == "Atza|fresh-access-token-0002"
    assert tokens.refresh_token == "Atzr|rotated-refresh-0002"
    assert tokens.access_expires_at > datetime.now(UTC) + timedelta(minutes=59)


@pytest.mark.parametrize(
    ("market", "host", "marketplace_id"),
    [
        ("US", "sellingpartnerapi-na.amazon.com", "ATVPDKIKX0DER"),
        ("CA", "sellingpartnerapi-na.amazon.com", "A2EUQ1WTGCTBG2"),
        ("UK", "sellingpartnerapi-eu.amazon.com", "A1F83G8C2ARO7P"),
        ("DE", "sellingpartnerapi-eu.amazon.com", "A1PA6795UKMFR9"),
        ("JP", "sellingpartnerapi-fe.amazon.com", "A1VC38T7YXB528"),
    ],
)
async def test_each_market_calls_its_regional_host_with_its_marketplace(
    router: respx.MockRouter, harness: Harness, market: str, host: str, marketplace_id: str
) -> None:
    route = router.get(url__startswith=f"https://{host}/listings/").mock(
        return_value=answer(200, "listings-item-get.json")
    )

    await harness.make(connection(market=market)).get_listing_status([ListingRef(sku="S1")])

    assert route.call_count == 1
    assert route.calls.last.request.url.params["marketplaceIds"] == marketplace_id


async def test_sandbox_base_urls_replace_both_the_api_and_the_token_host(
    router: respx.MockRouter, harness: Harness
) -> None:
    api = router.get(url__startswith="http://sandbox.local:8400/amazon/listings/").mock(
        return_value=answer(200, "listings-item-get.json")
    )
    token = router.post("http://sandbox.local:8400/amazon-auth/auth/o2/token").mock(return_value=new_token())
    conn = connection(
        base_url="http://sandbox.local:8400/amazon/",
        auth_base_url="http://sandbox.local:8400/amazon-auth",
        access_expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )

    [status] = await harness.make(conn).get_listing_status([ListingRef(sku="A/B")])

    assert status.found
    assert token.call_count == 1
    assert sku_of(api.calls.last.request) == "A%2FB"
    assert api.calls.last.request.url.params["includedData"] == "summaries,offers,fulfillmentAvailability,issues"


def test_an_unknown_market_is_refused_at_construction(harness: Harness) -> None:
    with pytest.raises(ValueError, match="FR"):
        harness.make(connection(market="FR"))


async def test_httpx_keeps_the_encoded_slash_on_the_wire(router: respx.MockRouter) -> None:
    # Guards the assumption the path encoding relies on: httpx must not decode %2F before sending.
    route = router.get(url__startswith=NA).mock(return_value=httpx.Response(404, json={}))
    async with httpx.AsyncClient() as http:
        await http.get(f"{NA}{listing_path(SELLER, 'a/b')}")

    assert route.calls.last.request.url.raw_path.endswith(b"/a%2Fb")
