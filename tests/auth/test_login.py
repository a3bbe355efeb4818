from __future__ import annotations

import httpx

from api.deps import SESSION_COOKIE
from tests.conftest import Seeder


async def test_login_returns_a_bearer_token_and_an_http_only_cookie(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant("Login Co")
    email = await seed.user(tenant_id, "operator")

    response = await client.post("/v1/auth/login", json={"email": email.upper(), "password": "correct horse"})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"].startswith("ocs_")
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == email and me.json()["role"] == "operator"
    assert me.json()["tenant_name"] == "Login Co"
    assert "errors:write" in me.json()["scopes"]


async def test_the_spa_cookie_alone_authenticates(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    email = await seed.user(tenant_id, "viewer")
    await client.post("/v1/auth/login", json={"email": email, "password": "correct horse"})

    me = await client.get("/v1/me")  # the client keeps the cookie

    assert me.status_code == 200 and me.json()["role"] == "viewer"
    assert sorted(me.json()["scopes"]) == ["errors:read", "exports:read"]


async def test_wrong_password_is_a_401_problem(client: httpx.AsyncClient, seed: Seeder) -> None:
    email = await seed.user(await seed.tenant())

    response = await client.post("/v1/auth/login", json={"email": email, "password": "wrong"})
    unknown = await client.post("/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong"})

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthorized"
    assert unknown.status_code == 401 and unknown.json()["detail"] == response.json()["detail"]


async def test_logout_revokes_the_session(client: httpx.AsyncClient, seed: Seeder) -> None:
    headers = await seed.login(await seed.tenant())

    assert (await client.post("/v1/auth/logout", headers=headers)).status_code == 204
    after = await client.get("/v1/me", headers=headers)

    assert after.status_code == 401
    assert after.headers["www-authenticate"] == "Bearer"


async def test_no_credentials_and_forged_tokens_are_refused(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/me")).status_code == 401
    forged = {"Authorization": "Bearer ocs_not-a-real-session"}
    assert (await client.get("/v1/me", headers=forged)).status_code == 401
    assert (await client.get("/v1/me", headers={"Authorization": "Bearer ock_12345678_x"})).status_code == 401
