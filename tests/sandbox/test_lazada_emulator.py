"""The Lazada emulator answered over real HTTP, as Lazada's API pages and SDKs document it. Requests are signed
with the client's own signing function, so the emulator's check is tested against an independent signer."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import httpx
import pytest

from sandbox.faults import TokenBucket
from sandbox.lazada import RATES
from sandbox.lazada_wire import signature
from tests.sandbox.conftest import RunningSandbox
from workers.platforms.lazada.wire import sign

LAZADA_APP = {"app_key": "100999", "app_secret": "test-lazada-app-secret"}
MY_ACCESS, MY_REFRESH = "test-lazada-access-my", "test-lazada-refresh-my"
TH_ACCESS, TH_REFRESH = "test-lazada-access-th", "test-lazada-refresh-th"
THIRTY_DAYS, HALF_YEAR = 30 * 86400, 180 * 86400

LAZADA_MY_SHOP: dict[str, Any] = {
    "id": "lzd-my",
    "platform": "lazada",
    "market": "MY",
    "currency": "MYR",
    "credentials": {**LAZADA_APP, "seller_id": "1000999"},
    "tokens": {
        "access_token": MY_ACCESS,
        "refresh_token": MY_REFRESH,
        "access_expires_in": THIRTY_DAYS,
        "refresh_expires_in": HALF_YEAR,
    },
    "confirmation_delay_seconds": 60,
    "categories": {
        "100001": {},
        "100003": {"required_attributes": ["net_weight.unit", "expiry_date"]},
        "100004": {"promo_price_allowed": False},
        "100005": {"restricted": True},
    },
    "catalog": {
        "items": [
            {
                "sku": "MY-TEA-001",
                "item_id": "3100000001",
                "variant_id": "3200000001",
                "title": "Oolong tea 200g",
                "category": "100001",
                "price": "32.90",
                "stock": 20,
                "image_url": "https://img.example/tea_1500x1500.jpg",
            },
            {
                "sku": "MY-TEA-002",
                "item_id": "3100000001",
                "variant_id": "3200000002",
                "title": "Oolong tea 200g",
                "category": "100001",
                "price": "40.00",
                "stock": 0,
            },
            {
                "sku": "MY-BOOK-1",
                "item_id": "3100000003",
                "variant_id": "3200000003",
                "title": "Fixed-price book",
                "category": "100004",
                "price": "25.00",
                "stock": 5,
            },
        ],
        "rules": [
            {
                "count": 60,
                "sku": "GEN-{n:03d}",
                "item_id": "31100{n:05d}",
                "variant_id": "32100{n:05d}",
                "categories": ["100001"],
                "price_min": "10",
                "price_max": "20",
            }
        ],
    },
    "faults": {"unknown_skus": ["GEN-060"], "lost_confirmation_skus": ["GEN-004"]},
}

LAZADA_TH_SHOP: dict[str, Any] = {
    "id": "lzd-th",
    "platform": "lazada",
    "market": "TH",
    "currency": "THB",
    "credentials": {**LAZADA_APP, "seller_id": "1000998"},
    "tokens": {"access_token": TH_ACCESS, "refresh_token": TH_REFRESH, "access_expires_in": -60},
    "confirmation_delay_seconds": 0,
    "catalog": {"items": [{"sku": "TH-1", "item_id": "3300000001", "category": "1", "price": "590", "stock": 5}]},
}


def lazada_scenario() -> dict[str, Any]:
    return {"version": 1, "seed": 11, "shops": [deepcopy(LAZADA_MY_SHOP), deepcopy(LAZADA_TH_SHOP)]}


@pytest.fixture
def lazada() -> Iterator[RunningSandbox]:
    running = RunningSandbox(lazada_scenario()).start()
    yield running
    running.stop()


def signed(path: str, params: dict[str, str], *, secret: str = LAZADA_APP["app_secret"]) -> dict[str, str]:
    """System parameters and the signature, as the official Python SDK sends them (its partner_id included)."""
    out = {
        "app_key": LAZADA_APP["app_key"],
        "sign_method": "sha256",
        "timestamp": str(int(time.time() * 1000)),
        "partner_id": "lazop-sdk-python-20181207",
        **params,
    }
    out["sign"] = sign(secret, path, out)
    return out


def call(
    sandbox: RunningSandbox, path: str, params: dict[str, str], *, token: str | None = MY_ACCESS, **kw: Any
) -> dict[str, Any]:
    """POST every parameter in the form body, no query string (what the SDK does)."""
    host = "/lazada-auth/rest" if path.startswith("/auth/") else "/lazada"
    with_token = {**params, "access_token": token} if token else params
    response = httpx.post(f"{sandbox.url}{host}{path}", data=signed(path, with_token, **kw))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def price_xml(*skus: tuple[str, str]) -> str:
    rows = "".join(f"<Sku><SellerSku>{sku}</SellerSku><Price>{price}</Price></Sku>" for sku, price in skus)
    return f"<Request><Product><Skus>{rows}</Skus></Product></Request>"


def item(sandbox: RunningSandbox, item_id: str) -> dict[str, Any]:
    body = call(sandbox, "/product/item/get", {"item_id": item_id})
    assert body["code"] == "0", body
    data: dict[str, Any] = body["data"]
    return data


def sku_of(product: dict[str, Any], seller_sku: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in product["skus"] if s["SellerSku"] == seller_sku)
    return found


def test_the_signature_matches_lazadas_published_test_vector() -> None:
    params = {"access_token": "test", "app_key": "123456", "order_id": "1234", "sign_method": "sha256"}
    params["timestamp"] = "1517820392000"
    expected = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    assert signature("helloworld", "/order/get", params, skip_empty=False) == expected


def test_a_clean_price_update_confirms_nothing_and_the_ledger_counts_it_once_after_the_delay(
    lazada: RunningSandbox,
) -> None:
    body = call(lazada, "/product/price_quantity/update", {"payload": price_xml(("MY-TEA-001", "29.90"))})

    assert body["code"] == "0" and body["data"] == {} and body["request_id"]
    assert lazada.ledger(shop="lzd-my")["count"] == 0  # accepted is only queued
    lazada.advance(61)
    ledger = lazada.ledger(shop="lzd-my")
    assert ledger["count"] == 1
    [entry] = ledger["entries"]
    assert (entry["sku"], entry["operation"], entry["request_id"]) == ("MY-TEA-001", "price", body["request_id"])
    assert entry["values"] == {"price": "29.90"} and entry["before"]["price"] == "32.90"


def test_the_read_back_shows_a_push_only_after_the_confirmation_delay(lazada: RunningSandbox) -> None:
    before = item(lazada, "3100000001")
    payload = {"Request": {"Product": {"Skus": {"Sku": [{"SellerSku": "MY-TEA-002", "Quantity": "7"}]}}}}
    assert call(lazada, "/product/price_quantity/update", {"payload": json.dumps(payload)})["code"] == "0"

    lazada.advance(30)
    assert sku_of(item(lazada, "3100000001"), "MY-TEA-002")["quantity"] == 0
    lazada.advance(31)
    after = item(lazada, "3100000001")
    assert sku_of(after, "MY-TEA-002")["quantity"] == 7
    assert int(after["updated_time"]) > int(before["updated_time"])
    assert [s["SellerSku"] for s in after["skus"]] == ["MY-TEA-001", "MY-TEA-002"]  # one product, two SKUs


def test_a_wrong_secret_gets_incomplete_signature(lazada: RunningSandbox) -> None:
    body = call(lazada, "/products/get", {"filter": "all"}, secret="not-the-secret")
    assert body["code"] == "IncompleteSignature"
    assert body["type"] == "ISV"
    assert body["message"] == "The request signature does not conform to lazop standards"
    assert body["request_id"]


def test_a_tampered_parameter_breaks_the_signature(lazada: RunningSandbox) -> None:
    params = signed("/products/get", {"filter": "all", "access_token": MY_ACCESS})
    params["filter"] = "live"
    body = httpx.post(f"{lazada.url}/lazada/products/get", data=params).json()
    assert body["code"] == "IncompleteSignature"


def test_the_gateway_url_may_keep_its_rest_suffix_and_gets_may_use_the_query(lazada: RunningSandbox) -> None:
    params = signed("/product/item/get", {"item_id": "3100000003", "access_token": MY_ACCESS})
    body = httpx.get(f"{lazada.url}/lazada/rest/product/item/get", params=params).json()
    assert body["code"] == "0" and body["data"]["skus"][0]["SellerSku"] == "MY-BOOK-1"


def test_a_missing_sign_and_a_stale_timestamp_are_refused(lazada: RunningSandbox) -> None:
    params = signed("/products/get", {"access_token": MY_ACCESS})
    del params["sign"]
    missing = httpx.post(f"{lazada.url}/lazada/products/get", data=params).json()
    assert missing["code"] == "MissingParameter" and "sign" in missing["message"]

    stale = {"app_key": LAZADA_APP["app_key"], "sign_method": "sha256", "access_token": MY_ACCESS}
    stale["timestamp"] = str(int((time.time() - 7300) * 1000))
    stale["sign"] = sign(LAZADA_APP["app_secret"], "/products/get", stale)
    assert httpx.post(f"{lazada.url}/lazada/products/get", data=stale).json()["code"] == "InvalidTimestamp"


def test_an_expired_access_token_is_an_illegal_access_token(lazada: RunningSandbox) -> None:
    lazada.advance(THIRTY_DAYS + 1)
    body = call(lazada, "/product/item/get", {"item_id": "3100000001"})
    assert {k: body[k] for k in ("type", "code", "message")} == {
        "type": "ISV",
        "code": "IllegalAccessToken",
        "message": "The specified access token is invalid or expired",
    }


def test_a_refresh_rotates_the_pair_and_keeps_the_refresh_tokens_expiry(lazada: RunningSandbox) -> None:
    lazada.advance(86400)
    fresh = call(lazada, "/auth/token/refresh", {"refresh_token": MY_REFRESH}, token=None)

    assert fresh["code"] == "0" and fresh["expires_in"] == THIRTY_DAYS
    assert HALF_YEAR - 86400 - 5 <= fresh["refresh_expires_in"] <= HALF_YEAR - 86400  # not reset by a refresh
    assert fresh["country_user_info_list"][0]["seller_id"] == "1000999"
    assert call(lazada, "/product/item/get", {"item_id": "3100000001"}, token=fresh["access_token"])["code"] == "0"
    spent = call(lazada, "/auth/token/refresh", {"refresh_token": MY_REFRESH}, token=None)
    assert spent["code"] == "IllegalRefreshToken"
    again = call(lazada, "/auth/token/refresh", {"refresh_token": fresh["refresh_token"]}, token=None)
    assert again["code"] == "0"


def test_an_authorisation_code_is_exchanged_once(lazada: RunningSandbox) -> None:
    consent = httpx.get(
        f"{lazada.url}/lazada-auth/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": LAZADA_APP["app_key"],
            "redirect_uri": "https://app.example/cb",
            "country": "th",
            "state": "s1",
        },
    )
    assert consent.status_code == 302
    query = httpx.URL(consent.headers["location"]).params
    assert query["state"] == "s1"

    tokens = call(lazada, "/auth/token/create", {"code": query["code"]}, token=None)
    assert tokens["code"] == "0" and tokens["country"] == "th"
    assert call(lazada, "/product/item/get", {"item_id": "3300000001"}, token=tokens["access_token"])["code"] == "0"
    assert call(lazada, "/auth/token/create", {"code": query["code"]}, token=None)["code"] == "InvalidCode"


def test_more_than_fifty_skus_in_one_update_is_4171_and_nothing_is_queued(lazada: RunningSandbox) -> None:
    skus = [(f"GEN-{n:03d}", "15.00") for n in range(1, 52)]
    over = call(lazada, "/product/price_quantity/update", {"payload": price_xml(*skus)})
    assert over["code"] == "4171" and "maximum number 50" in over["message"]
    assert lazada.pending(shop="lzd-my")["count"] == 0

    at_limit = call(lazada, "/product/price_quantity/update", {"payload": price_xml(*skus[:50])})
    assert at_limit["code"] == "0"
    assert lazada.pending(shop="lzd-my")["count"] == 50


def test_a_partial_failure_names_only_the_refused_skus_and_the_others_apply(lazada: RunningSandbox) -> None:
    payload = {
        "Request": {
            "Product": {
                "Skus": {
                    "Sku": [
                        {"SellerSku": "GEN-001", "Price": "12.50"},
                        {"SellerSku": "GEN-060", "Price": "12.50"},
                        {"SellerSku": "GEN-002", "Price": "12.50", "SalePrice": "13.00"},
                    ]
                }
            }
        }
    }
    body = call(lazada, "/product/price_quantity/update", {"payload": json.dumps(payload)})

    assert body["code"] == "501" and body["message"] == "E501: Update product failed"
    assert [(d["seller_sku"], d["message"]) for d in body["detail"]] == [
        ("GEN-060", "SELLER_SKU_NOT_FOUND"),
        ("GEN-002", "BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE"),
    ]
    lazada.advance(61)
    assert [e["sku"] for e in lazada.ledger(shop="lzd-my")["entries"]] == ["GEN-001"]


def test_stock_below_what_orders_hold_is_refused_as_negative_sellable(lazada: RunningSandbox) -> None:
    lazada.set_faults("lzd-my", {"reserved_stock": {"MY-TEA-001": 4}})
    payload = "<Request><Product><Skus><Sku><SellerSku>MY-TEA-001</SellerSku><Quantity>3</Quantity></Sku></Skus></Product></Request>"
    body = call(lazada, "/product/price_quantity/update", {"payload": payload})
    assert body["code"] == "501"
    assert body["detail"] == [
        {"field": "Quantity", "seller_sku": "MY-TEA-001", "message": "negative sellable on channel inventory"}
    ]
    assert sku_of(item(lazada, "3100000001"), "MY-TEA-001")["Available"] == 16


def test_a_lost_confirmation_never_applies(lazada: RunningSandbox) -> None:
    assert call(lazada, "/product/price_quantity/update", {"payload": price_xml(("GEN-004", "11.00"))})["code"] == "0"
    lazada.advance(100_000)
    assert lazada.ledger(sku="GEN-004")["count"] == 0
    assert lazada.pending(sku="GEN-004")["changes"][0]["lost"] is True


def test_a_tight_rate_limit_answers_901_inside_a_200(lazada: RunningSandbox) -> None:
    lazada.set_faults("lzd-my", {"rate_limit": {"per_second": 0.001, "burst": 1}})
    first = call(lazada, "/product/price_quantity/update", {"payload": price_xml(("GEN-001", "11.00"))})
    second = call(lazada, "/product/price_quantity/update", {"payload": price_xml(("GEN-002", "11.00"))})
    assert first["code"] == "0"
    assert second["code"] == "901" and second["message"] == "Limit service request speed in server side temporarily."
    assert call(lazada, "/products/get", {"filter": "all"})["code"] == "0"  # reads have their own bucket
    read = call(lazada, "/products/get", {"filter": "all"})
    assert read["code"] == "ApiCallLimit" and "this ban will last" in read["message"]


def test_the_documented_inventory_rate_is_fifty_calls_a_second_per_seller() -> None:
    bucket = TokenBucket(RATES["inventory"], now=0.0)
    assert all(bucket.take(0.0) is None for _ in range(50))
    assert bucket.take(0.0) is not None
    assert bucket.take(1 / 50) is None


def test_get_products_filters_by_seller_sku_and_refuses_a_limit_over_fifty(lazada: RunningSandbox) -> None:
    found = call(lazada, "/products/get", {"filter": "all", "sku_seller_list": json.dumps(["GEN-007"])})
    assert found["data"]["total_products"] == 1
    assert found["data"]["products"][0]["skus"][0]["SellerSku"] == "GEN-007"
    assert call(lazada, "/products/get", {"filter": "all", "limit": "51"})["code"] == "19"
    assert call(lazada, "/products/get", {"filter": "all", "sku_seller_list": "GEN-007"})["code"] == "70"
    assert call(lazada, "/product/item/get", {"item_id": "3110000060"})["code"] == "208"  # unknown to Lazada
