"""Login throttling per client address, in Redis (shared by every API replica).

The per-account half (failure count and backoff) lives on the user row (api/auth/service.py); this module holds
what is per address: a sliding window of unsuccessful attempts, and a marker of which accounts an address has
failed for, so that a correct password from an address that has not been failing is never refused.
"""

from __future__ import annotations

import ipaddress
import math
import uuid
from collections.abc import Awaitable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api import problems

T = TypeVar("T")

# A sliding window as a sorted set of attempt ids scored by time. One atomic script takes a slot only while the
# window has room, so parallel guesses cannot overshoot the limit; a successful login gives its slot back.
#
# KEYS[1] = the address' window key
# ARGV[1] = window seconds, ARGV[2] = limit, ARGV[3] = member
# returns "0" when the slot is taken, else the seconds until the oldest attempt leaves the window (as a string)
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
return '0'
"""


def address_key(host: str | None) -> str:
    """The unit an address is throttled by: one IPv4 address, or an IPv6 /64 (what one subscriber usually holds)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def exempt(host: str | None) -> bool:
    """Loopback is not limited per address: it is development, tests, or a proxy that hides client addresses,
    and one shared bucket for every client behind such a proxy would let anyone block everyone's logins
    (run behind a proxy with its forwarded headers trusted, e.g. uvicorn --proxy-headers). The per-account
    backoff still applies."""
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class LoginThrottle:
    def __init__(
        self, redis: Redis, *, window_seconds: int, max_failures: int, prefix: str = "openclaw:login:"
    ) -> None:
        self.redis = redis
        self.window_seconds = window_seconds
        self.max_failures = max_failures
        self.prefix = prefix
        self._take = redis.register_script(_TAKE_SLOT)

    async def _run(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except RedisError as exc:
            # Without the counters, logins would be unthrottled: refuse for a moment instead.
            raise problems.Unavailable(
                "login is briefly unavailable; try again in a few seconds", headers={"Retry-After": "5"}
            ) from exc

    async def take_slot(self, address: str) -> tuple[str | None, float]:
        """Reserve one attempt for an address: (slot id, 0) when allowed, (None, seconds to wait) when not."""
        slot = uuid.uuid4().hex
        reply = await self._run(
            self._take(keys=[f"{self.prefix}addr:{address}"], args=[self.window_seconds, self.max_failures, slot])
        )
        wait = float(reply.decode() if isinstance(reply, bytes) else reply)
        if not math.isfinite(wait) or wait <= 0:
            return slot, 0.0
        return None, wait

    async def give_back(self, address: str, slot: str) -> None:
        """A successful login does not count against its address."""
        await self._run(self.redis.zrem(f"{self.prefix}addr:{address}", slot))

    async def has_failed_for(self, address: str, user_id: uuid.UUID) -> bool:
        return bool(await self._run(self.redis.exists(f"{self.prefix}failed:{user_id}:{address}")))

    async def mark_failed_for(self, address: str, user_id: uuid.UUID) -> None:
        await self._run(self.redis.set(f"{self.prefix}failed:{user_id}:{address}", 1, ex=self.window_seconds))
