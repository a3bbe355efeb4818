"""A sandbox served by uvicorn on a free loopback port, in a thread, for each test that asks for it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from api.errors.taxonomy import ErrorType
from sandbox import create_app
from sandbox.app import Sandbox
from sandbox.scenario import DEFAULT_SCENARIO, parse_scenario
from workers.platforms.base import ItemResult, ListingStatus

AMAZON_APP = {"client_id": "amzn1.application-oa2-client.test", "client_secret": "test-client-secret"}

# One Amazon shop with every kind of category rule; faults are switched on per test through the sandbox hook.
AMAZON_SHOP: dict[str, Any] = {
    "id": "amz-us",
    "platform": "amazon",
    "market": "US",
    "currency": "USD",
    "credentials": {**AMAZON_APP, "seller_id": "A1TESTSELLER"},
    "tokens": {"access_token": "Atza|test-access-us", "refresh_token": "Atzr|test-refresh-us"},
    "confirmation_delay_seconds": 60,
    "categories": {
        "LUGGAGE": {},
        "BATTERY": {"required_attributes": ["item_weight.unit", "battery"]},
        "GIFT_CARD": {"promo_price_allowed": False},
        "WATCH": {"restricted": True},
    },
    "catalog": {
        "items": [
            {"sku": "BAG-1", "item_id": "B0TEST0001", "category": "LUGGAGE", "price": "100.00", "stock": 10},
            {"sku": "A/B 7", "item_id": "B0TEST0002", "category": "LUGGAGE", "price": "20.00", "stock": 3},
            {"sku": "CARD-1", "item_id": "B0TEST0003", "category": "GIFT_CARD", "price": "25.00", "stock": 100},
        ],
        "rules": [
            {
                "count": 5,
                "sku": "GEN-{n:03d}",
                "item_id": "B0GEN{n:05d}",
                "categories": ["LUGGAGE"],
                "price_min": "10",
                "price_max": "20",
            },
        ],
    },
    "faults": {"unknown_skus": ["GEN-005"], "lost_confirmation_skus": ["GEN-004"]},
}

AMAZON_JP_SHOP: dict[str, Any] = {
    "id": "amz-jp",
    "platform": "amazon",
    "market": "JP",
    "currency": "JPY",
    "credentials": {**AMAZON_APP, "seller_id": "A2TESTSELLER"},
    "tokens": {
        "access_token": "Atza|test-access-jp",
        "refresh_token": "Atzr|test-refresh-jp",
        "access_expires_in": -60,
    },
    "catalog": {"items": [{"sku": "JP-1", "category": "LUGGAGE", "price": "1500", "stock": 5}]},
}


def scenario_data() -> dict[str, Any]:
    return {"version": 1, "seed": 7, "shops": [deepcopy(AMAZON_SHOP), deepcopy(AMAZON_JP_SHOP)]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningSandbox:
    """A sandbox app behind uvicorn in a background thread. Its hooks use blocking httpx on purpose: the server
    runs on its own thread and loop, so a test's event loop may wait on it."""

    def __init__(self, scenario: dict[str, Any], state_path: Path | None = None) -> None:
        self.app = create_app(parse_scenario(scenario), state_path)
        self.sandbox: Sandbox = self.app.state.sandbox
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> RunningSandbox:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def advance(self, seconds: float) -> None:
        httpx.post(f"{self.url}/_sandbox/clock", json={"advance_seconds": seconds}).raise_for_status()

    def set_faults(self, shop: str, faults: dict[str, Any]) -> None:
        httpx.put(f"{self.url}/_sandbox/shops/{shop}/faults", json=faults).raise_for_status()

    def ledger(self, **query: str) -> dict[str, Any]:
        return self._get("/_sandbox/ledger", query)

    def pending(self, **query: str) -> dict[str, Any]:
        return self._get("/_sandbox/pending", query)

    def _get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        response = httpx.get(f"{self.url}{path}", params=query)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    running = RunningSandbox(scenario_data()).start()
    yield running
    running.stop()


@pytest.fixture
def default_sandbox() -> Iterator[RunningSandbox]:
    """The shipped default scenario (12 shops), as the demo and the catalog-sync job see it."""
    running = RunningSandbox(json.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))).start()
    yield running
    running.stop()


async def no_sleep(seconds: float) -> None:
    """Injected as the clients' sleep: retries and backoff without waiting."""
    return None


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The httpx client the platform clients use against the running sandbox."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as client:
        yield client


def types(result: ItemResult | ListingStatus) -> list[ErrorType]:
    """The error types a client reported for one item, in order."""
    return [e.error_type for e in result.errors]
