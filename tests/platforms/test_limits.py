"""The Redis rate limiter and refresh lock, against the real Redis every worker shares."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from workers.platforms.base import RefreshLock
from workers.platforms.limits import RedisRateLimiter, RefreshLockTimeout, ShopSlots, redis_refresh_lock

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix() -> str:
    return f"test:limits:{uuid.uuid4().hex}:"


@pytest.fixture
async def redis(prefix: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
async def second_redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_a_burst_passes_at_once_and_the_next_call_waits_one_interval(redis: Redis, prefix: str) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(redis, prefix=prefix, clock=clock)

    burst_waits = [await limiter.reserve("shop-1:price", rate=4, burst=3) for _ in range(3)]
    next_wait = await limiter.reserve("shop-1:price", rate=4, burst=3)
    after_that = await limiter.reserve("shop-1:price", rate=4, burst=3)

    assert burst_waits == [0.0, 0.0, 0.0]
    assert next_wait == pytest.approx(0.25)
    assert after_that == pytest.approx(0.5)  # reservations queue up behind each other


async def test_tokens_come_back_with_time_up_to_the_burst(redis: Redis, prefix: str) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(redis, prefix=prefix, clock=clock)
    for _ in range(2):
        await limiter.reserve("k", rate=2, burst=2)

    clock.now += 0.5  # one token back
    assert await limiter.reserve("k", rate=2, burst=2) == 0.0
    assert await limiter.reserve("k", rate=2, burst=2) == pytest.approx(0.5)

    clock.now += 60  # long idle: refilled, but never above the burst
    assert [await limiter.reserve("k", rate=2, burst=2) for _ in range(3)][:2] == [0.0, 0.0]
    assert await limiter.reserve("k", rate=2, burst=2) == pytest.approx(1.0)


async def test_acquire_sleeps_the_wait_the_script_computed(redis: Redis, prefix: str) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    limiter = RedisRateLimiter(redis, prefix=prefix, clock=FakeClock(), sleep=fake_sleep)
    await limiter.acquire("k", rate=10, burst=1)
    await limiter.acquire("k", rate=10, burst=1)

    assert slept == [pytest.approx(0.1)]


async def test_acquire_really_waits_about_one_interval_on_redis_time(redis: Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(redis, prefix=prefix)
    await limiter.acquire("k", rate=5, burst=1)
    started = time.monotonic()
    await limiter.acquire("k", rate=5, burst=1)
    elapsed = time.monotonic() - started

    assert 0.1 <= elapsed < 1.0


async def test_two_workers_on_separate_connections_share_one_bucket(
    redis: Redis, second_redis: Redis, prefix: str
) -> None:
    clock = FakeClock()
    worker_a = RedisRateLimiter(redis, prefix=prefix, clock=clock)
    worker_b = RedisRateLimiter(second_redis, prefix=prefix, clock=clock)

    waits = await asyncio.gather(
        *(limiter.reserve("shopee:42:stock", rate=10, burst=2) for limiter in (worker_a, worker_b) * 3)
    )

    # 6 calls, 2 free tokens: the others are spaced 0.1 s apart whichever connection asked.
    assert sorted(waits) == pytest.approx([0.0, 0.0, 0.1, 0.2, 0.3, 0.4])


async def test_buckets_of_different_keys_do_not_interfere(redis: Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(redis, prefix=prefix, clock=FakeClock())
    await limiter.reserve("shop-1:price", rate=1, burst=1)

    assert await limiter.reserve("shop-2:price", rate=1, burst=1) == 0.0
    assert await limiter.reserve("shop-1:price", rate=1, burst=1) == pytest.approx(1.0)


async def test_idle_buckets_expire_from_redis(redis: Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(redis, prefix=prefix)
    await limiter.reserve("k", rate=100, burst=1)

    ttl_ms = await redis.pttl(prefix + "k")
    assert 0 < ttl_ms <= 1100


async def test_a_nonsense_rate_is_refused(redis: Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(redis, prefix=prefix)
    with pytest.raises(ValueError):
        await limiter.reserve("k", rate=0, burst=1)


async def test_the_refresh_lock_keeps_out_a_second_holder(redis: Redis, second_redis: Redis, prefix: str) -> None:
    first_worker = redis_refresh_lock(redis, timeout=5, blocking_timeout=1, prefix=prefix)
    second_worker = redis_refresh_lock(second_redis, timeout=5, blocking_timeout=0.2, prefix=prefix)

    async with first_worker("shopee:42"):
        with pytest.raises(RefreshLockTimeout):
            async with second_worker("shopee:42"):
                pytest.fail("the second holder got in while the first held the lock")
        async with second_worker("shopee:43"):  # another shop is not blocked
            pass

    async with second_worker("shopee:42"):  # free again once released
        pass


async def test_a_waiting_holder_gets_the_lock_when_the_first_releases(
    redis: Redis, second_redis: Redis, prefix: str
) -> None:
    lock_a = redis_refresh_lock(redis, timeout=5, blocking_timeout=2, prefix=prefix)
    lock_b = redis_refresh_lock(second_redis, timeout=5, blocking_timeout=2, prefix=prefix)
    order: list[str] = []

    async def holder(name: str, lock_of_worker: RefreshLock, hold_for: float) -> None:
        async with lock_of_worker("shopee:42"):
            order.append(f"{name} in")
            await asyncio.sleep(hold_for)
            order.append(f"{name} out")

    first = asyncio.create_task(holder("a", lock_a, 0.3))
    await asyncio.sleep(0.05)
    await asyncio.gather(first, holder("b", lock_b, 0))

    assert order == ["a in", "a out", "b in", "b out"]


async def test_a_shop_has_at_most_its_slots_across_workers_and_a_left_slot_is_free_again(
    redis: Redis, second_redis: Redis, prefix: str
) -> None:
    one, other = ShopSlots(redis, slots=2, prefix=prefix), ShopSlots(second_redis, slots=2, prefix=prefix)
    async with (
        one.hold("shop-a") as first,
        other.hold("shop-a") as second,
        one.hold("shop-a") as third,
        other.hold("shop-b") as elsewhere,
    ):
        assert (first, second, third, elsewhere) == (True, True, False, True)
    async with other.hold("shop-a") as again:
        assert again


async def test_a_killed_holders_slot_expires_while_a_live_holder_keeps_its_own(redis: Redis, prefix: str) -> None:
    slots = ShopSlots(redis, slots=1, ttl=0.6, prefix=prefix)
    # A worker killed mid-job: its slot is taken and never given back or renewed.
    await redis.zadd(prefix + "shop", {"killed-worker": time.time()})
    async with slots.hold("shop") as while_it_lives:
        assert not while_it_lives
    await asyncio.sleep(0.8)
    async with slots.hold("shop") as after_expiry:
        assert after_expiry
        await asyncio.sleep(1.0)  # longer than the ttl: renewed meanwhile
        async with slots.hold("shop") as meanwhile:
            assert not meanwhile, await redis.zrange(prefix + "shop", 0, -1, withscores=True)
