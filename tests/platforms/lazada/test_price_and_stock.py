"""UpdatePriceQuantity pushes: batching, partial failures, retries and our own pre-checks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import httpx
import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.lazada.helpers import API, Harness, body, connection, form
from workers.platforms.base import (
    ClientDeps,
    ListingRef,
    Platform,
    PlatformClient,
    PriceUpdate,
    RetryPolicy,
    StockUpdate,
    get_client,
)

UPDATE = f"{API}/product/price_quantity/update"


def price(sku: str, value: str = "32.90", **extra: str) -> PriceUpdate:
    return PriceUpdate(ListingRef(sku, "234222211", None, extra), Decimal(value), "MYR")


def skus_sent(request: httpx.Request) -> list[str]:
    payload = ET.fromstring(form(request)["payload"])
    return [sku.findtext("SellerSku") or "" for sku in payload.iter("Sku")]


@respx.mock
async def test_accepted_skus_are_ok_but_wait_for_the_read_back(harness: Harness) -> None:
    respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("price_quantity_success.json")))

    results = await harness.client().update_prices([price("MY-TEA-001"), price("MY-TEA-002")])

    assert [(r.sku, r.ok, r.needs_confirmation) for r in results] == [
        ("MY-TEA-001", True, True),
        ("MY-TEA-002", True, True),
    ]
    assert results[0].trace_id == harness.recorder.exchanges[-1].trace_id


@respx.mock
async def test_the_xml_payload_carries_ids_price_sale_price_window_and_quantity(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("price_quantity_success.json")))
    on_sale = PriceUpdate(
        ListingRef(
            "MY-TEA-001", "234222211", "314525867", {"sale_start_date": "2026-11-01", "sale_end_date": "2026-11-30"}
        ),
        Decimal("32.9"),
        "MYR",
        sale_price=Decimal("25.50"),
    )
    client = harness.client()

    await client.update_prices([on_sale])
    await client.update_stock([StockUpdate(ListingRef("MY-TEA-002", "234222211", "314525868"), 0)])

    price_sku = ET.fromstring(form(route.calls[0].request)["payload"]).find("Product/Skus/Sku")
    assert price_sku is not None
    assert {child.tag: child.text for child in price_sku} == {
        "ItemId": "234222211",
        "SkuId": "314525867",
        "SellerSku": "MY-TEA-001",
        "Price": "32.90",
        "SalePrice": "25.50",
        "SaleStartDate": "2026-11-01",
        "SaleEndDate": "2026-11-30",
    }
    stock_sku = ET.fromstring(form(route.calls[1].request)["payload"]).find("Product/Skus/Sku")
    assert stock_sku is not None and stock_sku.findtext("Quantity") == "0"
    assert stock_sku.find("Price") is None  # a stock push never touches the price


@respx.mock
async def test_a_partial_failure_fails_only_the_skus_lazada_names(harness: Harness) -> None:
    respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("price_quantity_partial_failure.json")))

    results = await harness.client().update_prices([price("MY-TEA-001"), price("MY-TEA-002"), price("MY-TEA-003")])

    by_sku = {r.sku: r for r in results}
    assert by_sku["MY-TEA-001"].ok and by_sku["MY-TEA-001"].needs_confirmation
    assert [e.error_type for e in by_sku["MY-TEA-002"].errors] == [ErrorType.SKU_MAPPING_FAILED]
    assert [e.error_type for e in by_sku["MY-TEA-003"].errors] == [ErrorType.PRICE_NOT_EFFECTIVE]
    assert not by_sku["MY-TEA-002"].ok and not by_sku["MY-TEA-002"].needs_confirmation


@respx.mock
async def test_a_failure_naming_no_sku_fails_the_whole_batch(harness: Harness) -> None:
    respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("sellable_negative_212.json")))

    results = await harness.client().update_stock(
        [StockUpdate(ListingRef("MY-TEA-001"), 1), StockUpdate(ListingRef("MY-TEA-002"), 2)]
    )

    assert [r.ok for r in results] == [False, False]
    assert {r.errors[0].error_type for r in results} == {ErrorType.INVENTORY_SYNC_FAILED}


@respx.mock
async def test_more_than_fifty_skus_are_split_into_calls_of_at_most_fifty(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("price_quantity_success.json")))
    items = [price(f"MY-SKU-{n:03d}") for n in range(120)]

    results = await harness.client().update_prices(items)

    assert route.call_count == 3
    sent = [skus_sent(call.request) for call in route.calls]
    assert [len(batch) for batch in sent] == [50, 50, 20]
    assert [sku for batch in sent for sku in batch] == [item.ref.sku for item in items]
    assert [r.sku for r in results] == [item.ref.sku for item in items] and all(r.ok for r in results)


@respx.mock
async def test_a_429_waits_for_retry_after_then_succeeds(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, content=body("price_quantity_success.json")),
        ]
    )

    [result] = await harness.client().update_prices([price("MY-TEA-001")])

    assert result.ok
    assert route.call_count == 2
    assert harness.delays == [3.0]


@respx.mock
async def test_lazadas_in_body_throttle_is_retried_in_the_next_second(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(
        side_effect=[
            httpx.Response(200, content=body("api_call_limit.json")),
            httpx.Response(200, content=body("price_quantity_success.json")),
        ]
    )

    [result] = await harness.client().update_prices([price("MY-TEA-001")])

    assert result.ok and route.call_count == 2
    assert harness.delays == [1.0]


@respx.mock
async def test_throttling_that_outlasts_the_retries_is_rate_limited(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("too_frequent_901.json")))

    [result] = await harness.client().update_prices([price("MY-TEA-001")])

    assert route.call_count == 3  # RetryPolicy(max_attempts=3)
    assert result.errors[0].error_type is ErrorType.RATE_LIMITED


@respx.mock
async def test_a_server_error_that_persists_is_platform_unavailable(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(return_value=httpx.Response(502, text="Bad Gateway"))

    results = await harness.client().update_prices([price("MY-TEA-001"), price("MY-TEA-002")])

    assert route.call_count == 3
    assert len(harness.delays) == 2
    assert [r.errors[0].error_type for r in results] == [ErrorType.PLATFORM_UNAVAILABLE] * 2


@respx.mock
async def test_a_timeout_that_persists_is_platform_unavailable(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(side_effect=httpx.ReadTimeout("read timed out"))

    [result] = await harness.client(retry=RetryPolicy(max_attempts=2, base_delay=0.1)).update_stock(
        [StockUpdate(ListingRef("MY-TEA-001"), 3)]
    )

    assert route.call_count == 2
    assert result.errors[0].error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert "ReadTimeout" in result.errors[0].platform_message


@respx.mock
async def test_a_malformed_body_is_an_unknown_error_with_the_raw_text_kept(harness: Harness) -> None:
    respx.post(UPDATE).mock(return_value=httpx.Response(200, text='{"code":"0","data":'))

    [result] = await harness.client().update_prices([price("MY-TEA-001")])

    assert result.errors[0].error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert result.errors[0].raw["body"] == '{"code":"0","data":'


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (price("MY-TEA-001", "0"), "PRICE_NOT_POSITIVE"),
        (price("MY-TEA-001", "-5"), "PRICE_NOT_POSITIVE"),
        (price("MY-TEA-001", "10.555"), "PRICE_PRECISION"),
        (PriceUpdate(ListingRef("MY-TEA-001"), Decimal("10"), "USD"), "CURRENCY_MISMATCH"),
        (PriceUpdate(ListingRef("MY-TEA-001"), Decimal("10"), "MYR", Decimal("12")), "SALE_PRICE_INVALID"),
        (PriceUpdate(ListingRef("MY-TEA-001"), Decimal("10"), "MYR", Decimal("8")), "SALE_DATES_MISSING"),
    ],
)
@respx.mock
async def test_prices_lazada_would_refuse_are_stopped_before_sending(
    harness: Harness, item: PriceUpdate, code: str
) -> None:
    route = respx.post(UPDATE)

    [result] = await harness.client().update_prices([item])

    assert route.call_count == 0
    assert result.errors[0].error_type is ErrorType.VALIDATION_FAILED
    assert result.errors[0].platform_code == code


@respx.mock
async def test_negative_stock_and_duplicates_are_stopped_while_the_rest_is_sent(harness: Harness) -> None:
    route = respx.post(UPDATE).mock(return_value=httpx.Response(200, content=body("price_quantity_success.json")))
    items = [
        StockUpdate(ListingRef("MY-TEA-001"), -1),
        StockUpdate(ListingRef("MY-TEA-002"), 4),
        StockUpdate(ListingRef("MY-TEA-002"), 5),
    ]

    results = await harness.client().update_stock(items)

    assert [r.ok for r in results] == [False, True, False]
    assert [r.errors[0].platform_code for r in results if r.errors] == ["NEGATIVE_QUANTITY", "DUPLICATE_SELLER_SKU"]
    assert skus_sent(route.calls.last.request) == ["MY-TEA-002"]


@pytest.mark.parametrize(
    ("market", "host", "currency"),
    [
        ("TH", "https://api.lazada.co.th/rest", "THB"),
        ("PH", "https://api.lazada.com.ph/rest", "PHP"),
    ],
)
@respx.mock
async def test_each_market_uses_its_regional_gateway_and_currency(
    harness: Harness, market: str, host: str, currency: str
) -> None:
    route = respx.post(f"{host}/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("price_quantity_success.json"))
    )

    [result] = await harness.client(connection(market=market)).update_prices(
        [PriceUpdate(ListingRef("TH-1"), Decimal("199"), currency)]
    )

    assert result.ok and route.call_count == 1


def test_an_unsupported_market_is_refused_at_construction(harness: Harness) -> None:
    with pytest.raises(ValueError, match="not supported"):
        harness.client(connection(market="SG"))


async def test_the_shared_factory_builds_the_lazada_client(harness: Harness) -> None:
    client = get_client(connection(), ClientDeps(http=harness.http, recorder=harness.recorder))

    assert isinstance(client, PlatformClient)
    assert client.platform is Platform.lazada
