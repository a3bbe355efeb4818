"""Fault injection shared by every platform emulator: rate limits, 5xx, slow answers, malformed bodies, body size.

An emulator calls `Faults.gate(...)` once per request, after it has identified the shop and the operation and
before it does the work. The gate answers in the platform's own words through a `FaultAnswers` the emulator
passes in (each platform words a 429 or a 5xx differently), or returns None to let the request through; a slow
answer is a sleep inside the gate, after which the request is processed normally (as a platform that was slow
but did the work).

Order, as a real edge does it: body size, then the rate limit (the gateway throttles before anything else), then
a server error, then a malformed body, then a slow answer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from starlette.responses import Response

from sandbox.scenario import FaultRate, OperationName, RateLimitSpec
from sandbox.state import SandboxState, ShopState


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


class FaultAnswers(Protocol):
    """How one platform words the faults the gate produces."""

    def throttled(self, retry_after: float) -> Response: ...

    def server_error(self, status: int) -> Response: ...

    def too_large(self, limit: int) -> Response: ...


# A body cut off mid-way: what a proxy that dropped the connection, or a truncated gzip stream, leaves behind.
MALFORMED_BODY = b'{"code":0,"message":"Success","data":{"items":[{"id":"'


def malformed_response() -> Response:
    return Response(MALFORMED_BODY, status_code=200, media_type="application/json")


class TokenBucket:
    """The platforms' usage-plan model: `burst` tokens, refilled at `per_second`; an empty bucket refuses."""

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = float(rate.burst)
        self.updated = now

    def take(self, now: float) -> float | None:
        """Take one token; None when granted, else the seconds until one will be available."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.rate.burst), self.tokens + elapsed * self.rate.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return (1.0 - self.tokens) / self.rate.per_second


class Faults:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._dice: dict[str, random.Random] = {}

    def reset(self) -> None:
        self._buckets.clear()
        self._dice.clear()

    def rate_for(self, shop: ShopState, operation: OperationName, documented: Rate | None) -> Rate | None:
        tight: RateLimitSpec | None = shop.faults.rate_limit
        if tight is not None and (not tight.operations or operation in tight.operations):
            return Rate(tight.per_second, tight.burst)
        return documented

    def throttle(self, shop: ShopState, operation: OperationName, bucket: str, documented: Rate | None) -> float | None:
        """Draw from the (shop, bucket) token bucket; None when allowed, else seconds until a token is back."""
        rate = self.rate_for(shop, operation, documented)
        if rate is None:
            return None
        key = (shop.id, bucket)
        now = self.state.now().timestamp()
        current = self._buckets.get(key)
        if current is None or current.rate != rate:
            current = self._buckets[key] = TokenBucket(rate, now)
        return current.take(now)

    def roll(self, shop: ShopState, rate: float) -> bool:
        if rate <= 0:
            return False
        dice = self._dice.setdefault(shop.id, random.Random(f"{self.state.scenario.seed}:{shop.id}:faults"))
        return dice.random() < rate

    async def gate(
        self,
        shop: ShopState,
        operation: OperationName,
        answers: FaultAnswers,
        *,
        bucket: str | None = None,
        rates: Mapping[str, Rate] | None = None,
        body_size: int = 0,
    ) -> Response | None:
        """Apply the shop's faults to one request; a Response ends the request, None lets it through."""
        faults = shop.faults
        if faults.max_body_bytes is not None and body_size > faults.max_body_bytes:
            return answers.too_large(faults.max_body_bytes)
        if bucket is not None:
            wait = self.throttle(shop, operation, bucket, (rates or {}).get(bucket))
            if wait is not None:
                return answers.throttled(wait)
        if self._strikes(shop, faults.server_errors, operation) and faults.server_errors is not None:
            return answers.server_error(faults.server_errors.status)
        if self._strikes(shop, faults.malformed, operation):
            return malformed_response()
        if self._strikes(shop, faults.timeouts, operation) and faults.timeouts is not None:
            await asyncio.sleep(faults.timeouts.delay_seconds)
        return None

    def _strikes(self, shop: ShopState, fault: FaultRate | None, operation: OperationName) -> bool:
        return fault is not None and fault.strikes(operation) and self.roll(shop, fault.rate)

    def permitted(self, shop: ShopState, operation: OperationName) -> bool:
        return operation not in shop.faults.missing_permissions
