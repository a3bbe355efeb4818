"""Publishing with add_item (named missing attributes, review pending) and reading status, price and stock back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import respx

from api.errors.taxonomy import ErrorType, Severity
from tests.platforms.shopee.conftest import ClientFactory, body, make_connection, url
from workers.platforms.base import ListingDraft, ListingImage, ListingRef

E = ErrorType

COMPLETE: dict[str, Any] = {
    "weight": 0.2,
    "logistic_info": [{"logistic_id": 20011, "enabled": True}],
    "attribute_list": [
        {"attribute_id": 100134, "attribute_value_list": [{"value_id": 1410, "original_value_name": "Cotton"}]}
    ],
}


def draft(**overrides: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "ref": ListingRef("TS-001"),
        "title": "Cotton crew-neck T-shirt",
        "category_id": "100644",
        "price": Decimal("39.90"),
        "currency": "MYR",
        "quantity": 20,
        "description": "Soft 100% cotton T-shirt.",
        "images": (ListingImage("sg-11134201-7rbk0-lmq0kq9n2f6x4b"),),
        "attributes": COMPLETE,
    }
    values.update(overrides)
    return ListingDraft(**values)


def query_of(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(request.url)).query)


@respx.mock
async def test_a_published_item_awaits_confirmation_and_its_new_id_is_kept(make_client: ClientFactory) -> None:
    route = respx.post(url("add_item")).respond(200, content=body("add_item_success.json"))
    client = make_client()

    result = await client.publish_listing(draft())

    assert result.ok and result.needs_confirmation
    assert result.platform_ids == {"item_id": "800123456"}
    sent = json.loads(route.calls.last.request.content)
    assert sent["original_price"] == 39.9
    assert sent["item_sku"] == "TS-001"
    assert sent["category_id"] == 100644
    assert sent["image"] == {"image_id_list": ["sg-11134201-7rbk0-lmq0kq9n2f6x4b"]}
    assert sent["seller_stock"] == [{"stock": 20}]
    assert sent["weight"] == 0.2 and sent["logistic_info"] == COMPLETE["logistic_info"]


@respx.mock
async def test_missing_mandatory_attributes_are_named_from_the_category_tree(make_client: ClientFactory) -> None:
    respx.post(url("add_item")).respond(200, content=body("add_item_mandatory_attribute.json"))
    tree = respx.get(url("get_attribute_tree")).respond(200, content=body("get_attribute_tree.json"))

    result = await make_client().publish_listing(draft())

    (error,) = result.errors
    assert error.error_type is E.CATEGORY_COMPLIANCE_FAILED
    # Material (100134) was sent; Style is optional; Country of Origin is mandatory and missing.
    assert error.missing_fields == ("Country of Origin",)
    assert "category=100644" in error.doc_url
    assert query_of(tree.calls.last.request)["category_id_list"] == ["100644"]


@respx.mock
async def test_an_attribute_named_by_shopee_is_kept_beside_the_tree_ones(make_client: ClientFactory) -> None:
    respx.post(url("add_item")).respond(200, content=body("add_item_attribute_named.json"))
    respx.get(url("get_attribute_tree")).respond(200, content=body("get_attribute_tree.json"))

    result = await make_client().publish_listing(draft())

    assert result.errors[0].missing_fields == ("BSMI", "Country of Origin")


@respx.mock
async def test_an_unusable_image_fails_the_listing_as_a_blocking_media_error(make_client: ClientFactory) -> None:
    respx.post(url("add_item")).respond(200, content=body("add_item_image_unavailable.json"))

    result = await make_client().publish_listing(draft())

    assert not result.ok
    assert (result.errors[0].error_type, result.errors[0].severity) == (E.MEDIA_QUALITY, Severity.error)


@respx.mock
async def test_an_incomplete_draft_is_refused_before_sending(make_client: ClientFactory) -> None:
    route = respx.post(url("add_item")).respond(200, content=body("add_item_success.json"))

    result = await make_client().publish_listing(draft(attributes={}, images=(), description=""))

    (error,) = result.errors
    assert error.error_type is E.VALIDATION_FAILED
    assert set(error.missing_fields) == {"weight", "logistic_info", "description", "image"}
    assert route.call_count == 0


@respx.mock
async def test_indonesia_needs_attributes_and_whole_prices_before_sending(make_client: ClientFactory) -> None:
    route = respx.post(url("add_item")).respond(200, content=body("add_item_success.json"))
    client = make_client(make_connection(market="ID"))
    no_attributes = {key: value for key, value in COMPLETE.items() if key != "attribute_list"}

    fractional = await client.publish_listing(draft(price=Decimal("15000.50"), currency="IDR"))
    unattributed = await client.publish_listing(draft(price=Decimal("15000"), currency="IDR", attributes=no_attributes))

    assert fractional.errors[0].platform_code == "PRICE_PRECISION"
    assert unattributed.errors[0].missing_fields == ("attribute_list",)
    assert route.call_count == 0


@respx.mock
async def test_image_urls_must_be_uploaded_first_and_unknown_fields_are_refused(make_client: ClientFactory) -> None:
    route = respx.post(url("add_item")).respond(200, content=body("add_item_success.json"))
    client = make_client()

    by_url = await client.publish_listing(draft(images=(ListingImage("https://cdn.example.com/a.jpg"),)))
    unknown = await client.publish_listing(draft(attributes={**COMPLETE, "colour": "red"}))

    assert by_url.errors[0].platform_code == "IMAGE_NOT_UPLOADED"
    assert unknown.errors[0].platform_code == "UNKNOWN_FIELDS"
    assert route.call_count == 0


@respx.mock
async def test_status_reads_item_and_model_prices_stock_and_problems(make_client: ClientFactory) -> None:
    base_info = respx.get(url("get_item_base_info")).respond(200, content=body("get_item_base_info.json"))
    model_list = respx.get(url("get_model_list")).respond(200, content=body("get_model_list.json"))
    violations = respx.get(url("get_item_violation_info")).respond(200, content=body("get_item_violation_info.json"))
    refs = [
        ListingRef("TS-001", "1000"),
        ListingRef("HD-L", "2000", "2002"),
        ListingRef("HD-M", "2000", "2001", extra={"location_id": "MYZ"}),
        ListingRef("MUG", "3000"),
        ListingRef("GONE", "4000"),
        ListingRef("HD-XL", "2000", "2999"),
        ListingRef("NEVER-BOUND"),
    ]

    statuses = await make_client().get_listing_status(refs)

    tshirt, large, medium, mug, gone, xl, unbound = statuses
    assert (tshirt.found, tshirt.status, tshirt.price, tshirt.sale_price, tshirt.quantity) == (
        True,
        "NORMAL",
        Decimal("39.9"),
        Decimal("29.9"),  # a running promotion
        25,
    )
    assert tshirt.updated_at == datetime.fromtimestamp(1730000000, UTC)
    assert (large.price, large.sale_price, large.quantity) == (Decimal("99.0"), None, 0)
    assert medium.quantity == 12
    assert mug.status == "BANNED"
    [banned] = mug.errors  # the reason Shopee gives, read from get_item_violation_info
    assert (banned.error_type, banned.platform_code) == (E.LISTING_REJECTED, "BANNED")
    assert banned.platform_message == "Prohibited Listing: License Reason (Upload license)"
    assert query_of(violations.calls.last.request)["item_id_list"] == ["3000"]  # only the banned item
    assert not gone.found and gone.errors[0].error_type is E.SKU_MAPPING_FAILED
    assert not xl.found and xl.errors[0].platform_code == "MODEL_NOT_FOUND"
    assert not unbound.found and unbound.errors[0].platform_code == "BINDING_INVALID"
    assert query_of(base_info.calls.last.request)["item_id_list"] == ["1000,2000,3000,4000"]
    assert base_info.call_count == 1
    assert model_list.call_count == 1 and query_of(model_list.calls.last.request)["item_id"] == ["2000"]


@respx.mock
async def test_a_banned_item_whose_violation_details_cannot_be_read_is_still_rejected(
    make_client: ClientFactory,
) -> None:
    respx.get(url("get_item_base_info")).respond(200, content=body("get_item_base_info.json"))
    respx.get(url("get_item_violation_info")).respond(200, content=body("error_server.json"))

    [mug] = await make_client().get_listing_status([ListingRef("MUG", "3000")])

    assert mug.found and mug.status == "BANNED"
    assert [(e.error_type, e.platform_code, e.platform_message) for e in mug.errors] == [
        (E.LISTING_REJECTED, "BANNED", "the item is banned by Shopee")
    ]


@respx.mock
async def test_status_reads_split_at_fifty_item_ids(make_client: ClientFactory) -> None:
    route = respx.get(url("get_item_base_info")).respond(200, json={"error": "", "response": {"item_list": []}})

    await make_client().get_listing_status([ListingRef(f"S{n}", str(10_000 + n)) for n in range(120)])

    sizes = [len(query_of(call.request)["item_id_list"][0].split(",")) for call in route.calls]
    assert sizes == [50, 50, 20]


@respx.mock
async def test_a_failed_status_read_reports_its_error_for_each_ref(make_client: ClientFactory) -> None:
    respx.get(url("get_item_base_info")).respond(200, content=body("error_server.json"))

    statuses = await make_client().get_listing_status([ListingRef("A", "1"), ListingRef("B", "2")])

    assert [s.errors[0].error_type for s in statuses] == [E.PLATFORM_UNAVAILABLE] * 2
    assert all(s.trace_id for s in statuses)
