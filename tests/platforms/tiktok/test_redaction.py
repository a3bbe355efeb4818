"""No secret of the shop or the app in any recorded exchange, across a refresh and a publish."""

from __future__ import annotations

from dataclasses import astuple
from decimal import Decimal

import respx

from tests.platforms.tiktok.conftest import (
    API_HOST,
    APP_KEY,
    APP_SECRET,
    AUTH_HOST,
    NEW_ACCESS,
    NEW_REFRESH,
    OLD_ACCESS,
    OLD_REFRESH,
    MakeClient,
    answer,
    price_path,
    ref,
)
from workers.platforms.base import PriceUpdate


async def test_traces_hold_no_token_secret_or_signature(api: respx.MockRouter, make_client: MakeClient) -> None:
    prices = api.post(host=API_HOST, path=price_path()).mock(
        side_effect=[answer("access_token_expired.json"), answer("update_price_success.json")]
    )
    refresh = api.get(host=AUTH_HOST, path="/api/v2/token/refresh").mock(
        return_value=answer("token_refresh_success.json")
    )
    token_get = api.get(host=AUTH_HOST, path="/api/v2/token/get").mock(
        return_value=answer("token_refresh_success.json")
    )
    harness = make_client()

    await harness.client.update_prices(
        [PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("9.5"), currency="USD")]
    )
    await harness.client.exchange_code("TTP_auth_code_single_use_77")

    assert prices.call_count == 2 and refresh.call_count == 1 and token_get.call_count == 1
    signatures = [c.request.url.params["sign"] for c in prices.calls]
    secrets = [OLD_ACCESS, OLD_REFRESH, NEW_ACCESS, NEW_REFRESH, APP_SECRET, APP_KEY, "TTP_auth_code_single_use_77"]
    assert len(harness.recorder.exchanges) == 4
    for exchange in harness.recorder.exchanges:
        recorded = repr(astuple(exchange))
        for secret in secrets + signatures:
            assert secret not in recorded, f"{secret[:8]}... leaked into {exchange.method} {exchange.url}"
    # The trace still says what happened.
    assert harness.recorder.exchanges[0].url.startswith(f"https://{API_HOST}{price_path()}")
    assert "105002" in harness.recorder.exchanges[0].response_body
