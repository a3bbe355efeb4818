"""GET /v1/platforms reads the one table of platform facts, and it is the table shops are validated against."""

from __future__ import annotations

import httpx

from api import platforms
from tests.conftest import Seeder


async def test_any_signed_in_caller_reads_the_platforms_and_every_market_listed_takes_a_shop(
    client: httpx.AsyncClient, seed: Seeder
) -> None:
    tenant_id = await seed.tenant()
    viewer, admin = await seed.login(tenant_id, "viewer"), await seed.login(tenant_id)

    listed = await client.get("/v1/platforms", headers=viewer)

    assert listed.status_code == 200, listed.text
    items = {p["code"]: p for p in listed.json()["items"]}
    assert list(items) == ["amazon", "tiktok", "shopee", "lazada"]
    us = next(m for m in items["amazon"]["markets"] if m["code"] == "US")
    assert us == {"code": "US", "currency": "USD", "price_decimals": 2,
                  "seller_centre_host": "sellercentral.amazon.com", "marketplace_id": "ATVPDKIKX0DER"}  # fmt: skip
    assert items["shopee"]["confirm_deadline_seconds"] == platforms.CONFIRM_DEADLINE["shopee"].total_seconds()
    assert {m["code"]: m["price_decimals"] for m in items["shopee"]["markets"]}["TH"] == 0
    assert items["shopee"]["seller_centre"] == {
        "item_url": "https://{host}/portal/product/{item_id}",
        "search_url": "https://{host}/portal/product/list/all?keyword={sku}",
    }
    assert (items["shopee"]["refresh_token_single_use"], items["amazon"]["refresh_token_lifetime_seconds"]) == (
        True,
        None,
    )
    for platform in items.values():
        for market in platform["markets"]:
            body = {
                "name": f"{platform['code']} {market['code']}",
                "platform": platform["code"],
                "market": market["code"],
            }
            created = await client.post("/v1/shops", json=body, headers=admin)
            assert created.status_code == 201, created.text
    unlisted = await client.post("/v1/shops", json={"name": "x", "platform": "lazada", "market": "ID"}, headers=admin)
    assert unlisted.status_code == 422
    assert (await client.get("/v1/platforms")).status_code == 401
