"""Rate limits, outages, timeouts and unreadable answers: retried within the budget, then reported, never raised."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.tiktok.conftest import API_HOST, MakeClient, answer, price_path, ref, stock_path
from workers.platforms.base import PriceUpdate, StockUpdate


def two_prices() -> list[PriceUpdate]:
    return [
        PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("12.50"), currency="USD"),
        PriceUpdate(ref=ref("1729592969712207014"), price=Decimal("13.50"), currency="USD"),
    ]


async def test_a_429_waits_the_retry_after_seconds_then_succeeds(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(
        side_effect=[
            answer("rate_limited.json", status=429, headers={"Retry-After": "7"}),
            answer("update_price_success.json"),
        ]
    )
    harness = make_client()

    results = await harness.client.update_prices(two_prices())

    assert [r.ok for r in results] == [True, True]
    assert harness.sleeps == [7.0]
    assert route.call_count == 2


async def test_429_after_every_attempt_is_rate_limited_for_each_item(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(
        return_value=answer("rate_limited.json", status=429, headers={"Retry-After": "1"})
    )
    harness = make_client()

    results = await harness.client.update_prices(two_prices())

    assert route.call_count == 3
    assert [[e.error_type for e in r.errors] for r in results] == [[ErrorType.RATE_LIMITED]] * 2
    assert results[0].errors[0].platform_code == "36009002"


async def test_a_rate_limit_code_inside_an_http_200_envelope_is_retried_too(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(
        side_effect=[answer("rate_limited.json"), answer("update_price_success.json")]
    )
    harness = make_client()

    results = await harness.client.update_prices(two_prices())

    assert all(r.ok for r in results)
    assert route.call_count == 2 and len(harness.sleeps) == 1


async def test_5xx_until_the_retry_budget_runs_out_is_platform_unavailable(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=stock_path()).mock(
        return_value=httpx.Response(503, text="<html>Service Unavailable</html>")
    )
    harness = make_client()

    [result] = await harness.client.update_stock([StockUpdate(ref=ref("1729592969712207013"), quantity=5)])

    assert route.call_count == 3 and len(harness.sleeps) == 2
    [error] = result.errors
    assert error.error_type is ErrorType.PLATFORM_UNAVAILABLE and error.platform_code == "HTTP_503"
    assert error.raw["body"] == "<html>Service Unavailable</html>"
    assert len({t.trace_id for t in harness.recorder.exchanges}) == 1 and len(harness.recorder.exchanges) == 3


async def test_a_read_timeout_on_every_attempt_is_platform_unavailable(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(side_effect=httpx.ReadTimeout("read timed out"))
    harness = make_client()

    results = await harness.client.update_prices(two_prices())

    assert route.call_count == 3
    for result in results:
        [error] = result.errors
        assert error.error_type is ErrorType.PLATFORM_UNAVAILABLE
        assert "ReadTimeout" in error.platform_message
    assert all(t.transport_error for t in harness.recorder.exchanges)


async def test_a_body_that_is_not_json_is_unknown_with_the_raw_text_kept(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.post(host=API_HOST, path=price_path()).mock(return_value=httpx.Response(200, text='{"code":0,"data":{'))
    harness = make_client()

    results = await harness.client.update_prices(two_prices())

    for result in results:
        assert not result.ok
        [error] = result.errors
        assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
        assert error.raw["body"] == '{"code":0,"data":{'
