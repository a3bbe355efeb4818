"""classify(): every TikTok Shop answer we know, mapped to the board's error types."""

from __future__ import annotations

import json

import pytest

from api.errors.taxonomy import ErrorType, Severity, info
from tests.platforms.tiktok.conftest import fixture_bytes
from workers.platforms.base import Operation
from workers.platforms.tiktok.codes import CODE_TYPES, classify, item_key, listing_state


@pytest.mark.parametrize(
    ("fixture", "status", "expected", "code"),
    [
        ("access_token_expired.json", 200, ErrorType.AUTH_EXPIRED, "105002"),
        ("access_token_header_invalid.json", 200, ErrorType.AUTH_EXPIRED, "36009004"),
        ("token_refresh_expired.json", 200, ErrorType.AUTH_EXPIRED, "36004001"),
        ("scope_missing.json", 200, ErrorType.AUTH_SCOPE_MISSING, "105005"),
        ("product_not_found.json", 200, ErrorType.SKU_MAPPING_FAILED, "12052032"),
        ("create_product_missing_attribute.json", 200, ErrorType.CATEGORY_COMPLIANCE_FAILED, "12052182"),
        ("price_locked_by_promotion.json", 200, ErrorType.PRICE_NOT_EFFECTIVE, "12052038"),
        ("inventory_quantity_invalid.json", 200, ErrorType.INVENTORY_SYNC_FAILED, "12019024"),
        ("create_product_restricted_words.json", 200, ErrorType.LISTING_REJECTED, "12052151"),
        ("create_product_image_too_small.json", 200, ErrorType.MEDIA_QUALITY, "12052301"),
        ("rate_limited.json", 200, ErrorType.RATE_LIMITED, "36009002"),
        ("rate_limited.json", 429, ErrorType.RATE_LIMITED, "36009002"),
        ("create_product_listing_limit.json", 200, ErrorType.PLATFORM_LIMIT_EXCEEDED, "12052093"),
        ("internal_error.json", 200, ErrorType.PLATFORM_UNAVAILABLE, "36009003"),
    ],
)
def test_each_documented_failure_maps_to_its_error_type(
    fixture: str, status: int, expected: ErrorType, code: str
) -> None:
    body = fixture_bytes(fixture)

    [error] = classify(status, body)

    assert error.error_type is expected
    assert error.platform_code == code
    assert error.raw == json.loads(body)  # the envelope as received, request_id included
    assert error.platform_message == json.loads(body)["message"]


@pytest.mark.parametrize(
    "fixture",
    [
        "update_price_success.json",
        "update_inventory_success.json",
        "token_refresh_success.json",
        "get_product_active.json",
    ],
)
def test_clean_successes_have_no_errors(fixture: str) -> None:
    assert classify(200, fixture_bytes(fixture)) == []


def test_per_sku_errors_under_code_zero_keep_their_sku() -> None:
    errors = classify(200, fixture_bytes("update_inventory_partial_failure.json"))

    assert [(item_key(e), e.platform_code, e.error_type) for e in errors] == [
        ("1729592969712207013", "12052097", ErrorType.INVENTORY_SYNC_FAILED),
        ("1729592969712207015", "12052393", ErrorType.INVENTORY_SYNC_FAILED),
    ]


def test_a_missing_attribute_names_the_attribute_and_links_the_category() -> None:
    [error] = classify(200, fixture_bytes("create_product_missing_attribute.json"), category_id="600001")

    assert error.missing_fields == ("Battery Type",)
    assert "category=600001" in error.doc_url and "platform=tiktok" in error.doc_url


def test_an_image_note_in_the_create_warnings_is_a_media_quality_warning() -> None:
    body = {
        "code": 0,
        "message": "Success",
        "request_id": "r1",
        "data": {"product_id": "1", "warnings": [{"message": "The main image is below the recommended 600x600 size."}]},
    }

    [warning] = classify(200, json.dumps(body).encode())

    assert warning.error_type is ErrorType.MEDIA_QUALITY and warning.severity is Severity.warning


def test_an_unknown_code_is_unknown_and_keeps_the_whole_body() -> None:
    body = {"code": 12099999, "message": "something new", "request_id": "r2", "data": None}

    [error] = classify(200, json.dumps(body).encode())

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR and error.raw == body


def test_a_5xx_page_is_platform_unavailable_and_an_empty_body_is_unknown() -> None:
    [outage] = classify(502, b"<html>Bad Gateway</html>")
    [empty] = classify(200, b"")

    assert outage.error_type is ErrorType.PLATFORM_UNAVAILABLE and outage.raw["body"] == "<html>Bad Gateway</html>"
    assert empty.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR and empty.platform_message == "empty response body"


def test_json_without_the_envelope_is_unknown() -> None:
    [error] = classify(200, b'["not", "an", "envelope"]')

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR


def test_the_code_table_covers_every_type_the_issue_asks_for() -> None:
    wanted = {
        ErrorType.AUTH_EXPIRED,
        ErrorType.AUTH_SCOPE_MISSING,
        ErrorType.SKU_MAPPING_FAILED,
        ErrorType.CATEGORY_COMPLIANCE_FAILED,
        ErrorType.PRICE_NOT_EFFECTIVE,
        ErrorType.INVENTORY_SYNC_FAILED,
        ErrorType.LISTING_REJECTED,
        ErrorType.MEDIA_QUALITY,
        ErrorType.PLATFORM_LIMIT_EXCEEDED,
        ErrorType.RATE_LIMITED,
    }
    assert wanted <= set(CODE_TYPES.values())


# -----------------------------------------------------------------------------------------------------------
# The issue's categories (tests/fixtures/platforms/CATEGORIES.md)


@pytest.mark.parametrize(
    ("fixture", "operation"),
    [
        ("update_price_success.json", Operation.price),
        ("update_inventory_success.json", Operation.stock),
        ("create_product_success_with_warning.json", Operation.listing),
    ],
)
def test_a_success_envelope_never_becomes_an_error_event(fixture: str, operation: Operation) -> None:
    errors = classify(200, fixture_bytes(fixture), operation)

    assert [e for e in errors if e.severity is Severity.error] == []


def test_an_expired_refresh_token_keeps_the_token_endpoints_own_code() -> None:
    [error] = classify(200, fixture_bytes("token_refresh_expired.json"), Operation.auth)

    assert (error.error_type, error.platform_code, error.platform_message) == (
        ErrorType.AUTH_EXPIRED,
        "36004001",
        json.loads(fixture_bytes("token_refresh_expired.json"))["message"],
    )


def test_a_failed_audit_on_a_read_back_is_a_rejection_with_tiktoks_reasons() -> None:
    body = fixture_bytes("get_product_audit_failed.json")
    state = listing_state(json.loads(body)["data"])

    [error] = classify(200, body, Operation.status, state=state)

    assert (error.error_type, error.platform_code) == (ErrorType.LISTING_REJECTED, "AUDIT_FAILED")
    assert error.platform_message == (
        "violate listing rules; The product violates TikTok Shopping listing rules, please check and resubmit."
    )
    assert error.raw["position"] == "product"


def test_an_unknown_product_id_is_a_mapping_failure_that_names_the_field() -> None:
    [error] = classify(200, fixture_bytes("product_not_found.json"), Operation.price)

    assert error.error_type is ErrorType.SKU_MAPPING_FAILED
    assert error.missing_fields == ("product_id",)


def test_the_same_per_sku_failures_read_by_the_operation_of_the_call() -> None:
    body = fixture_bytes("update_inventory_partial_failure.json")

    in_stock = [(item_key(e), e.error_type) for e in classify(200, body, Operation.stock)]
    in_price = [(item_key(e), e.error_type) for e in classify(200, body, Operation.price)]

    skus = ["1729592969712207013", "1729592969712207015"]
    assert in_stock == [(sku, ErrorType.INVENTORY_SYNC_FAILED) for sku in skus]
    assert in_price == [(sku, ErrorType.PRICE_NOT_EFFECTIVE) for sku in skus]


def test_the_create_warnings_are_warning_level_events_naming_the_field() -> None:
    [warning] = classify(200, fixture_bytes("create_product_success_with_warning.json"), Operation.listing)

    assert (warning.error_type, warning.severity) == (ErrorType.CATEGORY_COMPLIANCE_FAILED, Severity.warning)
    assert warning.missing_fields == ("brand_id",)
    assert warning.platform_message.startswith("The [brand_id]:123 field is incorrect")


def test_a_sign_made_with_the_wrong_app_secret_is_an_app_credentials_problem() -> None:
    [error] = classify(200, fixture_bytes("sign_invalid.json"), Operation.price)

    assert (error.error_type, error.platform_code) == (ErrorType.AUTH_SCOPE_MISSING, "106001")
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
    for body in (fixture_bytes(page), b""):
        [error] = classify(status, body, Operation.stock)

        assert (error.error_type, error.platform_code) == (error_type, f"HTTP_{status}")
        assert error.raw == {"status": status, "body": body.decode()}
