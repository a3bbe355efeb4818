"""OAuth2 with TikTok Shop: code exchange, refresh on expiry (once), refresh failure, missing scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.tiktok.conftest import (
    API_HOST,
    APP_KEY,
    APP_SECRET,
    AUTH_HOST,
    NEW_ACCESS,
    NEW_REFRESH,
    OLD_ACCESS,
    OLD_REFRESH,
    MakeClient,
    answer,
    price_path,
    ref,
)
from workers.platforms.base import PriceUpdate
from workers.platforms.tiktok.client import TokenRefreshError

REFRESH_PATH = "/api/v2/token/refresh"


def one_price() -> list[PriceUpdate]:
    return [PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("12.50"), currency="USD")]


async def test_an_expired_token_is_refreshed_stored_then_the_call_is_retried_with_the_new_token(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(
        side_effect=[answer("access_token_expired.json"), answer("update_price_success.json")]
    )
    refresh = api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_success.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(one_price())

    assert result.ok and result.errors == []
    assert refresh.call_count == 1 and prices.call_count == 2
    query = refresh.calls.last.request.url.params
    assert query["app_key"] == APP_KEY and query["app_secret"] == APP_SECRET
    assert query["refresh_token"] == OLD_REFRESH and query["grant_type"] == "refresh_token"
    # The new pair was handed over for storage after the refresh and before the retry went out.
    [stored] = harness.stored_tokens
    assert stored.access_token == NEW_ACCESS and stored.refresh_token == NEW_REFRESH
    assert stored.access_expires_at == datetime(2100, 1, 1, tzinfo=UTC)
    assert harness.calls_when_stored == [2]  # first price call + refresh call; the retry came after
    assert prices.calls[0].request.headers["x-tts-access-token"] == OLD_ACCESS
    assert prices.calls[1].request.headers["x-tts-access-token"] == NEW_ACCESS


async def test_the_header_variant_of_an_invalid_token_also_triggers_one_refresh(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(
        side_effect=[answer("access_token_header_invalid.json"), answer("update_price_success.json")]
    )
    api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_success.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(one_price())

    assert result.ok and prices.call_count == 2


async def test_a_refresh_token_that_expired_too_yields_auth_expired_without_retrying(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("access_token_expired.json"))
    refresh = api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_expired.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(one_price())

    assert not result.ok
    [error] = result.errors
    assert error.error_type is ErrorType.AUTH_EXPIRED
    assert error.platform_code == "36004001" and error.platform_message == "rt has expired"
    assert prices.call_count == 1 and refresh.call_count == 1
    assert harness.stored_tokens == []


async def test_a_token_still_refused_after_a_refresh_is_auth_expired_and_not_a_loop(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("access_token_expired.json"))
    refresh = api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_success.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(one_price())

    assert [e.error_type for e in result.errors] == [ErrorType.AUTH_EXPIRED]
    assert result.errors[0].platform_code == "105002"
    assert prices.call_count == 2 and refresh.call_count == 1


async def test_a_missing_scope_is_reported_at_once_without_refreshing(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("scope_missing.json"))
    refresh = api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_success.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(one_price())

    [error] = result.errors
    assert error.error_type is ErrorType.AUTH_SCOPE_MISSING
    assert error.platform_code == "105005"
    assert error.raw["request_id"] == "20240710170328026B85572D809D2BFFC5"
    assert prices.call_count == 1 and refresh.call_count == 0


async def test_a_token_past_its_expiry_is_refreshed_before_the_first_call(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("update_price_success.json"))
    refresh = api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_success.json"))
    harness = make_client(access_expires_at=datetime.now(UTC) - timedelta(minutes=5))

    [result] = await harness.client.update_prices(one_price())

    assert result.ok
    assert refresh.call_count == 1 and prices.call_count == 1
    assert harness.calls_when_stored == [1]
    assert prices.calls.last.request.headers["x-tts-access-token"] == NEW_ACCESS


async def test_refresh_access_token_raises_with_auth_expired_when_the_platform_refuses(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.get(host=AUTH_HOST, path=REFRESH_PATH).mock(return_value=answer("token_refresh_expired.json"))
    harness = make_client()

    with pytest.raises(TokenRefreshError) as caught:
        await harness.client.refresh_access_token()

    assert caught.value.error.error_type is ErrorType.AUTH_EXPIRED
    assert caught.value.trace_id is not None


async def test_the_authorisation_code_is_exchanged_for_a_stored_token_pair(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    token_get = api.get(host=AUTH_HOST, path="/api/v2/token/get").mock(
        return_value=answer("token_refresh_success.json")
    )
    harness = make_client(access_token=None)

    tokens = await harness.client.exchange_code("auth-code-TTP_one_use_123")

    query = token_get.calls.last.request.url.params
    assert query["auth_code"] == "auth-code-TTP_one_use_123" and query["grant_type"] == "authorized_code"
    assert query["app_secret"] == APP_SECRET
    assert tokens.access_token == NEW_ACCESS
    assert tokens.scopes == ("seller.product.basic", "seller.product.write")
    assert harness.stored_tokens == [tokens]
    trace = harness.recorder.exchanges[-1]
    assert "auth-code-TTP_one_use_123" not in trace.url
