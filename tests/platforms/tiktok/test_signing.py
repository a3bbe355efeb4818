"""Request signing: the documented example, a POST vector with a body, and the bytes the client really sends."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import httpx
import respx

from tests.platforms.tiktok.conftest import (
    API_HOST,
    APP_KEY,
    APP_SECRET,
    OLD_ACCESS,
    SHOP_CIPHER,
    MakeClient,
    answer,
    price_path,
    ref,
)
from workers.platforms.base import PriceUpdate
from workers.platforms.tiktok.wire import canonical_string, sign


def _hmac_sha256_by_hand(key: bytes, message: bytes) -> str:
    """RFC 2104 HMAC written out with hashlib only, as an independent check of the module's signature."""
    block = 64
    key = key.ljust(block, b"\0") if len(key) <= block else hashlib.sha256(key).digest().ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


def test_the_documented_get_authorized_shops_example_signs_to_the_published_value() -> None:
    # "Sign your API request", official worked example.
    params = {"app_key": "29a39d", "timestamp": "1623812664"}
    assert (
        canonical_string("e59af819cc", "/authorization/202309/shops", params)
        == "e59af819cc/authorization/202309/shopsapp_key29a39dtimestamp1623812664e59af819cc"
    )
    assert (
        sign("e59af819cc", "/authorization/202309/shops", params)
        == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_sign_and_access_token_params_are_left_out_and_the_rest_sorted() -> None:
    params = {"timestamp": "1623812664", "sign": "ignored", "access_token": "ignored", "app_key": "29a39d"}
    assert sign("e59af819cc", "/authorization/202309/shops", params) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_a_post_with_a_body_signs_the_body_bytes_between_the_params_and_the_secret() -> None:
    # No POST example is published: this vector was computed by us (facts file), and is checked again here
    # against an HMAC written by hand with hashlib.
    path = "/product/202309/products/1729592969712207008/prices/update"
    params = {"app_key": "123456", "shop_cipher": "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3", "timestamp": "1234567890"}
    body = b'{"skus":[{"id":"1729592969712207013","price":{"amount":"1.32","currency":"USD"}}]}'
    expected = "07ae8a5be70d0fa6b3ec567df2ace0932dfb8b1c55353ee59a0167a30eb2b640"
    wrapped = (
        (
            "abc000def111" + path + "app_key123456shop_cipherGCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3timestamp1234567890"
        ).encode()
        + body
        + b"abc000def111"
    )
    assert _hmac_sha256_by_hand(b"abc000def111", wrapped) == expected
    assert sign("abc000def111", path, params, body) == expected


async def test_the_client_sends_exactly_the_body_bytes_it_signed(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=price_path()).mock(return_value=answer("update_price_success.json"))
    harness = make_client()

    [result] = await harness.client.update_prices(
        [PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("19.90"), currency="USD")]
    )

    assert result.ok
    request: httpx.Request = route.calls.last.request
    # Compact JSON, serialised once: what was signed is what went over the wire.
    assert request.content == b'{"skus":[{"id":"1729592969712207013","price":{"amount":"19.90","currency":"USD"}}]}'
    query = dict(request.url.params)
    assert query["app_key"] == APP_KEY
    assert query["shop_cipher"] == SHOP_CIPHER
    assert request.headers["x-tts-access-token"] == OLD_ACCESS
    assert request.headers["content-type"] == "application/json"
    unsigned = {k: v for k, v in query.items() if k != "sign"}
    assert query["sign"] == sign(APP_SECRET, request.url.path, unsigned, request.content)
    assert json.loads(request.content)["skus"][0]["price"]["amount"] == "19.90"


async def test_a_sandbox_base_url_is_used_and_its_path_prefix_is_signed(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host="sandbox.test", path="/tiktok" + price_path()).mock(
        return_value=answer("update_price_success.json")
    )
    harness = make_client(base_url="http://sandbox.test/tiktok/")

    [result] = await harness.client.update_prices(
        [PriceUpdate(ref=ref("1729592969712207013"), price=Decimal("5"), currency="USD")]
    )

    assert result.ok
    request = route.calls.last.request
    unsigned = {k: v for k, v in request.url.params.items() if k != "sign"}
    assert request.url.params["sign"] == sign(APP_SECRET, "/tiktok" + price_path(), unsigned, request.content)
