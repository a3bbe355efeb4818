"""The platform's verdict read from a stored response: an error body under HTTP 200 is a failure, and a batch
answer that lists refused items is a partial success. Bodies are the recorded platform fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.traces.verdict import Verdict, verdict_of

FIXTURES = Path(__file__).parent.parent / "fixtures" / "platforms"


def body(platform: str, name: str) -> str:
    return (FIXTURES / platform / name).read_text()


@pytest.mark.parametrize(
    ("platform", "fixture"),
    [
        ("amazon", "submission-accepted.json"),
        ("tiktok", "update_price_success.json"),
        ("tiktok", "create_product_success_with_warning.json"),
        ("shopee", "update_price_success.json"),
        ("lazada", "price_quantity_success.json"),
    ],
)
def test_a_clean_success_of_each_platform_reads_ok(platform: str, fixture: str) -> None:
    assert verdict_of(platform, 200, None, body(platform, fixture)) == Verdict("ok")


def test_an_amazon_submission_marked_invalid_under_http_200_is_a_failure_with_its_first_issue() -> None:
    verdict = verdict_of("amazon", 200, None, body("amazon", "submission-invalid-missing-attribute.json"))
    assert verdict == Verdict("failed", "90220", "'condition_type' is required but not supplied.")


def test_an_amazon_answer_with_an_error_issue_fails_even_when_accepted() -> None:
    answer = '{"status": "ACCEPTED", "issues": [{"code": "8541", "message": "price too low", "severity": "ERROR"}]}'
    assert verdict_of("amazon", 200, None, answer).verdict == "failed"
    warning_only = '{"status": "ACCEPTED", "issues": [{"code": "18027", "message": "image", "severity": "WARNING"}]}'
    assert verdict_of("amazon", 200, None, warning_only).verdict == "ok"


def test_a_tiktok_envelope_with_a_nonzero_code_under_http_200_is_a_failure() -> None:
    verdict = verdict_of("tiktok", 200, None, body("tiktok", "price_locked_by_promotion.json"))
    assert verdict.verdict == "failed"
    assert verdict.code is not None and verdict.code != "0"


def test_tiktok_per_sku_errors_under_code_zero_are_a_partial_success_counting_the_refused_skus() -> None:
    verdict = verdict_of("tiktok", 200, None, body("tiktok", "update_inventory_partial_failure.json"))
    assert verdict == Verdict("partial", "12052990", "Check failed", 2)


def test_a_shopee_answer_with_an_error_is_a_failure_even_with_its_failure_list() -> None:
    verdict = verdict_of("shopee", 200, None, body("shopee", "update_stock_failed_with_list.json"))
    assert (verdict.verdict, verdict.code, verdict.failed_items) == ("failed", "error_busi_update_stock_failed", 1)
    assert verdict_of("shopee", 200, None, body("shopee", "error_permission.json")).code == "product.error_permission"


def test_a_shopee_failure_list_under_an_empty_error_is_a_partial_success() -> None:
    verdict = verdict_of("shopee", 200, None, body("shopee", "update_price_partial.json"))
    assert verdict == Verdict("partial", None, "Price cannot be changed when model is under promotion.", 1)


def test_a_lazada_code_other_than_zero_is_a_failure_and_a_per_sku_detail_a_partial_success() -> None:
    refused = verdict_of("lazada", 200, None, body("lazada", "create_product_missing_attribute.json"))
    assert (refused.verdict, refused.code, refused.message) == ("failed", "500", "E500: Create product failed")
    partial = verdict_of("lazada", 200, None, body("lazada", "price_quantity_partial_failure.json"))
    assert partial == Verdict("partial", "501", "SELLER_SKU_NOT_FOUND", 2)
    assert verdict_of("lazada", 200, None, body("lazada", "too_frequent_901.json")).verdict == "failed"


def test_no_answer_or_an_http_error_is_a_failure_whatever_the_body_says() -> None:
    assert verdict_of("tiktok", None, "ReadTimeout", "") == Verdict("failed", None, "ReadTimeout")
    assert verdict_of("lazada", 503, None, '{"code": "0"}').verdict == "failed"


@pytest.mark.parametrize("answer", ["", "<html>bad gateway</html>", '{"code": 1', "[1, 2]", '"text"'])
def test_a_2xx_body_that_is_not_a_json_object_reads_ok_for_want_of_anything_else(answer: str) -> None:
    assert verdict_of("shopee", 200, None, answer) == Verdict("ok")
