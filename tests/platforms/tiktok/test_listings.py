"""Publishing a product (audit comes later) and reading its state back."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import respx

from api.errors.taxonomy import ErrorType, Severity
from tests.platforms.tiktok.conftest import API_HOST, PRODUCT, MakeClient, answer, sent_json
from workers.platforms.base import ListingDraft, ListingImage, ListingRef

CREATE = "/product/202309/products"
WAREHOUSE = "7068517275539719942"


def draft(**changes: object) -> ListingDraft:
    values: dict[str, object] = {
        "ref": ListingRef(sku="Color-Red-XM001", extra={"warehouse_id": WAREHOUSE}),
        "title": "Men's Fashion Sports Low Cut Cotton Breathable Ankle Short Boat Invisible Socks",
        "category_id": "600001",
        "price": Decimal("1.21"),
        "currency": "USD",
        "quantity": 999,
        "description": "<p>Please check the measurements before purchase.</p>",
        "images": [ListingImage(url=f"tos-maliva-i-o3syd03w52-us/img{n}", width=800, height=800) for n in range(5)],
        "attributes": {"package_weight": {"value": "1.32", "unit": "KILOGRAM"}, "brand_id": "123", "unknown": 1},
    }
    values.update(changes)
    return ListingDraft(**values)  # type: ignore[arg-type]


async def test_a_created_product_awaits_audit_and_keeps_the_platform_warning(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=CREATE).mock(return_value=answer("create_product_success_with_warning.json"))
    harness = make_client()

    result = await harness.client.publish_listing(draft())

    assert result.ok and result.needs_confirmation
    [warning] = result.errors
    assert warning.severity is Severity.warning
    assert warning.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED and warning.missing_fields == ("brand_id",)
    body = sent_json(route.calls.last.request)
    assert body["category_version"] == "v2"  # US shops use the 7-level tree
    assert body["skus"] == [
        {
            "seller_sku": "Color-Red-XM001",
            "price": {"amount": "1.21", "currency": "USD"},
            "inventory": [{"warehouse_id": WAREHOUSE, "quantity": 999}],
        }
    ]
    assert body["package_weight"] == {"value": "1.32", "unit": "KILOGRAM"} and "unknown" not in body
    assert harness.client.published_refs["Color-Red-XM001"] == ListingRef(
        sku="Color-Red-XM001", item_id=PRODUCT, variant_id="1729592969712207012", extra={"warehouse_id": WAREHOUSE}
    )
    assert result.platform_ids == {"item_id": PRODUCT, "variant_id": "1729592969712207012"}


async def test_a_missing_conditional_attribute_names_it_and_links_the_category(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.post(host=API_HOST, path=CREATE).mock(return_value=answer("create_product_missing_attribute.json"))
    harness = make_client(market="UK")

    result = await harness.client.publish_listing(draft(currency="GBP"))

    assert not result.ok
    [error] = result.errors
    assert error.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED
    assert error.missing_fields == ("Battery Type",)
    assert "category=600001" in error.doc_url


async def test_an_image_below_the_minimum_blocks_the_listing_as_media_quality(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.post(host=API_HOST, path=CREATE).mock(return_value=answer("create_product_image_too_small.json"))
    harness = make_client()

    result = await harness.client.publish_listing(draft())

    assert not result.ok
    [error] = result.errors
    assert error.error_type is ErrorType.MEDIA_QUALITY and error.severity is Severity.error


async def test_fewer_images_than_recommended_is_a_warning_that_does_not_block(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=CREATE).mock(return_value=answer("create_product_success_with_warning.json"))
    harness = make_client()

    result = await harness.client.publish_listing(draft(images=[ListingImage(url="tos-us/one", width=600, height=600)]))

    assert result.ok and route.call_count == 1
    assert ErrorType.MEDIA_QUALITY in [e.error_type for e in result.errors if e.severity is Severity.warning]


async def test_a_draft_missing_required_data_is_refused_before_sending(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.post(host=API_HOST, path=CREATE).mock(return_value=answer("create_product_success_with_warning.json"))
    harness = make_client()

    result = await harness.client.publish_listing(
        draft(description=" ", attributes={}, price=Decimal("0"), images=[ListingImage(url="u", width=120, height=90)])
    )

    assert not result.ok and route.call_count == 0
    messages = [e.platform_message for e in result.errors if e.error_type is ErrorType.VALIDATION_FAILED]
    assert "description is required" in messages
    assert "attributes.package_weight is required" in messages
    assert any("300-4000 px" in m for m in messages) and any("price must be positive" in m for m in messages)


async def test_read_back_gives_status_price_stock_and_update_time(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    route = api.get(host=API_HOST, path=f"{CREATE}/{PRODUCT}").mock(return_value=answer("get_product_active.json"))
    harness = make_client()
    refs = [
        ListingRef(sku="Color-Red-XM001", item_id=PRODUCT, variant_id="1729592969712207012"),
        ListingRef(sku="Color-Blue", item_id=PRODUCT, variant_id="1729592969712200000"),
        ListingRef(sku="never-bound"),
    ]

    active, missing, unbound = await harness.client.get_listing_status(refs)

    assert route.call_count == 1  # one Get Product per product
    assert active.found and active.status == "ACTIVATE" and active.errors == []
    assert active.price == Decimal("117.5") and active.quantity == 999
    assert active.updated_at == datetime.fromtimestamp(1700000000, tz=UTC)
    assert not missing.found and missing.errors[0].error_type is ErrorType.SKU_MAPPING_FAILED
    assert not unbound.found and unbound.errors[0].error_type is ErrorType.SKU_MAPPING_FAILED


async def test_a_product_under_audit_is_found_and_not_an_error(api: respx.MockRouter, make_client: MakeClient) -> None:
    api.get(host=API_HOST, path=f"{CREATE}/{PRODUCT}").mock(return_value=answer("get_product_pending.json"))
    harness = make_client()

    [status] = await harness.client.get_listing_status([ListingRef(sku="Color-Red-XM001", item_id=PRODUCT)])

    assert status.found and status.status == "PENDING" and status.errors == []


async def test_a_failed_audit_reads_back_as_listing_rejected_with_the_reasons(
    api: respx.MockRouter, make_client: MakeClient
) -> None:
    api.get(host=API_HOST, path=f"{CREATE}/{PRODUCT}").mock(return_value=answer("get_product_audit_failed.json"))
    harness = make_client()

    [status] = await harness.client.get_listing_status(
        [ListingRef(sku="Color-Red-XM001", item_id=PRODUCT, variant_id="1729592969712207012")]
    )

    assert status.found and status.status == "FAILED"
    [error] = status.errors
    assert error.error_type is ErrorType.LISTING_REJECTED
    assert error.platform_message.startswith("violate listing rules; The product violates")


async def test_a_deleted_product_reads_back_as_not_found(api: respx.MockRouter, make_client: MakeClient) -> None:
    api.get(host=API_HOST, path=f"{CREATE}/{PRODUCT}").mock(return_value=answer("product_not_found.json"))
    harness = make_client()

    [status] = await harness.client.get_listing_status([ListingRef(sku="X", item_id=PRODUCT, variant_id="1")])

    assert not status.found
    assert status.errors[0].error_type is ErrorType.SKU_MAPPING_FAILED and status.errors[0].platform_code == "12052032"
