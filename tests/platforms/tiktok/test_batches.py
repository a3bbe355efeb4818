"""Per-product calls, SKU caps, per-SKU failures inside a code-0 answer, and our own pre-checks."""

from __future__ import annotations

from decimal import Decimal

import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.tiktok.conftest import (
    API_HOST,
    PRODUCT,
    MakeClient,
    answer,
    price_path,
    ref,
    sent_json,
    stock_path,
)
from workers.platforms.base import ListingRef, PriceUpdate, StockUpdate

OTHER_PRODUCT = "1729592969712209999"


async def test_a_stock_answer_with_per_sku_errors_fails_only_those_skus(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=stock_path()).mock(
        return_value=answer("update_inventory_partial_failure.json")
    )
    harness = make_client()
    items = [
        StockUpdate(ref=ref("1729592969712207013", warehouse_id="7068517275539719942"), quantity=10),
        StockUpdate(ref=ref("1729592969712207014", warehouse_id="7068517275539719942"), quantity=20),
        StockUpdate(ref=ref("1729592969712207015", warehouse_id="7068517275539719942"), quantity=0),
    ]

    results = await harness.client.update_stock(items)

    assert route.call_count == 1
    assert sent_json(route.calls.last.request)["skus"][0] == {
        "id": "1729592969712207013",
        "inventory": [{"warehouse_id": "7068517275539719942", "quantity": 10}],
    }
    assert [r.ok for r in results] == [False, True, False]
    [warehouse] = results[0].errors
    assert warehouse.error_type is ErrorType.INVENTORY_SYNC_FAILED
    assert warehouse.platform_code == "12052097" and warehouse.platform_message == "The warehouse does not exist"
    assert warehouse.raw["detail"]["sku_id"] == "1729592969712207013"
    assert results[1].errors == []
    [promotion] = results[2].errors
    assert promotion.platform_code == "12052393" and promotion.error_type is ErrorType.INVENTORY_SYNC_FAILED
    assert len({r.trace_id for r in results}) == 1


async def test_skus_are_sent_one_product_per_call_and_split_at_the_market_sku_cap(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    first = api.post(host=API_HOST, path=price_path(PRODUCT)).mock(return_value=answer("update_price_success.json"))
    second = api.post(host=API_HOST, path=price_path(OTHER_PRODUCT)).mock(
        return_value=answer("update_price_success.json")
    )
    harness = make_client(market="SEA")  # 100 SKUs per product outside BR/EU/JP/MX/UK/US
    items = [
        PriceUpdate(ref=ref(f"17295929697{n:08d}"), price=Decimal("10.00"), currency="SGD") for n in range(250)
    ] + [PriceUpdate(ref=ref(f"18{n:017d}", OTHER_PRODUCT), price=Decimal("3"), currency="SGD") for n in range(2)]

    results = await harness.client.update_prices(items)

    assert len(results) == 252 and all(r.ok for r in results)
    assert [len(sent_json(c.request)["skus"]) for c in first.calls] == [100, 100, 50]
    assert [len(sent_json(c.request)["skus"]) for c in second.calls] == [2]
    assert [r.sku for r in results] == [i.ref.sku for i in items]


async def test_us_shops_take_up_to_300_skus_per_call(api: respx.MockRouter, make_client: MakeClient) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("update_price_success.json"))
    harness = make_client(market="US")
    items = [PriceUpdate(ref=ref(f"17295929697{n:08d}"), price=Decimal("1"), currency="USD") for n in range(301)]

    await harness.client.update_prices(items)

    assert [len(sent_json(c.request)["skus"]) for c in route.calls] == [300, 1]


async def test_a_refused_price_call_fails_every_sku_of_that_call_with_the_same_error(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.post(host=API_HOST, path=price_path()).mock(return_value=answer("price_locked_by_promotion.json"))
    harness = make_client()
    items = [
        PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("9.99"), currency="USD"),
        PriceUpdate(ref=ref("1729592969712207014"), price=Decimal("8.99"), currency="USD"),
    ]

    results = await harness.client.update_prices(items)

    assert [r.ok for r in results] == [False, False]
    assert [[e.error_type for e in r.errors] for r in results] == [[ErrorType.PRICE_NOT_EFFECTIVE]] * 2
    assert results[0].errors[0].platform_code == "12052038"


async def test_bad_values_fail_our_pre_check_and_are_never_sent(api: respx.MockRouter, make_client: MakeClient) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("update_price_success.json"))
    stock = api.post(host=API_HOST, path=stock_path()).mock(return_value=answer("update_inventory_success.json"))
    harness = make_client()

    prices = await harness.client.update_prices(
        [
            PriceUpdate(ref=ref("1729592969712207001"), price=Decimal("0"), currency="USD"),
            PriceUpdate(ref=ref("1729592969712207002"), price=Decimal("-3"), currency="USD"),
            PriceUpdate(ref=ref("1729592969712207003"), price=Decimal("20"), currency="THB"),  # THB floor is 30
            PriceUpdate(ref=ref("1729592969712207004"), price=Decimal("8000"), currency="USD"),  # US cap 7,600
            PriceUpdate(ref=ref("1729592969712207005"), price=Decimal("5"), currency="USD", sale_price=Decimal("4")),
            PriceUpdate(ref=ref("1729592969712207006"), price=Decimal("5"), currency="XXX"),  # ISO 4217 "no currency"
            PriceUpdate(ref=ListingRef(sku="UNBOUND-1"), price=Decimal("5"), currency="USD"),
            PriceUpdate(ref=ref("1729592969712207007"), price=Decimal("5"), currency="USD"),
        ]
    )
    stocks = await harness.client.update_stock(
        [
            StockUpdate(ref=ref("1729592969712207001"), quantity=-1),
            StockUpdate(ref=ref("1729592969712207002"), quantity=100_000),
        ]
    )

    assert [r.ok for r in prices] == [False] * 7 + [True]
    assert [p.errors[0].error_type for p in prices[:6]] == [ErrorType.VALIDATION_FAILED] * 6
    assert prices[6].errors[0].error_type is ErrorType.SKU_MAPPING_FAILED
    assert [len(sent_json(c.request)["skus"]) for c in route.calls] == [1]
    assert [s.errors[0].error_type for s in stocks] == [ErrorType.VALIDATION_FAILED] * 2
    assert stock.call_count == 0


async def test_a_sku_listed_twice_in_one_push_is_refused_before_sending(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=stock_path()).mock(return_value=answer("update_inventory_success.json"))
    harness = make_client()

    results = await harness.client.update_stock(
        [
            StockUpdate(ref=ref("1729592969712207013"), quantity=1),
            StockUpdate(ref=ref("1729592969712207013"), quantity=2),
        ]
    )

    assert [r.ok for r in results] == [True, False]
    assert results[1].errors[0].error_type is ErrorType.VALIDATION_FAILED
    assert [len(sent_json(c.request)["skus"]) for c in route.calls] == [1]
