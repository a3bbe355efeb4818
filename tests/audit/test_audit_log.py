from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.audit import service as audit
from api.audit.models import AuditEntry
from api.db import use_tenant
from api.pagination import encode_cursor
from api.principal import Principal
from tests.conftest import Seeder

URL = "/v1/audit-log"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def write_entries(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID) -> None:
    """Ten entries, one a minute from T0: shop updates by a user, error handling by a key, one by the system."""
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        for i in range(10):
            kind, action, object_type = (
                ("user", "shop.update", "shop") if i % 2 == 0 else ("api_key", "error.handle", "error_group")
            )
            if i == 9:
                kind, action = "system", "error.auto_resolve"
            session.add(
                AuditEntry(
                    tenant_id=tenant_id,
                    occurred_at=T0 + timedelta(minutes=i),
                    actor_kind=kind,
                    actor_id=None if kind == "system" else f"{kind}-id",
                    actor_label={"user": "ops@example.com", "api_key": "erp key", "system": "system"}[kind],
                    action=action,
                    object_type=object_type,
                    object_id=f"obj-{i % 3}",
                    before={"name": f"before {i}"},
                    after={"name": f"after {i}"},
                    payload={"n": i},
                )
            )
        await session.commit()


async def test_an_admin_reads_the_audit_log_newest_first_with_actor_and_changes(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    await write_entries(sessions, tenant_id)

    body = (await client.get(URL, params={"until": "2026-11-21T00:00:00Z"}, headers=admin)).json()

    assert [e["payload"]["n"] for e in body["items"]] == list(range(9, -1, -1))
    assert body["next_cursor"] is None
    newest, user_entry = body["items"][0], body["items"][1]
    assert newest["actor"] == {"kind": "system", "id": None, "label": "system"}
    assert user_entry == {
        "id": user_entry["id"],
        "occurred_at": "2026-11-20T08:08:00Z",
        "actor": {"kind": "user", "id": "user-id", "label": "ops@example.com"},
        "action": "shop.update",
        "object_type": "shop",
        "object_id": "obj-2",
        "before": {"name": "before 8"},
        "after": {"name": "after 8"},
        "payload": {"n": 8},
        "request_id": None,
    }


async def test_audit_log_filters_combine(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)  # its login is not audited, but be exact: filter on our window
    await write_entries(sessions, tenant_id)
    window = {"since": "2026-11-20T08:00:00Z", "until": "2026-11-20T09:00:00Z"}

    async def numbers(**params: str | list[str]) -> list[int]:
        response = await client.get(URL, params={**window, **params}, headers=admin)
        assert response.status_code == 200, response.text
        return [e["payload"]["n"] for e in response.json()["items"]]

    assert await numbers(action="shop.update") == [8, 6, 4, 2, 0]
    assert await numbers(action=["error.handle", "error.auto_resolve"]) == [9, 7, 5, 3, 1]
    assert await numbers(actor_kind="api_key") == [7, 5, 3, 1]
    assert await numbers(object_type="error_group", object_id="obj-1") == [7, 1]
    assert await numbers(since="2026-11-20T08:03:00+00:00", until="2026-11-20T16:05:00+08:00") == [4, 3]


async def test_pages_follow_the_cursor_without_gaps_or_repeats_even_within_one_instant(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    await write_entries(sessions, tenant_id)
    # Five entries of one transaction share their occurred_at: the id breaks the tie.
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        for i in range(5):
            await audit.record(
                session, Principal.system(tenant_id), "tenant.touch", "tenant", tenant_id, payload={"n": 100 + i}
            )
        await session.commit()

    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int | list[str]] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        params["action"] = ["tenant.touch", "shop.update", "error.handle", "error.auto_resolve"]  # not logins
        body = (await client.get(URL, params=params, headers=admin)).json()
        seen += [e["payload"]["n"] for e in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == [104, 103, 102, 101, 100, *range(9, -1, -1)]
    assert pages == 4


async def test_only_admins_read_the_audit_log_and_only_their_tenant(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_a, tenant_b = await seed.tenant(), await seed.tenant()
    await write_entries(sessions, tenant_a)
    admin_b = await seed.login(tenant_b)

    for headers in (
        await seed.login(tenant_a, "operator"),
        await seed.login(tenant_a, "viewer"),
        await seed.api_key(tenant_a, ["errors:read", "errors:write", "exports:read", "catalog:write"]),
    ):
        response = await client.get(URL, headers=headers)
        assert response.status_code == 403 and response.headers["content-type"] == "application/problem+json"
    assert (await client.get(URL)).status_code == 401
    own = await client.get(URL, params={"action": "shop.update"}, headers=await seed.login(tenant_a))
    other = await client.get(URL, params={"action": "shop.update"}, headers=admin_b)
    assert len(own.json()["items"]) == 5 and other.json()["items"] == []


async def test_bad_paging_and_windows_are_422_problems(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    cases = [
        {"limit": 0},
        {"limit": 201},
        {"cursor": "not-a-cursor!"},
        {"cursor": encode_cursor({"unexpected": "shape"})},
        {"cursor": encode_cursor(["yesterday", 1])},
        {"since": "2026-11-25T00:00:00Z", "until": "2026-11-24T00:00:00Z"},
        {"actor_kind": "robot"},
        {"action": "Shop Update"},  # not an action name: it could never match
        {"action": ""},
    ]
    for params in cases:
        response = await client.get(URL, params=params, headers=admin)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "validation_failed"
