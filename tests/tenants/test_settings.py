from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Seeder


async def test_new_tenants_have_defaults_and_everyone_reads_them(client: httpx.AsyncClient, seed: Seeder) -> None:
    viewer = await seed.login(await seed.tenant(), "viewer")

    settings = (await client.get("/v1/settings", headers=viewer)).json()

    assert (settings["retention_days"], settings["timezone"], settings["language"]) == (90, "Asia/Shanghai", "zh-CN")


async def test_admin_changes_settings_others_cannot(client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    admin, operator = await seed.login(tenant_id), await seed.login(tenant_id, "operator")

    changed = await client.put(
        "/v1/settings", json={"retention_days": 180, "timezone": "Asia/Kuala_Lumpur"}, headers=admin
    )
    refused = await client.put("/v1/settings", json={"language": "en"}, headers=operator)

    assert changed.status_code == 200
    assert changed.json()["retention_days"] == 180 and changed.json()["timezone"] == "Asia/Kuala_Lumpur"
    assert refused.status_code == 403
    assert (await client.get("/v1/settings", headers=operator)).json()["language"] == "zh-CN"


async def test_bad_settings_are_422(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    for body, field in (({"retention_days": 45}, "retention_days"), ({"timezone": "Mars/Olympus"}, "timezone"),
                        ({"language": "fr"}, "language"), ({"reporting_currency": "yuan"}, "reporting_currency"),
                        ({"fx_rates": {"USD": "-7.1"}}, "fx_rates.USD"), ({"fx_rates": {"usd": "7.1"}}, "fx_rates.usd.[key]"),
                        ({"fx_rates": {"USD": "NaN"}}, "fx_rates.USD"), ({"price_spread_pct": 0}, "price_spread_pct")):  # fmt: skip
        response = await client.put("/v1/settings", json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["invalid_params"][0]["name"] == field, response.json()


async def test_the_fx_table_is_kept_exactly_and_replaced_whole(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())
    first = await client.put("/v1/settings", json={"fx_rates": {"USD": "7.1234", "MYR": 1.55}}, headers=admin)
    second = await client.put("/v1/settings", json={"fx_rates": {"THB": "0.2"}, "price_spread_pct": 30}, headers=admin)

    assert first.json()["fx_rates"] == {"USD": "7.1234", "MYR": "1.55"}
    assert (second.json()["fx_rates"], second.json()["price_spread_pct"]) == ({"THB": "0.2"}, 30)
    assert second.json()["reporting_currency"] == "CNY"


async def test_settings_are_per_tenant(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin_a, admin_b = await seed.login(await seed.tenant()), await seed.login(await seed.tenant())

    await client.put("/v1/settings", json={"timezone": "Asia/Bangkok"}, headers=admin_a)

    assert (await client.get("/v1/settings", headers=admin_b)).json()["timezone"] == "Asia/Shanghai"


async def test_zones_python_loads_but_postgresql_refuses_are_422_and_a_real_zone_still_exports(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    key = await seed.api_key(tenant_id, ["exports:read"])

    for zone in ("right/UTC", "posix/Asia/Shanghai", "localtime", "Factory", "posixrules"):
        response = await client.put("/v1/settings", json={"timezone": zone}, headers=admin)
        assert response.status_code == 422, zone
        assert response.json()["invalid_params"][0]["name"] == "timezone"
    accepted = await client.put("/v1/settings", json={"timezone": "Etc/GMT-8"}, headers=admin)
    export = await client.get("/v1/exports/errors.csv", headers=key)

    assert accepted.status_code == 200
    assert (await client.get("/v1/settings", headers=admin)).json()["timezone"] == "Etc/GMT-8"
    assert export.status_code == 200 and export.text.startswith("\ufeffgroup_id,")


async def test_a_zone_stored_before_zones_were_checked_falls_back_to_utc_instead_of_breaking_the_export(
    client: httpx.AsyncClient, seed: Seeder, sessions: Any
) -> None:
    from sqlalchemy import update

    from api.db import use_tenant
    from api.tenants.models import TenantSettings

    tenant_id = await seed.tenant()
    key = await seed.api_key(tenant_id, ["exports:read", "errors:read"])
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        await session.execute(update(TenantSettings).values(timezone="right/UTC"))
        await session.commit()

    export = await client.get("/v1/exports/errors.csv", headers=key)
    trend = await client.get("/v1/stats/trend", headers=key)

    assert export.status_code == 200 and export.text.startswith("\ufeffgroup_id,")
    assert trend.status_code == 200 and trend.json()["timezone"] == "UTC"
