"""classify(): every Amazon answer, alone, mapped to our error types (empty for a clean success)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from api.errors.taxonomy import ErrorType, Severity, info
from tests.platforms.amazon.conftest import fixture, fixture_bytes
from workers.platforms.amazon.codes import classify, listing_state, token_rejected
from workers.platforms.base import Operation


@pytest.mark.parametrize("name", ["submission-accepted.json", "lwa-token.json"])
def test_clean_successes_have_no_errors(name: str) -> None:
    assert classify(200, fixture_bytes(name)) == []


@pytest.mark.parametrize(
    ("status", "name", "error_type", "code"),
    [
        (400, "errors-400-invalid-input.json", ErrorType.UNKNOWN_PLATFORM_ERROR, "InvalidInput"),
        (400, "errors-400-bad-request.json", ErrorType.UNKNOWN_PLATFORM_ERROR, "BAD_REQUEST"),
        (403, "errors-403-token-expired.json", ErrorType.AUTH_EXPIRED, "Unauthorized"),
        (403, "errors-403-token-revoked.json", ErrorType.AUTH_EXPIRED, "Unauthorized"),
        (403, "errors-403-missing-role.json", ErrorType.AUTH_SCOPE_MISSING, "Unauthorized"),
        (404, "errors-404-not-found.json", ErrorType.SKU_MAPPING_FAILED, "NotFound"),
        (429, "errors-429-quota-exceeded.json", ErrorType.RATE_LIMITED, "QuotaExceeded"),
        (500, "errors-500-internal-failure.json", ErrorType.PLATFORM_UNAVAILABLE, "InternalFailure"),
        (503, "errors-503-service-unavailable.json", ErrorType.PLATFORM_UNAVAILABLE, "ServiceUnavailable"),
        (400, "lwa-invalid-grant.json", ErrorType.AUTH_EXPIRED, "invalid_grant"),
        (401, "lwa-invalid-client.json", ErrorType.AUTH_SCOPE_MISSING, "invalid_client"),
    ],
)
def test_http_errors_map_by_code_then_status(status: int, name: str, error_type: ErrorType, code: str) -> None:
    [error] = classify(status, fixture_bytes(name))

    assert error.error_type is error_type
    assert error.platform_code == code
    received = json.loads(fixture_bytes(name))
    assert error.raw == (received["errors"][0] if "errors" in received else received)  # the object as received
    assert error.severity is Severity.error


def test_only_an_sp_api_token_rejection_asks_for_a_refresh() -> None:
    [expired] = classify(403, fixture_bytes("errors-403-token-expired.json"))
    [lwa] = classify(400, fixture_bytes("lwa-invalid-grant.json"))
    [role] = classify(403, fixture_bytes("errors-403-missing-role.json"))

    assert token_rejected(expired)
    assert not token_rejected(lwa)  # a refused refresh must never trigger another refresh
    assert not token_rejected(role)


def test_the_expired_wording_is_recognised_in_the_message_too() -> None:
    body = {"errors": [{"code": "Unauthorized", "message": "The access token you provided has expired."}]}

    assert classify(403, json.dumps(body).encode())[0].error_type is ErrorType.AUTH_EXPIRED


def test_a_401_without_a_body_is_an_auth_error_a_refresh_may_fix() -> None:
    body = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]}

    assert classify(401, json.dumps(body).encode())[0].error_type is ErrorType.AUTH_EXPIRED


def test_a_403_saying_not_found_is_a_mapping_failure() -> None:
    body = {"errors": [{"code": "NotFound", "message": "Resource not found."}]}

    assert classify(403, json.dumps(body).encode())[0].error_type is ErrorType.SKU_MAPPING_FAILED


def test_an_oversized_request_is_a_platform_limit_even_without_json() -> None:
    [error] = classify(413, b"Request Entity Too Large")

    assert error.error_type is ErrorType.PLATFORM_LIMIT_EXCEEDED
    assert error.raw == {"status": 413, "body": "Request Entity Too Large"}


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"errors": [', b"[1, 2]"])
def test_unreadable_bodies_are_unknown_with_the_raw_text_kept(body: bytes) -> None:
    [error] = classify(400, body)

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.raw["body"] == body.decode()


def test_an_unknown_error_code_on_an_unmapped_status_is_unknown() -> None:
    body = {"errors": [{"code": "Conflict", "message": "state conflict"}]}

    [error] = classify(409, json.dumps(body).encode())

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.raw == body["errors"][0]


def test_invalid_submission_issues_keep_their_severity_attributes_and_sku() -> None:
    errors = classify(200, fixture_bytes("submission-invalid-attributes-patch.json"))

    [error] = errors
    assert error.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED
    assert error.severity is Severity.error
    assert error.missing_fields == ("fake_attribute",)
    assert error.raw["sku"] == "VALIDATION_INVALID"
    assert error.raw["enforcements"] == {
        "actions": [{"action": "ATTRIBUTE_SUPPRESSED"}],
        "exemption": {"status": "NOT_EXEMPT"},
    }


def submission(*issues: Mapping[str, object], status: str = "INVALID") -> bytes:
    return json.dumps({"sku": "S-1", "status": status, "submissionId": "x", "issues": list(issues)}).encode()


@pytest.mark.parametrize(
    ("category", "severity", "error_type"),
    [
        ("MISSING_ATTRIBUTE", "ERROR", ErrorType.CATEGORY_COMPLIANCE_FAILED),
        ("INVALID_ATTRIBUTE", "WARNING", ErrorType.CATEGORY_COMPLIANCE_FAILED),
        ("INVALID_PRICE", "ERROR", ErrorType.PRICE_NOT_EFFECTIVE),
        ("MISSING_PRICE", "ERROR", ErrorType.PRICE_NOT_EFFECTIVE),
        ("INVALID_IMAGE", "ERROR", ErrorType.LISTING_REJECTED),
        ("INVALID_IMAGE", "WARNING", ErrorType.MEDIA_QUALITY),
        ("MISSING_IMAGE", "ERROR", ErrorType.LISTING_REJECTED),
        ("MISSING_IMAGE", "WARNING", ErrorType.MEDIA_QUALITY),
        ("DUPLICATE", "ERROR", ErrorType.LISTING_REJECTED),
        ("QUALIFICATION_REQUIRED", "ERROR", ErrorType.LISTING_REJECTED),
    ],
)
def test_issue_categories_map_with_the_issues_own_severity(category: str, severity: str, error_type: ErrorType) -> None:
    issue = {"code": "123", "message": "m", "severity": severity, "categories": [category], "attributeNames": ["a"]}

    errors = classify(200, submission(issue, status="ACCEPTED" if severity == "WARNING" else "INVALID"))

    assert [(e.error_type, e.severity) for e in errors] == [(error_type, Severity(severity.lower()))]


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("18742", ErrorType.LISTING_REJECTED),
        ("99300", ErrorType.LISTING_REJECTED),
        ("8572", ErrorType.SKU_MAPPING_FAILED),
        ("8541", ErrorType.SKU_MAPPING_FAILED),
        ("8566", ErrorType.SKU_MAPPING_FAILED),
        ("90220", ErrorType.CATEGORY_COMPLIANCE_FAILED),
        ("99022", ErrorType.CATEGORY_COMPLIANCE_FAILED),
        ("4000001", ErrorType.CATEGORY_COMPLIANCE_FAILED),
        ("18155", ErrorType.PRICE_NOT_EFFECTIVE),
        ("777777", ErrorType.UNKNOWN_PLATFORM_ERROR),
    ],
)
def test_issues_without_categories_map_by_code(code: str, error_type: ErrorType) -> None:
    [error] = classify(200, submission({"code": code, "message": "m", "severity": "ERROR", "categories": []}))

    assert error.error_type is error_type
    assert error.platform_code == code


def test_info_issues_are_not_errors() -> None:
    info = {"code": "1", "message": "fyi", "severity": "INFO", "categories": []}

    assert classify(200, submission(info, status="ACCEPTED")) == []


def test_an_invalid_submission_without_readable_issues_is_still_a_rejection() -> None:
    [error] = classify(200, submission())

    assert error.error_type is ErrorType.LISTING_REJECTED
    assert error.raw["sku"] == "S-1"


def test_an_issue_without_a_code_is_parsed_defensively() -> None:
    [error] = classify(200, submission({"message": "no code here", "severity": "ERROR", "attributeNames": None}))

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR
    assert error.platform_message == "no code here"
    assert error.missing_fields == ()


def test_an_undocumented_submission_status_is_unknown() -> None:
    [error] = classify(200, submission(status="PENDING"))

    assert error.error_type is ErrorType.UNKNOWN_PLATFORM_ERROR


# -----------------------------------------------------------------------------------------------------------
# The issue's categories (tests/fixtures/platforms/CATEGORIES.md)


@pytest.mark.parametrize("operation", [Operation.price, Operation.stock, Operation.listing])
def test_an_accepted_submission_is_no_error_in_a_price_stock_or_listing_call(operation: Operation) -> None:
    assert classify(200, fixture_bytes("submission-accepted.json"), operation) == []


def test_a_read_back_error_issue_is_a_rejection_with_amazons_own_reason() -> None:
    item = fixture("listings-item-get.json")
    state = listing_state(item, "ATVPDKIKX0DER")

    errors = classify(200, fixture_bytes("listings-item-get.json"), Operation.status, state=state)

    assert {e.error_type for e in errors} == {ErrorType.LISTING_REJECTED}
    assert [e.platform_code for e in errors] == [i["code"] for i in item["issues"]]
    assert [e.platform_message for e in errors] == [i["message"] for i in item["issues"]]


def test_a_missing_attribute_is_named_and_an_unknown_sku_is_a_mapping_failure() -> None:
    [missing, unknown_attribute] = classify(200, fixture_bytes("submission-invalid-missing-attribute.json"))
    [not_found] = classify(404, fixture_bytes("errors-404-not-found.json"), Operation.price)

    assert missing.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED and missing.missing_fields == ("condition_type",)
    assert unknown_attribute.missing_fields == ("fake_attribute",)
    assert not_found.error_type is ErrorType.SKU_MAPPING_FAILED


def test_the_same_refused_submission_reads_by_the_operation_of_the_call() -> None:
    body = fixture_bytes("submission-invalid-price-image-mapping.json")

    def blocking(operation: Operation) -> dict[str, ErrorType]:
        errors = classify(200, body, operation)
        return {e.platform_code: e.error_type for e in errors if e.severity is Severity.error}

    in_price, in_stock = blocking(Operation.price), blocking(Operation.stock)

    assert in_price["18155"] is ErrorType.PRICE_NOT_EFFECTIVE
    assert in_stock["18155"] is ErrorType.INVENTORY_SYNC_FAILED
    assert in_price["8572"] is in_stock["8572"] is ErrorType.SKU_MAPPING_FAILED  # a mapping failure in any call


def test_a_warning_issue_of_an_accepted_submission_is_a_warning_level_event() -> None:
    [warning] = classify(200, fixture_bytes("submission-accepted-with-warning.json"), Operation.listing)

    assert (warning.error_type, warning.severity) == (ErrorType.MEDIA_QUALITY, Severity.warning)
    assert warning.platform_code == "18027"
    assert warning.missing_fields == ("main_product_image_locator",)


def test_a_wrong_lwa_client_secret_is_an_app_credentials_problem_not_an_unknown() -> None:
    [error] = classify(401, fixture_bytes("lwa-invalid-client.json"), Operation.auth)

    assert error.error_type is ErrorType.AUTH_SCOPE_MISSING
    assert error.platform_code == "invalid_client"  # the LWA endpoint's own code, verbatim
    assert "secret" in info(error.error_type).suggestion_en and "Secret" in info(error.error_type).suggestion_zh
    assert not token_rejected(error)  # no refresh can fix the app's own credentials


@pytest.mark.parametrize(
    ("status", "page", "error_type"),
    [
        (413, "gateway-413.html", ErrorType.PLATFORM_LIMIT_EXCEEDED),
        (415, "gateway-415.html", ErrorType.UNKNOWN_PLATFORM_ERROR),
        (503, "gateway-503.html", ErrorType.PLATFORM_UNAVAILABLE),
    ],
)
def test_a_gateway_refusal_maps_by_its_status_with_an_html_or_empty_body(
    status: int, page: str, error_type: ErrorType
) -> None:
    for body in (fixture_bytes(page), b""):
        [error] = classify(status, body, Operation.price)

        assert (error.error_type, error.platform_code) == (error_type, f"HTTP_{status}")
        assert error.raw == {"status": status, "body": body.decode()}
