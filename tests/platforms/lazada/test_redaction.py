"""No secret of the connection, nor a refreshed token, nor a signature, ever reaches a recorded trace."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal

import httpx
import respx

from tests.platforms.lazada.helpers import (
    ACCESS_TOKEN,
    API,
    APP_SECRET,
    AUTH,
    REFRESH_TOKEN,
    Harness,
    body,
    form,
)
from workers.platforms.base import ListingRef, PriceUpdate

NEW_ACCESS = "50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"
NEW_REFRESH = "500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi"
CODE = "0_100132_AuthCodeXyZ"


@respx.mock
async def test_no_token_code_secret_or_signature_appears_in_any_trace(harness: Harness) -> None:
    answers = iter([body("illegal_access_token.json"), body("price_quantity_success.json")])
    push = respx.post(f"{API}/product/price_quantity/update").mock(
        side_effect=lambda _: httpx.Response(200, content=next(answers))
    )
    refresh = respx.post(f"{AUTH}/auth/token/refresh").mock(
        return_value=httpx.Response(200, content=body("token_refresh_success.json"))
    )
    create = respx.post(f"{AUTH}/auth/token/create").mock(
        return_value=httpx.Response(200, content=body("token_create_success.json"))
    )
    read = respx.get(f"{API}/product/item/get").mock(
        return_value=httpx.Response(200, content=body("get_product_item_success.json"))
    )
    client = harness.client()

    await client.update_prices([PriceUpdate(ListingRef("MY-TEA-001", "234222211"), Decimal("30"), "MYR")])
    await client.get_listing_status([ListingRef("MY-TEA-001", "234222211")])
    created = await client.exchange_code(CODE)

    signatures = [form(call.request)["sign"] for route in (push, refresh, create, read) for call in route.calls]
    secrets = [ACCESS_TOKEN, REFRESH_TOKEN, APP_SECRET, NEW_ACCESS, NEW_REFRESH, CODE, *signatures]
    secrets += [created.access_token, created.refresh_token or ""]
    assert len(harness.recorder.exchanges) == 5
    for exchange in harness.recorder.exchanges:
        recorded = json.dumps(asdict(exchange), default=str)
        for secret in secrets:
            assert secret not in recorded, f"{secret[:8]}... leaked in {exchange.operation} trace"
    # The traces still say what was sent and answered.
    assert any("MY-TEA-001" in e.request_body for e in harness.recorder.exchanges)
    assert any("IllegalAccessToken" in e.response_body for e in harness.recorder.exchanges)
