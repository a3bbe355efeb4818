from __future__ import annotations

from typing import Any

import httpx
from redis.asyncio import Redis

from tests.conftest import Seeder


async def test_a_malformed_body_is_a_problem_listing_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/auth/login", content=b'{"email": "a@b.c", "password": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["type"].endswith("/validation_failed")
    assert problem["invalid_params"]


async def test_missing_and_unknown_fields_are_named(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/login", json={"email": "not-an-email", "pasword": "x"})

    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"email", "password", "pasword"} <= names


async def test_a_query_parameter_the_route_does_not_take_is_named_not_ignored(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    admin = await seed.login(await seed.tenant())

    typo = await client.get("/v1/errors", params={"shopid": "x", "limit": "5"}, headers=admin)
    right = await client.get("/v1/errors", params={"limit": "5", "severity": "error"}, headers=admin)
    export = await client.get("/v1/exports/errors.csv", params={"platfrom": "amazon"}, headers=admin)

    assert typo.status_code == 422, typo.text
    assert [p["name"] for p in typo.json()["invalid_params"]] == ["query.shopid"]
    assert "limit" in typo.json()["detail"]  # it says what the route takes
    assert right.status_code == 200
    assert export.status_code == 422


async def test_problems_speak_english_when_asked(client: httpx.AsyncClient) -> None:
    zh = await client.get("/v1/me")
    en = await client.get("/v1/me", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert zh.json()["title"] == "需要登录"
    assert en.json()["title"] == "Authentication required"


async def test_an_oversized_body_is_refused_with_413(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())
    big = {"name": "x" * (1100 * 1024), "platform": "amazon", "market": "US"}  # over the 1 MiB test limit

    response = await client.post("/v1/shops", json=big, headers=admin)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_a_chunked_oversized_body_is_refused_too(client: httpx.AsyncClient, seed: Seeder) -> None:
    admin = await seed.login(await seed.tenant())

    async def chunks() -> Any:
        for _ in range(1100):
            yield b"x" * 1024

    response = await client.post("/v1/shops", content=chunks(), headers={**admin, "content-type": "application/json"})

    assert response.status_code == 413


async def test_request_ids_are_echoed_or_minted(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "erp-42"})
    minted = await client.get("/healthz")
    refused = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})

    assert echoed.headers["x-request-id"] == "erp-42"
    assert len(minted.headers["x-request-id"]) == 32
    assert refused.headers["x-request-id"] != "bad id with spaces"


async def test_unknown_routes_are_problems(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")

    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


async def test_readyz_checks_postgres_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "redis": "ok"}


async def test_readyz_reports_a_stopped_redis_as_not_ready(client: httpx.AsyncClient, app: Any) -> None:
    # A Redis that is not running: nothing listens on this port.
    app.state.redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)

    response = await client.get("/readyz")
    live = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("unreachable")
    assert response.json()["checks"]["postgres"] == "ok"
    assert live.status_code == 200


async def test_error_types_follow_the_accept_language(client: httpx.AsyncClient, seed: Seeder) -> None:
    key = await seed.api_key(await seed.tenant(), ["errors:read"])

    zh = (await client.get("/v1/error-types", headers=key)).json()["items"]
    en = (await client.get("/v1/error-types", headers={**key, "Accept-Language": "en"})).json()["items"]

    assert len(zh) == 16
    by_code = {i["code"]: i for i in en}
    assert by_code["AUTH_EXPIRED"]["title"] == "Authorisation expired"
    assert by_code["MEDIA_QUALITY"]["severity"] == "warning"
    assert {c for c, i in by_code.items() if i["sla_paused"]} == {"PLATFORM_STATE_DELAYED", "APPROVAL_PENDING"}
    assert {i["code"]: i["title"] for i in zh}["AUTH_EXPIRED"] == "授权已过期"
