"""The pure rules that turn a strategy's config and a base value into the pushed value, and the pre-checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.tasks import rules


@pytest.mark.parametrize(
    ("markup", "round_to", "base", "expected"),
    [
        ("10", "0.01", "20.00", "22.00"),
        ("12.5", "0.01", "9.99", "11.24"),  # 11.23875 rounds half up
        ("10", "0.99", "20.00", "22.99"),  # at or above: a whole price gets its own .99
        ("10", "0.99", "35.50", "39.99"),
        ("0", "0.99", "22.995", "23.99"),  # past .99: the next one
        ("0", "0.99", "22.99", "22.99"),
        ("25", "1", "40.00", "50"),
        ("-30", "1", "10.00", "7"),
    ],
)
def test_price_adjust_marks_up_then_rounds(markup: str, round_to: str, base: str, expected: str) -> None:
    price = rules.adjusted_price({"markup_pct": markup, "round_to": round_to}, Decimal(base))
    assert price == Decimal(expected)
    assert price >= Decimal(base) * (1 + Decimal(markup) / 100) or round_to != "0.99"


@pytest.mark.parametrize(
    ("share", "safety", "available", "expected"),
    [(100, 0, 25, 25), (50, 4, 25, 10), (33, 0, 10, 3), (50, 4, 3, 0), (100, 10, 10, 0)],
)
def test_inventory_sync_shares_what_is_left_after_the_safety_stock(
    share: int, safety: int, available: int, expected: int
) -> None:
    assert rules.shared_stock({"share_pct": share, "safety_stock": safety}, available) == expected


def test_price_prechecks_name_the_problem() -> None:
    assert rules.price_problem(Decimal("19.99"), None, 2) is None
    assert "greater than 0" in (rules.price_problem(Decimal("0"), None, 2) or "")
    assert "greater than 0" in (rules.price_problem(Decimal("NaN"), None, 2) or "")
    assert "whole numbers" in (rules.price_problem(Decimal("99.50"), None, 0) or "")
    assert "above the price" in (rules.price_problem(Decimal("10"), Decimal("12"), 2) or "")
    assert "min_price" in (rules.price_problem(Decimal("5"), None, 2, {"min_price": "9.99"}) or "")
    assert "max_price" in (rules.price_problem(Decimal("500"), None, 2, {"max_price": "99"}) or "")
    assert rules.stock_problem(-1) and rules.stock_problem(0) is None


def test_deep_price_cuts_and_stock_to_zero_wait_for_a_person() -> None:
    policy = {"max_price_cut_pct": 30, "hold_stock_to_zero": True}
    was = {"price": "100.00"}
    assert rules.approval_reason(policy, "price", {"price": "75.00"}, was) is None
    assert "30" in (rules.approval_reason(policy, "price", {"price": "65.00"}, was) or "")
    assert rules.approval_reason(policy, "price", {"price": "10.00"}, None) is None  # nothing applied before
    assert rules.approval_reason(policy, "stock", {"quantity": 0}, {"quantity": 12})
    assert rules.approval_reason(policy, "stock", {"quantity": 0}, {"quantity": 0}) is None  # already zero
    assert rules.approval_reason({"max_price_cut_pct": None, "hold_stock_to_zero": False}, "stock",
                                 {"quantity": 0}, None) is None  # fmt: skip


def test_failures_under_one_code_become_one_outcome_naming_every_field() -> None:
    from api.tasks.actions import Failure, merged_failures

    weight = Failure(
        "CATEGORY_COMPLIANCE_FAILED", "90220", "'unit' of 'item_weight' is required", None, ["item_weight"]
    )
    battery = Failure("CATEGORY_COMPLIANCE_FAILED", "90220", "'battery' is required", None, ["battery"])
    image = Failure("MEDIA_QUALITY", "18027", "main image too small")

    (compliance, media) = merged_failures([weight, battery, image])

    assert compliance.missing_fields == ("item_weight", "battery")
    assert compliance.message == "'unit' of 'item_weight' is required; 'battery' is required"
    assert media == image
    assert merged_failures([image]) == [image]
