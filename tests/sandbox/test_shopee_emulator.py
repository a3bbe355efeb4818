"""The Shopee emulator answered over real HTTP, signed as Shopee documents it and refusing what Shopee refuses."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from copy import deepcopy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sandbox.conftest import RunningSandbox

PARTNER_ID = "2000077"
PARTNER_KEY = "test-shopee-partner-key"
MY_SHOP_ID = "5500001"
TH_SHOP_ID = "5500002"
MY_ACCESS, MY_REFRESH = "shopee-test-access-my", "shopee-test-refresh-my"
TH_ACCESS, TH_REFRESH = "shopee-test-access-th", "shopee-test-refresh-th"

CATEGORIES: dict[str, Any] = {
    "100001": {"name": "Home & Living"},
    "100002": {"name": "Phone accessories", "min_image_px": 800},
    "100003": {"name": "Food supplements", "required_attributes": ["net_weight.unit", "expiry_date"]},
    "100005": {"name": "Medical devices", "restricted": True},
}

# A Malaysian shop with an item without models, an item with two models, an item in a discount promotion,
# an item with 55 models (over one call's limit), a SKU bound on our side but gone from Shopee, and a lost one.
SHOPEE_MY_SHOP: dict[str, Any] = {
    "id": "shp-my",
    "platform": "shopee",
    "market": "MY",
    "currency": "MYR",
    "credentials": {"partner_id": PARTNER_ID, "partner_key": PARTNER_KEY, "shop_id": MY_SHOP_ID},
    "tokens": {"access_token": MY_ACCESS, "refresh_token": MY_REFRESH, "access_expires_in": 14400},
    "confirmation_delay_seconds": 60,
    "categories": CATEGORIES,
    "catalog": {
        "items": [
            {"sku": "MUG-1", "item_id": "1000", "variant_id": "0", "category": "100001", "price": "39.90", "stock": 10},
            {
                "sku": "HOOD-M",
                "item_id": "2000",
                "variant_id": "2001",
                "category": "100001",
                "price": "89",
                "stock": 12,
            },
            {"sku": "HOOD-L", "item_id": "2000", "variant_id": "2002", "category": "100001", "price": "99", "stock": 8},
            {
                "sku": "PROMO-1",
                "item_id": "3000",
                "category": "100001",
                "price": "50.00",
                "sale_price": "40.00",
                "stock": 5,
            },
            {"sku": "GONE-1", "item_id": "4000", "category": "100001", "price": "10.00", "stock": 1},
            {"sku": "LOST-1", "item_id": "4100", "category": "100001", "price": "12.00", "stock": 1},
        ],
        "rules": [
            {
                "count": 55,
                "sku": "TEE-{n:03d}",
                "item_id": "9000",
                "variant_id": "9{n:03d}",
                "categories": ["100001"],
                "price_min": "20",
                "price_max": "30",
            }
        ],
    },
    "faults": {
        "unknown_skus": ["GONE-1"],
        "lost_confirmation_skus": ["LOST-1"],
        "reserved_stock": {"HOOD-L": 5},
    },
}
# A Thai shop (whole-number prices) whose access token expired before the sandbox started.
SHOPEE_TH_SHOP: dict[str, Any] = {
    "id": "shp-th",
    "platform": "shopee",
    "market": "TH",
    "currency": "THB",
    "credentials": {"partner_id": PARTNER_ID, "partner_key": PARTNER_KEY, "shop_id": TH_SHOP_ID},
    "tokens": {"access_token": TH_ACCESS, "refresh_token": TH_REFRESH, "access_expires_in": -60},
    "confirmation_delay_seconds": 60,
    "categories": CATEGORIES,
    "catalog": {"items": [{"sku": "TH-1", "item_id": "7000", "category": "100001", "price": "500", "stock": 5}]},
}


def shopee_scenario() -> dict[str, Any]:
    return {"version": 1, "seed": 11, "shops": [deepcopy(SHOPEE_MY_SHOP), deepcopy(SHOPEE_TH_SHOP)]}


@pytest.fixture
def shopee_sandbox() -> Iterator[RunningSandbox]:
    running = RunningSandbox(shopee_scenario()).start()
    yield running
    running.stop()


# -----------------------------------------------------------------------------------------------------------
# A hand-rolled Shopee caller, independent of our client


def signed(path: str, token: str | None = None, shop_id: str = MY_SHOP_ID, **overrides: str) -> dict[str, str]:
    timestamp = overrides.pop("timestamp", str(int(time.time())))
    base = f"{PARTNER_ID}{path}{timestamp}" + (f"{token}{shop_id}" if token is not None else "")
    query = {
        "partner_id": PARTNER_ID,
        "timestamp": timestamp,
        "sign": hmac.new(PARTNER_KEY.encode(), base.encode(), hashlib.sha256).hexdigest(),
    }
    if token is not None:
        query |= {"access_token": token, "shop_id": shop_id}
    return query | overrides


def post(sandbox: RunningSandbox, path: str, body: Any, token: str | None = MY_ACCESS, **query: str) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/shopee{path}", params=signed(path, token, **query), json=body)


def get(
    sandbox: RunningSandbox, path: str, token: str = MY_ACCESS, shop_id: str = MY_SHOP_ID, **params: str
) -> httpx.Response:
    return httpx.get(f"{sandbox.url}/shopee{path}", params=signed(path, token, shop_id) | params)


def update_price(
    sandbox: RunningSandbox, item_id: int, *prices: tuple[int, Any], token: str = MY_ACCESS
) -> httpx.Response:
    body = {"item_id": item_id, "price_list": [{"model_id": m, "original_price": p} for m, p in prices]}
    return post(sandbox, "/api/v2/product/update_price", body, token)


def refresh(sandbox: RunningSandbox, refresh_token: str, shop_id: str = MY_SHOP_ID) -> httpx.Response:
    body = {"shop_id": int(shop_id), "refresh_token": refresh_token, "partner_id": int(PARTNER_ID)}
    return post(sandbox, "/api/v2/auth/access_token/get", body, token=None)


def item(sandbox: RunningSandbox, item_id: int, token: str = MY_ACCESS, shop_id: str = MY_SHOP_ID) -> dict[str, Any]:
    response = get(sandbox, "/api/v2/product/get_item_base_info", token, shop_id, item_id_list=str(item_id))
    assert response.status_code == 200, response.text
    (found,) = response.json()["response"]["item_list"]
    result: dict[str, Any] = found
    return result


def envelope_of(response: httpx.Response) -> tuple[str, str]:
    data = response.json()
    return data["error"], data["message"]


# -----------------------------------------------------------------------------------------------------------


def test_a_clean_price_update_answers_the_documented_success_and_applies_once_after_the_delay(
    shopee_sandbox: RunningSandbox,
) -> None:
    response = update_price(shopee_sandbox, 1000, (0, 35.5))

    assert response.status_code == 200
    body = response.json()
    assert (body["error"], body["message"], body["warning"]) == ("", "", "")
    assert body["response"] == {"failure_list": [], "success_list": [{"model_id": 0, "original_price": 35.5}]}
    assert item(shopee_sandbox, 1000)["price_info"][0]["original_price"] == 39.9  # accepted, not yet applied
    assert shopee_sandbox.ledger(shop="shp-my")["count"] == 0

    shopee_sandbox.advance(61)
    assert item(shopee_sandbox, 1000)["price_info"][0]["original_price"] == 35.5
    ledger = shopee_sandbox.ledger(shop="shp-my", sku="MUG-1")
    assert ledger["count"] == 1
    entry = ledger["entries"][0]
    assert (entry["operation"], entry["values"], entry["before"]["price"]) == ("price", {"price": "35.5"}, "39.90")


def test_a_wrong_sign_is_refused_with_error_sign_and_nothing_is_queued(shopee_sandbox: RunningSandbox) -> None:
    path = "/api/v2/product/update_price"
    query = signed(path, MY_ACCESS) | {"sign": "0" * 64}
    body = {"item_id": 1000, "price_list": [{"model_id": 0, "original_price": 30}]}
    response = httpx.post(f"{shopee_sandbox.url}/shopee{path}", params=query, json=body)

    assert response.status_code == 403
    data = response.json()
    assert (data["error"], data["message"]) == ("error_sign", "Wrong sign.")
    assert set(data) >= {"request_id", "error", "message"} and len(data["request_id"]) == 32
    assert shopee_sandbox.pending()["count"] == 0


def test_the_sign_covers_the_platform_path_not_the_sandbox_prefix(shopee_sandbox: RunningSandbox) -> None:
    path = "/api/v2/product/get_item_base_info"
    query = signed("/shopee" + path, MY_ACCESS) | {"item_id_list": "1000"}
    response = httpx.get(f"{shopee_sandbox.url}/shopee{path}", params=query)
    assert envelope_of(response) == ("error_sign", "Wrong sign.")


def test_a_stale_timestamp_and_missing_common_parameters_get_shopees_words(shopee_sandbox: RunningSandbox) -> None:
    stale = update_price_with(shopee_sandbox, timestamp=str(int(time.time()) - 301))
    assert stale.status_code == 403 and envelope_of(stale) == ("error_param", "Invalid timestamp")

    path = "/api/v2/product/update_price"
    no_token = {k: v for k, v in signed(path, MY_ACCESS).items() if k != "access_token"}
    response = httpx.post(f"{shopee_sandbox.url}/shopee{path}", params=no_token, json={})
    assert envelope_of(response) == ("error_param", "There is no access_token in query.")
    unknown_partner = signed(path, MY_ACCESS) | {"partner_id": "999"}
    response = httpx.post(f"{shopee_sandbox.url}/shopee{path}", params=unknown_partner, json={})
    assert envelope_of(response) == ("error_param", "Invalid partner_id.")


def update_price_with(sandbox: RunningSandbox, **query: str) -> httpx.Response:
    body = {"item_id": 1000, "price_list": [{"model_id": 0, "original_price": 30}]}
    return post(sandbox, "/api/v2/product/update_price", body, MY_ACCESS, **query)


def test_an_access_token_dies_after_four_hours_of_sandbox_clock(shopee_sandbox: RunningSandbox) -> None:
    assert update_price(shopee_sandbox, 1000, (0, 30)).json()["error"] == ""
    shopee_sandbox.advance(14400)
    expired = update_price(shopee_sandbox, 1000, (0, 31))
    assert expired.status_code == 403
    assert envelope_of(expired) == ("error_auth", "Invalid access_token.")


def test_a_refresh_token_works_once_and_the_old_access_token_lives_five_more_minutes(
    shopee_sandbox: RunningSandbox,
) -> None:
    first = refresh(shopee_sandbox, MY_REFRESH)
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["error"] == "" and tokens["expire_in"] == 14400
    assert tokens["shop_id"] == int(MY_SHOP_ID) and tokens["partner_id"] == int(PARTNER_ID)
    assert tokens["refresh_token"] != MY_REFRESH

    again = refresh(shopee_sandbox, MY_REFRESH)  # the spent one
    assert again.status_code == 403
    assert envelope_of(again) == ("error_auth", "Invalid refresh_token.")

    assert update_price(shopee_sandbox, 1000, (0, 30)).json()["error"] == ""  # old access token: grace period
    shopee_sandbox.advance(301)
    assert envelope_of(update_price(shopee_sandbox, 1000, (0, 30))) == ("error_auth", "Invalid access_token.")
    assert update_price(shopee_sandbox, 1000, (0, 30), token=tokens["access_token"]).json()["error"] == ""
    rotated = refresh(shopee_sandbox, tokens["refresh_token"])
    assert rotated.json()["error"] == "" and rotated.json()["refresh_token"] != tokens["refresh_token"]


def test_a_refresh_token_of_another_shop_and_a_revoked_shop_are_refused(shopee_sandbox: RunningSandbox) -> None:
    foreign = refresh(shopee_sandbox, MY_REFRESH, shop_id=TH_SHOP_ID)
    assert foreign.json()["error"] == "error_shop_refresh_token"
    shopee_sandbox.set_faults("shp-my", {"revoked": True})
    assert envelope_of(update_price(shopee_sandbox, 1000, (0, 30))) == ("error_auth", "Invalid access_token.")
    assert envelope_of(refresh(shopee_sandbox, MY_REFRESH)) == ("shop_no_linked", "Partner and shop has no linked.")


def test_the_auth_link_redirects_with_a_single_use_code_that_token_get_trades(shopee_sandbox: RunningSandbox) -> None:
    path = "/api/v2/shop/auth_partner"
    query = signed(path) | {"redirect": "https://erp.example/callback?state=7", "shop_id": TH_SHOP_ID}
    redirect = httpx.get(f"{shopee_sandbox.url}/shopee{path}", params=query)
    assert redirect.status_code == 302
    location = urlsplit(redirect.headers["location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert location.netloc == "erp.example" and params["state"] == "7" and params["shop_id"] == TH_SHOP_ID

    body = {"code": params["code"], "shop_id": int(TH_SHOP_ID), "partner_id": int(PARTNER_ID)}
    tokens = post(shopee_sandbox, "/api/v2/auth/token/get", body, token=None).json()
    assert tokens["error"] == "" and tokens["expire_in"] == 14400
    assert item(shopee_sandbox, 7000, tokens["access_token"], TH_SHOP_ID)["item_sku"] == "TH-1"
    reused = post(shopee_sandbox, "/api/v2/auth/token/get", body, token=None)
    assert reused.json()["error"] == "invalid_code"


def test_more_than_fifty_models_in_one_call_is_refused_as_over_limit(shopee_sandbox: RunningSandbox) -> None:
    prices = [(9000 + n, 25) for n in range(1, 52)]
    response = update_price(shopee_sandbox, 9000, *prices)
    error, message = envelope_of(response)
    assert error == "error_param" and "over limit" in message and "50" in message
    assert update_price(shopee_sandbox, 9000, *prices[:50]).json()["response"]["failure_list"] == []

    too_many = get(shopee_sandbox, "/api/v2/product/get_item_base_info", item_id_list=",".join(map(str, range(1, 52))))
    assert envelope_of(too_many) == ("error_param", "Request items over limit, should be less than 50")


def test_a_tight_rate_limit_answers_429_system_busy_without_retry_after(shopee_sandbox: RunningSandbox) -> None:
    shopee_sandbox.set_faults("shp-my", {"rate_limit": {"per_second": 0.01, "burst": 2}})
    statuses = [update_price(shopee_sandbox, 1000, (0, 30 + i)).status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    throttled = update_price(shopee_sandbox, 1000, (0, 40))
    assert throttled.json()["error"] == "error_system_busy"
    assert "retry-after" not in throttled.headers
    shopee_sandbox.advance(100)
    assert update_price(shopee_sandbox, 1000, (0, 41)).status_code == 200


def test_a_model_under_promotion_fails_alone_and_the_ledger_counts_only_accepted_models(
    shopee_sandbox: RunningSandbox,
) -> None:
    # HOOD-L holds 5 reserved units: 3 is refused for it alone, and HOOD-M's 4 is applied.
    body = {
        "item_id": 2000,
        "stock_list": [
            {"model_id": 2001, "seller_stock": [{"stock": 4}]},
            {"model_id": 2002, "seller_stock": [{"stock": 3}]},
        ],
    }
    stock = post(shopee_sandbox, "/api/v2/product/update_stock", body).json()
    assert stock["error"] == ""
    assert stock["response"]["failure_list"] == [
        {"model_id": 2002, "failed_reason": "Can not update item with stock less than reserve stock"}
    ]
    assert stock["response"]["success_list"] == [{"model_id": 2001, "location_id": "", "stock": 4}]

    promo = update_price(shopee_sandbox, 3000, (0, 45)).json()
    assert promo["error"] == "" and promo["response"]["success_list"] == []
    assert (
        promo["response"]["failure_list"][0]["failed_reason"]
        == "Price cannot be changed when model is under promotion."
    )

    shopee_sandbox.advance(61)
    assert [(e["sku"], e["operation"]) for e in shopee_sandbox.ledger(shop="shp-my")["entries"]] == [
        ("HOOD-M", "stock")
    ]


def test_a_stock_call_whose_every_model_fails_is_update_stock_failed(shopee_sandbox: RunningSandbox) -> None:
    body = {"item_id": 2000, "stock_list": [{"model_id": 2002, "seller_stock": [{"stock": 1}]}]}
    response = post(shopee_sandbox, "/api/v2/product/update_stock", body).json()
    assert response["error"] == "error_busi_update_stock_failed"
    assert response["response"]["failure_list"][0]["model_id"] == 2002


def test_unknown_items_repeated_models_and_fractional_thai_prices_are_refused(shopee_sandbox: RunningSandbox) -> None:
    assert envelope_of(update_price(shopee_sandbox, 4000, (0, 10))) == ("error_item_not_found", "Item_id is not found.")
    assert envelope_of(update_price(shopee_sandbox, 2000, (2001, 10), (2001, 11))) == (
        "error_param",
        "Repeat model_id.",
    )
    assert envelope_of(update_price(shopee_sandbox, 2000, (0, 10)))[0] == "error_edit_item_price_for_item_has_model"
    missing = post(shopee_sandbox, "/api/v2/product/update_price", {"price_list": [{"original_price": 1}]})
    assert envelope_of(missing) == ("product.error_param", "invalid field ItemId: value must  Not Null")

    refreshed = refresh(shopee_sandbox, TH_REFRESH, shop_id=TH_SHOP_ID).json()
    fractional = post(
        shopee_sandbox,
        "/api/v2/product/update_price",
        {"item_id": 7000, "price_list": [{"model_id": 0, "original_price": 499.5}]},
        refreshed["access_token"],
        shop_id=TH_SHOP_ID,
    )
    assert envelope_of(fractional)[0] == "error_invalid_price"
    assert shopee_sandbox.pending()["count"] == 0


def test_models_read_back_from_get_model_list_and_the_item_has_no_price_of_its_own(
    shopee_sandbox: RunningSandbox,
) -> None:
    hoodie = item(shopee_sandbox, 2000)
    assert hoodie["has_model"] is True and "price_info" not in hoodie
    models = get(shopee_sandbox, "/api/v2/product/get_model_list", item_id="2000").json()["response"]["model"]
    assert [(m["model_id"], m["price_info"][0]["original_price"]) for m in models] == [(2001, 89), (2002, 99)]
    assert models[1]["stock_info_v2"]["summary_info"] == {"total_reserved_stock": 5, "total_available_stock": 3}


def add_item_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "original_price": 19.9,
        "description": "Vitamin C 1000 mg",
        "weight": 0.2,
        "item_name": "Vitamin C tablets",
        "item_sku": "VITC-1",
        "category_id": 100003,
        "image": {"image_id_list": ["sg-11134201-vitc_1000x1000"]},
        "logistic_info": [{"logistic_id": 20011, "enabled": True}],
        "seller_stock": [{"stock": 7}],
    }
    return body | overrides


def test_add_item_names_what_the_category_requires_and_creates_the_item_under_review(
    shopee_sandbox: RunningSandbox,
) -> None:
    path = "/api/v2/product/add_item"
    bare = post(shopee_sandbox, path, add_item_body())
    assert envelope_of(bare) == ("error_less_required_attribute", "Mandatory attribute information required")

    tree = get(shopee_sandbox, "/api/v2/product/get_attribute_tree", category_id_list="100003").json()
    attributes = {a["name"]: a for a in tree["response"]["list"][0]["attribute_tree"]}
    assert set(attributes) == {"net_weight", "expiry_date"} and all(a["mandatory"] for a in attributes.values())
    assert attributes["net_weight"]["attribute_info"]["attribute_unit_list"]

    def attribute(name: str, unit: str = "") -> dict[str, Any]:
        value = {"value_id": 0, "original_value_name": "100", "value_unit": unit}
        return {"attribute_id": attributes[name]["attribute_id"], "attribute_value_list": [value]}

    no_unit = post(
        shopee_sandbox, path, add_item_body(attribute_list=[attribute("net_weight"), attribute("expiry_date")])
    )
    assert envelope_of(no_unit) == ("error_busi_attribute_error", "Attribute net_weight.unit is mandatory")

    complete = [attribute("net_weight", "g"), attribute("expiry_date")]
    created = post(shopee_sandbox, path, add_item_body(attribute_list=complete)).json()
    assert created["error"] == ""
    item_id = created["response"]["item_id"]
    assert item(shopee_sandbox, item_id)["item_status"] == "REVIEWING"
    shopee_sandbox.advance(61)
    live = item(shopee_sandbox, item_id)
    assert (live["item_status"], live["item_sku"], live["price_info"][0]["original_price"]) == (
        "NORMAL",
        "VITC-1",
        19.9,
    )
    assert shopee_sandbox.ledger(sku="VITC-1")["entries"][0]["before"] is None


def test_add_item_refuses_a_small_image_a_restricted_category_and_a_full_shop(shopee_sandbox: RunningSandbox) -> None:
    path = "/api/v2/product/add_item"
    small = post(
        shopee_sandbox, path, add_item_body(category_id=100002, image={"image_id_list": ["sg-1-case_500x500"]})
    )
    assert small.json()["error"] == "error_image_unavailable" and "500x500" in small.json()["message"]
    restricted = post(shopee_sandbox, path, add_item_body(category_id=100005))
    assert restricted.json()["error"] == "error_check_luc_fail"
    shopee_sandbox.set_faults("shp-my", {"max_listings": 10})
    full = post(shopee_sandbox, path, add_item_body(category_id=100001))
    assert full.json()["error"] == "error_reach_shop_item_limit"


def test_faults_5xx_malformed_and_body_size_apply_nothing(shopee_sandbox: RunningSandbox) -> None:
    shopee_sandbox.set_faults("shp-my", {"server_errors": {"rate": 1.0, "status": 500}})
    failed = update_price(shopee_sandbox, 1000, (0, 30))
    assert failed.status_code == 500 and failed.json()["error"] == "product.error_server"
    shopee_sandbox.set_faults("shp-my", {"server_errors": {"rate": 1.0, "status": 503}})
    assert update_price(shopee_sandbox, 1000, (0, 30)).headers["content-type"].startswith("text/html")
    shopee_sandbox.set_faults("shp-my", {"malformed": {"rate": 1.0}})
    with pytest.raises(json.JSONDecodeError):
        json.loads(update_price(shopee_sandbox, 1000, (0, 30)).content)
    shopee_sandbox.set_faults("shp-my", {"max_body_bytes": 16})
    too_large = update_price(shopee_sandbox, 1000, (0, 30))
    assert too_large.status_code == 413 and "over limit" in too_large.json()["message"]
    shopee_sandbox.advance(61)
    assert shopee_sandbox.ledger(shop="shp-my")["count"] == 0


def test_a_missing_permission_is_no_permission_to_current_api(shopee_sandbox: RunningSandbox) -> None:
    shopee_sandbox.set_faults("shp-my", {"missing_permissions": ["stock"]})
    body = {"item_id": 1000, "stock_list": [{"model_id": 0, "seller_stock": [{"stock": 1}]}]}
    refused = post(shopee_sandbox, "/api/v2/product/update_stock", body)
    assert refused.status_code == 403
    assert envelope_of(refused) == ("error_auth", "No permission to current api.")
    assert update_price(shopee_sandbox, 1000, (0, 30)).json()["error"] == ""
