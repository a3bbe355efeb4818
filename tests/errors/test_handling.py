from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.db import use_tenant
from tests.conftest import Seeder
from tests.errors.conftest import Board, event


async def _one_group(board: Board, **fields: Any) -> str:
    await board.ingest(event(board.shop_a, **fields))
    groups = await board.groups(q=fields.get("sku", "SKU-1"))
    return str(groups[0]["id"])


async def _audit(sessions: Any, board: Board, group_id: str) -> list[AuditEntry]:
    async with sessions() as session:
        await use_tenant(session, board.tenant_id)
        rows = await session.execute(select(AuditEntry).where(AuditEntry.object_id == group_id).order_by(AuditEntry.id))
        return list(rows.scalars())


async def test_marking_handled_moves_the_row_out_of_the_open_view(board: Board, sessions: Any) -> None:
    group_id = await _one_group(board)

    response = await board.client.post(
        f"/v1/errors/{group_id}/handle",
        json={"resolution": "fixed_data", "note": "补充了重量单位"},
        headers=board.headers,
    )
    again = await board.client.post(
        f"/v1/errors/{group_id}/handle", json={"resolution": "other"}, headers=board.headers
    )

    assert response.status_code == 200
    assert response.json()["status"] == "handled" and response.json()["handled_by_name"]
    assert await board.groups() == []
    handled = (await board.groups(status="handled"))[0]
    assert handled["resolution"] == "fixed_data" and handled["handled_note"] == "补充了重量单位"
    assert again.status_code == 409
    [entry] = await _audit(sessions, board, group_id)
    assert entry.action == "error_group.handled" and entry.actor_kind == "user"
    assert entry.after["resolution"] == "fixed_data"


async def test_reopen_assign_pin_and_unsnooze(board: Board, seed: Seeder, sessions: Any) -> None:
    group_id = await _one_group(board)
    colleague_email = await seed.user(board.tenant_id, "operator")
    me = (await board.client.get("/v1/me", headers=board.headers)).json()

    await board.client.post(f"/v1/errors/{group_id}/handle", json={"resolution": "ignored"}, headers=board.headers)
    reopened = await board.client.post(f"/v1/errors/{group_id}/reopen", headers=board.headers)
    assigned = await board.client.put(
        f"/v1/errors/{group_id}/assignee", json={"assignee_id": me["id"]}, headers=board.headers
    )
    pinned = await board.client.put(
        f"/v1/errors/{group_id}/pinned-note", json={"note": "等平台修复"}, headers=board.headers
    )

    assert reopened.json()["status"] == "open" and reopened.json()["resolution"] is None
    assert assigned.json()["assignee_id"] == me["id"] and assigned.json()["assignee_name"]
    assert pinned.json()["pinned_note"] == "等平台修复"
    assert [g["id"] for g in await board.groups(assignee="me")] == [group_id]
    assert colleague_email  # another user exists, and "me" still picks only mine
    actions = [e.action for e in await _audit(sessions, board, group_id)]
    assert actions == ["error_group.handled", "error_group.reopened", "error_group.assigned",
                       "error_group.note_pinned"]  # fmt: skip


async def test_assigning_someone_outside_the_tenant_is_refused(board: Board, seed: Seeder) -> None:
    group_id = await _one_group(board)
    other_tenant = await seed.tenant()
    await seed.login(other_tenant)
    outsider = (await board.client.get("/v1/me", headers=await seed.login(other_tenant))).json()["id"]

    response = await board.client.put(
        f"/v1/errors/{group_id}/assignee", json={"assignee_id": outsider}, headers=board.headers
    )

    assert response.status_code == 422


async def test_snooze_until_a_time_hides_the_row_until_then(board: Board) -> None:
    group_id = await _one_group(board)
    until = (datetime.now(UTC) + timedelta(hours=4)).isoformat()

    response = await board.client.post(f"/v1/errors/{group_id}/snooze", json={"until": until}, headers=board.headers)

    assert response.json()["snoozed"] is True
    assert await board.groups() == []
    assert [g["id"] for g in await board.groups(status="snoozed")] == [group_id]
    await board.client.delete(f"/v1/errors/{group_id}/snooze", headers=board.headers)
    assert [g["id"] for g in await board.groups()] == [group_id]


async def test_snooze_for_n_more_events_returns_the_row_by_itself(board: Board) -> None:
    group_id = await _one_group(board)
    await board.client.post(f"/v1/errors/{group_id}/snooze", json={"events": 2}, headers=board.headers)

    await board.ingest(event(board.shop_a, ago=timedelta(minutes=1)))
    still_snoozed = await board.groups()
    await board.ingest(event(board.shop_a, ago=timedelta(minutes=1)))
    back = await board.groups()

    assert still_snoozed == []
    assert [g["id"] for g in back] == [group_id] and back[0]["count"] == 3


async def test_bulk_handle_by_ids_and_by_filter(board: Board, sessions: Any) -> None:
    await board.ingest(*(event(board.shop_a, sku=f"BULK-{i}") for i in range(4)),
                       *(event(board.shop_b, sku=f"KEEP-{i}") for i in range(2)))  # fmt: skip
    ids = [g["id"] for g in await board.groups(q="BULK-")][:2]

    by_ids = await board.client.post(
        "/v1/errors/handle", json={"ids": ids, "resolution": "repushed"}, headers=board.headers
    )
    by_filter = await board.client.post(
        "/v1/errors/handle",
        json={"filter": {"shop_id": [board.shop_a]}, "resolution": "platform_side", "note": "all of shop A"},
        headers=board.headers,
    )

    assert by_ids.json()["affected"] == 2 and by_filter.json()["affected"] == 2
    assert {g["sku"] for g in await board.groups()} == {"KEEP-0", "KEEP-1"}
    assert len(await _audit(sessions, board, ids[0])) == 1


async def test_bulk_selection_needs_ids_or_a_filter(board: Board) -> None:
    neither = await board.client.post("/v1/errors/handle", json={"resolution": "other"}, headers=board.headers)
    both = await board.client.post(
        "/v1/errors/handle", json={"ids": [], "filter": {}, "resolution": "other"}, headers=board.headers
    )

    assert neither.status_code == 422 and both.status_code == 422


async def test_archive_moves_old_handled_groups_off_the_board(board: Board) -> None:
    old_id = await _one_group(board, sku="OLD")
    new_id = await _one_group(board, sku="NEW")
    for group_id in (old_id, new_id):
        await board.client.post(f"/v1/errors/{group_id}/handle", json={"resolution": "other"}, headers=board.headers)

    response = await board.client.post(
        "/v1/errors/archive", json={"handled_before": datetime.now(UTC).isoformat()}, headers=board.headers
    )

    assert response.json()["affected"] == 2
    assert await board.groups(status="handled") == []
    assert {g["id"] for g in await board.groups(status="archived")} == {old_id, new_id}


async def test_viewers_and_read_only_keys_cannot_act(board: Board, seed: Seeder, client: httpx.AsyncClient) -> None:
    group_id = await _one_group(board)
    for headers in (await seed.login(board.tenant_id, "viewer"), await seed.api_key(board.tenant_id, ["errors:read"])):
        for method, path, body in (
            ("POST", f"/v1/errors/{group_id}/handle", {"resolution": "other"}),
            ("POST", "/v1/errors/handle", {"ids": [group_id], "resolution": "other"}),
            ("POST", f"/v1/errors/{group_id}/reopen", None),
            ("PUT", f"/v1/errors/{group_id}/assignee", {"assignee_id": None}),
            ("PUT", "/v1/errors/assignee", {"ids": [group_id], "assignee_id": None}),
            ("POST", f"/v1/errors/{group_id}/snooze", {"events": 1}),
            ("POST", "/v1/errors/snooze", {"ids": [group_id], "events": 1}),
            ("PUT", f"/v1/errors/{group_id}/pinned-note", {"note": "x"}),
            ("POST", "/v1/errors/archive", {"handled_before": datetime.now(UTC).isoformat()}),
        ):
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (method, path, response.text)
        assert (await client.get(f"/v1/errors/{group_id}", headers=headers)).status_code == 200


async def test_an_erp_key_with_errors_write_can_handle(board: Board, seed: Seeder, client: httpx.AsyncClient) -> None:
    group_id = await _one_group(board)
    key = await seed.api_key(board.tenant_id, ["errors:read", "errors:write"])

    response = await client.post(f"/v1/errors/{group_id}/handle", json={"resolution": "repushed"}, headers=key)

    assert response.status_code == 200
    assert response.json()["handled_by"].startswith("api_key:")
