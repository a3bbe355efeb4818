"""classify(): every Shopee body, on its own, becomes the right errors of our taxonomy."""

from __future__ import annotations

import json

import pytest

from api.errors.taxonomy import ErrorType, Severity, info
from tests.platforms.shopee.conftest import body
from workers.platforms.base import CallOutcome, ListingState, Operation
from workers.platforms.shopee.codes import ERROR_TYPES, classify, normalise_code
from workers.platforms.shopee.items import violation_states

E = ErrorType


@pytest.mark.parametrize(
    ("fixture", "error_type", "code"),
    [
        ("error_invalid_access_token.json", E.AUTH_EXPIRED, "error_auth"),
        ("refresh_token_invalid.json", E.AUTH_EXPIRED, "error_auth"),
        ("refresh_shop_access_expired.json", E.AUTH_EXPIRED, "shop_access_expired"),
        ("error_v1_msg.json", E.AUTH_EXPIRED, "error_auth"),
        ("error_no_permission.json", E.AUTH_SCOPE_MISSING, "error_auth"),
        ("error_permission.json", E.AUTH_SCOPE_MISSING, "error_permission"),
        ("error_item_not_found.json", E.SKU_MAPPING_FAILED, "error_item_not_found"),
        ("error_price_promotion_lock.json", E.PRICE_NOT_EFFECTIVE, "error_in_item_promotion_item_price_lock"),
        ("add_item_mandatory_attribute.json", E.CATEGORY_COMPLIANCE_FAILED, "error_less_required_attribute"),
        ("add_item_attribute_named.json", E.CATEGORY_COMPLIANCE_FAILED, "error_busi_attribute_error"),
        ("add_item_image_unavailable.json", E.MEDIA_QUALITY, "error_image_unavailable"),
        ("error_reach_shop_item_limit.json", E.PLATFORM_LIMIT_EXCEEDED, "error_reach_shop_item_limit"),
        ("error_system_busy.json", E.RATE_LIMITED, "error_system_busy"),
        ("error_ads_rate_limit.json", E.RATE_LIMITED, "rate_limit.exceed_shop_api"),
        ("error_server.json", E.PLATFORM_UNAVAILABLE, "error_server"),
        ("error_param_prefixed.json", E.SKU_MAPPING_FAILED, "error_param"),  # "invalid field ItemId"
    ],
)
def test_each_documented_error_body_maps_to_its_error_type(fixture: str, error_type: ErrorType, code: str) -> None:
    errors = classify(200, body(fixture))

    assert [(e.error_type, e.platform_code) for e in errors] == [(error_type, code)]
    assert errors[0].platform_message  # the platform's words are kept
    assert errors[0].raw["request_id"]  # and the envelope as received


def test_a_module_prefix_is_normalised_but_the_raw_code_is_kept() -> None:
    (error,) = classify(200, body("error_param_prefixed.json"))

    assert error.platform_code == "error_param"
    assert error.raw["error"] == "product.error_param"
    assert error.platform_message == "invalid field ItemId: value must  Not Null"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("product.error_param", "error_param"),
        ("common.error_auth", "error_auth"),
        ("ads.rate_limit.exceed_api", "rate_limit.exceed_api"),
        ("error.param", "error_param"),  # a dotted spelling in one table, not a module prefix
        ("error_item_not_found", "error_item_not_found"),
    ],
)
def test_codes_are_normalised_by_their_module_prefix(raw: str, normalised: str) -> None:
    assert normalise_code(raw) == normalised


@pytest.mark.parametrize(
    ("code", "message", "error_type"),
    [
        ("error_auth", "Invalid access_token.", E.AUTH_EXPIRED),
        ("common.error_auth", "No permission to current api.", E.AUTH_SCOPE_MISSING),
        ("error_auth", "Total stock must be more than reserved stock.", E.INVENTORY_SYNC_FAILED),
        ("error_param", "Wrong model_id.", E.SKU_MAPPING_FAILED),
        ("error_param", "Request items over limit, should be less than 50", E.PLATFORM_LIMIT_EXCEEDED),
        ("error_param", "Invalid attribute. brand attribute missing", E.CATEGORY_COMPLIANCE_FAILED),
        ("error_param", "Can not update item with stock less than reserve stock", E.INVENTORY_SYNC_FAILED),
        (
            "product.error_busi",
            "The GTIN code is mandatory, please check and upload again.",
            E.CATEGORY_COMPLIANCE_FAILED,
        ),
        ("error_busi", "The merchant/shop has multi warehouse, please input location id", E.INVENTORY_SYNC_FAILED),
        ("error_sign", "Wrong sign.", E.AUTH_SCOPE_MISSING),
        ("error_cannt_edit_stock_in_promotion", "", E.INVENTORY_SYNC_FAILED),
        ("error_invalid_category", "Invalid category ID 123", E.CATEGORY_COMPLIANCE_FAILED),
        ("error_check_luc_fail", "Listing violates upload rules", E.LISTING_REJECTED),
        ("error_brand_new_code_nobody_knows", "", E.UNKNOWN_PLATFORM_ERROR),
    ],
)
def test_generic_codes_are_read_with_their_message(code: str, message: str, error_type: ErrorType) -> None:
    payload = f'{{"error": "{code}", "message": "{message}", "request_id": "r1"}}'.encode()

    assert [e.error_type for e in classify(200, payload)] == [error_type]


def test_a_partial_price_failure_names_the_failed_model_and_nothing_else() -> None:
    errors = classify(200, body("update_price_partial.json"), operation=Operation.price)

    assert len(errors) == 1
    assert errors[0].error_type is E.PRICE_NOT_EFFECTIVE
    assert errors[0].raw["model_id"] == 3456
    assert errors[0].platform_message == "Price cannot be changed when model is under promotion."


def test_a_partial_stock_failure_is_an_inventory_error_of_its_model() -> None:
    (error,) = classify(200, body("update_stock_partial.json"), operation=Operation.stock)

    assert error.error_type is E.INVENTORY_SYNC_FAILED
    assert error.raw == {"model_id": 2002, "failed_reason": "Can not update item with stock less than reserve stock"}


def test_a_failure_reason_about_a_missing_model_is_a_mapping_error_whatever_the_operation() -> None:
    payload = b'{"error": "", "response": {"failure_list": [{"model_id": 9, "failed_reason": "Model not found."}]}}'

    assert [e.error_type for e in classify(200, payload, operation=Operation.price)] == [E.SKU_MAPPING_FAILED]


def test_a_failed_call_with_a_failure_list_reports_both() -> None:
    errors = classify(200, body("update_stock_failed_with_list.json"), operation=Operation.stock)

    assert [e.platform_code for e in errors] == ["error_busi_update_stock_failed", "failure_list"]
    assert all(e.error_type is E.INVENTORY_SYNC_FAILED for e in errors)
    assert errors[1].raw["model_id"] == 0


def test_the_named_mandatory_attribute_becomes_a_missing_field() -> None:
    (error,) = classify(200, body("add_item_attribute_named.json"))

    assert error.missing_fields == ("BSMI",)


def test_an_unavailable_image_blocks_the_listing_so_it_is_an_error_not_a_warning() -> None:
    (error,) = classify(200, body("add_item_image_unavailable.json"))

    assert error.error_type is E.MEDIA_QUALITY
    assert error.severity is Severity.error


@pytest.mark.parametrize(
    "fixture",
    ["update_price_success.json", "get_item_base_info.json", "get_model_list.json", "add_item_success.json"],
)
def test_a_clean_success_has_no_errors(fixture: str) -> None:
    assert classify(200, body(fixture)) == []


@pytest.mark.parametrize("fixture", ["malformed_gateway.html", "truncated.json"])
def test_a_body_that_is_not_json_is_an_unknown_error_with_the_raw_text_kept(fixture: str) -> None:
    (error,) = classify(200, body(fixture))

    assert error.error_type is E.UNKNOWN_PLATFORM_ERROR
    assert error.raw["body"] == body(fixture).decode()


def test_json_that_is_not_an_object_is_unknown_too() -> None:
    (error,) = classify(200, b'["error_auth"]')

    assert error.error_type is E.UNKNOWN_PLATFORM_ERROR
    assert error.raw["body"] == '["error_auth"]'


def test_429_and_5xx_are_rate_limited_and_unavailable_whatever_the_body() -> None:
    assert [e.error_type for e in classify(429, b"slow down")] == [E.RATE_LIMITED]
    assert [e.error_type for e in classify(503, body("malformed_gateway.html"))] == [E.PLATFORM_UNAVAILABLE]
    assert classify(502, b"bad gateway")[0].raw["body"] == "bad gateway"


def test_a_non_2xx_status_without_an_error_code_is_still_an_error() -> None:
    (error,) = classify(403, b'{"message": "forbidden"}')

    assert error.error_type is E.UNKNOWN_PLATFORM_ERROR
    assert error.platform_code == "HTTP_403"


def test_the_table_covers_the_classes_the_issue_requires() -> None:
    covered = set(ERROR_TYPES.values())
    required = {
        E.AUTH_EXPIRED,
        E.AUTH_SCOPE_MISSING,
        E.SKU_MAPPING_FAILED,
        E.CATEGORY_COMPLIANCE_FAILED,
        E.PRICE_NOT_EFFECTIVE,
        E.INVENTORY_SYNC_FAILED,
        E.LISTING_REJECTED,
        E.MEDIA_QUALITY,
        E.PLATFORM_LIMIT_EXCEEDED,
        E.RATE_LIMITED,
        E.PLATFORM_UNAVAILABLE,
    }
    assert required <= covered


# -----------------------------------------------------------------------------------------------------------
# The issue's categories (tests/fixtures/platforms/CATEGORIES.md)


@pytest.mark.parametrize(
    ("fixture", "operation"),
    [
        ("update_price_success.json", Operation.price),
        ("update_stock_success.json", Operation.stock),
        ("add_item_success.json", Operation.listing),
    ],
)
def test_a_success_envelope_is_no_error_in_a_price_stock_or_listing_call(fixture: str, operation: Operation) -> None:
    assert classify(200, body(fixture), operation) == []


@pytest.mark.parametrize(
    ("fixture", "code", "message"),
    [
        ("refresh_token_invalid.json", "error_auth", "Invalid refresh_token."),
        ("refresh_shop_access_expired.json", "shop_access_expired", "Your access to shop has expired."),
    ],
)
def test_a_refused_token_refresh_keeps_the_token_endpoints_own_code(fixture: str, code: str, message: str) -> None:
    [error] = classify(200, body(fixture), Operation.auth)

    assert (error.error_type, error.platform_code, error.platform_message) == (E.AUTH_EXPIRED, code, message)


def test_a_banned_item_on_a_read_back_is_a_rejection_with_shopees_violation() -> None:
    fixture = body("get_item_violation_info.json")
    [state] = violation_states(CallOutcome(None, [], json.loads(fixture), 200, fixture)).values()

    [error] = classify(200, fixture, Operation.status, state=state)

    assert (error.error_type, error.platform_code) == (E.LISTING_REJECTED, "BANNED")
    assert error.platform_message == "Prohibited Listing: License Reason (Upload license)"
    assert error.raw["fix_deadline_time"] == 1705227588


def test_an_item_shopee_deleted_is_a_rejection_and_one_the_seller_deleted_a_stale_binding() -> None:
    fixture = body("get_item_base_info.json")

    [deleted] = classify(200, fixture, Operation.status, state=ListingState("SHOPEE_DELETE"))
    [stale] = classify(200, fixture, Operation.status, state=ListingState("SELLER_DELETE"))

    assert (deleted.error_type, deleted.platform_code) == (E.LISTING_REJECTED, "SHOPEE_DELETE")
    assert deleted.platform_message == "the item was deleted by Shopee"
    assert stale.error_type is E.SKU_MAPPING_FAILED


def test_a_parameter_error_on_the_item_id_names_the_field_and_is_a_mapping_failure() -> None:
    (error,) = classify(200, body("error_param_prefixed.json"), Operation.price)

    assert error.error_type is E.SKU_MAPPING_FAILED
    assert error.missing_fields == ("ItemId",)


@pytest.mark.parametrize("fixture", ["update_price_partial.json", "update_stock_partial.json"])
def test_the_same_failed_model_reads_by_the_operation_of_the_call(fixture: str) -> None:
    in_price = [(e.raw["model_id"], e.error_type) for e in classify(200, body(fixture), Operation.price)]
    in_stock = [(e.raw["model_id"], e.error_type) for e in classify(200, body(fixture), Operation.stock)]

    [(model, _)] = in_price
    assert in_price == [(model, E.PRICE_NOT_EFFECTIVE)]
    assert in_stock == [(model, E.INVENTORY_SYNC_FAILED)]


def test_the_envelopes_warning_is_a_warning_level_event_on_a_success() -> None:
    [warning] = classify(200, body("add_item_success_with_warning.json"), Operation.listing)

    assert (warning.error_type, warning.severity, warning.platform_code) == (
        E.MEDIA_QUALITY,
        Severity.warning,
        "warning",
    )
    assert warning.platform_message == json.loads(body("add_item_success_with_warning.json"))["warning"]


def test_a_wrong_sign_is_an_app_credentials_problem_not_an_unknown() -> None:
    [error] = classify(200, body("error_sign.json"), Operation.stock)

    assert (error.error_type, error.platform_code, error.platform_message) == (
        E.AUTH_SCOPE_MISSING,
        "error_sign",
        "Wrong sign.",
    )
    assert "secret" in info(error.error_type).suggestion_en


@pytest.mark.parametrize(
    ("status", "page", "error_type"),
    [
        (413, "gateway_413.html", E.PLATFORM_LIMIT_EXCEEDED),
        (415, "gateway_415.html", E.UNKNOWN_PLATFORM_ERROR),
        (503, "gateway_503.html", E.PLATFORM_UNAVAILABLE),
    ],
)
def test_a_gateway_refusal_maps_by_its_status_with_an_html_or_empty_body(
    status: int, page: str, error_type: ErrorType
) -> None:
    for answer in (body(page), b""):
        [error] = classify(status, answer, Operation.price)

        assert (error.error_type, error.platform_code) == (error_type, f"HTTP_{status}")
        assert error.raw == {"status": status, "body": answer.decode()}


def test_a_gateways_own_json_refusal_maps_by_its_status_too() -> None:
    [error] = classify(413, b'{"message": "Request Entity Too Large"}', Operation.listing)

    assert (error.error_type, error.platform_code) == (E.PLATFORM_LIMIT_EXCEEDED, "HTTP_413")
