"""The Amazon emulator answered over real HTTP, as SP-API and Login with Amazon document it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from sandbox.amazon import RATES
from sandbox.faults import TokenBucket
from tests.sandbox.conftest import AMAZON_APP, RunningSandbox

US = "ATVPDKIKX0DER"
TOKEN = "Atza|test-access-us"
SELLER = "A1TESTSELLER"


def listing_url(sandbox: RunningSandbox, sku: str, seller: str = SELLER) -> str:
    return f"{sandbox.url}/amazon/listings/2021-08-01/items/{quote(seller, safe='')}/{quote(sku, safe='')}"


def price_patch(amount: float, sale: float | None = None) -> dict[str, Any]:
    offer: dict[str, Any] = {
        "marketplace_id": US,
        "currency": "USD",
        "our_price": [{"schedule": [{"value_with_tax": amount}]}],
    }
    if sale is not None:
        offer["discounted_price"] = [{"schedule": [{"value_with_tax": sale}]}]
    return {
        "productType": "PRODUCT",
        "patches": [{"op": "replace", "path": "/attributes/purchasable_offer", "value": [offer]}],
    }


def patch(sandbox: RunningSandbox, sku: str, body: dict[str, Any], token: str = TOKEN) -> httpx.Response:
    return httpx.patch(
        listing_url(sandbox, sku),
        params={"marketplaceIds": US, "includedData": "issues"},
        headers={"x-amz-access-token": token},
        json=body,
    )


def get(sandbox: RunningSandbox, sku: str, token: str = TOKEN) -> httpx.Response:
    return httpx.get(
        listing_url(sandbox, sku),
        params={"marketplaceIds": US, "includedData": "summaries,offers,fulfillmentAvailability,issues"},
        headers={"x-amz-access-token": token},
    )


def offer_amount(response: httpx.Response) -> str:
    amount: str = response.json()["offers"][0]["price"]["amount"]
    return amount


def test_a_clean_shop_accepts_a_price_patch_and_the_ledger_shows_one_application(sandbox: RunningSandbox) -> None:
    response = patch(sandbox, "BAG-1", price_patch(89.5))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ACCEPTED" and body["issues"] == [] and body["sku"] == "BAG-1"
    assert sandbox.ledger(shop="amz-us")["count"] == 0  # accepted is only queued

    sandbox.advance(61)
    ledger = sandbox.ledger(shop="amz-us", sku="BAG-1")
    assert ledger["count"] == 1
    entry = ledger["entries"][0]
    assert entry["request_id"] == body["submissionId"]
    assert entry["operation"] == "price"
    assert entry["values"]["price"] == "89.5"
    assert entry["before"]["price"] == "100.00"


def test_the_read_back_shows_the_new_price_only_after_the_confirmation_delay(sandbox: RunningSandbox) -> None:
    patch(sandbox, "BAG-1", price_patch(77))

    before = get(sandbox, "BAG-1")
    assert before.status_code == 200 and offer_amount(before) == "100.00"
    sandbox.advance(30)
    assert offer_amount(get(sandbox, "BAG-1")) == "100.00"
    sandbox.advance(31)
    after = get(sandbox, "BAG-1")
    assert offer_amount(after) == "77.00"
    assert after.json()["summaries"][0]["lastUpdatedDate"] > before.json()["summaries"][0]["lastUpdatedDate"]


def test_a_lost_confirmation_never_applies(sandbox: RunningSandbox) -> None:
    assert patch(sandbox, "GEN-004", price_patch(12)).json()["status"] == "ACCEPTED"
    sandbox.advance(100_000)
    assert sandbox.ledger(sku="GEN-004")["count"] == 0
    pending = httpx.get(f"{sandbox.url}/_sandbox/pending", params={"sku": "GEN-004"}).json()
    assert pending["count"] == 1 and pending["changes"][0]["lost"] is True


def test_an_expired_access_token_gets_the_documented_403(sandbox: RunningSandbox) -> None:
    sandbox.advance(3601)
    response = get(sandbox, "BAG-1")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "Unauthorized",
                "message": "Access to requested resource is denied.",
                "details": "The access token you provided has expired.",
            }
        ]
    }


def test_an_unknown_token_is_revoked_malformed_or_invalid_and_a_missing_role_has_empty_details(
    sandbox: RunningSandbox,
) -> None:
    unknown = get(sandbox, "BAG-1", token="Atza|forged")
    assert unknown.status_code == 403
    assert unknown.json()["errors"][0]["details"] == "The access token you provided is revoked, malformed or invalid."

    sandbox.set_faults("amz-us", {"missing_permissions": ["price"]})
    refused = patch(sandbox, "BAG-1", price_patch(50))
    assert refused.status_code == 403 and refused.json()["errors"][0]["details"] == ""
    assert get(sandbox, "BAG-1").status_code == 200  # the role still covers reading


def test_a_wrong_client_secret_gets_invalid_client_and_a_foreign_refresh_token_invalid_grant(
    sandbox: RunningSandbox,
) -> None:
    form = {"grant_type": "refresh_token", "refresh_token": "Atzr|test-refresh-us", **AMAZON_APP}
    wrong = httpx.post(f"{sandbox.url}/lwa/auth/o2/token", data={**form, "client_secret": "nope"})
    assert wrong.status_code == 401
    assert wrong.json() == {"error_description": "Client authentication failed", "error": "invalid_client"}

    foreign = httpx.post(f"{sandbox.url}/lwa/auth/o2/token", data={**form, "refresh_token": "Atzr|someone-else"})
    assert foreign.status_code == 400 and foreign.json()["error"] == "invalid_grant"


def test_a_refreshed_access_token_works_for_an_hour_of_sandbox_clock(sandbox: RunningSandbox) -> None:
    form = {"grant_type": "refresh_token", "refresh_token": "Atzr|test-refresh-us", **AMAZON_APP}
    tokens = httpx.post(f"{sandbox.url}/lwa/auth/o2/token", data=form).json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    assert tokens["refresh_token"] == "Atzr|test-refresh-us"  # LWA does not rotate refresh tokens

    assert get(sandbox, "BAG-1", token=tokens["access_token"]).status_code == 200
    sandbox.advance(3600)
    assert get(sandbox, "BAG-1", token=tokens["access_token"]).status_code == 403


def test_a_tight_rate_limit_answers_429_quota_exceeded_without_retry_after(sandbox: RunningSandbox) -> None:
    sandbox.set_faults("amz-us", {"rate_limit": {"per_second": 0.01, "burst": 2}})
    statuses = [patch(sandbox, "BAG-1", price_patch(60 + i)).status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    throttled = patch(sandbox, "BAG-1", price_patch(70))
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "retry-after" not in throttled.headers
    sandbox.advance(100)  # one token back at 0.01/s
    assert patch(sandbox, "BAG-1", price_patch(71)).status_code == 200


def test_the_documented_patch_rate_allows_a_burst_of_five_then_five_a_second() -> None:
    # The bucket alone, on explicit times: over HTTP the refill between calls would make this depend on speed.
    bucket = TokenBucket(RATES["patchListingsItem"], now=1000.0)
    granted = [bucket.take(1000.0) is None for _ in range(6)]
    assert granted == [True] * 5 + [False]
    assert bucket.take(1000.1) is not None  # half a token back
    assert bucket.take(1000.2) is None  # one whole token after 1/5 s


def test_a_sku_with_a_slash_is_one_path_segment(sandbox: RunningSandbox) -> None:
    response = get(sandbox, "A/B 7")
    assert response.status_code == 200 and response.json()["sku"] == "A/B 7"


def test_a_sku_the_platform_does_not_know_is_404_on_get_and_accepted_without_effect_on_patch(
    sandbox: RunningSandbox,
) -> None:
    missing = get(sandbox, "GEN-005")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    # Amazon accepts an offer for a SKU it does not hold (the offer alone does not make a listing).
    assert patch(sandbox, "GEN-005", price_patch(15)).json()["status"] == "ACCEPTED"
    sandbox.advance(61)
    assert sandbox.ledger(sku="GEN-005")["count"] == 0
    assert get(sandbox, "GEN-005").status_code == 404


def test_a_promo_price_in_a_category_that_forbids_it_is_invalid(sandbox: RunningSandbox) -> None:
    body = patch(sandbox, "CARD-1", price_patch(25, sale=20)).json()
    assert body["status"] == "INVALID"
    assert body["issues"][0]["categories"] == ["INVALID_PRICE"]
    assert body["issues"][0]["attributeNames"] == ["purchasable_offer"]
    assert patch(sandbox, "BAG-1", price_patch(100, sale=80)).json()["status"] == "ACCEPTED"


def test_a_put_without_the_categorys_weight_unit_is_invalid_with_90220(sandbox: RunningSandbox) -> None:
    attributes = {
        "item_name": [{"value": "AA cells", "language_tag": "en_US", "marketplace_id": US}],
        "purchasable_offer": price_patch(9.99)["patches"][0]["value"],
        "item_weight": [{"value": 0.2}],
    }
    response = httpx.put(
        listing_url(sandbox, "BAT-NEW"),
        params={"marketplaceIds": US},
        headers={"x-amz-access-token": TOKEN},
        json={"productType": "BATTERY", "requirements": "LISTING", "attributes": attributes},
    )
    body = response.json()
    assert response.status_code == 200 and body["status"] == "INVALID"
    assert {(i["code"], tuple(i["attributeNames"])) for i in body["issues"]} == {
        ("90220", ("item_weight",)),
        ("90220", ("battery",)),
    }
    assert all(i["categories"] == ["MISSING_ATTRIBUTE"] for i in body["issues"])


def test_a_put_creates_the_listing_after_the_delay_with_a_small_image_warning(sandbox: RunningSandbox) -> None:
    attributes = {
        "item_name": [{"value": "Cabin bag", "language_tag": "en_US", "marketplace_id": US}],
        "purchasable_offer": price_patch(59)["patches"][0]["value"],
        "fulfillment_availability": [{"fulfillment_channel_code": "DEFAULT", "quantity": 4}],
        "main_product_image_locator": [{"media_location": "https://img.example/bag_600x600.jpg", "marketplace_id": US}],
    }
    body = httpx.put(
        listing_url(sandbox, "BAG-NEW"),
        params={"marketplaceIds": US},
        headers={"x-amz-access-token": TOKEN},
        json={"productType": "LUGGAGE", "attributes": attributes},
    ).json()
    assert body["status"] == "ACCEPTED"
    assert [(i["severity"], i["categories"]) for i in body["issues"]] == [("WARNING", ["INVALID_IMAGE"])]
    assert get(sandbox, "BAG-NEW").status_code == 404
    sandbox.advance(61)
    created = get(sandbox, "BAG-NEW").json()
    assert created["summaries"][0]["itemName"] == "Cabin bag"
    assert created["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 4}]
    assert sandbox.ledger(sku="BAG-NEW")["entries"][0]["before"] is None


def test_a_wrong_marketplace_or_a_body_that_is_not_json_is_400_invalid_input(sandbox: RunningSandbox) -> None:
    wrong = httpx.get(
        listing_url(sandbox, "BAG-1"),
        params={"marketplaceIds": "A1PA6795UKMFR9"},
        headers={"x-amz-access-token": TOKEN},
    )
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["code"] == "InvalidInput"
    garbage = httpx.patch(
        listing_url(sandbox, "BAG-1"),
        params={"marketplaceIds": US},
        headers={"x-amz-access-token": TOKEN},
        content=b"{not json",
    )
    assert garbage.status_code == 400


def test_server_errors_and_malformed_bodies_apply_nothing(sandbox: RunningSandbox) -> None:
    sandbox.set_faults("amz-us", {"server_errors": {"rate": 1.0, "status": 503}})
    failed = patch(sandbox, "BAG-1", price_patch(10))
    assert failed.status_code == 503 and failed.json()["errors"][0]["code"] == "ServiceUnavailable"
    sandbox.set_faults("amz-us", {"malformed": {"rate": 1.0}})
    garbled = patch(sandbox, "BAG-1", price_patch(10))
    assert garbled.status_code == 200
    try:
        garbled.json()
        raise AssertionError("the malformed body parsed as JSON")
    except ValueError:
        pass
    sandbox.advance(61)
    assert sandbox.ledger(sku="BAG-1")["count"] == 0


def test_another_sellers_id_is_refused_with_empty_details(sandbox: RunningSandbox) -> None:
    response = httpx.get(
        listing_url(sandbox, "BAG-1", seller="A2TESTSELLER"),
        params={"marketplaceIds": US},
        headers={"x-amz-access-token": TOKEN},
    )
    assert response.status_code == 403 and response.json()["errors"][0]["details"] == ""
