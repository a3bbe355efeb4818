"""Shared pieces of the Amazon client tests: a stored connection, a recording sleep, fixtures on disk."""

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

from workers.platforms.amazon.client import Client
from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListTraceRecorder,
    NoRateLimit,
    Platform,
    RateLimiter,
    RetryPolicy,
    TokenSet,
    local_refresh_lock,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms" / "amazon"

NA = "https://sellingpartnerapi-na.amazon.com"
LWA = "https://api.amazon.com/auth/o2/token"
SELLER = "A3SELLER7EXAMPLE"
US = "ATVPDKIKX0DER"

CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef"
CLIENT_SECRET = "amzn1.oa2-cs.v1.f00dfacecafe0123456789"
OLD_ACCESS = "Atza|old-access-token-0001"
REFRESH = "Atzr|stored-refresh-token-0001"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def answer(status: int, name: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=fixture_bytes(name), headers={"content-type": "application/json", **(headers or {})}
    )


def new_token(access_token: str = "Atza|fresh-access-token-0002") -> httpx.Response:
    body = fixture("lwa-token.json") | {"access_token": access_token, "refresh_token": "Atzr|rotated-refresh-0002"}
    return httpx.Response(200, json=body)


def listing_url(sku_in_path: str) -> str:
    return f"{NA}/listings/2021-08-01/items/{SELLER}/{sku_in_path}"


def sku_of(request: httpx.Request) -> str:
    """The SKU path segment exactly as sent (still percent-encoded)."""
    return request.url.raw_path.split(b"?")[0].rsplit(b"/", 1)[1].decode()


@dataclass
class Sleeps:
    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class Harness:
    recorder: ListTraceRecorder
    sleeps: Sleeps
    stored: list[TokenSet]
    make: Callable[..., Client]


def connection(**changes: Any) -> Connection:
    values: dict[str, Any] = {
        "platform": Platform.amazon,
        "shop_id": "shop-us-1",
        "market": "US",
        "credentials": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "seller_id": SELLER},
        "access_token": OLD_ACCESS,
        "refresh_token": REFRESH,
        "access_expires_at": datetime.now(UTC) + timedelta(minutes=50),
    }
    values.update(changes)
    return Connection(**values)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def harness(http: httpx.AsyncClient) -> Harness:
    recorder = ListTraceRecorder()
    sleeps = Sleeps()
    stored: list[TokenSet] = []

    async def on_tokens(tokens: TokenSet) -> None:
        stored.append(tokens)

    def make(
        conn: Connection | None = None, *, limiter: RateLimiter | None = None, retry: RetryPolicy | None = None
    ) -> Client:
        return Client(
            conn or connection(),
            ClientDeps(
                http=http,
                recorder=recorder,
                limiter=limiter or NoRateLimit(),
                refresh_lock=local_refresh_lock,
                on_tokens=on_tokens,
                retry=retry or RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=20.0, budget_seconds=60.0),
                sleep=sleeps,
            ),
        )

    return Harness(recorder=recorder, sleeps=sleeps, stored=stored, make=make)
