"""Shared pieces of the TikTok Shop client tests: a stored connection, a recording sleep, fixtures on disk."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListingRef,
    ListTraceRecorder,
    Platform,
    RetryPolicy,
    TokenSet,
    local_refresh_lock,
)
from workers.platforms.tiktok.client import Client

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms" / "tiktok"

API_HOST = "open-api.tiktokglobalshop.com"
AUTH_HOST = "auth.tiktok-shops.com"
APP_KEY = "app-key-29a39d77"
APP_SECRET = "app-secret-e59af819cc0ffee"
SHOP_CIPHER = "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3"
OLD_ACCESS = "TTP_old-access-token-0001"
OLD_REFRESH = "TTP_old-refresh-token-0001"
PRODUCT = "1729592969712207008"
NEW_ACCESS = json.loads((FIXTURES / "token_refresh_success.json").read_text())["data"]["access_token"]
NEW_REFRESH = json.loads((FIXTURES / "token_refresh_success.json").read_text())["data"]["refresh_token"]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=fixture_bytes(name), headers={"content-type": "application/json", **(headers or {})}
    )


def price_path(product_id: str = PRODUCT) -> str:
    return f"/product/202309/products/{product_id}/prices/update"


def stock_path(product_id: str = PRODUCT) -> str:
    return f"/product/202309/products/{product_id}/inventory/update"


def ref(sku_id: str, product_id: str = PRODUCT, **extra: str) -> ListingRef:
    return ListingRef(sku=f"SELLER-{sku_id[-4:]}", item_id=product_id, variant_id=sku_id, extra=extra)


@dataclass
class Harness:
    """One client with everything it was given, so a test can look at what it did."""

    client: Client
    recorder: ListTraceRecorder
    sleeps: list[float] = field(default_factory=list)
    stored_tokens: list[TokenSet] = field(default_factory=list)
    # respx call count of each route at the moment on_tokens ran, to prove the order of events.
    calls_when_stored: list[int] = field(default_factory=list)


MakeClient = Callable[..., Harness]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def make_client(http: httpx.AsyncClient, api: respx.MockRouter) -> MakeClient:
    def build(
        *,
        market: str = "US",
        access_expires_at: datetime | None = None,
        access_token: str | None = OLD_ACCESS,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> Harness:
        connection = Connection(
            platform=Platform.tiktok,
            shop_id="shop-tt-1",
            market=market,
            credentials={"app_key": APP_KEY, "app_secret": APP_SECRET, "shop_cipher": SHOP_CIPHER},
            access_token=access_token,
            refresh_token=OLD_REFRESH,
            access_expires_at=access_expires_at or datetime.now(UTC) + timedelta(days=3),
            base_url=base_url,
        )
        recorder = ListTraceRecorder()
        harness: Harness

        async def sleep(seconds: float) -> None:
            harness.sleeps.append(seconds)

        async def on_tokens(tokens: TokenSet) -> None:
            harness.stored_tokens.append(tokens)
            harness.calls_when_stored.append(len(api.calls))

        client = Client(
            connection,
            ClientDeps(
                http=http,
                recorder=recorder,
                refresh_lock=local_refresh_lock,
                on_tokens=on_tokens,
                retry=retry or RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=30),
                sleep=sleep,
            ),
        )
        harness = Harness(client=client, recorder=recorder)
        return harness

    return build


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)
