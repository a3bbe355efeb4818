"""Amazon category rules from the Product Type Definitions API v2020-09-01: getDefinitionsProductType answers a link
to the product type's JSON Schema; the schema's `required` names the mandatory attributes, an attribute whose items
require `unit` carries a unit, and an enumerated `size` value gives the product type's sizes (with `enumNames`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from api.platforms import Market
from workers.platforms.amazon.codes import PLATFORM
from workers.platforms.amazon.wire import listing_attributes
from workers.platforms.base import ListingDraft
from workers.platforms.rules import (
    AttributeRule,
    CategoryRules,
    DraftValues,
    RulesUnavailable,
    SizeRule,
    as_mapping,
    plain_values,
    rules_of,
    size_mapping,
)

DEFINITIONS_PATH = "/definitions/2020-09-01/productTypes/{product_type}"
# The product type's size attributes (apparel uses `apparel_size`, most others `size`).
SIZE_ATTRIBUTES = ("apparel_size", "size")


def definition_params(marketplace_id: str, seller_id: str) -> dict[str, str]:
    return {
        "marketplaceIds": marketplace_id,
        "sellerId": seller_id,
        "requirements": "LISTING",
        "requirementsEnforced": "ENFORCED",
        "locale": "DEFAULT",
    }


def schema_link(body: bytes) -> str:
    """The schema's URL from a getDefinitionsProductType answer."""
    try:
        data = json.loads(body)
        link = data["schema"]["link"]["resource"]
    except (ValueError, KeyError, TypeError):
        raise RulesUnavailable(reason="getDefinitionsProductType answered no schema link") from None
    if not isinstance(link, str) or not link.startswith(("http://", "https://")):
        raise RulesUnavailable(reason="getDefinitionsProductType answered no schema link")
    return link


def rules_from_schema(product_type: str, body: bytes, market_code: str) -> CategoryRules:
    try:
        schema = json.loads(body)
    except ValueError:
        raise RulesUnavailable(reason="the product type schema is not JSON") from None
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        raise RulesUnavailable(reason="the product type schema has no properties")
    required = {str(name) for name in schema.get("required") or ()}
    attributes = []
    size: SizeRule | None = None
    for name, spec in properties.items():
        item = _item(spec)
        item_props = as_mapping(item.get("properties"))
        unit = item_props.get("unit") if isinstance(item_props.get("unit"), Mapping) else None
        needs_unit = unit is not None and "unit" in (item.get("required") or ())
        # A unit the schema requires but does not enumerate still has to be there: "*" stands for any unit.
        units = tuple(str(u) for u in unit.get("enum") or ("*",)) if unit is not None and needs_unit else ()
        if name in required or units:
            attributes.append(AttributeRule(key=name, name=name, required=name in required, units=units))
        value = as_mapping(item_props.get("value"))
        if name in SIZE_ATTRIBUTES and value.get("enum"):
            allowed = tuple(str(v) for v in value["enum"])
            names = dict(zip((str(n) for n in value.get("enumNames") or ()), allowed, strict=False))
            size = SizeRule(key=name, name=name, allowed=allowed, mapping=size_mapping(allowed, names))
    return rules_of(PLATFORM, market_code, product_type, attributes, size)


def _item(spec: Any) -> Mapping[str, Any]:
    items = spec.get("items") if isinstance(spec, Mapping) else None
    return items if isinstance(items, Mapping) else {}


def draft_values(draft: ListingDraft, market: Market) -> DraftValues:
    """The attributes as the putListingsItem body carries them: ours (item_name, offer, images) and the draft's."""
    return plain_values(listing_attributes(draft, market))
