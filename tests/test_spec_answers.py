"""The spec tells the truth: the answers routes really give (404, 409, 413, 422, ...) are declared in openapi.yaml,
so generated clients and the fuzz test know them."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.conftest import Seeder

_PARAM = re.compile(r"\{[^/]+\}")


def declared(app: Any, method: str, url: str) -> set[int]:
    """The status codes the app's OpenAPI declares for the operation serving this request."""
    for path, operations in app.openapi()["paths"].items():
        if re.fullmatch(_PARAM.sub("[^/]+", path), url) and method.lower() in operations:
            return {int(code) for code in operations[method.lower()]["responses"]}
    raise AssertionError(f"{method} {url} is not in the spec")


async def test_every_answer_a_route_gives_is_declared_for_it(app: Any, client: httpx.AsyncClient, seed: Seeder) -> None:
    tenant_id = await seed.tenant()
    admin = await seed.login(tenant_id)
    shop = await client.post(
        "/v1/shops", json={"name": "Lazada TH", "platform": "lazada", "market": "TH"}, headers=admin
    )
    event = {
        "idempotency_key": "spec-1",
        "occurred_at": "2026-11-25T08:00:00+08:00",
        "shop_id": shop.json()["id"],
        "error_type": "RATE_LIMITED",
    }
    await client.post("/v1/error-events", json={"events": [event]}, headers=admin)
    group_id = (await client.get("/v1/errors", params={"since": "2026-11-01T00:00:00Z"}, headers=admin)).json()[
        "items"
    ][0]["id"]
    await client.post(f"/v1/errors/{group_id}/handle", json={"resolution": "other"}, headers=admin)
    missing = uuid.uuid4()
    too_big = {"events": [{**event, "raw_excerpt": "x" * 20_000}] * 60}  # over the 1 MiB body limit of the tests

    requests: list[tuple[str, str, dict[str, Any], int]] = [
        ("GET", f"/v1/errors/{missing}", {}, 404),
        ("GET", f"/v1/errors/{missing}/events", {}, 404),
        ("GET", "/v1/errors", {"params": {"view_id": str(missing)}}, 404),
        ("GET", "/v1/errors/facets", {"params": {"view_id": str(missing)}}, 404),
        ("GET", "/v1/exports/errors.csv", {"params": {"view_id": str(missing)}}, 404),
        ("POST", "/v1/errors/handle", {"json": {"view_id": str(missing), "resolution": "other"}}, 404),
        ("POST", f"/v1/errors/{group_id}/handle", {"json": {"resolution": "other"}}, 409),
        ("POST", f"/v1/errors/{group_id}/snooze", {"json": {"events": 5}}, 409),
        ("POST", f"/v1/errors/{missing}/reopen", {}, 404),
        ("PUT", f"/v1/errors/{missing}/pinned-note", {"json": {"note": "n"}}, 404),
        ("PATCH", f"/v1/views/{missing}", {"json": {"name": "v"}}, 404),
        ("DELETE", f"/v1/views/{missing}", {}, 404),
        ("DELETE", f"/v1/api-keys/{missing}", {}, 404),
        ("GET", f"/v1/traces/{missing.hex}", {}, 404),
        ("POST", "/v1/error-events", {"json": too_big}, 413),
        ("GET", "/v1/errors", {"params": {"cursor": "forged"}}, 422),
    ]
    for method, url, kwargs, expected in requests:
        response = await client.request(method, url, headers=admin, **kwargs)
        assert response.status_code == expected, (method, url, response.text)
        assert expected in declared(app, method, url), f"{method} {url} answers {expected} but does not declare it"


def test_every_operation_declares_the_answers_any_request_can_get(app: Any) -> None:
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            assert {"413", "422", "503"} <= set(operation["responses"]), f"{method.upper()} {path}"
