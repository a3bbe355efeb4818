"""Price and stock pushes: pre-checks, one item per call, 50 models per call, per-model results, retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.shopee.conftest import ClientFactory, RecordingSleep, body, make_connection, url
from workers.platforms.base import ListingRef, PriceUpdate, StockUpdate

E = ErrorType


def price(sku: str, item: str | None, model: str | None, value: str, currency: str = "MYR") -> PriceUpdate:
    return PriceUpdate(ListingRef(sku, item, model), Decimal(value), currency)


def stock(sku: str, item: str, model: str | None, quantity: int, **extra: str) -> StockUpdate:
    return StockUpdate(ListingRef(sku, item, model, extra=extra), quantity)


def sent(route: respx.Route) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


def echo_success(list_field: str) -> Callable[[httpx.Request], httpx.Response]:
    """A Shopee that accepts every model it is sent."""

    def respond(request: httpx.Request) -> httpx.Response:
        models = json.loads(request.content)[list_field]
        success = [{"model_id": m["model_id"]} for m in models]
        return httpx.Response(
            200, json={"error": "", "message": "", "response": {"failure_list": [], "success_list": success}}
        )

    return respond


@respx.mock
async def test_a_partial_price_failure_fails_only_its_model(make_client: ClientFactory) -> None:
    route = respx.post(url("update_price")).respond(200, content=body("update_price_partial.json"))

    results = await make_client().update_prices(
        [price("HD-RED", "1000", "3456", "39.90"), price("HD-BLUE", "1000", "3457", "39.90")]
    )

    assert [(r.sku, r.ok) for r in results] == [("HD-RED", False), ("HD-BLUE", True)]
    assert results[0].errors[0].error_type is E.PRICE_NOT_EFFECTIVE
    assert results[0].errors[0].raw["model_id"] == 3456
    assert results[1].errors == []
    assert results[0].trace_id == results[1].trace_id is not None
    assert sent(route) == [
        {
            "item_id": 1000,
            "price_list": [{"model_id": 3456, "original_price": 39.9}, {"model_id": 3457, "original_price": 39.9}],
        }
    ]


@respx.mock
async def test_a_partial_stock_failure_fails_only_its_model(make_client: ClientFactory) -> None:
    route = respx.post(url("update_stock")).respond(200, content=body("update_stock_partial.json"))

    results = await make_client().update_stock([stock("HD-M", "2000", "2001", 25), stock("HD-L", "2000", "2002", 1)])

    assert [r.ok for r in results] == [True, False]
    assert results[1].errors[0].error_type is E.INVENTORY_SYNC_FAILED
    assert sent(route)[0]["stock_list"] == [
        {"model_id": 2001, "seller_stock": [{"stock": 25}]},
        {"model_id": 2002, "seller_stock": [{"stock": 1}]},
    ]


@respx.mock
async def test_a_multi_warehouse_binding_sends_its_location(make_client: ClientFactory) -> None:
    route = respx.post(url("update_stock")).mock(side_effect=echo_success("stock_list"))

    await make_client().update_stock([stock("TS", "1000", None, 7, location_id="MYZ")])

    assert sent(route)[0] == {
        "item_id": 1000,
        "stock_list": [{"model_id": 0, "seller_stock": [{"stock": 7, "location_id": "MYZ"}]}],
    }


@respx.mock
async def test_a_failed_stock_call_reports_the_reason_of_its_model(make_client: ClientFactory) -> None:
    respx.post(url("update_stock")).respond(200, content=body("update_stock_failed_with_list.json"))

    (result,) = await make_client().update_stock([stock("TS", "1000", None, 7)])

    assert not result.ok
    assert [e.platform_message for e in result.errors] == [
        "The merchant/shop has multi warehouse, please input location id"
    ]


@respx.mock
async def test_over_the_model_limit_is_split_into_calls_of_at_most_fifty_one_item_each(
    make_client: ClientFactory,
) -> None:
    route = respx.post(url("update_price")).mock(side_effect=echo_success("price_list"))
    updates = [price(f"A-{n}", "1000", str(5000 + n), "10.50") for n in range(120)]
    updates += [price(f"B-{n}", "2000", str(6000 + n), "20") for n in range(3)]

    results = await make_client().update_prices(updates)

    assert all(r.ok for r in results)
    assert [r.sku for r in results] == [u.ref.sku for u in updates]  # results keep the input order
    calls = sent(route)
    assert route.call_count == 4
    assert [(c["item_id"], len(c["price_list"])) for c in calls] == [(1000, 50), (1000, 50), (1000, 20), (2000, 3)]


@respx.mock
async def test_a_call_wide_error_fails_every_model_of_that_item_only(make_client: ClientFactory) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["item_id"] == 1000:
            return httpx.Response(200, content=body("error_item_not_found.json"))
        return echo_success("price_list")(request)

    respx.post(url("update_price")).mock(side_effect=respond)

    results = await make_client().update_prices(
        [price("A", "1000", "1", "10"), price("B", "1000", "2", "10"), price("C", "2000", None, "10")]
    )

    assert [r.ok for r in results] == [False, False, True]
    assert {r.errors[0].error_type for r in results[:2]} == {E.SKU_MAPPING_FAILED}


@pytest.mark.parametrize(
    ("market", "currency", "value", "sent_value"),
    [
        ("MY", "MYR", "39.90", 39.9),
        ("TH", "THB", "259", 259),
        ("PH", "PHP", "1499.00", 1499),
        ("ID", "IDR", "150000", 150000),
    ],
)
@respx.mock
async def test_prices_are_sent_with_the_decimals_the_market_allows(
    make_client: ClientFactory, market: str, currency: str, value: str, sent_value: float
) -> None:
    route = respx.post(url("update_price")).mock(side_effect=echo_success("price_list"))

    (result,) = await make_client(make_connection(market=market)).update_prices(
        [price("S", "1", None, value, currency)]
    )

    assert result.ok
    sent_price = sent(route)[0]["price_list"][0]["original_price"]
    assert sent_price == sent_value and type(sent_price) is type(sent_value)


@pytest.mark.parametrize(
    ("market", "currency", "value", "code"),
    [
        ("TH", "THB", "99.50", "PRICE_PRECISION"),  # TH/PH/ID take whole numbers only
        ("PH", "PHP", "10.01", "PRICE_PRECISION"),
        ("ID", "IDR", "15000.5", "PRICE_PRECISION"),
        ("MY", "MYR", "10.123", "PRICE_PRECISION"),  # MY takes two decimals
        ("MY", "MYR", "0", "PRICE_NOT_POSITIVE"),
        ("MY", "MYR", "-5", "PRICE_NOT_POSITIVE"),
        ("MY", "THB", "10", "CURRENCY_MISMATCH"),
    ],
)
@respx.mock
async def test_prices_the_market_would_refuse_never_leave(
    make_client: ClientFactory, market: str, currency: str, value: str, code: str
) -> None:
    route = respx.post(url("update_price")).mock(side_effect=echo_success("price_list"))

    (result,) = await make_client(make_connection(market=market)).update_prices(
        [price("S", "1", None, value, currency)]
    )

    assert [(e.error_type, e.platform_code) for e in result.errors] == [(E.VALIDATION_FAILED, code)]
    assert route.call_count == 0


@respx.mock
async def test_only_the_valid_items_of_a_mixed_batch_are_sent(make_client: ClientFactory) -> None:
    route = respx.post(url("update_price")).mock(side_effect=echo_success("price_list"))
    updates = [
        price("OK", "1000", "1", "10"),
        price("ZERO", "1000", "2", "0"),
        price("UNBOUND", None, None, "10"),
        price("DUP", "1000", "1", "11"),
        PriceUpdate(ListingRef("PROMO", "1000", "3"), Decimal("10"), "MYR", sale_price=Decimal("8")),
    ]

    results = await make_client().update_prices(updates)

    assert [r.ok for r in results] == [True, False, False, False, False]
    assert [r.errors[0].error_type for r in results[1:]] == [
        E.VALIDATION_FAILED,
        E.SKU_MAPPING_FAILED,
        E.VALIDATION_FAILED,
        E.VALIDATION_FAILED,
    ]
    assert sent(route) == [{"item_id": 1000, "price_list": [{"model_id": 1, "original_price": 10.0}]}]


@respx.mock
async def test_negative_stock_is_refused_before_sending(make_client: ClientFactory) -> None:
    route = respx.post(url("update_stock")).mock(side_effect=echo_success("stock_list"))

    results = await make_client().update_stock([stock("A", "1000", None, -1), stock("B", "1001", None, 0)])

    assert results[0].errors[0].error_type is E.VALIDATION_FAILED
    assert results[1].ok  # zero stock is a legitimate value
    assert route.call_count == 1


@respx.mock
async def test_an_unsupported_market_or_missing_credentials_fail_every_item(make_client: ClientFactory) -> None:
    route = respx.post(url("update_stock")).mock(side_effect=echo_success("stock_list"))

    sg = await make_client(make_connection(market="SG")).update_stock([stock("A", "1", None, 1)])
    keyless = await make_client(make_connection(credentials={"partner_id": "2001887", "shop_id": "1"})).update_stock(
        [stock("A", "1", None, 1), stock("B", "2", None, 1)]
    )

    assert sg[0].errors[0].platform_code == "MARKET_UNSUPPORTED"
    assert [r.errors[0].missing_fields for r in keyless] == [("partner_key",), ("partner_key",)]
    assert route.call_count == 0


@respx.mock
async def test_a_429_waits_the_retry_after_then_succeeds(make_client: ClientFactory, sleep: RecordingSleep) -> None:
    respx.post(url("update_price")).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, text="Too Many Requests"),
            httpx.Response(200, content=body("update_price_success.json")),
        ]
    )

    (result,) = await make_client().update_prices([price("S", "1000", None, "11.11")])

    assert result.ok
    assert sleep.delays == [3.0]


@respx.mock
async def test_429_until_the_budget_runs_out_is_rate_limited(make_client: ClientFactory, sleep: RecordingSleep) -> None:
    route = respx.post(url("update_price")).respond(429, headers={"Retry-After": "1"}, text="Too Many Requests")

    (result,) = await make_client().update_prices([price("S", "1000", None, "11.11")])

    assert result.errors[0].error_type is E.RATE_LIMITED
    assert route.call_count == 3 and sleep.delays == [1.0, 1.0]


@respx.mock
async def test_5xx_until_the_budget_runs_out_is_unavailable(make_client: ClientFactory, sleep: RecordingSleep) -> None:
    route = respx.post(url("update_stock")).respond(502, content=body("malformed_gateway.html"))

    results = await make_client().update_stock([stock("A", "1", "1", 1), stock("B", "1", "2", 1)])

    assert [r.errors[0].error_type for r in results] == [E.PLATFORM_UNAVAILABLE] * 2
    assert route.call_count == 3
    assert len(sleep.delays) == 2


@respx.mock
async def test_a_timeout_on_every_attempt_is_unavailable(make_client: ClientFactory, sleep: RecordingSleep) -> None:
    route = respx.post(url("update_stock")).mock(side_effect=httpx.ReadTimeout("read timed out"))

    (result,) = await make_client().update_stock([stock("A", "1", None, 1)])

    assert result.errors[0].error_type is E.PLATFORM_UNAVAILABLE
    assert result.errors[0].platform_code == "TRANSPORT_ERROR"
    assert route.call_count == 3


@respx.mock
async def test_a_malformed_success_body_is_unknown_with_the_raw_text_kept(make_client: ClientFactory) -> None:
    respx.post(url("update_price")).respond(200, content=body("truncated.json"))

    (result,) = await make_client().update_prices([price("S", "1000", None, "11.11")])

    assert not result.ok
    assert result.errors[0].error_type is E.UNKNOWN_PLATFORM_ERROR
    assert result.errors[0].raw["body"] == body("truncated.json").decode()


class RecordingLimiter:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float, int]] = []

    async def acquire(self, key: str, rate: float, burst: int) -> None:
        self.calls.append((key, rate, burst))


@respx.mock
async def test_every_call_takes_a_token_from_the_shop_and_operation_bucket(make_client: ClientFactory) -> None:
    respx.post(url("update_stock")).mock(side_effect=echo_success("stock_list"))
    limiter = RecordingLimiter()

    await make_client(limiter=limiter).update_stock([stock("A", "1", None, 1), stock("B", "2", None, 1)])

    assert limiter.calls == [("shopee:our-shop-1:stock", 10, 10)] * 2


async def test_the_factory_builds_this_client_for_a_shopee_connection(http: httpx.AsyncClient) -> None:
    from workers.platforms.base import ClientDeps, ListTraceRecorder, PlatformClient, get_client
    from workers.platforms.shopee import client as shopee

    client = get_client(make_connection(), ClientDeps(http=http, recorder=ListTraceRecorder()))

    assert isinstance(client, shopee.Client)
    assert isinstance(client, PlatformClient)
