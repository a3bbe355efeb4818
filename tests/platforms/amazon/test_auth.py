"""Token handling: one refresh and one retry on an expired token, stored before use; failures named rightly."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.amazon.conftest import LWA, NA, OLD_ACCESS, Harness, answer, connection, new_token
from workers.platforms.amazon.client import AmazonAuthError
from workers.platforms.base import (
    ClientDeps,
    ListingRef,
    PlatformClient,
    PriceUpdate,
    StockUpdate,
    TokenRefreshError,
    get_client,
)

FRESH = "Atza|fresh-access-token-0002"


def price(sku: str = "MUG-1") -> PriceUpdate:
    return PriceUpdate(ListingRef(sku=sku), Decimal("10"), "USD")


@pytest.mark.parametrize("rejection", ["errors-403-token-expired.json", "errors-403-token-revoked.json"])
async def test_an_expired_token_is_refreshed_stored_and_the_call_retried_once(
    router: respx.MockRouter, harness: Harness, rejection: str
) -> None:
    seen_tokens: list[str] = []
    stored_when_sent: list[int] = []

    def listing(request: httpx.Request) -> httpx.Response:
        token = request.headers["x-amz-access-token"]
        seen_tokens.append(token)
        stored_when_sent.append(len(harness.stored))
        return answer(200, "submission-accepted.json") if token == FRESH else answer(403, rejection)

    router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=listing)
    lwa = router.post(LWA).mock(return_value=new_token(FRESH))

    [result] = await harness.make().update_prices([price()])

    assert result.ok and result.needs_confirmation
    assert seen_tokens == [OLD_ACCESS, FRESH]
    assert lwa.call_count == 1
    # The new pair reached the sink before the retry used the new access token.
    assert [t.access_token for t in harness.stored] == [FRESH]
    assert stored_when_sent == [0, 1]


async def test_a_token_past_its_expiry_is_refreshed_before_the_first_call(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))
    router.post(LWA).mock(return_value=new_token(FRESH))
    conn = connection(access_expires_at=datetime.now(UTC) - timedelta(seconds=5))

    [result] = await harness.make(conn).update_stock([StockUpdate(ListingRef(sku="MUG-1"), 3)])

    assert result.ok
    assert route.call_count == 1
    assert route.calls.last.request.headers["x-amz-access-token"] == FRESH
    assert len(harness.stored) == 1


@pytest.mark.parametrize(("status", "body"), [(400, "lwa-invalid-grant.json"), (401, "lwa-invalid-client.json")])
async def test_a_refused_refresh_is_auth_expired_for_every_item_without_retrying(
    router: respx.MockRouter, harness: Harness, status: int, body: str
) -> None:
    listing = router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(403, "errors-403-token-expired.json")
    )
    lwa = router.post(LWA).mock(return_value=answer(status, body))

    results = await harness.make().update_prices([price("A"), price("B"), price("C")])

    assert [r.ok for r in results] == [False, False, False]
    assert all(r.errors == results[0].errors for r in results)
    [error] = results[0].errors
    assert error.error_type is ErrorType.AUTH_EXPIRED
    assert error.raw["error"] in {"invalid_grant", "invalid_client"}
    assert listing.call_count == 3
    assert lwa.call_count == 1  # one refused refresh is enough for the whole batch
    assert harness.stored == []
    [lwa_trace] = [e.trace_id for e in harness.recorder.exchanges if e.operation.value == "auth"]
    assert {r.trace_id for r in results} == {lwa_trace}  # each points at the refused LWA call


async def test_refresh_access_token_raises_with_the_mapped_errors(router: respx.MockRouter, harness: Harness) -> None:
    router.post(LWA).mock(return_value=answer(400, "lwa-invalid-grant.json"))

    with pytest.raises(AmazonAuthError) as failure:
        await harness.make().refresh_access_token()

    assert [e.error_type for e in failure.value.errors] == [ErrorType.AUTH_EXPIRED]
    assert isinstance(failure.value, TokenRefreshError)  # the shared contract callers catch


async def test_no_stored_refresh_token_is_auth_expired_without_any_call(
    router: respx.MockRouter, harness: Harness
) -> None:
    conn = connection(access_token=None, refresh_token=None)

    [result] = await harness.make(conn).update_prices([price()])

    assert result.errors[0].error_type is ErrorType.AUTH_EXPIRED
    assert len(router.calls) == 0


async def test_a_403_with_empty_details_is_a_missing_role_and_is_not_refreshed(
    router: respx.MockRouter, harness: Harness
) -> None:
    listing = router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(403, "errors-403-missing-role.json")
    )
    lwa = router.post(LWA).mock(return_value=new_token(FRESH))

    [result] = await harness.make().update_prices([price()])

    assert [e.error_type for e in result.errors] == [ErrorType.AUTH_SCOPE_MISSING]
    assert listing.call_count == 1
    assert lwa.call_count == 0


async def test_an_expired_token_answer_that_survives_a_refresh_is_a_missing_scope_not_a_loop(
    router: respx.MockRouter, harness: Harness
) -> None:
    listing = router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(403, "errors-403-token-expired.json")
    )
    lwa = router.post(LWA).mock(return_value=new_token(FRESH))

    [result] = await harness.make().update_prices([price()])

    assert [e.error_type for e in result.errors] == [ErrorType.AUTH_SCOPE_MISSING]
    assert result.errors[0].raw["details"] == "The access token you provided has expired."
    assert listing.call_count == 2
    assert lwa.call_count == 1


async def test_concurrent_calls_rejected_together_share_one_refresh(router: respx.MockRouter, harness: Harness) -> None:
    async def listing(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let every call fail on the old token before any refresh completes
        if request.headers["x-amz-access-token"] == FRESH:
            return answer(200, "submission-accepted.json")
        return answer(403, "errors-403-token-expired.json")

    router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=listing)
    lwa = router.post(LWA).mock(return_value=new_token(FRESH))

    results = await harness.make().update_prices([price(f"SKU-{i}") for i in range(4)])

    assert all(r.ok for r in results)
    assert lwa.call_count == 1
    assert len(harness.stored) == 1


async def test_a_just_refreshed_token_refused_as_expired_is_not_refreshed_again(
    router: respx.MockRouter, harness: Harness
) -> None:
    listing = router.patch(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(403, "errors-403-token-revoked.json")
    )
    lwa = router.post(LWA).mock(return_value=new_token(FRESH))
    conn = connection(access_expires_at=datetime.now(UTC) - timedelta(minutes=1))

    [result] = await harness.make(conn).update_prices([price()])

    assert [e.error_type for e in result.errors] == [ErrorType.AUTH_SCOPE_MISSING]
    assert lwa.call_count == 1  # the proactive refresh only
    assert listing.call_count == 1


async def test_the_client_satisfies_the_platform_contract_through_the_factory(
    http: httpx.AsyncClient, harness: Harness
) -> None:
    client = get_client(connection(), ClientDeps(http=http, recorder=harness.recorder))

    assert isinstance(client, PlatformClient)
    assert client.platform.value == "amazon"
