"""A secret that reaches us, through ingest or through a recorded platform call, is readable nowhere: not on the
board, in a group's detail, its events, the trace detail or list, nor in either CSV export."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import use_tenant
from api.platforms import Platform
from api.traces import service as traces
from api.traces.records import Operation, TraceExchange
from api.traces.redaction import REDACTED
from tests.conftest import Seeder
from tests.errors.conftest import Board, event


@dataclass(frozen=True)
class Leak:
    """One platform's secrets as an ERP or a careless client would pass them on, and the exchange they came from."""

    platform: Platform
    secrets: tuple[str, ...]
    message: str
    raw_excerpt: str
    missing_fields: tuple[str, ...]
    code: str
    exchange_url: str
    request_headers: dict[str, str]
    request_body: str
    response_body: str
    transport_error: str | None = None


AMAZON = Leak(
    platform=Platform.amazon,
    secrets=(
        "Atza|IwEBIJk4mXw7Ff0Q-amazon-access",
        "Atzr|IwEBIN2b8dOq9kK-amazon-refresh",
        "amzn1.oa2-cs.v1.3f9c0d7e1a2b4c5d6e7f8091a2b3c4d5",
    ),
    message="LWA refresh failed: refresh_token=Atzr|IwEBIN2b8dOq9kK-amazon-refresh invalid_grant",
    raw_excerpt=json.dumps({"access_token": "Atza|IwEBIJk4mXw7Ff0Q-amazon-access", "token_type": "bearer"}),
    missing_fields=("item_name", "client_secret=amzn1.oa2-cs.v1.3f9c0d7e1a2b4c5d6e7f8091a2b3c4d5"),
    code="Atza|IwEBIJk4mXw7Ff0Q-amazon-access",
    exchange_url="https://api.amazon.com/auth/o2/token",
    request_headers={"x-amz-access-token": "Atza|IwEBIJk4mXw7Ff0Q-amazon-access"},
    request_body=(
        "grant_type=refresh_token&refresh_token=Atzr%7CIwEBIN2b8dOq9kK-amazon-refresh&client_id=amzn1.app"
        "&client_secret=amzn1.oa2-cs.v1.3f9c0d7e1a2b4c5d6e7f8091a2b3c4d5"
    ),
    response_body='{"error": "invalid_grant", "refresh_token": "Atzr|IwEBIN2b8dOq9kK-amazon-refresh"}',
)
TIKTOK = Leak(
    platform=Platform.tiktok,
    secrets=(
        "TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99f",
        "tiktok-app-secret-e59af819cc",
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8",
    ),
    message="105002 access token is expired: x-tts-access-token: TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99f",
    raw_excerpt=(
        "GET https://auth.tiktok-shops.com/api/v2/token/refresh?app_key=29a39d&app_secret=tiktok-app-secret-e59af819cc"
        "&sign=b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    ),
    missing_fields=("brand",),
    code="105002",
    exchange_url=(
        "https://open-api.tiktokglobalshop.com/product/202309/products/1/prices/update?app_key=29a39d"
        "&sign=b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    ),
    request_headers={"x-tts-access-token": "TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99f"},
    request_body='{"skus": [{"id": "1", "price": {"amount": "1.32", "currency": "USD"}}]}',
    response_body=json.dumps(
        {
            "code": 105002,
            "message": "expired",
            "data": {"echo": json.dumps({"app_secret": "tiktok-app-secret-e59af819cc"})},
        }
    ),
)
SHOPEE = Leak(
    platform=Platform.shopee,
    secrets=(
        "71594e5a6c6e6e416f4a5a644e4d6e4e",
        "516c6e72516e6c4f6a4e4b4f4a6c5a66",
        "shopee-partner-key-0123456789",
    ),
    message="error_auth Invalid access_token. token 71594e5a6c6e6e416f4a5a644e4d6e4e",
    raw_excerpt='{"refresh_token":"516c6e72516e6c4f6a4e4b4f4a6c5a66","access_token":"71594e5a6c6e6e41',
    missing_fields=("partner_key: shopee-partner-key-0123456789",),
    code="error_auth",
    exchange_url="https://partner.shopeemobile.com/api/v2/product/update_price?partner_id=2001887&shop_id=1",
    request_headers={"X-Partner-Key": "shopee-partner-key-0123456789", "X-Sign": "9fdae5aeed86e7532499"},
    request_body='{"item_id": 1, "price_list": [{"model_id": 0, "original_price": 9.9}]}',
    response_body="<error><access_token>71594e5a6c6e6e416f4a5a644e4d6e4e</access_token></error>",
    transport_error=(
        "ConnectError: https://partner.shopeemobile.com/api/v2/auth/access_token/get?partner_id=2001887"
        "&access_token=71594e5a6c6e6e416f4a5a644e4d6e4e&refresh_token=516c6e72516e6c4f6a4e4b4f4a6c5a66"
    ),
)
LAZADA = Leak(
    platform=Platform.lazada,
    secrets=(
        "50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg",
        "500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi",
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A",
    ),
    message="IllegalAccessToken for 50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg",
    raw_excerpt=(
        "app_key=123456&access_token=50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"
        "&sign=4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    ),
    missing_fields=("color_family", "refresh_token=500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi"),
    code="IllegalAccessToken",
    exchange_url="https://api.lazada.com.my/rest/product/price_quantity/update",
    request_headers={"X-Access-Token": "50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"},
    request_body=(
        "app_key=123456&sign_method=sha256&access_token=50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"
        "&payload=%7B%22refresh_token%22%3A%22500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi%22%7D"
        "&sign=4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    ),
    response_body='{"code": "IllegalAccessToken", "message": "The specified access token is invalid or expired"}',
)
LEAKS = (AMAZON, TIKTOK, SHOPEE, LAZADA)
MARKETS = {Platform.amazon: "US", Platform.tiktok: "UK", Platform.shopee: "MY", Platform.lazada: "MY"}


async def _record_trace(
    sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, shop_id: str, leak: Leak
) -> str:
    trace_id = uuid.uuid4().hex
    exchange = TraceExchange(
        trace_id=trace_id,
        platform=leak.platform,
        shop_id=shop_id,
        operation=Operation.price,
        method="POST",
        url=leak.exchange_url,
        request_headers={**leak.request_headers, "content-type": "application/json"},
        request_body=leak.request_body,
        started_at=datetime.now(UTC) - timedelta(minutes=10),
        duration_ms=80,
        response_status=None if leak.transport_error else 401,
        response_body="" if leak.transport_error else leak.response_body,
        transport_error=leak.transport_error,
    )
    async with sessions() as session:
        await use_tenant(session, tenant_id)
        await traces.record_exchanges(session, tenant_id, [exchange])  # as a careless client would: unredacted
        await session.commit()
    return trace_id


async def test_no_platforms_secret_sent_through_ingest_or_a_trace_is_readable_anywhere(
    board: Board, client: httpx.AsyncClient, seed: Seeder, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await seed.login(board.tenant_id, "admin")
    trace_ids = []
    for leak in LEAKS:
        shop = await client.post(
            "/v1/shops",
            json={"name": f"{leak.platform} shop", "platform": leak.platform, "market": MARKETS[leak.platform]},
            headers=admin,
        )
        assert shop.status_code == 201, shop.text
        shop_id = shop.json()["id"]
        trace_id = await _record_trace(sessions, board.tenant_id, shop_id, leak)
        trace_ids.append(trace_id)
        await board.ingest(
            event(
                shop_id,
                error_type="CATEGORY_COMPLIANCE_FAILED",
                sku=f"SKU-{leak.platform}",
                trace_id=trace_id,
                platform_error_code=leak.code,
                platform_error_message=leak.message,
                raw_excerpt=leak.raw_excerpt,
                missing_fields=list(leak.missing_fields),
            )
        )

    groups = (await client.get("/v1/errors", headers=board.headers)).json()["items"]
    readable = [json.dumps(groups)]
    for group in groups:
        readable.append((await client.get(f"/v1/errors/{group['id']}", headers=board.headers)).text)
        readable.append((await client.get(f"/v1/errors/{group['id']}/events", headers=board.headers)).text)
    for trace_id in trace_ids:
        readable.append((await client.get(f"/v1/traces/{trace_id}", headers=board.headers)).text)
    readable.append((await client.get("/v1/traces", headers=board.headers)).text)
    for level in ("group", "event"):
        export = await client.get("/v1/exports/errors.csv", params={"level": level}, headers=board.headers)
        assert export.status_code == 200, export.text
        readable.append(export.content.decode("utf-8-sig"))
    everything = "\n".join(readable)

    assert len(groups) == len(LEAKS)
    assert [s for leak in LEAKS for s in leak.secrets if s in everything] == []
    assert everything.count(REDACTED) > 30
    # What is not a secret stays readable: the words around them, the fields' names, the platforms' codes.
    assert "LWA refresh failed" in everything and "app_key=29a39d" in everything and "color_family" in everything
    assert "IllegalAccessToken" in everything and "error_auth" in everything and "sign_method=sha256" in everything


async def test_a_secret_in_the_platform_code_does_not_split_the_group_it_belongs_to(board: Board) -> None:
    first = event(board.shop_a, platform_error_code="access_token=Atza|IwEBIfirst-token")
    later = event(board.shop_a, platform_error_code="access_token=Atza|IwEBIrotated-token")

    results = [await board.ingest(first), await board.ingest(later)]

    assert results[0]["items"][0]["group_id"] == results[1]["items"][0]["group_id"]
    (group,) = await board.groups()
    assert group["count"] == 2 and group["platform_error_code"] == f"access_token={REDACTED}"
