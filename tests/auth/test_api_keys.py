from __future__ import annotations

import httpx

from tests.conftest import Seeder


async def test_admin_creates_a_key_whose_secret_is_shown_once(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    created = await client.post(
        "/v1/api-keys", json={"name": "ERP", "scopes": ["errors:write", "catalog:write"]}, headers=admin
    )
    listed = await client.get("/v1/api-keys", headers=admin)

    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith(created.json()["prefix"] + "_")
    assert listed.json()["items"][0]["prefix"] == created.json()["prefix"]
    assert "secret" not in listed.json()["items"][0] and secret not in listed.text
    me = await client.get("/v1/me", headers={"X-API-Key": secret})
    assert me.status_code == 200
    assert me.json()["kind"] == "api_key" and me.json()["scopes"] == ["catalog:write", "errors:write"]


async def test_a_key_without_the_scope_gets_403(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    export_only = await seed.api_key(tenant_id, ["exports:read"])
    reader = await seed.api_key(tenant_id, ["errors:read"])

    refused = await client.get("/v1/error-types", headers=export_only)
    allowed = await client.get("/v1/error-types", headers=reader)

    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert "errors:read" in refused.json()["detail"]
    assert allowed.status_code == 200


async def test_a_revoked_key_stops_working(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())
    created = (await client.post("/v1/api-keys", json={"name": "CI", "scopes": ["errors:read"]}, headers=admin)).json()
    key = {"Authorization": f"Bearer {created['secret']}"}
    assert (await client.get("/v1/me", headers=key)).status_code == 200

    assert (await client.delete(f"/v1/api-keys/{created['id']}", headers=admin)).status_code == 204

    assert (await client.get("/v1/me", headers=key)).status_code == 401
    assert (await client.delete(f"/v1/api-keys/{created['id']}", headers=admin)).status_code == 404


async def test_a_tampered_key_with_a_real_prefix_is_refused(client: httpx.AsyncClient, seed: Seeder) -> None:
    key = (await seed.api_key(await seed.tenant(), ["errors:read"]))["Authorization"]
    tampered = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")

    assert (await client.get("/v1/me", headers={"Authorization": tampered})).status_code == 401


async def test_only_admins_manage_keys(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    body = {"name": "x", "scopes": ["errors:read"]}
    for role in ("operator", "viewer"):
        headers = await seed.login(tenant_id, role)
        assert (await client.post("/v1/api-keys", json=body, headers=headers)).status_code == 403
        assert (await client.get("/v1/api-keys", headers=headers)).status_code == 403
    key = await seed.api_key(tenant_id, ["errors:read", "errors:write", "exports:read"])
    assert (await client.post("/v1/api-keys", json=body, headers=key)).status_code == 403


async def test_an_unknown_scope_is_a_validation_problem(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    response = await client.post("/v1/api-keys", json={"name": "x", "scopes": ["errors:delete"]}, headers=admin)

    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"].startswith("scopes")
