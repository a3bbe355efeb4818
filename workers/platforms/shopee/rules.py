"""Shopee category rules from v2.product.get_attribute_tree: `mandatory` attributes, `attribute_unit_list` (the
units a quantitative attribute takes), and a size attribute's `attribute_value_list` (the category's sizes). Drafts
carry attributes as add_item's `attribute_list` ({attribute_id, attribute_value_list: [{value_id,
original_value_name, value_unit}]})."""

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
    split_value_unit,
)
from workers.platforms.shopee.codes import SHOPEE as PLATFORM

SIZE_NAMES = frozenset({"size", "clothing size", "shoe size"})


def rules_from(category_id: str, response: Mapping[str, Any], market: str) -> CategoryRules:
    categories = response.get("list")
    if not isinstance(categories, list):
        raise RulesUnavailable(reason="get_attribute_tree answered no list[]")
    tree = next(
        (
            c.get("attribute_tree")
            for c in categories
            if isinstance(c, Mapping) and str(c.get("category_id")) == category_id
        ),
        None,
    )
    if not isinstance(tree, list):
        raise RulesUnavailable(reason=f"get_attribute_tree answered no tree for category {category_id}")
    found: list[AttributeRule] = []
    size: SizeRule | None = None
    for attribute in tree:
        if not isinstance(attribute, Mapping) or attribute.get("attribute_id") is None:
            continue
        key = str(attribute["attribute_id"])
        name = str(attribute.get("display_name") or attribute.get("name") or key)
        info = as_mapping(attribute.get("attribute_info"))
        units = tuple(str(u) for u in info.get("attribute_unit_list") or ())
        if attribute.get("mandatory") or units:
            found.append(AttributeRule(key=key, name=name, required=bool(attribute.get("mandatory")), units=units))
        values = [
            str(v.get("display_name") or v.get("name"))
            for v in attribute.get("attribute_value_list") or ()
            if isinstance(v, Mapping) and (v.get("display_name") or v.get("name"))
        ]
        if str(attribute.get("name") or "").lower() in SIZE_NAMES and values:
            size = SizeRule(key=key, name=name, allowed=tuple(values), mapping=size_mapping(values))
    return rules_of(PLATFORM, market, category_id, found, size)


def draft_values(draft: ListingDraft) -> DraftValues:
    read: dict[str, list[AttributeValue]] = {}
    for attribute in draft.attributes.get("attribute_list") or ():
        if not isinstance(attribute, Mapping) or attribute.get("attribute_id") is None:
            continue
        values = []
        for value in attribute.get("attribute_value_list") or ():
            if not isinstance(value, Mapping):
                continue
            text = str(value.get("original_value_name") or "")
            if not text and value.get("value_id"):
                text = str(value["value_id"])  # a value picked from the tree's list
            unit = str(value.get("value_unit") or "") or None
            values.append(AttributeValue(text, unit) if unit or not text else split_value_unit(text))
        read[str(attribute["attribute_id"])] = values
    return read
