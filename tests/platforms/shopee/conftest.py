"""Shared pieces for the Shopee client tests: a connection, a fixed clock, a recording sleep and fixture bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
from workers.platforms.shopee import client as shopee

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms" / "shopee"
HOST = "https://partner.shopeemobile.com"
NOW = 1_700_000_000.0
PARTNER_KEY = "test_partner_key_7f3a9c"
ACCESS_TOKEN = "access-token-4f6e2d1c0b9a"
REFRESH_TOKEN = "refresh-token-8a7b6c5d4e3f"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(body(name))


def url(name: str) -> str:
    return HOST + shopee.PATHS[name]


def make_connection(**overrides: Any) -> Connection:
    values: dict[str, Any] = {
        "platform": Platform.shopee,
        "shop_id": "our-shop-1",
        "market": "MY",
        "credentials": {"partner_id": "2001887", "partner_key": PARTNER_KEY, "shop_id": "322300222"},
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "access_expires_at": datetime.fromtimestamp(NOW, UTC) + timedelta(hours=3),
    }
    values.update(overrides)
    return Connection(**values)


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class TokenStore:
    """What a worker's on_tokens sink does: keep the newest pair (and the order things happened in)."""

    def __init__(self, events: list[str] | None = None) -> None:
        self.saved: list[TokenSet] = []
        self.events = events if events is not None else []

    async def __call__(self, tokens: TokenSet) -> None:
        self.events.append(f"stored {tokens.access_token}")
        self.saved.append(tokens)


@pytest.fixture(autouse=True)
def forget_rotations() -> None:
    shopee._rotations.clear()  # the per-process memo must not leak between tests


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def recorder() -> ListTraceRecorder:
    return ListTraceRecorder()


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def store() -> TokenStore:
    return TokenStore()


ClientFactory = Callable[..., shopee.Client]


@pytest.fixture
def make_client(
    http: httpx.AsyncClient, recorder: ListTraceRecorder, sleep: RecordingSleep, store: TokenStore
) -> ClientFactory:
    def build(connection: Connection | None = None, **overrides: Any) -> shopee.Client:
        options: dict[str, Any] = {
            "http": http,
            "recorder": recorder,
            "refresh_lock": local_refresh_lock,
            "on_tokens": store,
            "retry": RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=5, budget_seconds=30),
            "sleep": sleep,
        }
        clock = overrides.pop("clock", lambda: NOW)
        options.update(overrides)
        return shopee.Client(connection or make_connection(), ClientDeps(**options), clock=clock)

    return build
