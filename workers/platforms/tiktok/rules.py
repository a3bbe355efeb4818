"""TikTok Shop category rules from Get Attributes (`GET /product/202309/categories/{id}/attributes`) and Get
Category Rules (`.../rules`). An attribute is mandatory when `is_requried` (TikTok's own spelling; `is_required`
read too); a numeric (`POSITIVE_INT_OR_DECIMAL`) customizable attribute is a measurement that carries its unit
("200 g"); a "Size" attribute's `values` are the category's sizes; a required size chart is a mandatory field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workers.platforms.base import ListingDraft
from workers.platforms.rules import (
    AttributeRule,
    AttributeValue,
    CategoryRules,
    DraftValues,
    RulesUnavailable,
    SizeRule,
    as_mapping,
    rules_of,
    size_mapping,
    value_of,
)
from workers.platforms.tiktok.codes import PLATFORM

ATTRIBUTES_PATH = "/product/202309/categories/{category_id}/attributes"
RULES_PATH = "/product/202309/categories/{category_id}/rules"
MEASURED_FORMAT = "POSITIVE_INT_OR_DECIMAL"
SIZE_NAMES = frozenset({"size", "clothing size", "shoe size"})


def rules_from(category_id: str, attributes: Mapping[str, Any], rules: Mapping[str, Any], market: str) -> CategoryRules:
    listed = attributes.get("attributes")
    if not isinstance(listed, list):
        raise RulesUnavailable(reason="Get Attributes answered no attributes[]")
    found: list[AttributeRule] = []
    size: SizeRule | None = None
    for attribute in listed:
        if not isinstance(attribute, Mapping) or not attribute.get("id"):
            continue
        key, name = str(attribute["id"]), str(attribute.get("name") or attribute["id"])
        required = bool(attribute.get("is_requried", attribute.get("is_required", False)))
        measured = attribute.get("value_data_format") == MEASURED_FORMAT and bool(attribute.get("is_customizable"))
        if required or measured:
            found.append(AttributeRule(key=key, name=name, required=required, units=("*",) if measured else ()))
        values = [str(v.get("name")) for v in attribute.get("values") or () if isinstance(v, Mapping) and v.get("name")]
        if name.lower() in SIZE_NAMES and values and not attribute.get("is_customizable"):
            size = SizeRule(key=key, name=name, allowed=tuple(values), mapping=size_mapping(values))
    chart = as_mapping(rules.get("size_chart"))
    if chart.get("is_required"):
        found.append(AttributeRule(key="size_chart", name="size_chart", required=True))
    return rules_of(PLATFORM, market, category_id, found, size)


def draft_values(draft: ListingDraft) -> DraftValues:
    """`product_attributes[]` ({id, values: [{id|name, unit?}]}) by attribute id, and the other body fields."""
    read: dict[str, list[AttributeValue]] = {
        name: [AttributeValue("set")] for name, value in draft.attributes.items() if value not in (None, "", [], {})
    }
    for attribute in draft.attributes.get("product_attributes") or ():
        if isinstance(attribute, Mapping) and attribute.get("id"):
            values = [value_of(v) for v in attribute.get("values") or ()]
            read[str(attribute["id"])] = [v for v in values if v is not None]
    return read
