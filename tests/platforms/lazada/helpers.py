"""Shared set-up for the Lazada client tests: a MY connection, a client wired to respx, fixture bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListTraceRecorder,
    Platform,
    RetryPolicy,
    TokenSet,
    local_refresh_lock,
)
from workers.platforms.lazada.client import Client

FIXTURES = Path(__file__).parents[2] / "fixtures" / "platforms" / "lazada"
API = "https://api.lazada.com.my/rest"
AUTH = "https://auth.lazada.com/rest"
APP_KEY = "123456"
APP_SECRET = "s3cr3t-app-secret-value"
ACCESS_TOKEN = "50000601c30atpedOLDACCESSTOKEN0001ceb156fPunYZ43GBg"
REFRESH_TOKEN = "500016000300bwa2OLDREFRESHTOKEN0356663CfcDTYpWoi"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def form(request: httpx.Request) -> dict[str, str]:
    """Every parameter of a sent request: query string and form body together."""
    params = dict(request.url.params)
    params.update(parse_qsl(request.content.decode(), keep_blank_values=True))
    return params


def connection(**changes: Any) -> Connection:
    values: dict[str, Any] = {
        "platform": Platform.lazada,
        "shop_id": "shop-my-1",
        "market": "MY",
        "credentials": {"app_key": APP_KEY, "app_secret": APP_SECRET},
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "access_expires_at": datetime.now(UTC) + timedelta(days=10),
    }
    values.update(changes)
    return Connection(**values)


@dataclass
class Harness:
    http: httpx.AsyncClient
    recorder: ListTraceRecorder = field(default_factory=ListTraceRecorder)
    delays: list[float] = field(default_factory=list)
    stored_tokens: list[TokenSet] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def on_tokens(self, tokens: TokenSet) -> None:
        self.events.append(f"stored:{tokens.access_token}")
        self.stored_tokens.append(tokens)

    def client(self, conn: Connection | None = None, retry: RetryPolicy | None = None) -> Client:
        return Client(
            conn or connection(),
            ClientDeps(
                http=self.http,
                recorder=self.recorder,
                refresh_lock=local_refresh_lock,
                on_tokens=self.on_tokens,
                retry=retry or RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=5.0, budget_seconds=30.0),
                sleep=self.sleep,
            ),
        )


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    async with httpx.AsyncClient(timeout=5.0) as http:
        yield Harness(http=http)


def recording(events: list[str], response: Callable[[httpx.Request], httpx.Response]) -> Any:
    """A respx side effect that notes which access token each request carried."""

    def handler(request: httpx.Request) -> httpx.Response:
        events.append(f"call:{form(request).get('access_token')}")
        return response(request)

    return handler
