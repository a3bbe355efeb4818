"""The CLI forms scripts rely on, run as a subprocess against the test database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import TEST_DATABASE_URL


def openclaw(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENCLAW_DATABASE_URL": TEST_DATABASE_URL}
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.fixture
def tenant(migrated_database: str) -> str:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    assert openclaw("create-tenant", name).returncode == 0
    return name


def test_create_user_and_its_errors(tenant: str) -> None:
    email = f"ops-{uuid.uuid4().hex[:6]}@example.com"

    created = openclaw("create-user", "--tenant", tenant, "--email", email, "--password", "pw", "--role", "operator")
    duplicate = openclaw("create-user", "--tenant", tenant, "--email", email, "--password", "pw", "--role", "viewer")
    unknown = openclaw("create-user", "--tenant", "no-such", "--email", "x@y.z", "--password", "pw", "--role", "admin")
    bad_role = openclaw("create-user", "--tenant", tenant, "--email", "q@y.z", "--password", "pw", "--role", "boss")

    assert created.returncode == 0 and email in created.stdout
    assert duplicate.returncode == 1 and duplicate.stderr.strip() == f"error: a user with email {email} already exists"
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: unknown tenant 'no-such'"
    assert bad_role.returncode != 0 and "boss" in bad_role.stderr


def test_create_api_key_prints_the_secret_alone_on_the_last_line(tenant: str) -> None:
    result = openclaw("create-api-key", "--tenant", tenant, "--scopes", "errors:read,exports:read", "--name", "CI")
    bad = openclaw("create-api-key", "--tenant", tenant, "--scopes", "errors:read,root", "--name", "x")

    assert result.returncode == 0
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("ock_") and " " not in last
    assert bad.returncode == 1 and "root" in bad.stderr


def test_duplicate_tenant_is_one_clear_line(tenant: str) -> None:
    again = openclaw("create-tenant", tenant)

    assert again.returncode == 1
    assert again.stderr.strip() == f"error: tenant '{tenant}' already exists"


def test_seed_demo_without_a_sandbox_is_one_clear_line_and_writes_nothing(migrated_database: str) -> None:
    # The whole demo (seeded through the workers) is tested in tests/pushes/test_demo.py with real processes.
    result = openclaw("seed-demo", "--sandbox", "http://127.0.0.1:9", "--password", "demo-pass-1")

    assert result.returncode == 1
    assert result.stderr.startswith("error: the sandbox at http://127.0.0.1:9") and "openclaw sandbox" in result.stderr
    assert asyncio.run(_demo_tenant(migrated_database)) is None


async def _demo_tenant(url: str) -> object:
    import asyncpg
    from sqlalchemy.engine import make_url

    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        return await connection.fetchval("SELECT id FROM tenants WHERE name = 'Demo Trading Co.'")
    finally:
        await connection.close()
