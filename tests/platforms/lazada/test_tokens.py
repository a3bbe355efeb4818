"""Token create/refresh, and what a push does when its token is expired, revoked or lacks permission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.lazada.helpers import (
    ACCESS_TOKEN,
    API,
    APP_SECRET,
    AUTH,
    REFRESH_TOKEN,
    Harness,
    body,
    connection,
    form,
    recording,
)
from workers.platforms.base import ListingRef, PriceUpdate, StockUpdate
from workers.platforms.lazada.client import AuthFailed
from workers.platforms.lazada.wire import sign

NEW_ACCESS = "50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"
NEW_REFRESH = "500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi"
PRICE = PriceUpdate(ListingRef("MY-TEA-001", "234222211", "314525867"), Decimal("32.90"), "MYR")


@respx.mock
async def test_an_expired_token_is_refreshed_stored_and_the_push_retried_once(harness: Harness) -> None:
    answers = iter([body("illegal_access_token.json"), body("price_quantity_success.json")])
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        side_effect=recording(harness.events, lambda _: httpx.Response(200, content=next(answers)))
    )
    refresh = respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("token_refresh_success.json"))
    )

    [result] = await harness.client().update_prices([PRICE])

    assert result.ok and result.needs_confirmation
    assert push.call_count == 2 and refresh.call_count == 1
    # The new pair is stored before the retry uses the new access token.
    assert harness.events == [f"call:{ACCESS_TOKEN}", f"stored:{NEW_ACCESS}", f"call:{NEW_ACCESS}"]
    assert harness.stored_tokens[0].refresh_token == NEW_REFRESH
    refresh_params = form(refresh.calls.last.request)
    assert refresh_params["refresh_token"] == REFRESH_TOKEN
    assert "access_token" not in refresh_params
    assert refresh_params["sign"] == sign(APP_SECRET, "/auth/token/refresh", refresh_params)


@respx.mock
async def test_a_token_past_its_expiry_is_refreshed_before_the_call(harness: Harness) -> None:
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        side_effect=recording(
            harness.events, lambda _: httpx.Response(200, content=body("price_quantity_success.json"))
        )
    )
    respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("token_refresh_success.json"))
    )
    expired = connection(access_expires_at=datetime.now(UTC) - timedelta(minutes=1))

    [result] = await harness.client(expired).update_prices([PRICE])

    assert result.ok
    assert push.call_count == 1
    assert harness.events == [f"stored:{NEW_ACCESS}", f"call:{NEW_ACCESS}"]


@respx.mock
async def test_a_refused_refresh_fails_every_item_with_auth_expired(harness: Harness) -> None:
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("illegal_access_token.json"))
    )
    respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("illegal_refresh_token.json"))
    )
    items = [StockUpdate(ListingRef("MY-TEA-001"), 5), StockUpdate(ListingRef("MY-TEA-002"), 6)]

    results = await harness.client().update_stock(items)

    assert push.call_count == 1  # no second try with a token we know is dead
    assert [r.ok for r in results] == [False, False]
    for result in results:
        [error] = result.errors
        assert error.error_type is ErrorType.AUTH_EXPIRED
        assert error.platform_code == "IllegalRefreshToken"
    assert harness.stored_tokens == []


@respx.mock
async def test_a_token_still_refused_after_a_refresh_is_auth_expired_without_a_loop(harness: Harness) -> None:
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("illegal_access_token.json"))
    )
    refresh = respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("token_refresh_success.json"))
    )

    [result] = await harness.client().update_prices([PRICE])

    assert push.call_count == 2 and refresh.call_count == 1
    assert result.errors[0].error_type is ErrorType.AUTH_EXPIRED


@respx.mock
async def test_a_missing_api_permission_is_reported_without_refreshing(harness: Harness) -> None:
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("insufficient_permission.json"))
    )
    refresh = respx.post(f"{AUTH}/auth/token/refresh")

    [result] = await harness.client().update_prices([PRICE])

    assert push.call_count == 1 and refresh.call_count == 0
    assert result.errors[0].error_type is ErrorType.AUTH_SCOPE_MISSING


@respx.mock
async def test_an_authorisation_code_is_exchanged_for_a_token_pair(harness: Harness) -> None:
    route = respx.post(f"{AUTH}/auth/token/create").mock(
        return_value=httpx.Response(200, content=body("token_create_success.json"))
    )
    before = datetime.now(UTC)

    tokens = await harness.client(connection(access_token=None, refresh_token=None)).exchange_code("0_100132_XyZ")

    assert tokens.access_token.startswith("50000601c30atpedfgu3")
    assert tokens.access_expires_at >= before + timedelta(days=30)
    assert tokens.refresh_expires_at is not None and tokens.refresh_expires_at >= before + timedelta(days=180)
    assert harness.stored_tokens == [tokens]
    params = form(route.calls.last.request)
    assert params["code"] == "0_100132_XyZ"
    assert params["sign"] == sign(APP_SECRET, "/auth/token/create", params)


@respx.mock
async def test_an_explicit_refresh_that_lazada_refuses_raises_with_the_reason(harness: Harness) -> None:
    respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("illegal_refresh_token.json"))
    )

    with pytest.raises(AuthFailed) as failure:
        await harness.client().refresh_access_token()

    assert failure.value.errors[0].error_type is ErrorType.AUTH_EXPIRED


@respx.mock
async def test_the_auth_host_and_api_host_follow_the_connection_overrides(harness: Harness) -> None:
    sandbox = connection(
        base_url="http://127.0.0.1:9000/lazada/rest",
        auth_base_url="http://127.0.0.1:9000/lazada/auth",
        access_expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    refresh = respx.post("http://127.0.0.1:9000/lazada/auth/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("token_refresh_success.json"))
    )
    push = respx.post("http://127.0.0.1:9000/lazada/rest/product/price_quantity/update").mock(
        return_value=httpx.Response(200, content=body("price_quantity_success.json"))
    )

    await harness.client(sandbox).update_prices([PRICE])

    assert refresh.call_count == 1 and push.call_count == 1
