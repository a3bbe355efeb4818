"""Listings Items writes and read-back: one SKU per call, per-SKU outcomes, queued vs applied, our pre-checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType, Severity
from tests.platforms.amazon.conftest import NA, US, Harness, answer, connection, fixture, sku_of
from workers.platforms.base import ListingDraft, ListingImage, ListingRef, PriceUpdate, StockUpdate


def price(sku: str, amount: str = "19.99", currency: str = "USD", sale: str | None = None) -> PriceUpdate:
    return PriceUpdate(ListingRef(sku=sku), Decimal(amount), currency, Decimal(sale) if sale else None)


class RecordingLimiter:
    def __init__(self) -> None:
        self.keys: list[tuple[str, float, int]] = []

    async def acquire(self, key: str, rate: float, burst: int) -> None:
        self.keys.append((key, rate, burst))


async def test_a_partial_batch_failure_lands_on_the_right_skus(router: respx.MockRouter, harness: Harness) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        sku = sku_of(request)
        if sku == "MUG-BLUE-01":
            return answer(200, "submission-invalid-price-image-mapping.json")
        if sku == "GONE-9":
            return answer(404, "errors-404-not-found.json")
        return httpx.Response(200, json=fixture("submission-accepted.json") | {"sku": sku})

    router.patch(url__startswith=f"{NA}/listings/").mock(side_effect=listing)

    results = await harness.make().update_prices([price("OK-1"), price("MUG-BLUE-01"), price("GONE-9"), price("OK-2")])

    assert [r.sku for r in results] == ["OK-1", "MUG-BLUE-01", "GONE-9", "OK-2"]
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[0].needs_confirmation and results[3].needs_confirmation and not results[1].needs_confirmation
    assert results[0].errors == [] and results[3].errors == []
    rejected = results[1].errors
    assert {e.raw["sku"] for e in rejected} == {"MUG-BLUE-01"}
    assert [(e.platform_code, e.error_type, e.severity) for e in rejected] == [
        ("18155", ErrorType.PRICE_NOT_EFFECTIVE, Severity.error),
        ("18027", ErrorType.MEDIA_QUALITY, Severity.warning),
        ("8572", ErrorType.SKU_MAPPING_FAILED, Severity.error),
        ("18742", ErrorType.LISTING_REJECTED, Severity.error),
        ("8008", ErrorType.SKU_MAPPING_FAILED, Severity.warning),
    ]
    assert [e.error_type for e in results[2].errors] == [ErrorType.SKU_MAPPING_FAILED]
    assert len({r.trace_id for r in results}) == 4  # one call, one trace per SKU


async def test_more_skus_than_one_call_takes_are_split_one_sku_per_call(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))
    limiter = RecordingLimiter()

    results = await harness.make(limiter=limiter).update_stock(
        [StockUpdate(ListingRef(sku=f"S{i}"), i) for i in range(7)]
    )

    assert route.call_count == 7
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert all(len(body["patches"]) == 1 and len(body["patches"][0]["value"]) == 1 for body in bodies)
    assert sorted(sku_of(call.request) for call in route.calls) == [f"S{i}" for i in range(7)]
    assert sorted(b["patches"][0]["value"][0]["quantity"] for b in bodies) == list(range(7))
    assert all(r.ok for r in results)
    # Price and stock share Amazon's one patchListingsItem bucket (5/s, burst 5).
    assert set(limiter.keys) == {("amazon:shop-us-1:patchListingsItem", 5, 5)}


async def test_price_and_stock_draw_from_the_same_patch_bucket(router: respx.MockRouter, harness: Harness) -> None:
    router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))
    limiter = RecordingLimiter()
    client = harness.make(limiter=limiter)

    await client.update_prices([price("A")])
    await client.update_stock([StockUpdate(ListingRef(sku="A"), 1)])

    assert [key for key, _, _ in limiter.keys] == ["amazon:shop-us-1:patchListingsItem"] * 2


async def test_bad_prices_and_stock_fail_our_pre_check_and_are_never_sent(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.patch(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))
    client = harness.make()

    prices = await client.update_prices(
        [price("ZERO", "0"), price("EUR", currency="EUR"), price("SALE", "10", sale="12"), price("GOOD")]
    )
    stocks = await client.update_stock([StockUpdate(ListingRef(sku="NEG"), -1)])

    assert [r.ok for r in prices] == [False, False, False, True]
    assert all(e.error_type is ErrorType.VALIDATION_FAILED for r in prices[:3] + stocks for e in r.errors)
    assert not stocks[0].ok
    assert route.call_count == 1
    assert sku_of(route.calls.last.request) == "GOOD"


async def test_yen_prices_must_be_whole_numbers(router: respx.MockRouter, harness: Harness) -> None:
    route = router.patch(url__startswith="https://sellingpartnerapi-fe.amazon.com/").mock(
        return_value=answer(200, "submission-accepted.json")
    )
    client = harness.make(connection(market="JP"))

    fraction, whole = await client.update_prices([price("A", "1200.5", "JPY"), price("B", "1200", "JPY")])

    assert fraction.errors[0].error_type is ErrorType.VALIDATION_FAILED
    assert whole.ok
    assert json.loads(route.calls.last.request.content)["patches"][0]["value"][0]["our_price"] == [
        {"schedule": [{"value_with_tax": 1200}]}
    ]


def draft(**changes: object) -> ListingDraft:
    values: dict[str, object] = {
        "ref": ListingRef(sku="LUG-20IN"),
        "title": "Hardside Carry-On Spinner Suitcase Luggage",
        "category_id": "LUGGAGE",
        "price": Decimal("100.00"),
        "currency": "USD",
        "quantity": 12,
        "brand": "Travelwise",
        "images": (ListingImage("https://img.example.com/main.jpg"), ListingImage("https://img.example.com/side.jpg")),
        "attributes": {"condition_type": [{"value": "new_new", "marketplace_id": US}]},
    }
    values.update(changes)
    return ListingDraft(**values)  # type: ignore[arg-type]


async def test_publishing_puts_the_draft_as_attributes_and_accepted_awaits_confirmation(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.put(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "submission-accepted.json"))

    result = await harness.make().publish_listing(draft())

    assert result.ok and result.needs_confirmation
    body = json.loads(route.calls.last.request.content)
    assert body["productType"] == "LUGGAGE"
    assert body["requirements"] == "LISTING"
    attributes = body["attributes"]
    assert attributes["item_name"] == [
        {"value": "Hardside Carry-On Spinner Suitcase Luggage", "language_tag": "en_US", "marketplace_id": US}
    ]
    assert attributes["brand"][0]["value"] == "Travelwise"
    assert attributes["purchasable_offer"] == [
        {"marketplace_id": US, "currency": "USD", "our_price": [{"schedule": [{"value_with_tax": 100}]}]}
    ]
    assert attributes["fulfillment_availability"] == [{"fulfillment_channel_code": "DEFAULT", "quantity": 12}]
    assert attributes["main_product_image_locator"] == [
        {"media_location": "https://img.example.com/main.jpg", "marketplace_id": US}
    ]
    assert attributes["other_product_image_locator_1"][0]["media_location"] == "https://img.example.com/side.jpg"
    assert attributes["condition_type"] == [{"value": "new_new", "marketplace_id": US}]


async def test_an_invalid_listing_names_the_missing_attributes_and_links_its_product_type(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.put(url__startswith=f"{NA}/listings/").mock(
        return_value=answer(200, "submission-invalid-missing-attribute.json")
    )

    result = await harness.make().publish_listing(draft(attributes={}))

    assert not result.ok and not result.needs_confirmation
    missing, unknown = result.errors
    assert missing.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED
    assert missing.missing_fields == ("condition_type",)
    assert missing.platform_code == "90220"
    assert "category=LUGGAGE" in missing.doc_url
    assert unknown.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED  # 90000900 by its code: categories empty
    assert unknown.missing_fields == ("fake_attribute",)


async def test_an_invalid_draft_is_refused_before_sending(router: respx.MockRouter, harness: Harness) -> None:
    result = await harness.make().publish_listing(draft(title=" ", quantity=-2, price=Decimal("0")))

    assert not result.ok
    assert len(result.errors) == 3
    assert {e.error_type for e in result.errors} == {ErrorType.VALIDATION_FAILED}
    assert len(router.calls) == 0


async def test_read_back_reports_this_marketplaces_price_stock_status_and_issues(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.get(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "listings-item-get.json"))

    [status] = await harness.make().get_listing_status([ListingRef(sku="GM-ZDPI-9B4E")])

    assert route.calls.last.request.url.params["includedData"] == "summaries,offers,fulfillmentAvailability,issues"
    assert status.found
    assert status.status == "BUYABLE"
    assert status.price == Decimal("100.00")
    assert status.quantity == 100
    assert status.updated_at == datetime(2021, 3, 1, tzinfo=UTC)
    # Every ERROR issue of this marketplace rejects (suppresses) the live listing: LISTING_REJECTED, its code,
    # message and attribute names verbatim.
    assert [(e.platform_code, e.error_type) for e in status.errors] == [
        (code, ErrorType.LISTING_REJECTED) for code in ("90220", "18027", "99300", "18155", "18742")
    ]
    missing = status.errors[0]
    assert missing.platform_message == "'size' is required but not supplied."
    assert missing.missing_fields == ("size",)
    assert missing.raw["sku"] == "GM-ZDPI-9B4E"


async def test_read_back_in_canada_sees_the_canadian_offer_and_only_its_issues(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.get(url__startswith=f"{NA}/listings/").mock(return_value=answer(200, "listings-item-get.json"))

    [status] = await harness.make(connection(market="CA")).get_listing_status([ListingRef(sku="GM-ZDPI-9B4E")])

    assert status.price == Decimal("130.00")
    assert status.status == ""  # Amazon lists no status: neither buyable nor discoverable there
    assert status.updated_at == datetime(2021, 3, 5, tzinfo=UTC)
    assert {e.platform_code for e in status.errors} == {"18027", "99300"}


async def test_read_back_of_an_unknown_sku_is_not_found(router: respx.MockRouter, harness: Harness) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        if sku_of(request) == "GONE":
            return answer(404, "errors-404-not-found.json")
        return answer(200, "listings-item-get.json")

    router.get(url__startswith=f"{NA}/listings/").mock(side_effect=listing)

    gone, present = await harness.make().get_listing_status([ListingRef(sku="GONE"), ListingRef(sku="GM-ZDPI-9B4E")])

    assert not gone.found
    assert [e.error_type for e in gone.errors] == [ErrorType.SKU_MAPPING_FAILED]
    assert present.found and present.price == Decimal("100.00")
