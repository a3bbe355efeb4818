"""Hostile or broken input gets a 422 naming the field and never reaches PostgreSQL: one bad event must not break
a tenant's board, and no time, string or cursor may turn a list, facet, bulk, stats or export request into a 500."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.pagination import MAX_CURSOR_CHARS
from tests.conftest import Seeder
from tests.errors.conftest import Board, event


def bad_fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [p["name"] for p in response.json()["invalid_params"]]


@pytest.mark.parametrize(
    "occurred_at",
    [
        "9999-12-31T23:00:00-05:00",  # year 10000 in UTC: PostgreSQL stores it, Python cannot read it back
        "0001-01-01T00:30:00+05:00",  # year 0 in UTC
        "2026-11-25T08:00:00+24:00",  # an offset beyond what Python's datetime holds
        "2026-11-25T08:00:00+99:99",
        "1999-12-31T23:59:59Z",  # before the sane window
        "2026-11-25T08:00:00",  # no offset
    ],
)
async def test_an_event_whose_time_python_cannot_read_back_is_refused_and_the_board_still_answers(
    board: Board, occurred_at: str
) -> None:
    refused = await board.client.post(
        "/v1/error-events",
        json={"events": [event(board.shop_a, occurred_at=occurred_at)]},
        headers=board.headers,
    )

    assert bad_fields(refused) == ["events.0.occurred_at"]
    assert await board.groups() == []
    listed = await board.client.get("/v1/errors", params={"status": "all"}, headers=board.headers)
    assert listed.status_code == 200


async def test_event_times_are_stored_in_utc_whatever_offset_they_came_with(board: Board) -> None:
    local = datetime.now(UTC).astimezone().replace(microsecond=0) - timedelta(hours=1)
    await board.ingest(event(board.shop_a, occurred_at=local.isoformat().replace("+00:00", "+08:00")))

    (group,) = await board.groups()

    assert group["last_seen"].endswith("Z") or group["last_seen"].endswith("+00:00")


@pytest.mark.parametrize(
    "field",
    ["idempotency_key", "sku", "platform_item_id", "trace_id", "platform_error_code", "platform_error_message",
     "raw_excerpt"],
)  # fmt: skip
async def test_a_nul_byte_in_any_event_field_is_a_422_naming_it_not_a_500_an_erp_retries(
    board: Board, field: str
) -> None:
    response = await board.client.post(
        "/v1/error-events", json={"events": [event(board.shop_a, **{field: "bad\x00value"})]}, headers=board.headers
    )

    assert bad_fields(response) == [f"events.0.{field}"]


async def test_a_nul_byte_in_missing_fields_names_the_item(board: Board) -> None:
    response = await board.client.post(
        "/v1/error-events",
        json={"events": [event(board.shop_a, missing_fields=["brand", "col\x00our"])]},
        headers=board.headers,
    )

    assert bad_fields(response) == ["events.0.missing_fields.1"]


async def test_nul_bytes_in_searches_notes_and_view_names_are_422(board: Board, seed: Seeder) -> None:
    await board.ingest(event(board.shop_a))
    (group,) = await board.groups()
    admin = await seed.login(board.tenant_id, "admin")
    c, h = board.client, board.headers

    answers = {
        "q": await c.get("/v1/errors", params={"q": "SKU\x00"}, headers=h),
        "assignee": await c.get("/v1/errors/facets", params={"assignee": "me\x00"}, headers=h),
        "note": await c.post(f"/v1/errors/{group['id']}/handle", json={"resolution": "other", "note": "a\x00"},
                             headers=h),
        "pinned": await c.put(f"/v1/errors/{group['id']}/pinned-note", json={"note": "\x00"}, headers=h),
        "view": await c.post("/v1/views", json={"name": "mine\x00", "filters": {}}, headers=h),
        "view_q": await c.post("/v1/views", json={"name": "ok", "filters": {"q": "\x00"}}, headers=h),
        "success": await c.post("/v1/push-successes", json={"shop_id": board.shop_a, "sku": "S\x00", "operation":
                                "price", "occurred_at": datetime.now(UTC).isoformat()}, headers=h),
        "audit": await c.get("/v1/audit-log", params={"object_id": "x\x00"}, headers=admin),
        "audit_action": await c.get("/v1/audit-log", params={"action": "shop.\x00"}, headers=admin),
        "trace": await c.get("/v1/traces/abc%00def", headers=h),
    }  # fmt: skip

    assert {name: bad_fields(r) for name, r in answers.items()} == {
        "q": ["q"],
        "assignee": ["assignee.0"],
        "note": ["note"],
        "pinned": ["note"],
        "view": ["name"],
        "view_q": ["filters.q"],
        "success": ["sku"],
        "audit": ["object_id"],
        "audit_action": ["action.0"],
        "trace": ["trace_id"],
    }
    assert (await board.groups())[0]["status"] == "open"


async def test_numbers_are_not_times_or_booleans(board: Board) -> None:
    c, h = board.client, board.headers

    unix_event = await c.post(
        "/v1/error-events", json={"events": [event(board.shop_a, occurred_at=1764057600)]}, headers=h
    )
    unix_string = await c.get("/v1/errors", params={"since": "1764057600"}, headers=h)
    numeric_view = await c.post("/v1/views", json={"name": "v", "filters": {}, "shared": 1}, headers=h)
    string_bool = await c.post("/v1/views", json={"name": "v", "filters": {}, "is_default": "true"}, headers=h)
    snooze_number = await c.post("/v1/errors/snooze", json={"ids": [], "until": 4102444800}, headers=h)

    assert bad_fields(unix_event) == ["events.0.occurred_at"]
    assert bad_fields(unix_string) == ["since"]
    assert bad_fields(numeric_view) == ["shared"]
    assert bad_fields(string_bool) == ["is_default"]
    assert bad_fields(snooze_number) == ["until"]


FAR_PAST = "0001-01-01T00:00:00Z"
FAR_FUTURE = "9999-12-31T23:59:59Z"


async def test_far_past_and_far_future_windows_are_422_on_every_board_route(board: Board, seed: Seeder) -> None:
    await board.ingest(event(board.shop_a))
    (group,) = await board.groups()
    key = await seed.api_key(board.tenant_id, ["errors:read", "exports:read"])
    c, h = board.client, board.headers

    for since, until in ((FAR_PAST, None), (None, FAR_PAST), (FAR_FUTURE, None), (None, FAR_FUTURE)):
        window = {k: v for k, v in (("since", since), ("until", until)) if v}
        (name,) = window
        for path in ("/v1/errors", "/v1/errors/facets", "/v1/exports/errors.csv", "/v1/stats/sla"):
            assert bad_fields(await c.get(path, params=window, headers=key)) == [name], (path, window)
        bulk = await c.post("/v1/errors/handle", json={"filter": window, "resolution": "other"}, headers=h)
        assert bad_fields(bulk) == [f"filter.{name}"]
        audit = await c.get("/v1/audit-log", params=window, headers=await seed.login(board.tenant_id))
        assert bad_fields(audit) == [name]
        traces = await c.get("/v1/traces", params=window, headers=h)
        assert bad_fields(traces) == [name]

    snooze = await c.post(f"/v1/errors/{group['id']}/snooze", json={"until": FAR_FUTURE}, headers=h)
    archive = await c.post("/v1/errors/archive", json={"handled_before": FAR_PAST}, headers=h)
    assert bad_fields(snooze) == ["until"]
    assert bad_fields(archive) == ["handled_before"]
    assert (await board.groups())[0]["snoozed"] is False


async def test_a_saved_view_whose_window_does_not_overlap_the_requests_is_422_before_any_csv(
    board: Board, seed: Seeder
) -> None:
    await board.ingest(event(board.shop_a))
    c, h = board.client, board.headers
    view = await c.post(
        "/v1/views",
        json={
            "name": "Last November",
            "shared": True,
            "filters": {"since": "2025-11-01T00:00:00Z", "until": "2025-12-01T00:00:00Z"},
        },
        headers=h,
    )
    assert view.status_code == 201, view.text
    later = {"view_id": view.json()["id"], "since": "2026-01-01T00:00:00Z"}
    key = await seed.api_key(board.tenant_id, ["errors:read", "exports:read"])

    for path in ("/v1/errors", "/v1/errors/facets", "/v1/exports/errors.csv"):
        response = await c.get(path, params=later, headers=key)
        assert response.status_code == 422, (path, response.text)
        assert "saved view" in response.json()["detail"]
    bulk = await c.post(
        "/v1/errors/handle", json={"view_id": later["view_id"], "filter": {"since": later["since"]},
                                   "resolution": "other"}, headers=h,
    )  # fmt: skip
    assert bulk.status_code == 422, bulk.text
    assert len(await board.groups()) == 1  # nothing was handled


def forged(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


async def test_forged_huge_or_nested_cursors_are_422_naming_cursor_on_every_list_route(
    board: Board, seed: Seeder
) -> None:
    await board.ingest(event(board.shop_a))
    (group,) = await board.groups()
    admin = await seed.login(board.tenant_id)
    routes = {
        "/v1/errors": board.headers,
        f"/v1/errors/{group['id']}/events": board.headers,
        "/v1/traces": board.headers,
        "/v1/audit-log": admin,
    }
    a_page_later = datetime.now(UTC).isoformat()
    cursors = {
        "unsigned": forged(["last_seen", a_page_later, group["id"]]),
        "forged signature": forged([a_page_later, 1]) + ".AAAAAAAAAAAAAAAAAAAAAA",
        "huge": "A" * (MAX_CURSOR_CHARS + 1),
        "nested": forged([[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]) + ".x",
        "deeply nested": "W" * 400 + ".x",
        "not base64": "!!.??",
    }
    for path, headers in routes.items():
        for kind, cursor in cursors.items():
            response = await board.client.get(path, params={"cursor": cursor}, headers=headers)
            assert bad_fields(response) == ["cursor"], (path, kind)


async def test_a_returned_cursor_still_pages_on(board: Board) -> None:
    await board.ingest(*(event(board.shop_a, sku=f"SKU-{i}") for i in range(3)))
    c, h = board.client, board.headers

    first = (await c.get("/v1/errors", params={"limit": 2}, headers=h)).json()
    second = (await c.get("/v1/errors", params={"limit": 2, "cursor": first["next_cursor"]}, headers=h)).json()
    edited = first["next_cursor"][:-2] + ("AA" if not first["next_cursor"].endswith("AA") else "BB")
    tampered = await c.get("/v1/errors", params={"limit": 2, "cursor": edited}, headers=h)

    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    assert {g["sku"] for g in first["items"] + second["items"]} == {"SKU-0", "SKU-1", "SKU-2"}
    assert bad_fields(tampered) == ["cursor"]
