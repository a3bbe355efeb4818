from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEntry
from api.config import Settings
from api.db import use_tenant
from api.shops import connections
from api.shops.models import Connection
from tests.conftest import Seeder
from tests.shops.conftest import ACCESS_TOKEN, PARTNER_KEY, REFRESH_TOKEN, Tenant, sandbox_listing

SECRETS = (PARTNER_KEY, ACCESS_TOKEN, REFRESH_TOKEN)


async def test_an_admin_sends_a_sandbox_listing_entry_as_is_and_gets_the_connection_without_secrets(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shop = await tenant.shop("shopee", "MY")

    put = await client.put(f"/v1/shops/{shop['id']}/connection", json=sandbox_listing(), headers=tenant.admin)
    got = await client.get(f"/v1/shops/{shop['id']}/connection", headers=tenant.admin)

    assert put.status_code == 200, put.text
    assert got.json() == put.json()
    body = got.json()
    assert body["shop_id"] == shop["id"] and body["base_url"] == "http://127.0.0.1:8100/shopee"
    assert body["credential_names"] == ["partner_id", "partner_key", "shop_id"]
    assert body["has_access_token"] is True and body["has_refresh_token"] is True
    assert body["access_expires_at"] == "2030-01-01T04:00:00Z" and body["refresh_expires_at"] is None
    assert body["health"] == "unknown" and body["last_success_at"] is None and body["scopes"] == []
    for secret in SECRETS:
        assert secret not in put.text and secret not in got.text


async def test_secrets_are_stored_encrypted_and_the_workers_read_them_back(
    tenant: Tenant, client: httpx.AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    shop = await tenant.shop("shopee", "MY")
    await client.put(f"/v1/shops/{shop['id']}/connection", json=sandbox_listing(), headers=tenant.admin)

    await use_tenant(db, tenant.id)
    row = (await db.execute(select(Connection))).scalar_one()
    secrets = await connections.read_secrets(
        db, uuid.UUID(shop["id"]), box=connections.secret_box(settings.encryption_key)
    )

    stored = row.credentials_encrypted + (row.access_token_encrypted or b"") + (row.refresh_token_encrypted or b"")
    assert all(secret.encode() not in stored for secret in SECRETS)
    assert secrets is not None
    assert secrets.credentials["partner_key"] == PARTNER_KEY
    assert (secrets.access_token, secrets.refresh_token) == (ACCESS_TOKEN, REFRESH_TOKEN)
    assert (secrets.platform, secrets.market, secrets.currency) == ("shopee", "MY", "MYR")
    assert secrets.access_expires_at == datetime(2030, 1, 1, 4, tzinfo=UTC)
    assert all(secret not in repr(secrets) for secret in SECRETS)  # a logged connection shows no secret


async def test_a_missing_credential_is_a_422_naming_it(tenant: Tenant, client: httpx.AsyncClient) -> None:
    amazon = await tenant.shop("amazon", "US")
    entry = sandbox_listing(platform="amazon", market="US", credentials={"client_id": "amzn1.x", "seller_id": "A1"})

    response = await client.put(f"/v1/shops/{amazon['id']}/connection", json=entry, headers=tenant.admin)

    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["credentials.client_secret"]
    assert (await client.get(f"/v1/shops/{amazon['id']}/connection", headers=tenant.admin)).status_code == 404


async def test_bad_urls_times_and_a_listing_of_another_platform_are_422(
    tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shop = await tenant.shop("shopee", "MY")
    path = f"/v1/shops/{shop['id']}/connection"

    cases = {
        "base_url": sandbox_listing(base_url="ftp://127.0.0.1/shopee"),
        "auth_base_url": sandbox_listing(auth_base_url="not a url"),
        "access_expires_at": sandbox_listing(access_expires_at="2030-01-01T04:00:00"),  # no offset
        "refresh_expires_at": sandbox_listing(refresh_expires_at="9999-12-31T23:59:59-12:00"),
        "platform": sandbox_listing(platform="lazada"),
        "credentials.partner_key": sandbox_listing(credentials={"partner_id": "1", "partner_key": "", "shop_id": "2"}),
        "access_token": sandbox_listing(access_token="a\x00b"),
    }
    for field, body in cases.items():
        response = await client.put(path, json=body, headers=tenant.admin)
        assert response.status_code == 422, (field, response.text)
        assert field in [p["name"] for p in response.json()["invalid_params"]], (field, response.json())


async def test_only_admins_set_connections_and_everyone_in_the_tenant_reads_them(
    seed: Seeder, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    shop = await tenant.shop("shopee", "MY")
    path = f"/v1/shops/{shop['id']}/connection"
    await client.put(path, json=sandbox_listing(), headers=tenant.admin)

    for headers in (
        await seed.login(tenant.id, "operator"),
        await seed.login(tenant.id, "viewer"),
        await seed.api_key(tenant.id, ["catalog:write", "strategies:write"]),
    ):
        assert (await client.put(path, json=sandbox_listing(), headers=headers)).status_code == 403
        assert (await client.get(path, headers=headers)).json()["has_access_token"] is True


async def test_a_shop_of_another_tenant_is_not_found(seed: Seeder, tenant: Tenant, client: httpx.AsyncClient) -> None:
    theirs = await tenant.shop("shopee", "MY")
    await client.put(f"/v1/shops/{theirs['id']}/connection", json=sandbox_listing(), headers=tenant.admin)
    other_admin = await seed.login(await seed.tenant())

    put = await client.put(f"/v1/shops/{theirs['id']}/connection", json=sandbox_listing(), headers=other_admin)
    get = await client.get(f"/v1/shops/{theirs['id']}/connection", headers=other_admin)

    assert put.status_code == 404 and get.status_code == 404
    assert (await client.get(f"/v1/shops/{theirs['id']}/connection", headers=tenant.admin)).status_code == 200


async def test_setting_a_connection_again_resets_its_health_and_workers_report_health_and_tokens(
    tenant: Tenant,
    client: httpx.AsyncClient,
    sessions,
    settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    shop = await tenant.shop("shopee", "MY")
    shop_id = uuid.UUID(shop["id"])
    path = f"/v1/shops/{shop['id']}/connection"
    box = connections.secret_box(settings.encryption_key)
    await client.put(path, json=sandbox_listing(), headers=tenant.admin)

    async with sessions() as session:
        await use_tenant(session, tenant.id)
        await connections.set_health(session, shop_id, "ok")
        await connections.store_tokens(
            session, shop_id, access_token="new-access", refresh_token=None,
            access_expires_at=datetime(2031, 1, 1, tzinfo=UTC), refresh_expires_at=None, scopes=["item.base"],
            box=box,
        )  # fmt: skip
        await session.commit()
    after_ok = (await client.get(path, headers=tenant.admin)).json()
    async with sessions() as session:
        await use_tenant(session, tenant.id)
        await connections.set_health(session, shop_id, "failing", "error_auth: invalid access_token")
        secrets = await connections.read_secrets(session, shop_id, box=box)
        await session.commit()
    after_failing = (await client.get(path, headers=tenant.admin)).json()
    reset = (await client.put(path, json=sandbox_listing(), headers=tenant.admin)).json()

    assert after_ok["health"] == "ok" and after_ok["last_success_at"] is not None
    assert after_ok["scopes"] == ["item.base"] and after_ok["access_expires_at"] == "2031-01-01T00:00:00Z"
    assert secrets is not None and (secrets.access_token, secrets.refresh_token) == ("new-access", REFRESH_TOKEN)
    assert after_failing["health"] == "failing" and after_failing["last_error"] == "error_auth: invalid access_token"
    assert after_failing["last_success_at"] == after_ok["last_success_at"]
    assert reset["health"] == "unknown" and reset["last_error"] is None


async def test_connection_changes_are_audited_without_secrets(
    tenant: Tenant, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    shop = await tenant.shop("shopee", "MY")
    path = f"/v1/shops/{shop['id']}/connection"
    await client.put(path, json=sandbox_listing(), headers=tenant.admin)
    await client.put(path, json=sandbox_listing(refresh_token=None), headers=tenant.admin)

    await use_tenant(db, tenant.id)
    entries = list(
        (await db.execute(select(AuditEntry).where(AuditEntry.action == "connection.put").order_by(AuditEntry.id)))
        .scalars()
    )  # fmt: skip

    assert len(entries) == 2 and entries[0].before is None and entries[0].object_id == shop["id"]
    assert entries[1].before["has_refresh_token"] is True and entries[1].after["has_refresh_token"] is False
    assert entries[1].after["credential_names"] == ["partner_id", "partner_key", "shop_id"]
    text = repr([(e.before, e.after, e.payload) for e in entries])
    assert all(secret not in text for secret in SECRETS)


async def test_expiry_times_are_rfc3339_strings_not_numbers(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("shopee", "MY")

    for value in (1893456000, "1893456000"):
        body = sandbox_listing(access_expires_at=value)
        response = await client.put(f"/v1/shops/{shop['id']}/connection", json=body, headers=tenant.admin)
        assert response.status_code == 422, (value, response.text)
        assert response.json()["invalid_params"][0]["name"] == "access_expires_at"


async def test_a_refused_connection_does_not_echo_its_secrets(tenant: Tenant, client: httpx.AsyncClient) -> None:
    shop = await tenant.shop("shopee", "MY")
    too_long = ACCESS_TOKEN * 400
    body = sandbox_listing(access_token=too_long, credentials={"partner_id": "1", "partner_key": PARTNER_KEY})

    response = await client.put(f"/v1/shops/{shop['id']}/connection", json=body, headers=tenant.admin)

    assert response.status_code == 422
    assert ACCESS_TOKEN not in response.text and PARTNER_KEY not in response.text
