"""classify(): every Lazada answer, alone, mapped to our error types."""

from __future__ import annotations

import json

import pytest

from api.errors.taxonomy import ErrorType, Severity, info
from tests.platforms.lazada.helpers import body
from workers.platforms.base import Operation
from workers.platforms.lazada.codes import classify, listing_state


@pytest.mark.parametrize(
    ("fixture", "expected", "code"),
    [
        ("illegal_access_token.json", ErrorType.AUTH_EXPIRED, "IllegalAccessToken"),
        ("illegal_refresh_token.json", ErrorType.AUTH_EXPIRED, "IllegalRefreshToken"),
        ("insufficient_permission.json", ErrorType.AUTH_SCOPE_MISSING, "InsufficientPermission"),
        ("api_call_limit.json", ErrorType.RATE_LIMITED, "ApiCallLimit"),
        ("too_frequent_901.json", ErrorType.RATE_LIMITED, "901"),
        ("too_many_skus_4171.json", ErrorType.PLATFORM_LIMIT_EXCEEDED, "4171"),
        ("create_product_item_limit_4148.json", ErrorType.PLATFORM_LIMIT_EXCEEDED, "4148"),
        ("sellable_negative_212.json", ErrorType.INVENTORY_SYNC_FAILED, "212"),
        ("price_is_zero_4118.json", ErrorType.PRICE_NOT_EFFECTIVE, "4118"),
        ("get_product_item_sku_not_exist.json", ErrorType.SKU_MAPPING_FAILED, "207"),
        ("create_product_main_image_required.json", ErrorType.MEDIA_QUALITY, "4139"),
        ("create_product_restricted_category.json", ErrorType.LISTING_REJECTED, "4163"),
    ],
)
def test_each_documented_code_maps_to_its_error_type(fixture: str, expected: ErrorType, code: str) -> None:
    [error] = classify(200, body(fixture))

    assert error.error_type is expected
    assert error.platform_code == code
    assert error.platform_message  # Lazada's own words are kept
    assert error.raw["request_id"]


@pytest.mark.parametrize(
    "fixture",
    ["price_quantity_success.json", "token_refresh_success.json", "get_product_item_success.json"],
)
def test_a_zero_code_is_a_clean_success(fixture: str) -> None:
    assert classify(200, body(fixture)) == []


def test_a_refused_image_blocks_the_listing_instead_of_warning() -> None:
    [error] = classify(200, body("create_product_main_image_required.json"))
    assert error.severity is Severity.error


def test_detail_entries_map_each_sku_to_its_own_specific_error() -> None:
    errors = classify(200, body("price_quantity_partial_failure.json"), Operation.price)

    assert [(e.raw["seller_sku"], e.error_type, e.platform_code) for e in errors] == [
        ("MY-TEA-002", ErrorType.SKU_MAPPING_FAILED, "SELLER_SKU_NOT_FOUND"),
        ("MY-TEA-003", ErrorType.PRICE_NOT_EFFECTIVE, "BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE"),
    ]
    assert errors[0].raw["response_code"] == "501"


def test_the_generic_501_reads_as_a_stock_failure_on_a_stock_push() -> None:
    [error] = classify(200, body("stock_negative_sellable.json"), Operation.stock)
    assert error.error_type is ErrorType.INVENTORY_SYNC_FAILED
    assert error.raw["seller_sku"] == "MY-TEA-001"

    generic = b'{"type":"ISP","code":"501","message":"E501: Update product failed","request_id":"r"}'
    assert classify(200, generic, Operation.price)[0].error_type is ErrorType.PRICE_NOT_EFFECTIVE
    assert classify(200, generic, Operation.stock)[0].error_type is ErrorType.INVENTORY_SYNC_FAILED
    assert classify(200, generic)[0].error_type is ErrorType.UNKNOWN_PLATFORM_ERROR


def test_missing_category_attributes_are_named() -> None:
    errors = classify(200, body("create_product_missing_attribute.json"), Operation.listing)

    assert {e.error_type for e in errors} == {ErrorType.CATEGORY_COMPLIANCE_FAILED}
    assert errors[0].missing_fields == ("warranty_type",)
    assert errors[0].platform_code == "BIZ_CHECK_CAT_PROP_MANDATORY"
    assert errors[1].missing_fields == ()  # "Product" is the container, not an attribute


def test_malformed_json_is_an_unknown_error_that_keeps_the_raw_text() -> None:
    raw = b'{"code": "0", "data": {"item_id": 12'
    [error] = classify(200, raw)

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.raw["body"] == raw.decode()


def test_a_json_body_without_a_code_is_not_taken_for_success() -> None:
    [error] = classify(200, b'{"data": {}}')
    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR


def test_an_unknown_code_stays_unknown_with_the_whole_body() -> None:
    [error] = classify(200, b'{"type":"ISP","code":"SomethingNew","message":"?","request_id":"r"}')
    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.raw["code"] == "SomethingNew"


def test_http_429_and_5xx_map_to_rate_limited_and_unavailable() -> None:
    assert classify(429, b"")[0].error_type is ErrorType.RATE_LIMITED
    [outage] = classify(503, b"<html>Service Unavailable</html>")
    assert outage.error_type is ErrorType.PLATFORM_UNAVAILABLE
    assert outage.raw["body"] == "<html>Service Unavailable</html>"


def test_a_body_the_gateway_refuses_as_too_large_is_a_platform_limit() -> None:
    [error] = classify(413, b"<html><body>413 Request Entity Too Large</body></html>")

    assert error.error_type is ErrorType.PLATFORM_LIMIT_EXCEEDED and error.platform_code == "HTTP_413"
    assert "413 Request Entity Too Large" in error.raw["body"]


# -----------------------------------------------------------------------------------------------------------
# The categories (tests/fixtures/platforms/CATEGORIES.md)


@pytest.mark.parametrize(
    ("fixture", "operation"),
    [
        ("price_quantity_success.json", Operation.price),
        ("price_quantity_success.json", Operation.stock),
        ("create_product_success.json", Operation.listing),
    ],
)
def test_a_success_envelope_is_no_error_in_a_price_stock_or_listing_call(fixture: str, operation: Operation) -> None:
    assert classify(200, body(fixture), operation) == []


def test_a_refused_token_refresh_keeps_the_token_endpoints_own_code() -> None:
    [error] = classify(200, body("illegal_refresh_token.json"), Operation.auth)

    assert (error.error_type, error.platform_code) == (ErrorType.AUTH_EXPIRED, "IllegalRefreshToken")
    assert error.platform_message == "The specified refresh token is invalid or expired"


def test_a_qc_rejected_product_on_a_read_back_is_a_rejection_with_lazadas_reasons() -> None:
    page = body("get_products_page_1.json")
    [_, rejected] = json.loads(page)["data"]["products"]

    errors = classify(200, page, Operation.status, state=listing_state(rejected))

    assert [(e.error_type, e.platform_code) for e in errors] == [(ErrorType.LISTING_REJECTED, "rejected")] * 2
    assert [e.platform_message for e in errors] == [
        "Poor image quality; Please upload clear product images",
        "Wrong category; Please select the correct category",
    ]


def test_an_empty_seller_sku_names_the_field_and_is_a_mapping_failure() -> None:
    [error] = classify(200, body("get_product_item_empty_seller_sku_200.json"), Operation.status)

    assert (error.error_type, error.platform_code) == (ErrorType.SKU_MAPPING_FAILED, "200")
    assert error.missing_fields == ("SellerSku",)


def test_the_same_per_sku_detail_reads_by_the_operation_of_the_call() -> None:
    in_stock = classify(200, body("stock_negative_sellable.json"), Operation.stock)
    in_price = classify(200, body("stock_negative_sellable.json"), Operation.price)

    assert [(e.raw["seller_sku"], e.error_type) for e in in_stock] == [("MY-TEA-001", ErrorType.INVENTORY_SYNC_FAILED)]
    assert [(e.raw["seller_sku"], e.error_type) for e in in_price] == [("MY-TEA-001", ErrorType.PRICE_NOT_EFFECTIVE)]


def test_an_image_note_on_a_success_is_a_warning_level_event() -> None:
    [note] = classify(200, body("create_product_success_with_image_note.json"), Operation.listing)

    assert (note.error_type, note.severity) == (ErrorType.MEDIA_QUALITY, Severity.warning)
    assert note.platform_message == "Pure text image detected. Please upload another image."
    assert note.raw["response_code"] == "0"


def test_a_signature_made_with_the_wrong_app_secret_is_an_app_credentials_problem() -> None:
    [error] = classify(200, body("incomplete_signature.json"), Operation.price)

    assert (error.error_type, error.platform_code) == (ErrorType.AUTH_SCOPE_MISSING, "IncompleteSignature")
    assert "secret" in info(error.error_type).suggestion_en


@pytest.mark.parametrize(
    ("status", "page", "error_type"),
    [
        (413, "gateway_413.html", ErrorType.PLATFORM_LIMIT_EXCEEDED),
        (415, "gateway_415.html", ErrorType.UNKNOWN_PLATFORM_ERROR),
        (503, "gateway_503.html", ErrorType.PLATFORM_UNAVAILABLE),
    ],
)
def test_a_gateway_refusal_maps_by_its_status_with_an_html_or_empty_body(
    status: int, page: str, error_type: ErrorType
) -> None:
    for answer in (body(page), b""):
        [error] = classify(status, answer, Operation.stock)

        assert (error.error_type, error.platform_code) == (error_type, f"HTTP_{status}")
        assert error.raw == {"status": status, "body": answer.decode()}
