"""The traces API tells the platform's verdict, not only the HTTP status: a TikTok refusal under HTTP 200 reads
as failed in the list and in the detail, and a Shopee answer listing refused models as partial."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Seeder
from tests.traces.conftest import NOW, TraceData, exchange
from workers.platforms.base import Platform

FIXTURES = Path(__file__).parent.parent / "fixtures" / "platforms"


async def test_a_refusal_under_http_200_reads_failed_and_a_refused_item_partial_in_the_list_and_the_detail(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    viewer = await seed.login(tenant_id, "viewer")
    data = TraceData(sessions, tenant_id)
    tiktok, shopee = await data.shop("TikTok US", "tiktok", "US"), await data.shop("Shopee MY", "shopee", "MY")
    refused = exchange(
        shop_id=tiktok,
        platform=Platform.tiktok,
        started_at=NOW - timedelta(minutes=1),
        response_body=(FIXTURES / "tiktok" / "price_locked_by_promotion.json").read_text(),
    )
    partial = exchange(
        shop_id=shopee,
        platform=Platform.shopee,
        started_at=NOW - timedelta(minutes=2),
        response_body=(FIXTURES / "shopee" / "update_price_partial.json").read_text(),
    )
    clean = exchange(
        shop_id=shopee,
        platform=Platform.shopee,
        started_at=NOW - timedelta(minutes=3),
        response_body=(FIXTURES / "shopee" / "update_price_success.json").read_text(),
    )
    await data.traces([refused, partial, clean])

    listed = await client.get("/v1/traces", headers=viewer)

    assert listed.status_code == 200, listed.text
    by_id = {item["trace_id"]: item for item in listed.json()["items"]}
    # The HTTP outcome stays what the wire said; the verdict is the platform's.
    assert {by_id[t.trace_id]["outcome"] for t in (refused, partial, clean)} == {"ok"}
    assert by_id[refused.trace_id]["verdict"] == {
        "verdict": "failed",
        "code": "12052038",
        "message": "Product price locked due to ongoing promotion. ",
        "failed_items": 0,
    }
    assert by_id[partial.trace_id]["verdict"]["verdict"] == "partial"
    assert by_id[partial.trace_id]["verdict"]["failed_items"] == 1
    assert by_id[clean.trace_id]["verdict"]["verdict"] == "ok"

    detail = await client.get(f"/v1/traces/{refused.trace_id}", headers=viewer)

    assert detail.status_code == 200, detail.text
    (attempt,) = detail.json()["attempts"]
    assert (attempt["response_status"], attempt["verdict"]["verdict"]) == (200, "failed")


async def test_an_http_error_reads_failed_without_its_body_being_listed(
    client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tenant_id = await seed.tenant()
    viewer = await seed.login(tenant_id, "viewer")
    data = TraceData(sessions, tenant_id)
    failed = exchange(shop_id=await data.shop(), status=403, started_at=NOW - timedelta(minutes=1))
    await data.traces([failed])

    listed = await client.get("/v1/traces", headers=viewer)

    (item,) = listed.json()["items"]
    assert item["verdict"] == {"verdict": "failed", "code": None, "message": None, "failed_items": 0}
    assert "response_body" not in item
