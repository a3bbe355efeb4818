"""The TikTok Shop emulator answered over real HTTP, as the partner docs (API 202309) document it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import httpx
import pytest

from sandbox.faults import TokenBucket
from sandbox.tiktok import RATES, canonical_sign
from tests.sandbox.conftest import RunningSandbox

TIKTOK_APP = {"app_key": "tts-test-app", "app_secret": "tts-test-secret"}
US_TOKEN, US_REFRESH, US_CIPHER = "TTP_test-access-us", "TTP_test-refresh-us", "ROW_test_us"
UK_TOKEN, UK_REFRESH, UK_CIPHER = "TTP_test-access-uk", "TTP_test-refresh-uk", "ROW_test_uk"
BAGS, BAG_1, BAG_2 = "1729000000001", "1729100000001", "1729100000002"
PROMO, PROMO_SKU = "1729000000002", "1729100000003"
WAREHOUSE = "7068517275539719942"
CATEGORIES: dict[str, Any] = {
    "100001": {"name": "Home & Living"},
    "100002": {"name": "Phone accessories", "min_image_px": 800},
    "100003": {"name": "Food supplements", "required_attributes": ["net_weight.unit", "expiry_date"]},
    "100004": {"name": "Fixed-price books", "promo_price_allowed": False},
    "100005": {"name": "Collectible knives", "restricted": True},
}

# A US shop with a two-SKU product, a SKU in an ongoing promotion and generated SKUs (one unknown, one lost).
TIKTOK_US_SHOP: dict[str, Any] = {
    "id": "tts-us",
    "name": "TikTok test US",
    "platform": "tiktok",
    "market": "US",
    "currency": "USD",
    "credentials": {**TIKTOK_APP, "shop_cipher": US_CIPHER, "shop_id": "7494000000001", "auth_code": "TTP_code-us"},
    "tokens": {"access_token": US_TOKEN, "refresh_token": US_REFRESH, "access_expires_in": 604800},
    "confirmation_delay_seconds": 60,
    "categories": CATEGORIES,
    "catalog": {
        "items": [
            {
                "sku": "BAG-1",
                "item_id": BAGS,
                "variant_id": BAG_1,
                "category": "100001",
                "price": "100.00",
                "stock": 10,
            },
            {"sku": "BAG-2", "item_id": BAGS, "variant_id": BAG_2, "category": "100001", "price": "20.00", "stock": 3},
            {
                "sku": "PROMO-1",
                "item_id": PROMO,
                "variant_id": PROMO_SKU,
                "category": "100001",
                "price": "30.00",
                "sale_price": "25.00",
                "stock": 50,
            },
        ],
        "rules": [
            {
                "count": 5,
                "sku": "GEN-{n:03d}",
                "item_id": "17290000001{n:02d}",
                "variant_id": "17291000001{n:02d}",
                "categories": ["100001"],
                "price_min": "10",
                "price_max": "20",
            }
        ],
    },
    "faults": {"unknown_skus": ["GEN-005"], "lost_confirmation_skus": ["GEN-004"]},
}

# A UK shop whose access token expired before the sandbox started; its refresh token lives 30 days.
TIKTOK_UK_SHOP: dict[str, Any] = {
    "id": "tts-uk",
    "platform": "tiktok",
    "market": "UK",
    "currency": "GBP",
    "credentials": {**TIKTOK_APP, "shop_cipher": UK_CIPHER},
    "tokens": {
        "access_token": UK_TOKEN,
        "refresh_token": UK_REFRESH,
        "access_expires_in": -60,
        "refresh_expires_in": 30 * 86400,
    },
    "categories": CATEGORIES,
    "catalog": {
        "items": [
            {"sku": "UK-1", "item_id": "1729000000901", "variant_id": "1729100000901", "category": "100001"}
            | {"price": "12.00", "stock": 4}
        ]
    },
}


def tiktok_scenario() -> dict[str, Any]:
    return {"version": 1, "seed": 11, "shops": [deepcopy(TIKTOK_US_SHOP), deepcopy(TIKTOK_UK_SHOP)]}


@pytest.fixture
def tiktok() -> Iterator[RunningSandbox]:
    running = RunningSandbox(tiktok_scenario()).start()
    yield running
    running.stop()


# -----------------------------------------------------------------------------------------------------------
# A signer written from the docs, independent of the client and the emulator


def signed(
    sandbox: RunningSandbox,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = US_TOKEN,
    cipher: str | None = US_CIPHER,
    secret: str = TIKTOK_APP["app_secret"],
    timestamp: int | None = None,
    sign_path: str | None = None,
) -> httpx.Response:
    """One call as the docs describe it: sign secret + path + sorted params + raw body + secret."""
    params = {"app_key": TIKTOK_APP["app_key"], "timestamp": str(timestamp or int(time.time()))}
    if cipher:
        params["shop_cipher"] = cipher
    raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
    base = f"{secret}{sign_path or path}{''.join(k + params[k] for k in sorted(params))}{raw.decode()}{secret}"
    params["sign"] = hmac.new(secret.encode(), base.encode(), hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json"}
    if token:
        headers["x-tts-access-token"] = token
    return httpx.request(
        method, f"{sandbox.url}/tiktok{path}", params=params, headers=headers, content=raw if raw else None
    )


def price_body(*skus: tuple[str, str]) -> dict[str, Any]:
    return {"skus": [{"id": sku, "price": {"amount": amount, "currency": "USD"}} for sku, amount in skus]}


def stock_body(*skus: tuple[str, int], warehouse: str | None = WAREHOUSE) -> dict[str, Any]:
    def inventory(quantity: int) -> dict[str, Any]:
        return {"warehouse_id": warehouse, "quantity": quantity} if warehouse else {"quantity": quantity}

    return {"skus": [{"id": sku, "inventory": [inventory(quantity)]} for sku, quantity in skus]}


def prices_path(product: str) -> str:
    return f"/product/202309/products/{product}/prices/update"


def inventory_path(product: str) -> str:
    return f"/product/202309/products/{product}/inventory/update"


def get_product(sandbox: RunningSandbox, product: str, **kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = signed(sandbox, "GET", f"/product/202309/products/{product}", **kwargs).json()
    return data


def draft(category: str = "100001", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Travel bottle set",
        "description": "<p>Three bottles</p>",
        "category_id": category,
        "category_version": "v2",
        "main_images": [{"uri": f"tos-test/bottle_{n}_1200x1200.jpg"} for n in range(5)],
        "package_weight": {"value": "0.4", "unit": "KILOGRAM"},
        "skus": [
            {
                "seller_sku": "BOTTLE-1",
                "price": {"amount": "12.50", "currency": "USD"},
                "inventory": [{"warehouse_id": WAREHOUSE, "quantity": 7}],
            }
        ],
    }
    return body | changes


# -----------------------------------------------------------------------------------------------------------
# Signing, timestamps, identifiers


def test_the_emulator_signs_tiktoks_official_worked_example_to_the_documented_digest() -> None:
    params = {"app_key": "29a39d", "timestamp": "1623812664"}
    assert (
        canonical_sign("e59af819cc", "/authorization/202309/shops", params, b"")
        == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_a_wrongly_signed_request_gets_106001_and_applies_nothing(tiktok: RunningSandbox) -> None:
    response = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "90.00")), secret="not-the-secret")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"], body["data"]) == (
        106001,
        "Invalid credentials. The `sign` query parameter is invalid.",
        None,
    )
    assert len(body["request_id"]) == 34
    tiktok.advance(3600)
    assert tiktok.ledger(shop="tts-us")["count"] == 0 and tiktok.pending(shop="tts-us")["count"] == 0


def test_a_body_changed_after_signing_fails_the_signature(tiktok: RunningSandbox) -> None:
    params = {"app_key": TIKTOK_APP["app_key"], "timestamp": str(int(time.time())), "shop_cipher": US_CIPHER}
    path = prices_path(BAGS)
    signed_bytes = json.dumps(price_body((BAG_1, "90.00")), separators=(",", ":")).encode()
    params["sign"] = canonical_sign(TIKTOK_APP["app_secret"], path, params, signed_bytes)
    sent = json.dumps(price_body((BAG_1, "90.00"))).encode()  # same JSON, other whitespace
    response = httpx.post(
        f"{tiktok.url}/tiktok{path}",
        params=params,
        content=sent,
        headers={"content-type": "application/json", "x-tts-access-token": US_TOKEN},
    )
    assert response.json()["code"] == 106001


def test_the_api_path_and_the_prefixed_path_are_both_accepted_as_the_signed_path(tiktok: RunningSandbox) -> None:
    path = prices_path(BAGS)
    assert signed(tiktok, "POST", path, price_body((BAG_1, "91.00"))).json()["code"] == 0
    prefixed = signed(tiktok, "POST", path, price_body((BAG_1, "92.00")), sign_path="/tiktok" + path)
    assert prefixed.json()["code"] == 0


def test_a_missing_sign_and_a_stale_or_future_timestamp_are_36009004_in_tiktoks_words(
    tiktok: RunningSandbox,
) -> None:
    unsigned = httpx.get(
        f"{tiktok.url}/tiktok/product/202309/products/{BAGS}",
        params={"app_key": TIKTOK_APP["app_key"], "timestamp": str(int(time.time())), "shop_cipher": US_CIPHER},
        headers={"x-tts-access-token": US_TOKEN},
    ).json()
    assert unsigned["code"] == 36009004 and unsigned["message"].startswith("Missing credentials.")

    stale = get_product(tiktok, BAGS, timestamp=int(time.time()) - 301)
    assert stale["code"] == 36009004 and "5 minutes before the current time" in stale["message"]
    future = get_product(tiktok, BAGS, timestamp=int(time.time()) + 60)
    assert future["code"] == 36009004 and "by more than 30 seconds" in future["message"]


def test_a_missing_shop_cipher_is_106013_and_another_shops_cipher_is_101000(tiktok: RunningSandbox) -> None:
    assert get_product(tiktok, BAGS, cipher=None)["code"] == 106013
    assert get_product(tiktok, BAGS, cipher=UK_CIPHER)["code"] == 101000


def test_authorized_shops_lists_the_cipher_and_refuses_an_unexpected_shop_cipher(tiktok: RunningSandbox) -> None:
    shops = signed(tiktok, "GET", "/authorization/202309/shops", cipher=None).json()
    assert shops["code"] == 0
    [shop] = shops["data"]["shops"]
    assert (shop["cipher"], shop["region"], shop["id"]) == (US_CIPHER, "US", "7494000000001")
    unexpected = signed(tiktok, "GET", "/authorization/202309/shops").json()
    assert unexpected["code"] == 36009004 and unexpected["message"].startswith("Unexpected identifier.")


def test_an_unknown_path_is_36009009_and_an_old_version_36009014(tiktok: RunningSandbox) -> None:
    assert signed(tiktok, "GET", "/product/202309/nothing-here").json()["code"] == 36009009
    assert signed(tiktok, "GET", f"/product/202212/products/{BAGS}").json()["code"] == 36009014


# -----------------------------------------------------------------------------------------------------------
# Tokens


def test_an_access_token_expires_after_seven_days_of_sandbox_clock_with_105002(tiktok: RunningSandbox) -> None:
    assert get_product(tiktok, BAGS)["code"] == 0
    tiktok.advance(7 * 86400 + 1)
    expired = get_product(tiktok, BAGS)
    assert (expired["code"], expired["message"]) == (105002, "access token is expired, please refresh it")


def test_an_unknown_token_is_36009004_and_a_revoked_shop_gets_105001_then_36004005(
    tiktok: RunningSandbox,
) -> None:
    unknown = get_product(tiktok, BAGS, token="TTP_forged")
    assert unknown == unknown | {
        "code": 36009004,
        "message": "Invalid credentials. The `x-tts-access-token` header is invalid.",
    }

    tiktok.set_faults("tts-us", {"revoked": True})
    revoked = get_product(tiktok, BAGS)
    assert (revoked["code"], revoked["message"]) == (
        105001,
        "access token is invalid; detail:your token has been deauthorized",
    )
    refresh = refresh_tokens(tiktok, US_REFRESH)
    assert (refresh["code"], refresh["message"]) == (36004005, "can not find related auth record")


def refresh_tokens(sandbox: RunningSandbox, refresh_token: str, **overrides: str) -> dict[str, Any]:
    params = {**TIKTOK_APP, "refresh_token": refresh_token, "grant_type": "refresh_token", **overrides}
    data: dict[str, Any] = httpx.get(f"{sandbox.url}/tiktok-auth/api/v2/token/refresh", params=params).json()
    return data


def test_a_refresh_gives_a_seven_day_access_token_and_keeps_the_refresh_token(tiktok: RunningSandbox) -> None:
    before = time.time()
    answer = refresh_tokens(tiktok, UK_REFRESH)

    assert answer["code"] == 0 and answer["message"] == "success"
    data = answer["data"]
    assert data["refresh_token"] == UK_REFRESH  # TikTok's samples show no rotation
    assert before + 7 * 86400 - 5 <= data["access_token_expire_in"] <= time.time() + 7 * 86400 + 5
    assert data["refresh_token_expire_in"] > data["access_token_expire_in"]
    assert data["user_type"] == 0 and data["seller_base_region"] == "GB"
    assert get_product(tiktok, "1729000000901", token=data["access_token"], cipher=UK_CIPHER)["code"] == 0
    assert get_product(tiktok, "1729000000901", token=UK_TOKEN, cipher=UK_CIPHER)["code"] == 105002


def test_an_expired_refresh_token_is_36004001_and_a_wrong_app_secret_36009004(tiktok: RunningSandbox) -> None:
    assert refresh_tokens(tiktok, UK_REFRESH, app_secret="wrong")["code"] == 36009004
    tiktok.advance(30 * 86400 + 1)
    expired = refresh_tokens(tiktok, UK_REFRESH)
    assert (expired["code"], expired["message"]) == (36004001, "rt has expired")


def test_an_authorisation_code_works_once(tiktok: RunningSandbox) -> None:
    params = {**TIKTOK_APP, "auth_code": "TTP_code-us", "grant_type": "authorized_code"}
    first = httpx.get(f"{tiktok.url}/tiktok-auth/api/v2/token/get", params=params).json()
    assert first["code"] == 0 and first["data"]["access_token"].startswith("TTP_")
    again = httpx.get(f"{tiktok.url}/tiktok-auth/api/v2/token/get", params=params).json()
    assert again["code"] == 36004005


# -----------------------------------------------------------------------------------------------------------
# Writes, the ledger and the delayed read-back


def test_a_price_update_is_accepted_with_empty_data_and_the_ledger_counts_one_application_per_sku(
    tiktok: RunningSandbox,
) -> None:
    response = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "89.50"), (BAG_2, "19.00")))

    body = response.json()
    assert response.status_code == 200
    assert (body["code"], body["message"], body["data"]) == (0, "Success", {})
    assert tiktok.ledger(shop="tts-us")["count"] == 0  # accepted is only queued
    tiktok.advance(61)
    ledger = tiktok.ledger(shop="tts-us", request_id=body["request_id"])
    assert ledger["count"] == 2
    assert {(e["sku"], e["operation"], e["values"]["price"]) for e in ledger["entries"]} == {
        ("BAG-1", "price", "89.50"),
        ("BAG-2", "price", "19.00"),
    }
    assert tiktok.ledger(sku="BAG-1")["entries"][0]["before"]["price"] == "100.00"


def test_the_read_back_shows_the_new_price_and_stock_only_after_the_confirmation_delay(
    tiktok: RunningSandbox,
) -> None:
    signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "77.00")))
    signed(tiktok, "POST", inventory_path(BAGS), stock_body((BAG_1, 42)))

    def bag_1() -> dict[str, Any]:
        data = get_product(tiktok, BAGS)["data"]
        sku: dict[str, Any] = next(s for s in data["skus"] if s["id"] == BAG_1)
        return sku

    assert bag_1()["price"]["sale_price"] == "100" and bag_1()["inventory"][0]["quantity"] == 10
    tiktok.advance(30)
    assert bag_1()["price"]["sale_price"] == "100"
    tiktok.advance(31)
    assert bag_1()["price"] == {"tax_exclusive_price": "77", "sale_price": "77", "currency": "USD"}
    assert bag_1()["inventory"] == [{"warehouse_id": WAREHOUSE, "quantity": 42}]
    assert get_product(tiktok, BAGS)["data"]["status"] == "ACTIVATE"


def test_a_lost_confirmation_is_accepted_but_never_applied(tiktok: RunningSandbox) -> None:
    assert (
        signed(tiktok, "POST", prices_path("1729000000104"), price_body(("1729100000104", "15.00"))).json()["code"] == 0
    )
    tiktok.advance(100_000)
    assert tiktok.ledger(sku="GEN-004")["count"] == 0
    pending = tiktok.pending(sku="GEN-004")
    assert pending["count"] == 1 and pending["changes"][0]["lost"] is True


def test_stock_updates_report_per_sku_failures_under_code_zero_and_apply_only_the_rest(
    tiktok: RunningSandbox,
) -> None:
    mixed = signed(tiktok, "POST", inventory_path(BAGS), stock_body((BAG_1, 5), ("1729100009999", 5))).json()
    assert mixed["code"] == 0
    assert mixed["data"]["errors"] == [
        {"code": 12052556, "message": "The SKU id not exist.", "detail": {"sku_id": "1729100009999"}}
    ]

    wrong_warehouse = signed(tiktok, "POST", inventory_path(BAGS), stock_body((BAG_2, 1), warehouse="123")).json()
    [failure] = wrong_warehouse["data"]["errors"]
    assert failure["code"] == 12052990
    assert failure["detail"]["extra_errors"] == [
        {"warehouse_id": "123", "code": 12052097, "message": "The warehouse does not exist"}
    ]

    promo = signed(tiktok, "POST", inventory_path(PROMO), stock_body((PROMO_SKU, 10), warehouse=None)).json()
    assert promo["data"]["errors"][0]["code"] == 12052393
    raised = signed(tiktok, "POST", inventory_path(PROMO), stock_body((PROMO_SKU, 60), warehouse=None)).json()
    assert raised == raised | {"code": 0, "data": {}}  # raising stock during a promotion is allowed

    tiktok.advance(61)
    assert sorted(e["sku"] for e in tiktok.ledger(shop="tts-us")["entries"]) == ["BAG-1", "PROMO-1"]


def test_a_price_update_is_all_or_nothing(tiktok: RunningSandbox) -> None:
    foreign = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "50.00"), (PROMO_SKU, "9.00"))).json()
    assert (foreign["code"], foreign["message"]) == (12052557, "The SKU ID does not belong to the product.")
    locked = signed(tiktok, "POST", prices_path(PROMO), price_body((PROMO_SKU, "28.00"))).json()
    assert (locked["code"], locked["message"]) == (12052038, "Product price locked due to ongoing promotion. ")
    over = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "7600.01"))).json()
    assert over["code"] == 12052570
    assert (
        signed(tiktok, "POST", prices_path("1729000000105"), price_body(("1729100000105", "9.00"))).json()["code"]
        == 12052032
    )  # GEN-005: bound on our side, unknown to TikTok
    tiktok.advance(61)
    assert tiktok.ledger(shop="tts-us")["count"] == 0


# -----------------------------------------------------------------------------------------------------------
# Limits


def test_more_skus_than_a_product_may_have_is_12052050_and_inventory_search_caps_its_ids(
    tiktok: RunningSandbox,
) -> None:
    skus = [(f"17291{n:08d}", "10.00") for n in range(301)]
    over = signed(tiktok, "POST", prices_path(BAGS), price_body(*skus)).json()
    assert (over["code"], over["message"]) == (12052050, "A single product cannot have more than 300 different SKUs")

    search = "/product/202309/inventory/search"
    too_many = signed(tiktok, "POST", search, {"product_ids": [str(n) for n in range(101)]}).json()
    assert too_many["code"] == 12019120
    found = signed(tiktok, "POST", search, {"sku_ids": [BAG_2], "product_ids": [PROMO]}).json()
    assert found["code"] == 0
    assert found["data"]["inventory"][0]["product_id"] == BAGS  # sku_ids win over product_ids
    assert found["data"]["inventory"][0]["skus"][0]["total_available_quantity"] == 3


def test_a_tight_rate_limit_answers_http_429_with_36009002_and_no_retry_after(tiktok: RunningSandbox) -> None:
    tiktok.set_faults("tts-us", {"rate_limit": {"per_second": 0.01, "burst": 2}})
    statuses = [get_product(tiktok, BAGS).get("code") for _ in range(2)]
    throttled = signed(tiktok, "GET", f"/product/202309/products/{BAGS}")
    assert statuses == [0, 0]
    assert throttled.status_code == 429 and throttled.json()["code"] == 36009002
    assert "retry-after" not in throttled.headers
    tiktok.advance(100)
    assert get_product(tiktok, BAGS)["code"] == 0


def test_the_documented_rate_is_fifty_a_second_per_api_and_shop() -> None:
    bucket = TokenBucket(RATES["update_price"], now=0.0)
    assert [bucket.take(0.0) is None for _ in range(51)] == [True] * 50 + [False]
    assert bucket.take(0.02) is None  # one token back after 1/50 s


def test_a_body_over_the_size_limit_is_413_and_server_errors_and_malformed_bodies_apply_nothing(
    tiktok: RunningSandbox,
) -> None:
    tiktok.set_faults("tts-us", {"max_body_bytes": 32})
    too_large = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "60.00")))
    assert too_large.status_code == 413 and too_large.json()["code"] == 36009021

    tiktok.set_faults("tts-us", {"server_errors": {"rate": 1.0, "status": 503}})
    failed = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "60.00")))
    assert failed.status_code == 503 and failed.json()["code"] == 36009003

    tiktok.set_faults("tts-us", {"malformed": {"rate": 1.0}})
    garbled = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "60.00")))
    assert garbled.status_code == 200
    with pytest.raises(ValueError):
        garbled.json()
    tiktok.advance(61)
    assert tiktok.ledger(shop="tts-us")["count"] == 0


def test_a_missing_permission_is_105005_for_that_operation_only(tiktok: RunningSandbox) -> None:
    tiktok.set_faults("tts-us", {"missing_permissions": ["price"]})
    refused = signed(tiktok, "POST", prices_path(BAGS), price_body((BAG_1, "60.00"))).json()
    assert (refused["code"], refused["message"]) == (105005, "you should apply auth pkg for this api")
    assert get_product(tiktok, BAGS)["code"] == 0


# -----------------------------------------------------------------------------------------------------------
# Create Product and its audit


def test_a_new_product_is_pending_in_audit_until_the_delay_then_active(tiktok: RunningSandbox) -> None:
    created = signed(tiktok, "POST", "/product/202309/products", draft()).json()
    assert created["code"] == 0 and "warnings" not in created["data"]
    product_id = created["data"]["product_id"]
    [sku] = created["data"]["skus"]
    assert sku["seller_sku"] == "BOTTLE-1" and len(product_id) == 19

    pending = get_product(tiktok, product_id)["data"]
    assert (pending["status"], pending["audit"]["status"]) == ("PENDING", "AUDITING")
    tiktok.advance(61)
    live = get_product(tiktok, product_id)["data"]
    assert (live["status"], live["audit"]["status"]) == ("ACTIVATE", "APPROVED")
    assert live["skus"][0]["id"] == sku["id"] and live["skus"][0]["inventory"][0]["quantity"] == 7
    [entry] = tiktok.ledger(sku="BOTTLE-1")["entries"]
    assert entry["before"] is None and entry["operation"] == "listing"


def test_a_product_in_a_restricted_category_fails_its_audit_after_the_delay(tiktok: RunningSandbox) -> None:
    product_id = signed(tiktok, "POST", "/product/202309/products", draft("100005")).json()["data"]["product_id"]
    assert get_product(tiktok, product_id)["data"]["status"] == "PENDING"
    tiktok.advance(61)
    failed = get_product(tiktok, product_id)["data"]
    assert (failed["status"], failed["audit"]["status"]) == ("FAILED", "FAILED")
    assert failed["audit_failed_reasons"][0]["reasons"] == ["violate listing rules"]


def test_a_draft_without_the_categorys_attributes_is_refused_with_the_property_codes(
    tiktok: RunningSandbox,
) -> None:
    absent = signed(tiktok, "POST", "/product/202309/products", draft("100003")).json()
    assert (absent["code"], absent["message"]) == (12052104, "property is required")

    attributes = [
        {"id": "net_weight", "values": [{"name": "500"}]},
        {"id": "expiry_date", "values": [{"name": "2027-01-01"}]},
    ]
    no_unit = signed(tiktok, "POST", "/product/202309/products", draft("100003", product_attributes=attributes))
    assert no_unit.json()["code"] == 12052182
    assert no_unit.json()["message"] == (
        "The 'net_weight.unit' field is required as you've selected '500' for 'net_weight'."
    )
    attributes[0]["values"] = [{"name": "500 g"}]
    complete = signed(tiktok, "POST", "/product/202309/products", draft("100003", product_attributes=attributes))
    assert complete.json()["code"] == 0


def test_images_under_300_px_are_refused_and_under_the_categorys_size_get_a_warning(tiktok: RunningSandbox) -> None:
    tiny = draft(main_images=[{"uri": "tos-test/icon_200x200.jpg"}])
    refused = signed(tiktok, "POST", "/product/202309/products", tiny).json()
    assert (refused["code"], refused["message"]) == (
        12052301,
        "Width and length of main image must be at least 300, check uri tos-test/icon_200x200.jpg",
    )
    small = draft("100002", main_images=[{"uri": "tos-test/case_600x600.jpg"}])
    accepted = signed(tiktok, "POST", "/product/202309/products", small).json()
    assert accepted["code"] == 0
    assert "image" in accepted["data"]["warnings"][0]["message"]


def test_create_checks_the_category_version_and_the_package_weight(tiktok: RunningSandbox) -> None:
    v1 = signed(tiktok, "POST", "/product/202309/products", draft(category_version="v1")).json()
    assert v1["code"] == 12052217  # US shops use the v2 category tree
    weightless = draft()
    del weightless["package_weight"]
    assert signed(tiktok, "POST", "/product/202309/products", weightless).json()["code"] == 12019011
    assert signed(tiktok, "POST", "/product/202309/products", draft("999999")).json()["code"] == 12052023


def test_stock_reserved_by_a_campaign_cannot_be_pushed_below_and_the_search_shows_it_committed(
    tiktok: RunningSandbox,
) -> None:
    tiktok.set_faults("tts-us", {"reserved_stock": {"BAG-2": 2}})
    below = signed(tiktok, "POST", inventory_path(BAGS), stock_body((BAG_2, 1))).json()
    assert below["code"] == 0 and below["data"]["errors"][0]["code"] == 12052393
    assert signed(tiktok, "POST", inventory_path(BAGS), stock_body((BAG_2, 2))).json()["data"] == {}
    search = signed(tiktok, "POST", "/product/202309/inventory/search", {"sku_ids": [BAG_2]}).json()
    assert search["data"]["inventory"][0]["skus"][0]["total_committed_quantity"] == 2


def test_creating_beyond_the_shops_listing_quota_is_12052093(tiktok: RunningSandbox) -> None:
    tiktok.set_faults("tts-us", {"max_listings": 7})  # 6 products held (GEN-005 unknown), one more allowed
    assert signed(tiktok, "POST", "/product/202309/products", draft()).json()["code"] == 0
    refused = signed(tiktok, "POST", "/product/202309/products", draft()).json()
    assert (refused["code"], refused["message"]) == (12052093, "Exceeded the product listing limit for the seller.")


def test_a_call_signed_over_the_prefixed_path_may_leave_the_shop_to_its_token(tiktok: RunningSandbox) -> None:
    # An SDK that signs its URL's path cannot match the prefixed path to a shop API, so it sends no shop_cipher.
    path = f"/product/202309/products/{BAGS}"
    assert get_product(tiktok, BAGS, cipher=None, sign_path="/tiktok" + path)["code"] == 0
    assert get_product(tiktok, BAGS, cipher=None)["code"] == 106013


def test_stock_may_change_while_a_new_product_is_in_audit_but_its_price_may_not(tiktok: RunningSandbox) -> None:
    created = signed(tiktok, "POST", "/product/202309/products", draft()).json()["data"]
    product_id, [sku] = created["product_id"], created["skus"]
    price = signed(tiktok, "POST", prices_path(product_id), price_body((sku["id"], "13.00"))).json()
    assert price["code"] == 12052901
    stock = signed(tiktok, "POST", inventory_path(product_id), stock_body((sku["id"], 9))).json()
    assert stock["code"] == 0 and stock["data"] == {}
    tiktok.advance(61)
    assert get_product(tiktok, product_id)["data"]["skus"][0]["inventory"][0]["quantity"] == 9
