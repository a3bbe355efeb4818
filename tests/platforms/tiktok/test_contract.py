"""The factory builds this client from a stored connection, and it satisfies the shared protocol."""

from __future__ import annotations

import httpx
import pytest

from tests.platforms.tiktok.conftest import APP_KEY, APP_SECRET, SHOP_CIPHER
from workers.platforms.base import ClientDeps, Connection, ListTraceRecorder, Platform, PlatformClient, get_client
from workers.platforms.tiktok.client import AUTH_HOST, Client


def connection(market: str, base_url: str | None = None, auth_base_url: str | None = None) -> Connection:
    credentials = {"app_key": APP_KEY, "app_secret": APP_SECRET, "shop_cipher": SHOP_CIPHER}
    return Connection(
        platform=Platform.tiktok,
        shop_id="s1",
        market=market,
        credentials=credentials,
        base_url=base_url,
        auth_base_url=auth_base_url,
    )


@pytest.mark.parametrize("market", ["US", "UK", "SEA", "MY", "TH", "PH", "ID"])
async def test_get_client_builds_a_tiktok_client_for_each_market(market: str) -> None:
    async with httpx.AsyncClient() as http:
        client = get_client(connection(market), ClientDeps(http=http, recorder=ListTraceRecorder()))

    assert isinstance(client, Client) and isinstance(client, PlatformClient)
    assert client.api_base == "https://open-api.tiktokglobalshop.com"
    assert client.auth_base == AUTH_HOST


async def test_hosts_are_overridden_by_the_connection() -> None:
    async with httpx.AsyncClient() as http:
        client = get_client(
            connection("US", base_url="http://sandbox.test/tt/", auth_base_url="http://sandbox.test/tt-auth"),
            ClientDeps(http=http, recorder=ListTraceRecorder()),
        )

    assert isinstance(client, Client)
    assert client.api_base == "http://sandbox.test/tt" and client.auth_base == "http://sandbox.test/tt-auth"


async def test_a_market_tiktok_shop_does_not_serve_here_is_refused_at_construction() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="no market"):
            get_client(connection("CA"), ClientDeps(http=http, recorder=ListTraceRecorder()))
