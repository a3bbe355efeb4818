"""No secret of the shop or the app reaches a recorded trace, through a full refresh-and-retry exchange."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import httpx
import respx

from tests.platforms.amazon.conftest import CLIENT_SECRET, LWA, NA, OLD_ACCESS, REFRESH, Harness, answer, fixture
from workers.platforms.base import ListingRef, PriceUpdate, TraceExchange

NEW_ACCESS = "Atza|brand-new-access-7777"
NEW_REFRESH = "Atzr|brand-new-refresh-7777"


def every_text(exchange: TraceExchange) -> str:
    parts = []
    for item in dataclasses.fields(exchange):
        value = getattr(exchange, item.name)
        parts.append(" ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
    return "\n".join(parts)


async def test_tokens_and_the_client_secret_never_appear_in_any_trace(
    router: respx.MockRouter, harness: Harness
) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        if request.headers["x-amz-access-token"] == NEW_ACCESS:
            return answer(200, "submission-accepted.json")
        # An error text that echoes the token it refused, to prove echoed secrets are scrubbed too.
        body = fixture("errors-403-token-expired.json")
        body["errors"][0]["message"] = f"Token {OLD_ACCESS} refused"
        return httpx.Response(403, json=body)

    router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=listing)
    token_body = fixture("lwa-token.json") | {"access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH}
    router.post(LWA).mock(return_value=httpx.Response(200, json=token_body))

    [result] = await harness.make().update_prices([PriceUpdate(ListingRef(sku="S1"), Decimal("5"), "USD")])

    assert result.ok
    exchanges = harness.recorder.exchanges
    assert [e.operation.value for e in exchanges] == ["price", "auth", "price"]
    for exchange in exchanges:
        text = every_text(exchange)
        for secret in (OLD_ACCESS, REFRESH, CLIENT_SECRET, NEW_ACCESS, NEW_REFRESH, "Atza|", "Atzr|"):
            assert secret not in text, (secret, exchange.operation)
    # Redaction keeps what an engineer needs: the headers and form fields exist, only their values are hidden.
    assert exchanges[0].request_headers["x-amz-access-token"] == "[REDACTED]"
    assert "client_id=amzn1.application-oa2-client" in exchanges[1].request_body
    assert "grant_type=refresh_token" in exchanges[1].request_body
