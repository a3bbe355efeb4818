"""Throttling, outages, timeouts and unreadable bodies never lose the batch: each becomes a named error."""

from __future__ import annotations

from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.amazon.conftest import LWA, NA, Harness, answer
from workers.platforms.base import ListingRef, PriceUpdate, RetryPolicy, StockUpdate


def stock(sku: str, quantity: int = 5) -> StockUpdate:
    return StockUpdate(ListingRef(sku=sku), quantity)


async def test_a_throttled_call_waits_what_retry_after_says_then_succeeds(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(
        side_effect=[
            answer(429, "errors-429-quota-exceeded.json", headers={"Retry-After": "3"}),
            answer(200, "submission-accepted.json"),
        ]
    )

    [result] = await harness.make().update_stock([stock("MUG-1")])

    assert result.ok
    assert harness.sleeps.delays == [3.0]
    assert route.call_count == 2
    assert [e.attempt for e in harness.recorder.exchanges] == [1, 2]


async def test_throttling_that_outlasts_the_retries_is_rate_limited(router: respx.MockRouter, harness: Harness) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(429, "errors-429-quota-exceeded.json")
    )

    [result] = await harness.make().update_stock([stock("MUG-1")])

    assert [(e.error_type, e.platform_code) for e in result.errors] == [(ErrorType.RATE_LIMITED, "QuotaExceeded")]
    assert route.call_count == 3  # the harness policy allows three attempts
    assert len(harness.sleeps.delays) == 2


async def test_an_outage_that_outlasts_the_retry_budget_is_platform_unavailable(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(
        side_effect=[answer(500, "errors-500-internal-failure.json")]
        + [answer(503, "errors-503-service-unavailable.json")] * 5
    )
    retry = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=20.0, budget_seconds=4.0)

    results = await harness.make(retry=retry).update_prices([PriceUpdate(ListingRef(sku="A"), Decimal("9.99"), "USD")])

    [error] = results[0].errors
    assert error.error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert error.platform_code == "ServiceUnavailable"
    assert sum(harness.sleeps.delays) <= 4.0
    assert 2 <= route.call_count < 6  # the time budget, not the attempt count, stopped it


async def test_a_gateway_html_502_after_retries_is_platform_unavailable_with_the_text_kept(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=httpx.Response(502, text="<html><body>Bad Gateway</body></html>")
    )

    [result] = await harness.make().update_stock([stock("A")])

    [error] = result.errors
    assert error.error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert "Bad Gateway" in error.raw["body"]


async def test_timeouts_after_retries_are_platform_unavailable(router: respx.MockRouter, harness: Harness) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=httpx.ReadTimeout("read timed out"))

    [result] = await harness.make().update_stock([stock("A")])

    [error] = result.errors
    assert error.error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert error.platform_code == "TRANSPORT_ERROR"
    assert "ReadTimeout" in error.platform_message
    assert route.call_count == 3
    assert all(e.transport_error for e in harness.recorder.exchanges)


async def test_a_token_endpoint_outage_is_not_reported_as_an_expired_authorisation(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(403, "errors-403-token-expired.json"))
    router.post(LWA).mock(return_value=httpx.Response(503, text="Service Unavailable"))

    [result] = await harness.make().update_stock([stock("A")])

    assert [e.error_type for e in result.errors] == [ErrorType.PLATFORM_UNAVAILABLE]


async def test_a_malformed_body_is_unknown_with_the_raw_text_kept_and_other_items_unaffected(
    router: respx.MockRouter, harness: Harness
) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        if b"/BROKEN?" in request.url.raw_path:
            return httpx.Response(200, text='{"sku": "BROKEN", "status": "ACCEP')
        return answer(200, "submission-accepted.json")

    router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=listing)

    broken, fine = await harness.make().update_stock([stock("BROKEN"), stock("FINE")])

    assert not broken.ok
    [error] = broken.errors
    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.raw["body"] == '{"sku": "BROKEN", "status": "ACCEP'
    assert fine.ok and fine.needs_confirmation


async def test_a_json_answer_without_a_submission_status_is_not_taken_for_success(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.patch(url__startswith=f"{NA}/listings/").mock(return_value=httpx.Response(200, json={"sku": "A"}))

    [result] = await harness.make().update_stock([stock("A")])

    assert not result.ok
    assert result.errors[0].error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
