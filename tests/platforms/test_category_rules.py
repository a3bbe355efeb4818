"""check_draft, one rule at a time, and the Redis cache of category rules."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import redis.asyncio as aioredis

from api.errors.taxonomy import ErrorType
from workers.category_rules import cache_key, cached
from workers.platforms.base import ListingDraft, ListingImage, ListingRef, Platform
from workers.platforms.rules import AttributeRule, CategoryRules, SizeRule, check_draft, size_mapping

RULES = CategoryRules(
    platform=Platform.lazada,
    category_id="100005",
    attributes=(
        AttributeRule("net_weight", "net_weight", True, ("g", "kg")),
        AttributeRule("brand_id", "brand_id", True),
    ),
    min_image_px=330,
    size=SizeRule("size", "size", ("Small", "Medium", "X-Large"), size_mapping(("Small", "Medium", "X-Large"))),
    attribute_page_url="https://sellercenter.lazada.com.my/apps/product/publish?categoryId=100005",
)


def draft(attributes: dict[str, object], *images: ListingImage) -> ListingDraft:
    return ListingDraft(
        ListingRef("SKU-1"), "Tee", "100005", Decimal("9"), "MYR", 1, images=images, attributes=attributes
    )


COMPLETE = {"net_weight": {"value": 200, "unit": "g"}, "brand_id": "77", "size": "XL"}


def test_a_compliant_draft_passes_and_a_common_size_word_maps_to_the_platforms_size() -> None:
    assert check_draft(RULES, draft(COMPLETE, ListingImage("u", 800, 800))) == []


@pytest.mark.parametrize(
    ("change", "problem", "fields"),
    [
        ({"brand_id": None}, "MISSING_ATTRIBUTE", ("brand_id",)),
        ({"net_weight": "200"}, "UNIT_MISSING", ("net_weight",)),
        ({"net_weight": {"unit": "g"}}, "VALUE_MISSING", ("net_weight",)),
        ({"size": "5XL"}, "SIZE_NOT_MAPPED", ("size",)),
    ],
)
def test_each_broken_rule_is_one_compliance_error_naming_its_field(
    change: dict[str, object], problem: str, fields: tuple[str, ...]
) -> None:
    attributes = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    [error] = check_draft(RULES, draft(attributes))
    assert error.error_type is ErrorType.CATEGORY_COMPLIANCE_FAILED
    assert (error.raw["problem"], error.missing_fields) == (problem, fields)
    assert error.doc_url == RULES.attribute_page_url
    assert "预检未通过" in error.platform_message and "pre-check" in error.platform_message


def test_an_image_under_the_minimum_is_named_by_its_position() -> None:
    [error] = check_draft(RULES, draft(COMPLETE, ListingImage("a", 800, 800), ListingImage("b", 300, 200)))
    assert error.missing_fields == ("images[1]",)


async def test_the_cache_reads_a_categorys_rules_once_and_keeps_them_a_day() -> None:
    redis = aioredis.from_url(os.environ.get("OPENCLAW_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    key = cache_key("lazada", "MY", "100005")
    await redis.delete(key)
    loads: list[str] = []

    async def load(category_id: str) -> CategoryRules:
        loads.append(category_id)
        return RULES

    read = cached(redis, "lazada", "my", load)
    assert await read("100005") == RULES
    assert await read("100005") == RULES
    assert loads == ["100005"]
    assert 86000 < await redis.ttl(key) <= 86400
    await redis.delete(key)
    await redis.aclose()
