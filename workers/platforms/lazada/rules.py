"""Lazada category rules from GetCategoryAttributes (`/category/attributes/get?primary_category_id=`): attributes
with `is_mandatory` 1, `numeric` ones whose `options` are the units they take (given as {"value", "unit"}), and a
sale property named size whose options are the category's sizes. Drafts carry attributes by name, as CreateProduct
takes them (product level or SKU level)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workers.platforms.base import ListingDraft
from workers.platforms.lazada.codes import PLATFORM
from workers.platforms.rules import (
    AttributeRule,
    CategoryRules,
    DraftValues,
    RulesUnavailable,
    SizeRule,
    plain_values,
    rules_of,
    size_mapping,
)

ATTRIBUTES_PATH = "/category/attributes/get"
SIZE_NAMES = frozenset({"size", "clothing_size", "shoes_size"})
# Filled from the draft's own fields by the client, never from `attributes`.
FROM_DRAFT = frozenset({"name", "description", "brand"})


def rules_from(category_id: str, data: Any, market: str) -> CategoryRules:
    if not isinstance(data, list):
        raise RulesUnavailable(reason="GetCategoryAttributes answered no data[]")
    found: list[AttributeRule] = []
    size: SizeRule | None = None
    for attribute in data:
        if not isinstance(attribute, Mapping) or not attribute.get("name"):
            continue
        key = str(attribute["name"])
        if key in FROM_DRAFT:
            continue
        required = str(attribute.get("is_mandatory")) == "1"
        options = [
            str(o.get("name")) for o in attribute.get("options") or () if isinstance(o, Mapping) and o.get("name")
        ]
        units = tuple(options) if attribute.get("input_type") == "numeric" else ()
        if required or units:
            found.append(AttributeRule(key=key, name=key, required=required, units=units))
        if key.lower() in SIZE_NAMES and options and units == ():
            size = SizeRule(key=key, name=key, allowed=tuple(options), mapping=size_mapping(options))
    return rules_of(PLATFORM, market, category_id, found, size)


def draft_values(draft: ListingDraft) -> DraftValues:
    return plain_values(draft.attributes)
