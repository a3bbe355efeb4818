"""Shopee tokens: refresh once on expiry, store the single-use pair before using it, never spend a token twice."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.shopee.conftest import (
    ACCESS_TOKEN,
    NOW,
    PARTNER_KEY,
    REFRESH_TOKEN,
    ClientFactory,
    TokenStore,
    body,
    fixture_json,
    make_connection,
    url,
)
from workers.platforms.base import ListingRef, ListTraceRecorder, PriceUpdate, TokenRefreshError, TokenSet
from workers.platforms.shopee import client as shopee

NEW_ACCESS = fixture_json("refresh_access_token_success.json")["access_token"]
NEW_REFRESH = fixture_json("refresh_access_token_success.json")["refresh_token"]
PRICE = [PriceUpdate(ListingRef("SKU-1", "1000"), Decimal("11.11"), "MYR")]


def access_token_of(request: httpx.Request) -> str:
    return parse_qs(urlsplit(str(request.url)).query)["access_token"][0]


def expired_connection() -> object:
    return make_connection(access_expires_at=datetime.fromtimestamp(NOW, UTC) - timedelta(minutes=1))


@respx.mock
async def test_an_expired_token_is_refreshed_once_stored_first_and_the_call_retried(
    make_client: ClientFactory,
) -> None:
    events: list[str] = []
    store = TokenStore(events)

    def price_call(request: httpx.Request) -> httpx.Response:
        events.append(f"update_price with {access_token_of(request)}")
        if access_token_of(request) == ACCESS_TOKEN:
            return httpx.Response(200, content=body("error_invalid_access_token.json"))
        return httpx.Response(200, content=body("update_price_success.json"))

    def refresh_call(request: httpx.Request) -> httpx.Response:
        events.append("refresh")
        return httpx.Response(200, content=body("refresh_access_token_success.json"))

    respx.post(url("update_price")).mock(side_effect=price_call)
    refresh = respx.post(url("token_refresh")).mock(side_effect=refresh_call)

    results = await make_client(on_tokens=store).update_prices(PRICE)

    assert [r.ok for r in results] == [True]
    assert events == [
        f"update_price with {ACCESS_TOKEN}",
        "refresh",
        f"stored {NEW_ACCESS}",  # the new pair is stored before the new access token is used
        f"update_price with {NEW_ACCESS}",
    ]
    sent = json.loads(refresh.calls.last.request.content)
    assert sent == {"shop_id": 322300222, "refresh_token": REFRESH_TOKEN, "partner_id": 2001887}
    (saved,) = store.saved
    assert (saved.access_token, saved.refresh_token) == (NEW_ACCESS, NEW_REFRESH)
    assert saved.access_expires_at == datetime.fromtimestamp(NOW, UTC) + timedelta(seconds=14400)


@respx.mock
async def test_a_token_past_its_expiry_is_refreshed_before_the_call(make_client: ClientFactory) -> None:
    price = respx.post(url("update_price")).respond(200, content=body("update_price_success.json"))
    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_access_token_success.json"))

    results = await make_client(expired_connection()).update_prices(PRICE)

    assert results[0].ok
    assert refresh.call_count == 1
    assert price.call_count == 1
    assert access_token_of(price.calls.last.request) == NEW_ACCESS


@respx.mock
async def test_a_refused_refresh_is_auth_expired_for_every_item_and_nothing_is_stored(
    make_client: ClientFactory, store: TokenStore
) -> None:
    price = respx.post(url("update_price")).respond(200, content=body("error_invalid_access_token.json"))
    respx.post(url("token_refresh")).respond(200, content=body("refresh_token_invalid.json"))
    updates = [*PRICE, PriceUpdate(ListingRef("SKU-2", "1000", "77"), Decimal("12"), "MYR")]

    results = await make_client().update_prices(updates)

    assert [r.ok for r in results] == [False, False]
    for result in results:
        assert [(e.error_type, e.platform_code) for e in result.errors] == [(ErrorType.AUTH_EXPIRED, "error_auth")]
        assert result.errors[0].platform_message == "Invalid refresh_token."
    assert price.call_count == 1  # no retry without a new token
    assert store.saved == []


@respx.mock
async def test_a_shop_whose_authorisation_lapsed_needs_reauthorising(make_client: ClientFactory) -> None:
    respx.post(url("token_refresh")).respond(200, content=body("refresh_shop_access_expired.json"))

    results = await make_client(expired_connection()).update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.AUTH_EXPIRED
    assert results[0].errors[0].platform_code == "shop_access_expired"


@respx.mock
async def test_a_token_still_refused_after_one_refresh_is_auth_expired_without_a_second_refresh(
    make_client: ClientFactory,
) -> None:
    price = respx.post(url("update_price")).respond(200, content=body("error_invalid_access_token.json"))
    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_access_token_success.json"))

    results = await make_client().update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.AUTH_EXPIRED
    assert (refresh.call_count, price.call_count) == (1, 2)


@respx.mock
async def test_a_missing_permission_is_reported_without_refreshing_or_retrying(make_client: ClientFactory) -> None:
    price = respx.post(url("update_price")).respond(200, content=body("error_no_permission.json"))
    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_access_token_success.json"))

    results = await make_client().update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.AUTH_SCOPE_MISSING
    assert (refresh.call_count, price.call_count) == (0, 1)


@respx.mock
async def test_the_refresh_and_the_store_happen_inside_the_lock(make_client: ClientFactory) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def recording_lock(key: str) -> AsyncIterator[None]:
        events.append(f"lock {key}")
        yield
        events.append("unlock")

    def refresh_call(request: httpx.Request) -> httpx.Response:
        events.append("refresh")
        return httpx.Response(200, content=body("refresh_access_token_success.json"))

    respx.post(url("token_refresh")).mock(side_effect=refresh_call)

    await make_client(refresh_lock=recording_lock, on_tokens=TokenStore(events)).refresh_access_token()

    assert events == ["lock shopee:our-shop-1", "refresh", f"stored {NEW_ACCESS}", "unlock"]


@respx.mock
async def test_two_workers_with_the_same_expired_token_spend_the_refresh_token_only_once(
    make_client: ClientFactory,
) -> None:
    spent: set[str] = set()

    def refresh_call(request: httpx.Request) -> httpx.Response:
        token = json.loads(request.content)["refresh_token"]
        if token in spent:  # Shopee refresh tokens work once
            return httpx.Response(200, content=body("refresh_token_invalid.json"))
        spent.add(token)
        return httpx.Response(200, content=body("refresh_access_token_success.json"))

    refresh = respx.post(url("token_refresh")).mock(side_effect=refresh_call)
    price = respx.post(url("update_price")).respond(200, content=body("update_price_success.json"))
    first, second = make_client(expired_connection()), make_client(expired_connection())

    results = await asyncio.gather(first.update_prices(PRICE), second.update_prices(PRICE))

    assert [r[0].ok for r in results] == [True, True]
    assert refresh.call_count == 1
    assert {access_token_of(call.request) for call in price.calls} == {NEW_ACCESS}


@respx.mock
async def test_a_pair_stored_by_another_process_is_adopted_instead_of_spending_the_old_token(
    make_client: ClientFactory, store: TokenStore
) -> None:
    elsewhere = TokenSet(
        access_token="access-from-another-worker",
        refresh_token="refresh-from-another-worker",
        access_expires_at=datetime.fromtimestamp(NOW, UTC) + timedelta(hours=4),
    )

    async def stored_pair() -> TokenSet:
        return elsewhere

    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_token_invalid.json"))
    price = respx.post(url("update_price")).respond(200, content=body("update_price_success.json"))

    results = await make_client(expired_connection(), token_source=stored_pair).update_prices(PRICE)

    assert results[0].ok
    assert refresh.call_count == 0
    assert access_token_of(price.calls.last.request) == "access-from-another-worker"
    assert store.saved == []  # the other worker stored it already


@respx.mock
async def test_refresh_access_token_raises_with_the_board_error_when_shopee_refuses(
    make_client: ClientFactory,
) -> None:
    respx.post(url("token_refresh")).respond(200, content=body("refresh_token_invalid.json"))

    with pytest.raises(shopee.ShopeeAuthError) as raised:
        await make_client().refresh_access_token()

    assert raised.value.error.error_type is ErrorType.AUTH_EXPIRED
    assert raised.value.trace_id
    assert isinstance(raised.value, TokenRefreshError)  # the shared contract callers catch
    assert [e.error_type for e in raised.value.errors] == [ErrorType.AUTH_EXPIRED]


@respx.mock
async def test_a_token_endpoint_outage_is_unavailable_not_a_lost_authorisation(
    make_client: ClientFactory, sleep: object
) -> None:
    respx.post(url("token_refresh")).respond(503, text="upstream down")

    results = await make_client(expired_connection()).update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.PLATFORM_UNAVAILABLE


@respx.mock
async def test_no_refresh_token_means_reauthorise(make_client: ClientFactory) -> None:
    connection = make_connection(access_token=None, refresh_token=None)

    results = await make_client(connection).update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.AUTH_EXPIRED
    assert results[0].errors[0].platform_code == "NO_REFRESH_TOKEN"


@respx.mock
async def test_an_authorisation_code_is_exchanged_for_the_first_pair(
    make_client: ClientFactory, store: TokenStore, recorder: ListTraceRecorder
) -> None:
    route = respx.post(url("token_get")).respond(200, content=body("token_get_success.json"))

    tokens = await make_client(make_connection(access_token=None, refresh_token=None)).exchange_code(
        "auth-code-5e6f7a8b"
    )

    assert json.loads(route.calls.last.request.content) == {
        "code": "auth-code-5e6f7a8b",
        "shop_id": 322300222,
        "partner_id": 2001887,
    }
    assert store.saved == [tokens]
    assert tokens.refresh_token == fixture_json("token_get_success.json")["refresh_token"]
    assert "auth-code-5e6f7a8b" not in repr([asdict(e) for e in recorder.exchanges])


@respx.mock
async def test_no_secret_reaches_any_recorded_trace(make_client: ClientFactory, recorder: ListTraceRecorder) -> None:
    respx.post(url("update_price")).mock(
        side_effect=[
            httpx.Response(200, content=body("error_invalid_access_token.json")),
            httpx.Response(200, content=body("update_price_success.json")),
        ]
    )
    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_access_token_success.json"))
    respx.post(url("token_get")).respond(200, content=body("token_get_success.json"))
    client = make_client()

    await client.update_prices(PRICE)
    await client.exchange_code("auth-code-5e6f7a8b")

    signatures = [
        parse_qs(urlsplit(str(call.request.url)).query)["sign"][0]
        for route in respx.mock.routes
        for call in route.calls
    ]
    secrets = [
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        PARTNER_KEY,
        NEW_ACCESS,
        NEW_REFRESH,
        fixture_json("token_get_success.json")["access_token"],
        fixture_json("token_get_success.json")["refresh_token"],
        "auth-code-5e6f7a8b",
        *signatures,
    ]
    assert refresh.call_count == 1 and len(signatures) == 4
    assert len(recorder.exchanges) == 4
    for exchange in recorder.exchanges:
        text = json.dumps(asdict(exchange), default=str)
        for secret in secrets:
            assert secret not in text, f"a secret leaked into the {exchange.url} trace"


@respx.mock
async def test_a_refresh_lock_held_too_long_elsewhere_is_an_outage_of_this_call(make_client: ClientFactory) -> None:
    @asynccontextmanager
    async def busy_lock(key: str) -> AsyncIterator[None]:
        raise TimeoutError("lock busy")
        yield  # pragma: no cover

    refresh = respx.post(url("token_refresh")).respond(200, content=body("refresh_access_token_success.json"))

    results = await make_client(expired_connection(), refresh_lock=busy_lock).update_prices(PRICE)

    assert results[0].errors[0].error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert results[0].errors[0].platform_code == "REFRESH_LOCK_TIMEOUT"
    assert refresh.call_count == 0
