"""/v1/users: the tenant's users for assignment; only admins see their emails."""

from __future__ import annotations

import httpx

from tests.conftest import Seeder


async def test_admins_see_every_user_of_their_tenant_with_emails(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id, "admin")
    operator_email = await seed.user(tenant_id, "operator")
    await seed.user(await seed.tenant(), "admin")  # another tenant's user

    users = (await client.get("/v1/users", headers=admin)).json()["items"]

    assert len(users) == 2 and operator_email in {u["email"] for u in users}
    assert {u["role"] for u in users} == {"admin", "operator"}
    assert "password_hash" not in users[0]


async def test_viewers_operators_and_api_keys_see_names_but_not_emails(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    callers = {
        "viewer": await seed.login(tenant_id, "viewer"),
        "operator": await seed.login(tenant_id, "operator"),
        "api key": await seed.api_key(tenant_id, ["errors:read"]),
    }

    for caller, headers in callers.items():
        response = await client.get("/v1/users", headers=headers)
        assert response.status_code == 200, caller
        users = response.json()["items"]
        assert len(users) == 2, caller
        assert all(u["email"] is None and u["display_name"] for u in users), caller
        assert "@" not in response.text, caller
