"""Login throttling: per client address and per account together, so that no one can lock someone else out."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from api.auth.throttle import address_key
from api.config import Settings
from tests.conftest import Seeder

From = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def from_new_address(app: Any) -> From:
    """A client calling from an address of its own (a fresh IPv6 /64, so runs sharing Redis never meet)."""

    @asynccontextmanager
    async def open_client() -> AsyncIterator[httpx.AsyncClient]:
        host = f"2001:db8:{secrets.randbits(16):x}:{secrets.randbits(16):x}::1"
        transport = httpx.ASGITransport(app=app, client=(host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http

    return open_client


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


async def test_an_attacker_cannot_lock_the_real_user_out(
    seed: Seeder, settings: Settings, from_new_address: From
) -> None:
    settings.login_backoff_base_seconds = 30  # far longer than a password check on a busy machine
    email = await seed.user(await seed.tenant(), "operator")
    async with from_new_address() as attacker, from_new_address() as real_user:
        guesses = [(await _login(attacker, email, f"guess-{n}")).status_code for n in range(8)]
        blocked = await _login(attacker, email, "correct horse")

        signed_in = await _login(real_user, email, "correct horse")

    # Five free failures, one that starts the backoff, then the attacker's address is refused for this account.
    assert guesses[:6] == [401] * 6 and set(guesses[6:]) == {429}
    assert blocked.status_code == 429 and blocked.json()["code"] == "account_locked"
    assert blocked.headers["content-type"] == "application/problem+json"
    assert signed_in.status_code == 200, signed_in.text


async def test_each_further_failure_doubles_the_account_backoff_up_to_its_cap(
    seed: Seeder, settings: Settings, from_new_address: From
) -> None:
    settings.login_backoff_base_seconds = 20  # long enough that a slow password check hardly shortens it
    settings.login_backoff_max_seconds = 100
    email = await seed.user(await seed.tenant())
    waits = []
    async with from_new_address() as failing:
        for _ in range(settings.login_max_failures):
            assert (await _login(failing, email, "wrong")).status_code == 401
        for _ in range(5):
            # A fresh address is still heard; its wrong password counts and lengthens the backoff.
            async with from_new_address() as fresh:
                assert (await _login(fresh, email, "wrong")).status_code == 401
            refused = await _login(failing, email, "correct horse")
            assert refused.status_code == 429 and refused.json()["code"] == "account_locked"
            waits.append(int(refused.headers["retry-after"]))

    # Retry-After counts down from each delay (20, 40, 80, then the cap of 100) while the request is served.
    for wait, delay in zip(waits, [20, 40, 80, 100, 100], strict=True):
        assert delay - 5 <= wait <= delay, waits


async def test_an_address_that_keeps_failing_gets_429_with_retry_after(
    seed: Seeder, settings: Settings, from_new_address: From
) -> None:
    settings.login_address_max_failures = 4
    email = await seed.user(await seed.tenant())
    async with from_new_address() as sprayer, from_new_address() as elsewhere:
        # Spraying many accounts, so no per-account backoff is ever reached.
        statuses = [(await _login(sprayer, f"nobody-{n}@example.com", "guess")).status_code for n in range(4)]
        limited = await _login(sprayer, email, "correct horse")
        unaffected = await _login(elsewhere, email, "correct horse")

    assert statuses == [401] * 4
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "login_rate_limited"
    assert 0 < int(limited.headers["retry-after"]) <= settings.login_window_seconds
    assert unaffected.status_code == 200


async def test_successful_logins_do_not_use_up_an_address_allowance(
    seed: Seeder, settings: Settings, from_new_address: From
) -> None:
    settings.login_address_max_failures = 2
    email = await seed.user(await seed.tenant())
    async with from_new_address() as office:
        successes = [(await _login(office, email, "correct horse")).status_code for _ in range(4)]
        failures = [(await _login(office, email, "typo")).status_code for _ in range(3)]

    assert successes == [200] * 4
    assert failures == [401, 401, 429]


async def test_a_correct_password_clears_the_account_failures(seed: Seeder, from_new_address: From) -> None:
    email = await seed.user(await seed.tenant())
    async with from_new_address() as user:
        for _ in range(4):
            await _login(user, email, "typo")
        assert (await _login(user, email, "correct horse")).status_code == 200
        after = [(await _login(user, email, "typo")).status_code for _ in range(5)]

    assert after == [401] * 5  # five free failures again, no backoff carried over


def test_ipv6_addresses_are_throttled_by_their_64_and_mapped_ipv4_as_ipv4() -> None:
    assert address_key("2001:db8:1:2::5") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_key("203.0.113.7") == "203.0.113.7"
