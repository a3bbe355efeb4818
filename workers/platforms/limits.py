"""Rate limits and token-refresh locks shared by every worker process through Redis.

`RedisRateLimiter` implements `base.RateLimiter`; `redis_refresh_lock` builds a `base.RefreshLock`. Both are used by
all four platform clients; the platform modules only see the protocols in `base.py`.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.exceptions import LockNotOwnedError

from api import metrics
from workers.platforms.base import RefreshLock, Sleep

# A token bucket per key, as a hash {tokens, ts}. One atomic script so that concurrent workers never both take the
# last token. The bucket *reserves*: tokens may go below zero, and the caller is told how long to wait for its slot.
# That needs one round trip per call and serves callers in arrival order (no thundering herd of re-polls).
#
# KEYS[1] = bucket key
# ARGV[1] = rate (tokens per second), ARGV[2] = burst (bucket size), ARGV[3] = now in seconds or "" for Redis TIME
# returns the seconds to wait before the reserved call may go, as a string (Lua numbers become integers in replies)
_TOKEN_BUCKET = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate)
  ts = now
end
tokens = tokens - 1
local wait = 0
if tokens < 0 then
  wait = -tokens / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
-- Keep the key until the bucket would be full again; a full bucket and a missing key mean the same.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisRateLimiter:
    """A token bucket per key in Redis, shared by every worker process (implements `base.RateLimiter`).

    `clock` is for tests only: by default the script reads Redis' own clock, so workers on machines with skewed
    clocks still share one consistent bucket.
    """

    def __init__(
        self,
        redis: Redis,
        prefix: str = "openclaw:rl:",
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.sleep = sleep
        self.clock = clock
        self._script = redis.register_script(_TOKEN_BUCKET)

    async def reserve(self, key: str, rate: float, burst: int) -> float:
        """Take one token (possibly in the future) and return the seconds to wait until it is ours."""
        if rate <= 0 or burst < 1:
            raise ValueError(f"invalid rate limit for {key}: rate={rate}, burst={burst}")
        now = "" if self.clock is None else repr(self.clock())
        reply = await self._script(keys=[self.prefix + key], args=[repr(float(rate)), burst, now])
        wait = float(reply.decode() if isinstance(reply, bytes) else reply)
        return wait if math.isfinite(wait) and wait > 0 else 0.0

    async def acquire(self, key: str, rate: float, burst: int) -> None:
        wait = await self.reserve(key, rate, burst)
        metrics.RATE_LIMIT_WAIT.labels(key.partition(":")[0]).observe(wait)  # keys lead with the platform
        if wait > 0:
            await self.sleep(wait)


class RefreshLockTimeout(TimeoutError):
    """Another worker held a shop's refresh lock for longer than `blocking_timeout`.

    A TimeoutError, so platform clients can handle it without knowing about Redis."""


def redis_refresh_lock(
    redis: Redis,
    *,
    timeout: float = 30,
    blocking_timeout: float = 30,
    prefix: str = "openclaw:refresh-lock:",
) -> RefreshLock:
    """A `base.RefreshLock` on redis.asyncio's Lock: one token refresh per shop at a time across all workers.

    Raises `RefreshLockTimeout` (a TimeoutError) when the lock is not acquired within `blocking_timeout` seconds.
    `timeout` bounds how long a crashed holder can block the others.
    """

    @asynccontextmanager
    async def hold(key: str) -> AsyncIterator[None]:
        lock = redis.lock(prefix + key, timeout=timeout, blocking_timeout=blocking_timeout)
        if not await lock.acquire():
            raise RefreshLockTimeout(f"could not acquire the refresh lock for {key} within {blocking_timeout}s")
        try:
            yield
        finally:
            # If the holder outlived `timeout`, the lock already expired: the work inside is done and the new
            # tokens are stored, so failing now would only lose the result.
            with suppress(LockNotOwnedError):
                await lock.release()

    return hold


# A counting semaphore per key, as a sorted set of holders scored by when they took their slot: holders older than
# `ttl` (a worker killed mid-job) drop out by themselves. One atomic script, like the bucket.
#
# KEYS[1] = semaphore key; ARGV[1] = now (s), ARGV[2] = ttl (s), ARGV[3] = slots, ARGV[4] = this holder's id
# returns 1 when the slot is taken, 0 when all are held
_SLOT = """
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000))
return 1
"""


class ShopSlots:
    """At most `slots` push jobs per shop at once across every worker. A job beyond them would only sleep on the
    shop's rate limit while holding a worker slot that another shop's job could use. A holder renews its slot
    every ttl/3 seconds, so a killed worker's slots free themselves after `ttl`."""

    def __init__(self, redis: Redis, slots: int, ttl: float = 30, prefix: str = "openclaw:shop-slots:") -> None:
        self.redis = redis
        self.slots = slots
        self.ttl = ttl
        self.prefix = prefix
        self._script = redis.register_script(_SLOT)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[bool]:
        """Yields whether the slot was taken; a taken slot is given back on exit."""
        holder, name = uuid.uuid4().hex, self.prefix + key
        taken = bool(await self._script(keys=[name], args=[repr(time.time()), self.ttl, self.slots, holder]))
        if not taken:
            yield False
            return

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.ttl / 3)
                with suppress(Exception):
                    await self.redis.zadd(name, {holder: time.time()}, xx=True)
                    await self.redis.pexpire(name, math.ceil(self.ttl * 1000))

        renewing = asyncio.create_task(renew())
        try:
            yield True
        finally:
            renewing.cancel()
            with suppress(Exception):
                await self.redis.zrem(name, holder)
