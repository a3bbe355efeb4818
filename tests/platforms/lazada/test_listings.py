"""CreateProduct for new listings and the read-back that confirms pushes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import respx

from api.errors.taxonomy import ErrorType
from tests.platforms.lazada.helpers import API, Harness, body, form
from workers.platforms.base import ListingDraft, ListingImage, ListingRef

CREATE = f"{API}/product/create"


def draft(**changes: object) -> ListingDraft:
    values: dict[str, object] = {
        "ref": ListingRef("MY-TEA-NEW"),
        "title": "Oolong tea 200g",
        "category_id": "10002019",
        "price": Decimal("35"),
        "currency": "MYR",
        "quantity": 3,
        "description": "Roasted oolong",
        "brand": "No Brand",
        "images": [ListingImage("https://my-live.slatic.net/p/tea.jpg")],
        "attributes": {"package_weight": "0.5", "package_length": "10", "warranty_type": "No Warranty"},
    }
    values.update(changes)
    return ListingDraft(**values)  # type: ignore[arg-type]


@respx.mock
async def test_a_created_product_is_ok_pending_quality_control(harness: Harness) -> None:
    route = respx.post(CREATE).mock(return_value=httpx.Response(200, content=body("create_product_success.json")))

    result = await harness.client().publish_listing(draft())

    assert result.ok and result.needs_confirmation
    product = json.loads(form(route.calls.last.request)["payload"])["Request"]["Product"]
    assert product["PrimaryCategory"] == "10002019"
    assert product["Images"] == {"Image": ["https://my-live.slatic.net/p/tea.jpg"]}  # arrays, or Lazada says 1001
    assert product["Attributes"] == {
        "name": "Oolong tea 200g",
        "description": "Roasted oolong",
        "brand": "No Brand",
        "warranty_type": "No Warranty",
    }
    assert product["Skus"]["Sku"] == [
        {"SellerSku": "MY-TEA-NEW", "quantity": "3", "price": "35.00", "package_weight": "0.5", "package_length": "10"}
    ]


@respx.mock
async def test_missing_category_attributes_name_the_attribute_and_link_the_category(harness: Harness) -> None:
    respx.post(CREATE).mock(return_value=httpx.Response(200, content=body("create_product_missing_attribute.json")))

    result = await harness.client().publish_listing(draft())

    assert not result.ok
    first = result.errors[0]
    assert first.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED
    assert first.missing_fields == ("warranty_type",)
    assert "category=10002019" in first.doc_url


@respx.mock
async def test_an_incomplete_draft_is_refused_before_sending(harness: Harness) -> None:
    route = respx.post(CREATE)

    result = await harness.client().publish_listing(draft(images=[], quantity=-1, title="", price=Decimal("0")))

    assert route.call_count == 0
    assert {e.error_type for e in result.errors} == {ErrorType.VALIDATION_FAILED}
    assert result.errors[0].missing_fields == ("title", "images")
    assert {e.platform_code for e in result.errors} == {"MISSING_FIELDS", "PRICE_NOT_POSITIVE", "NEGATIVE_QUANTITY"}


@respx.mock
async def test_more_than_eight_images_are_refused_before_sending(harness: Harness) -> None:
    images = [ListingImage(f"https://img.example/{n}.jpg") for n in range(9)]

    result = await harness.client().publish_listing(draft(images=images))

    assert [e.platform_code for e in result.errors] == ["TOO_MANY_IMAGES"]


@respx.mock
async def test_the_read_back_returns_price_sale_price_quantity_status_and_update_time(harness: Harness) -> None:
    route = respx.get(f"{API}/product/item/get").mock(
        return_value=httpx.Response(200, content=body("get_product_item_success.json"))
    )
    refs = [ListingRef("MY-TEA-001", "234222211", "314525867"), ListingRef("MY-TEA-002", "234222211")]

    first, second = await harness.client().get_listing_status(refs)

    assert route.call_count == 1  # one GetProductItem per item, however many of its SKUs are asked
    assert (first.found, first.status, first.price, first.sale_price, first.quantity) == (
        True,
        "active",
        Decimal("32.9"),
        Decimal("25.5"),
        20,
    )
    assert first.updated_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert (second.found, second.status, second.quantity) == (True, "inactive", 0)


@respx.mock
async def test_skus_without_an_item_id_are_read_back_by_seller_sku(harness: Harness) -> None:
    route = respx.get(f"{API}/products/get").mock(
        return_value=httpx.Response(200, content=body("get_products_success.json"))
    )

    [status, missing] = await harness.client().get_listing_status([ListingRef("MY-MUG-001"), ListingRef("MY-GONE")])

    params = dict(route.calls.last.request.url.params)
    assert json.loads(params["sku_seller_list"]) == ["MY-MUG-001", "MY-GONE"]
    assert params["filter"] == "all"
    assert status.found and status.quantity == 7 and status.price == Decimal("19.9")
    assert not missing.found
    assert missing.errors[0].error_type is ErrorType.SKU_MAPPING_FAILED


@respx.mock
async def test_an_item_lazada_does_not_know_reads_back_as_not_found(harness: Harness) -> None:
    respx.get(f"{API}/product/item/get").mock(
        return_value=httpx.Response(200, content=body("get_product_item_sku_not_exist.json"))
    )

    [status] = await harness.client().get_listing_status([ListingRef("MY-TEA-001", "999")])

    assert not status.found
    assert status.errors[0].error_type is ErrorType.SKU_MAPPING_FAILED
    assert status.errors[0].platform_code == "207"
